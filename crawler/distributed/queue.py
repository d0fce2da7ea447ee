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
return item
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
        """Two round trips: the script pops and leases under a temporary field (a crash between
        the two steps loses nothing), then one pipeline moves the lease to the request's URL."""
        found = self._pop_script()(keys=[self.key, self.processing], args=[self.worker, self._lease_id()])
        if not found:
            return None
        data, score = found
        request = self._decode_request(data)
        pipe = self.server.pipeline(transaction=True)
        pipe.hset(self.processing, request.url, f"{self.worker}|".encode() + bytes(score) + b"|" + bytes(data))
        pipe.hdel(self.processing, self._last)
        pipe.execute()
        return request

    def _pop_script(self) -> Any:
        if getattr(self, "_script", None) is None:
            self._script = self.server.register_script(_POP_AND_LEASE)  # EVALSHA: the script is sent once
        return self._script

    def _lease_id(self) -> str:
        # A temporary field name until the request (and its URL) is decoded.
        self._last = f"lease:{self.worker}"
        return self._last

    def ack(self, *urls: str) -> None:
        if urls:
            self.server.hdel(self.processing, *urls)  # one round trip for a whole part

    def requeue_orphans(self) -> int:
        return int(self.server.eval(_REQUEUE_ORPHANS, 2, self.key, self.processing, self.heartbeat_prefix))

    def leased(self) -> int:
        return int(self.server.hlen(self.processing))

    def leased_by_others(self) -> int:
        """Leases of other workers (ours, when idle, are records in our open part: we settle them)."""
        mine = f"{self.worker}|".encode()
        return sum(1 for value in self.server.hvals(self.processing) if not value.startswith(mine))
