"""SiteProfile: what one news site needs beyond generic extraction, as data."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_url: str | None = None  # regex an article URL matches
    title_xpath: str | None = None
    date_xpath: str | None = None  # the visible publication date
    author_xpath: str | None = None
    body_xpath: str | None = None
    prune_xpaths: tuple[str, ...] = ()  # boilerplate removed before body extraction
    lead_prefix: str | None = None  # regex stripped from the lead, e.g. `(Dân trí) - `
    settings: dict[str, object] = field(default_factory=dict)  # Scrapy settings for this site

    def matches(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)
