"""The seen-article state of scheduled runs, in Redis: shared by every worker of a crawl.

A pipelines.state.StateStore, chosen by NEWSCRAWL_STATE_STORE (crawler/addon.py sets it with REDIS_URL).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import cast

from redis import Redis
from scrapy.settings import BaseSettings

from pipelines.state import Written

from . import connection
from .keys import state_key


class RedisStateStore:
    def __init__(self, server: Redis, crawl: str) -> None:
        self.server = server
        self.articles_key = state_key(crawl, "articles")  # HASH key -> {url, hash, lastmod, part}
        self.parts = state_key(crawl, "parts")  # SET of applied part paths (worker-qualified)
        self.watermarks = state_key(crawl, "watermarks")  # HASH site -> JSON

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RedisStateStore:
        return cls(connection.from_settings(settings), settings.get("NEWSCRAWL_REDIS_CRAWL"))

    def close(self) -> None:
        pass  # the connection pool is shared and closes with the process

    def article(self, key: str) -> Written | None:
        raw = cast("bytes | None", self.server.hget(self.articles_key, key))  # redis-py types sync and async alike
        if raw is None:
            return None
        return self._written(key, raw)

    def articles(self, keys: Sequence[str]) -> dict[str, Written]:
        if not keys:
            return {}
        raws = cast("list[bytes | None]", self.server.hmget(self.articles_key, list(keys)))
        return {key: self._written(key, raw) for key, raw in zip(keys, raws, strict=True) if raw is not None}

    @staticmethod
    def _written(key: str, raw: bytes) -> Written:
        data = json.loads(raw)
        return Written(key, data["url"], data["content_hash"], data.get("lastmod"))

    def count_articles(self) -> int:
        return cast(int, self.server.hlen(self.articles_key))

    def part_applied(self, part: str) -> bool:
        return bool(self.server.sismember(self.parts, part))

    def apply_part(self, part: str, written: Iterable[Written], when: str) -> None:
        pipe = self.server.pipeline(transaction=True)
        for w in written:
            pipe.hset(self.articles_key, w.key, json.dumps(
                {"url": w.url, "content_hash": w.content_hash, "lastmod": w.lastmod, "written_at": when, "part": part}))
        pipe.sadd(self.parts, part)
        pipe.execute()

    def forget_part(self, part: str) -> int:
        """Unmark the articles whose latest record is in `part` (found damaged)."""
        keys = [key for key, raw in self.server.hscan_iter(self.articles_key)
                if json.loads(raw).get("part") == part]
        if keys:
            self.server.hdel(self.articles_key, *keys)
        self.server.srem(self.parts, part)
        return len(keys)

    def update_watermark(self, site: str, newest_published: str | None, when: str) -> None:
        old, _ = self.watermark(site)
        newest = max(filter(None, (old, newest_published)), default=None)
        self.server.hset(self.watermarks, site,
                         json.dumps({"newest_published": newest, "last_run": when}))

    def watermark(self, site: str) -> tuple[str | None, str | None]:
        raw = cast("bytes | None", self.server.hget(self.watermarks, site))
        if raw is None:
            return None, None
        data = json.loads(raw)
        return data.get("newest_published"), data.get("last_run")
