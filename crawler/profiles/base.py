"""SiteProfile: what one news site needs beyond generic crawling and extraction, as data.

Who reads what: the crawler seeds discovery with `feeds` and `sitemaps` and classifies URLs
with `article_url` (crawler/spiders/, crawler/discovery/links.py); extraction reads the
selectors, `prune_xpaths` and `lead_prefix` (pipelines/extract.py); normalization the
timezone, language, date order and formats (pipelines/normalize.py).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SiteProfile:
    """One site. Every field is optional except the name and the domains.

    Selectors are XPath expressions over the page; they refine generic
    extraction and never replace it (a missing node falls back to generic).
    """

    name: str
    domains: tuple[str, ...]  # bare hosts; `www.` and subdomains match too
    timezone: str | None = None  # IANA name used when a date has no offset
    language: str | None = None  # ISO 639-1
    date_order: str | None = None  # DMY / MDY / YMD for ambiguous numeric dates
    date_formats: tuple[str, ...] = ()  # strptime formats for the page's visible date
    feed_date_formats: tuple[str, ...] = ()  # strptime formats for its feed item dates
    feeds: tuple[str, ...] = ()  # fetched at the start of a crawl, with what robots.txt and the homepage list
    sitemaps: tuple[str, ...] = ()  # the same for sitemaps
    article_url: str | None = None  # regex (re.match) an article URL matches: such links are articles
    title_xpath: str | None = None
    date_xpath: str | None = None  # the visible publication date
    author_xpath: str | None = None
    prune_xpaths: tuple[str, ...] = ()  # boilerplate removed before body extraction
    lead_prefix: str | None = None  # regex stripped from the lead, e.g. `(Dân trí) - `

    def matches(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)
