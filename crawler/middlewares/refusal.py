"""Requests and responses our middlewares refuse, each with a reason code for the run summary.

`Refused` is an IgnoreRequest, so Scrapy calls the request's errback with it, and the
spider's errback counts article and listing failures under `failed/REASON` or
`failed_links/REASON` (crawler.spiders.failures reads `reason`). Discovery requests
(robots.txt, sitemaps, feeds) are not counted by reason in the spider, so the
refusing middleware counts them here, under `failed_links/REASON` of their site.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from crawler.urls import site_of


class Refused(IgnoreRequest):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class Skipped(IgnoreRequest):
    """A request not sent because a limit was reached (the page budget, the article quota):
    counted under `skipped/REASON` where it is raised, never as a failure."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def is_discovery(request: Request) -> bool:
    return "discovery_callback" in request.meta


def count_link_failure(crawler: Crawler, url: str, reason: str) -> None:
    """`failed_links/REASON`, globally and for the URL's site (the summary reads the latter)."""
    stats = crawler.stats
    if stats is None:
        return
    stats.inc_value(f"newscrawl/failed_links/{reason}")
    site = site_of(url)
    if site:
        stats.inc_value(f"newscrawl/site/{site}/failed_links/{reason}")


def refuse(crawler: Crawler, request: Request, reason: str, detail: str) -> Refused:
    """The exception to raise; counted now if the spider will not count it by reason."""
    if is_discovery(request):
        count_link_failure(crawler, request.meta.get("requested_url", request.url), reason)
    return Refused(reason, detail)
