"""At most NEWSCRAWL_MAX_ARTICLES records per site (requests already in flight included)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import ArticleRecord


class ArticleLimitPipeline:
    def __init__(self, crawler: Crawler, limit: int) -> None:
        self.crawler = crawler
        self.limit = limit
        self.written: Counter[str | None] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArticleLimitPipeline:
        limit = crawler.settings.getint("NEWSCRAWL_MAX_ARTICLES", 0)
        if limit <= 0:
            raise NotConfigured("no article limit")
        return cls(crawler, limit)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        if self.written[item.site] >= self.limit:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/dropped/over_max_articles")
            raise DropItem(f"over_max_articles: {self.limit} already written for {item.site}: {item.url}")
        self.written[item.site] += 1
        return item
