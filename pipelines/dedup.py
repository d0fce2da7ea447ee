"""No article written twice in a run: records keyed by canonical URL."""

from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawler.items import ArticleRecord

from .normalization.urls import dedup_key


class DedupPipeline:
    """Drops a record whose canonical URL was already written in this run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.seen: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        key = dedup_key(item.url)
        if key in self.seen:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/dropped/duplicate")
            raise DropItem(f"duplicate: already written in this run: {item.url}")
        self.seen.add(key)
        return item
