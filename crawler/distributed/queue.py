"""scrapy-redis's priority queue with leases: a popped request moves into a processing hash.

One round trip does a worker's whole exchange with the queue (`exchange`, a Lua script, so
atomic): the requests a response found (each checked against the dupefilter there, so a
known link costs no second command), the acks of settled requests, and a batch of requests
to work on, each leased to the worker under its URL. A queue member is `URL NUL request`,
so the script can name a lease without decoding the request.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

# KEYS: queue (ZSET), processing (HASH), dupefilter (SET), the run's workers (SET), the worker's
# last exchange (STRING). ARGV: the exchange's token, worker, requests to pop, n, then n x
# (fingerprint or '' for unfiltered, score, member), then the URLs to ack. Pushes come before
# acks: a page is settled only once its links are queued. A worker takes at most its share of
# what is queued (queued / workers, at least 1): near the end of a run a full batch leased to a
# busy worker left the others idle while it worked through it. The reply is kept with the
# token: when a reply is lost on the way and the client sends the same exchange again (its
# outage retry), the script answers it again instead of leasing a second batch, the first one
# stuck under a live worker's name.
_EXCHANGE = """
local last = redis.call('GET', KEYS[5])
if last then
  local kept = cmsgpack.unpack(last)
  if kept[1] == ARGV[1] then
    return {kept[2], kept[3]}
  end
end
local added = {}
local n = tonumber(ARGV[4])
local at = 5
for i = 1, n do
  if ARGV[at] == '' or redis.call('SADD', KEYS[3], ARGV[at]) == 1 then
    redis.call('ZADD', KEYS[1], ARGV[at + 1], ARGV[at + 2])
    added[i] = 1
  else
    added[i] = 0
  end
  at = at + 3
end
for i = at, #ARGV, 1000 do
  redis.call('HDEL', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
end
local popped = {}
local want = tonumber(ARGV[3])
if want > 1 then
  local share = math.floor(redis.call('ZCARD', KEYS[1]) / math.max(1, redis.call('SCARD', KEYS[4])))
  want = math.max(1, math.min(want, share))
end
if want > 0 then
  popped = redis.call('ZPOPMIN', KEYS[1], want)
  for i = 1, #popped, 2 do
    local member = popped[i]
    local cut = string.find(member, '\\0', 1, true)
    local url = cut and string.sub(member, 1, cut - 1) or member
    redis.call('HSET', KEYS[2], url, ARGV[2] .. '|' .. popped[i + 1] .. '|' .. member)
  end
end
redis.call('SET', KEYS[5], cmsgpack.pack({ARGV[1], added, popped}), 'EX', 3600)
return {added, popped}
"""
# Put back every request leased by a worker whose heartbeat key is gone.
_REQUEUE_ORPHANS = """
local moved = 0
local alive = {}
local leases = redis.call('HGETALL', KEYS[2])
for i = 1, #leases, 2 do
  local value = leases[i + 1]
  local first = string.find(value, '|', 1, true)
  local second = string.find(value, '|', first + 1, true)
  local worker = string.sub(value, 1, first - 1)
  if alive[worker] == nil then
    alive[worker] = redis.call('EXISTS', ARGV[1] .. worker) == 1
  end
  if not alive[worker] then
    redis.call('ZADD', KEYS[1], tonumber(string.sub(value, first + 1, second - 1)), string.sub(value, second + 1))
    redis.call('HDEL', KEYS[2], leases[i])
    moved = moved + 1
  end
end
return moved
"""


class LeasedPriorityQueue(PriorityQueue):  # type: ignore[misc]
    """Needs `processing` (hash key), `worker`, `heartbeat_prefix`, `dupefilter`, `workers` (set
    keys) and `last_exchange` (the worker's string key) set after construction."""

    processing: str
    worker: str
    heartbeat_prefix: str
    dupefilter: str
    workers: str
    last_exchange: str

    def _encode_request(self, request: Request) -> bytes:
        return request.url.encode() + b"\0" + bytes(super()._encode_request(request))

    def _decode_request(self, encoded_request: bytes) -> Request:
        _, _, data = encoded_request.partition(b"\0")
        return super()._decode_request(data)  # type: ignore[no-any-return]

    def exchange(self, pushes: Sequence[tuple[str | None, Request]], acks: Sequence[str],
                 pop: int, token: str | None = None) -> tuple[list[bool], list[Request]]:
        """Push (fingerprint, request) pairs not seen before (None: unfiltered), ack `acks`, then
        pop and lease up to `pop` requests, best first: one round trip. Returns which pushes were
        new, and the popped requests. `token` names the exchange (a fresh one by default): sent
        twice, it is done once."""
        if not pushes and not acks and pop <= 0:
            return [], []
        args: list[Any] = [token or os.urandom(8).hex(), self.worker, pop, len(pushes)]
        for fingerprint, request in pushes:
            args += [fingerprint or "", -request.priority, self._encode_request(request)]
        args += acks
        if getattr(self, "_script", None) is None:
            self._script = self.server.register_script(_EXCHANGE)  # EVALSHA: the script is sent once
        added, popped = self._script(keys=[self.key, self.processing, self.dupefilter, self.workers,
                                           self.last_exchange], args=args)
        return [bool(flag) for flag in added], [self._decode_request(m) for m in popped[::2]]

    def push(self, request: Request) -> None:
        self.exchange([(None, request)], [], 0)

    def pop(self, timeout: int = 0) -> Request | None:
        popped = self.exchange([], [], 1)[1]
        return popped[0] if popped else None

    def requeue_orphans(self) -> int:
        return int(self.server.eval(_REQUEUE_ORPHANS, 2, self.key, self.processing, self.heartbeat_prefix))

    def leased(self) -> int:
        return int(self.server.hlen(self.processing))

    def leased_by_others(self) -> int:
        """Leases of other workers (ours, when idle, are records in our open part: we settle them)."""
        mine = f"{self.worker}|".encode()
        return sum(1 for value in self.server.hvals(self.processing) if not value.startswith(mine))
