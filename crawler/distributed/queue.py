"""scrapy-redis's priority queue with leases: pop moves a request into a processing hash."""

from __future__ import annotations

from typing import Any

from scrapy_redis.queue import PriorityQueue

# Pop the best request and lease it to `worker`, atomically (a crash between the two
# steps would otherwise lose it).
_POP_AND_LEASE = """
local item = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #item == 0 then return nil end
redis.call('ZREM', KEYS[1], item[1])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1] .. '|' .. item[2] .. '|' .. item[1])
return item[1]
"""
# Put back every request leased by a worker whose heartbeat key is gone.
_REQUEUE_ORPHANS = """
local moved = 0
local leases = redis.call('HGETALL', KEYS[2])
for i = 1, #leases, 2 do
  local value = leases[i + 1]
  local first = string.find(value, '|', 1, true)
  local second = string.find(value, '|', first + 1, true)
  local worker = string.sub(value, 1, first - 1)
  if redis.call('EXISTS', ARGV[1] .. worker) == 0 then
    redis.call('ZADD', KEYS[1], tonumber(string.sub(value, first + 1, second - 1)), string.sub(value, second + 1))
    redis.call('HDEL', KEYS[2], leases[i])
    moved = moved + 1
  end
end
return moved
"""


class LeasedPriorityQueue(PriorityQueue):  # type: ignore[misc]
    """Needs `processing` (hash key), `worker` and `heartbeat_prefix` set after construction."""

    processing: str
    worker: str
    heartbeat_prefix: str

    def pop(self, timeout: int = 0) -> Any:
        data = self.server.eval(_POP_AND_LEASE, 2, self.key, self.processing, self.worker, self._lease_id())
        if data is None:
            return None
        request = self._decode_request(data)
        self.server.hset(self.processing, request.url, self.server.hget(self.processing, self._last) or b"")
        self.server.hdel(self.processing, self._last)
        return request

    def _lease_id(self) -> str:
        # A temporary field name until the request (and its URL) is decoded.
        self._last = f"lease:{self.worker}"
        return self._last

    def ack(self, url: str) -> None:
        self.server.hdel(self.processing, url)

    def requeue_orphans(self) -> int:
        return int(self.server.eval(_REQUEUE_ORPHANS, 2, self.key, self.processing, self.heartbeat_prefix))

    def leased(self) -> int:
        return int(self.server.hlen(self.processing))

    def leased_by_others(self) -> int:
        """Leases of other workers (ours, when idle, are records in our open part: we settle them)."""
        mine = f"{self.worker}|".encode()
        return sum(1 for value in self.server.hvals(self.processing) if not value.startswith(mine))
