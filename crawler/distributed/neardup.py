"""The near-duplicate index in Redis, so every worker of a crawl links copies to the same
earliest one. Implements pipelines.neardup_store.NearDupStore; selected in distributed
mode through NEWSCRAWL_NEARDUP_STORE (crawler.addon).

Each call is one round trip (a Lua script): a lookup reads the sequence numbers and their
entries together, an add numbers the entry and indexes its bands together.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from scrapy.settings import BaseSettings

from pipelines.neardup_store import Entry

from . import connection
from .keys import state_key

# KEYS[1] docs, KEYS[2..] sorted sets of sequence numbers; ARGV[1] the last rank to read of each.
# Returns the distinct sequence numbers in order and their entries.
_LOOKUP = """
local seen, seqs = {}, {}
for i = 2, #KEYS do
  for _, s in ipairs(redis.call('ZRANGE', KEYS[i], 0, tonumber(ARGV[1]))) do
    local n = tonumber(s)
    if not seen[n] then seen[n] = true; seqs[#seqs + 1] = n end
  end
end
table.sort(seqs)
local entries = {}
for i = 1, #seqs, 1000 do
  for _, value in ipairs(redis.call('HMGET', KEYS[1], unpack(seqs, i, math.min(i + 999, #seqs)))) do
    entries[#entries + 1] = value
  end
end
return {seqs, entries}
"""
# KEYS[1] the counter, KEYS[2] docs, KEYS[3..] sorted sets to index it in; ARGV[1] the entry.
_ADD = """
local seq = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], seq, ARGV[1])
for i = 3, #KEYS do redis.call('ZADD', KEYS[i], seq, seq) end
return seq
"""


class RedisNearDupStore:
    def __init__(self, server: Any, crawl: str, params: str) -> None:
        self.server = server
        self.docs = state_key(crawl, "neardup:docs")  # HASH seq -> entry (JSON, signature hex)
        self.seq = state_key(crawl, "neardup:seq")  # counter: the order copies were seen in
        self.hashes = state_key(crawl, "neardup:hash:")  # + content hash -> ZSET of seq
        self.bands = state_key(crawl, "neardup:band:")  # + band -> ZSET of seq
        self._lookup_script = server.register_script(_LOOKUP)  # EVALSHA: each script is sent once
        self._add_script = server.register_script(_ADD)
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

    def _lookup(self, keys: list[str], last_rank: int) -> list[Entry]:
        seqs, values = self._lookup_script(keys=[self.docs, *keys], args=[last_rank])
        out = []
        for seq, value in zip(seqs, values, strict=True):
            if value:  # false: an entry gone (Redis returns nil in a table as false)
                data = json.loads(value)
                out.append(Entry(data["key"], data["url"], data["root_url"], data["root_key"],
                                 data["content_hash"], bytes.fromhex(data["signature"]), int(seq)))
        return out

    def first_with_hash(self, content_hash: str, exclude_key: str) -> Entry | None:
        return next((e for e in self._lookup([self.hashes + content_hash], 20) if e.key != exclude_key), None)

    def candidates(self, bands: Sequence[int], exclude_key: str, limit: int) -> list[Entry]:
        if not bands:
            return []
        found = self._lookup([self.bands + str(band) for band in bands], limit)
        return [e for e in found if e.key != exclude_key][:limit]

    def add(self, entry: Entry, bands: Sequence[int]) -> None:
        value = json.dumps({"key": entry.key, "url": entry.url, "root_url": entry.root_url,
                            "root_key": entry.root_key, "content_hash": entry.content_hash,
                            "signature": entry.signature.hex()})
        self._add_script(keys=[self.seq, self.docs, self.hashes + entry.content_hash,
                               *(self.bands + str(band) for band in bands)], args=[value])

    def close(self) -> None:
        pass  # the connection pool closes with the process
