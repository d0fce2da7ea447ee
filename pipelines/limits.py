"""Limits: NEWSCRAWL_MAX_PAGES / NEWSCRAWL_MAX_ARTICLES per site, nothing older than NEWSCRAWL_SINCE.

The values are read here once; the crawler applies them before fetching (frontier, budget
middleware) and these item pipelines to the records themselves.

The pipelines import Scrapy's exceptions where they raise them: `newscrawl extract` and the
sites file check use parse_since, and importing anything from scrapy loads all of it (~22 MiB)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from crawler.items import ArticleRecord

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

_SINCE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.I)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str | None, now: datetime | None = None) -> datetime | None:
    """`2d`, `12h`, `30m`, `1w`, or an ISO date/datetime -> aware datetime; ValueError if neither."""
    if value is None or str(value).strip() == "":
        return None
    now = now or datetime.now(timezone.utc)
    match = _SINCE.match(str(value))
    if match:
        try:
            return now - timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})
        except OverflowError:
            raise ValueError(f"invalid since value {value!r}: too far back (before the year 1)") from None
    try:
        since = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"invalid since value {value!r}: use 2d, 12h, 30m, 1w or a date like 2024-01-01") from None
    return since if since.tzinfo else since.replace(tzinfo=timezone.utc)


class SiteLimits:
    """The limit `name` (max_pages, max_articles) for a site; 0 means none."""

    def __init__(self, settings: BaseSettings) -> None:
        self.default = {"max_pages": settings.getint("NEWSCRAWL_MAX_PAGES", 0),
                        "max_articles": settings.getint("NEWSCRAWL_MAX_ARTICLES", 0)}
        self.per_site: dict[str, dict[str, int]] = dict(settings.getdict("NEWSCRAWL_SITE_LIMITS"))

    def get(self, site: str | None, name: str) -> int:
        value = self.per_site.get(site or "", {}).get(name)
        return int(value) if value else self.default[name]

    def any(self, name: str) -> bool:
        return bool(self.default[name] or any(v.get(name) for v in self.per_site.values()))


class ArticleLimitPipeline:
    def __init__(self, crawler: Crawler, limits: SiteLimits) -> None:
        self.crawler = crawler
        self.limits = limits
        self.written: Counter[str | None] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleLimitPipeline:
        from scrapy.exceptions import NotConfigured  # here: see the module docstring

        limits = SiteLimits(crawler.settings)
        if not limits.any("max_articles"):
            raise NotConfigured("no article limit")
        return cls(crawler, limits)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        limit = self.limits.get(item.site, "max_articles")
        if limit and self.written[item.site] >= limit:
            from scrapy.exceptions import DropItem  # here: see the module docstring

            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/dropped/over_max_articles")
            raise DropItem(f"over_max_articles: {limit} already written for {item.site}: {item.url}")
        self.written[item.site] += 1
        return item


class SincePipeline:
    """Drops records whose page says they were published before NEWSCRAWL_SINCE.

    The crawl already skips URLs dated older by sitemaps, feeds or their path; this
    catches the ones only the page itself dates.
    """

    def __init__(self, crawler: Crawler, since: datetime) -> None:
        self.crawler = crawler
        self.since = since

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SincePipeline:
        from scrapy.exceptions import NotConfigured  # here: see the module docstring

        since = parse_since(crawler.settings.get("NEWSCRAWL_SINCE"))
        if since is None:
            raise NotConfigured("no since limit")
        return cls(crawler, since)

    def process_item(self, item: Any) -> Any:
        published = item.published_at if isinstance(item, ArticleRecord) else None
        if published and datetime.fromisoformat(published) < self.since:
            from scrapy.exceptions import DropItem  # here: see the module docstring

            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/dropped/older_than_since")
            raise DropItem(f"older_than_since: published {item.published_at}: {item.url}")
        return item
