"""Record-level limits: NEWSCRAWL_MAX_ARTICLES per site, nothing older than NEWSCRAWL_SINCE."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.middlewares.budget import SiteLimits
from pipelines.contracts.items import ArticleRecord


class ArticleLimitPipeline:
    def __init__(self, crawler: Crawler, limits: SiteLimits) -> None:
        self.crawler = crawler
        self.limits = limits
        self.written: Counter[str | None] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleLimitPipeline:
        limits = SiteLimits(crawler.settings)
        if not limits.any("max_articles"):
            raise NotConfigured("no article limit")
        return cls(crawler, limits)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        limit = self.limits.get(item.site, "max_articles")
        if limit and self.written[item.site] >= limit:
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
        from crawler.frontier import parse_since

        since = parse_since(crawler.settings.get("NEWSCRAWL_SINCE"))
        if since is None:
            raise NotConfigured("no since limit")
        return cls(crawler, since)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleRecord) and item.published_at:
            if datetime.fromisoformat(item.published_at) < self.since:
                if self.crawler.stats is not None:
                    self.crawler.stats.inc_value("newscrawl/dropped/older_than_since")
                raise DropItem(f"older_than_since: published {item.published_at}: {item.url}")
        return item
