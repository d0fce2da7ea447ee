"""Why a page did not become a record."""

from __future__ import annotations


class PageRejected(Exception):
    """A page that is not (or cannot become) an article record.

    `reason` is a short stable code used in stats and run reports
    (`not_article`, `not_html`, `empty`, `blocked`, ...); `detail` is for people.
    """

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
