"""Finding article URLs: robots.txt, sitemaps, feeds, and links between pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """An article URL found in a sitemap or feed, with the date it was listed with."""

    url: str
    date: str | None = None  # raw string, parsed later with the page's other date evidence
    source: str = "sitemap"  # or "feed"
