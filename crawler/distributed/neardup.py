"""The near-duplicate index in Redis, so every worker of a crawl links copies to the same
earliest one. Implements pipelines.neardup_store.NearDupStore; selected in distributed
mode through NEWSCRAWL_NEARDUP_STORE (crawler.addon)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scrapy.settings import BaseSettings

from pipelines.neardup_store import Entry

from . import connection
from .keys import state_key


class RedisNearDupStore:
    def __init__(self, server: Any, crawl: str, params: str) -> None:
        self.server = server
        self.docs = state_key(crawl, "neardup:docs")  # HASH seq -> entry (JSON, signature hex)
        self.seq = state_key(crawl, "neardup:seq")  # counter: the order copies were seen in
        self.hashes = state_key(crawl, "neardup:hash:")  # + content hash -> ZSET of seq
        self.bands = state_key(crawl, "neardup:band:")  # + band -> ZSET of seq
        meta = state_key(crawl, "neardup:params")
        # Signatures made with other parameters cannot be compared: refuse a mixed index.
        stored = server.get(meta)
        if stored is None:
            server.set(meta, params)
        elif stored.decode() != params:
            raise ValueError(f"the near-duplicate index in Redis was built with {stored.decode()}, not {params}")

    @classmethod
    def from_settings(cls, settings: BaseSettings, params: str) -> RedisNearDupStore:
        return cls(connection.from_settings(settings), settings.get("NEWSCRAWL_REDIS_CRAWL"), params)

    def _entries(self, seqs: Sequence[bytes | int]) -> list[Entry]:
        if not seqs:
            return []
        raw = self.server.hmget(self.docs, list(seqs))
        out = []
        for seq, value in zip(seqs, raw, strict=True):
            if value is not None:
                data = json.loads(value)
                out.append(Entry(data["key"], data["url"], data["root_url"], data["root_key"],
                                 data["content_hash"], bytes.fromhex(data["signature"]), int(seq)))
        return out

    def first_with_hash(self, content_hash: str, exclude_key: str) -> Entry | None:
        seqs = self.server.zrange(self.hashes + content_hash, 0, 20)
        return next((e for e in self._entries(seqs) if e.key != exclude_key), None)

    def candidates(self, bands: Sequence[int], exclude_key: str, limit: int) -> list[Entry]:
        pipe = self.server.pipeline(transaction=False)
        for band in bands:
            pipe.zrange(self.bands + str(band), 0, limit)
        seqs = sorted({int(s) for found in pipe.execute() for s in found})
        return [e for e in self._entries(seqs) if e.key != exclude_key][:limit]

    def add(self, entry: Entry, bands: Sequence[int]) -> None:
        seq = int(self.server.incr(self.seq))
        value = json.dumps({"key": entry.key, "url": entry.url, "root_url": entry.root_url,
                            "root_key": entry.root_key, "content_hash": entry.content_hash,
                            "signature": entry.signature.hex()})
        pipe = self.server.pipeline(transaction=True)
        pipe.hset(self.docs, seq, value)
        pipe.zadd(self.hashes + entry.content_hash, {seq: seq})
        for band in bands:
            pipe.zadd(self.bands + str(band), {seq: seq})
        pipe.execute()

    def close(self) -> None:
        pass  # the connection pool closes with the process
