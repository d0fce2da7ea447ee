"""Finding article URLs: robots.txt, sitemaps, feeds, and links between pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """An article URL found in a sitemap or feed, with the date it was listed with."""

    url: str
    date: str | None = None  # publication date (else lastmod), raw; parsed with the page's evidence
    source: str = "sitemap"  # or "feed"
    lastmod: str | None = None  # when the listing says the page last changed
