"""Distributed mode on scrapy-redis: many workers share one frontier in Redis.

Switched on by settings alone: REDIS_URL (set by `newscrawl run --redis` and
`newscrawl worker --redis`). What this layer adds to scrapy-redis 0.9:
- leases: a popped request stays in a processing hash until its outcome is durable;
  requests held by a dead worker (no heartbeat) go back to the queue (at-least-once),
  and the seen-article state makes the output exactly-once;
- Scrapy's own request fingerprinter in the dupefilter, and keys per run with an expiry;
- the seen-article state in Redis instead of SQLite (crawler.distributed.state).
The spider's `async def start()` seeds the queue (scrapy-redis still relies on the
removed `start_requests()`).
"""
