"""No article written twice: within a run by canonical URL, across runs by content hash."""

from __future__ import annotations

import sqlite3
import sys
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured

from crawler.items import ArticleRecord
from crawler.urls import dedup_key

from .state import StateStore, open_state_store

STATE_UNAVAILABLE = "state_unavailable"  # drop reason: kept leased in distributed mode, fetched again


def _store_errors() -> tuple[type[Exception], ...]:
    """The errors of the state stores in use. A Redis store has imported redis; an embedded
    crawl does not pay for importing it just to name its exception."""
    redis = sys.modules.get("redis.exceptions")
    return (sqlite3.Error, redis.RedisError) if redis is not None else (sqlite3.Error,)


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


class UnchangedPipeline:
    """Drops a record an earlier run already wrote with the same content hash.

    A changed article (same URL, new hash) passes: it becomes a new record version.
    Settings read: NEWSCRAWL_STATE_DIR (this pipeline is off without it).
    """

    def __init__(self, crawler: Crawler, state: StateStore) -> None:
        self.crawler = crawler
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> UnchangedPipeline:
        state = open_state_store(crawler.settings)
        if state is None:
            raise NotConfigured("no state directory")
        return cls(crawler, state)

    def close_spider(self) -> None:
        self.state.close()

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        try:
            earlier = self.state.article(dedup_key(item.url))
        except _store_errors() as exc:  # not written, not marked: fetched again later
            raise DropItem(f"{STATE_UNAVAILABLE}: the state cannot be read ({exc}): {item.url}") from None
        if earlier is not None and earlier.content_hash == item.content_hash:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/dropped/unchanged")
            raise DropItem(f"unchanged: written by an earlier run with the same content: {item.url}")
        if earlier is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/new_versions")
        return item
