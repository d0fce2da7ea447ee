"""scrapy-redis Scheduler with leases, heartbeats and orphan re-queueing.

A request popped from the shared queue is leased to this worker until its outcome
is durable: a page without a record when its callback ends (`request_done`), a page
with a record when the part holding it is complete (`part_completed`) or the record
is dropped. While a worker lives it refreshes a heartbeat key; every worker puts
back the leases of workers whose heartbeat expired.

Settings read: REDIS_URL, NEWSCRAWL_REDIS_CRAWL, NEWSCRAWL_RUN_ID, NEWSCRAWL_WORKER_ID,
NEWSCRAWL_REDIS_TTL, NEWSCRAWL_REDIS_HEARTBEAT, NEWSCRAWL_REDIS_IDLE_CLOSE.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis import connection
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from pipelines.contracts.signals import part_completed, request_done
from pipelines.output import OUTPUT_ERROR

from .dupefilter import FingerprintDupeFilter
from .keys import DEFAULT_TTL, RunKeys


class LeasedScheduler(Scheduler):  # type: ignore[misc]
    def __init__(self, crawler: Crawler, server: Any, keys: RunKeys, worker: str) -> None:
        settings = crawler.settings
        super().__init__(server, persist=True, queue_key=keys.requests,
                         queue_cls="crawler.distributed.queue.LeasedPriorityQueue",
                         dupefilter_key=keys.dupefilter)
        self.crawler = crawler
        self.stats = crawler.stats
        self.keys = keys
        self.worker = worker
        self.ttl = settings.getint("NEWSCRAWL_REDIS_TTL", DEFAULT_TTL)
        self.beat = settings.getfloat("NEWSCRAWL_REDIS_HEARTBEAT", 5.0)
        self.idle_close = settings.getfloat("NEWSCRAWL_REDIS_IDLE_CLOSE", 10.0)
        self.idle_since: float | None = None
        self.loop: task.LoopingCall | None = None
        self.df = FingerprintDupeFilter(server, keys.dupefilter, crawler, self.ttl)
        crawler.signals.connect(self.on_request_done, signal=request_done)
        crawler.signals.connect(self.on_part_completed, signal=part_completed)
        crawler.signals.connect(self.on_item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(self.on_idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        settings = crawler.settings
        server = connection.from_settings(settings)
        server.ping()
        keys = RunKeys(settings.get("NEWSCRAWL_REDIS_CRAWL"), settings.get("NEWSCRAWL_RUN_ID"))
        return cls(crawler, server, keys, settings.get("NEWSCRAWL_WORKER_ID"))

    def open(self, spider: Any) -> None:
        super().open(spider)
        self.queue.processing = self.keys.processing
        self.queue.worker = self.worker
        self.queue.heartbeat_prefix = self.keys.heartbeat("")
        self.heartbeat()
        self.loop = task.LoopingCall(self.heartbeat)
        self.loop.start(self.beat, now=False)

    def close(self, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        # A clean stop hands back what it still holds: the others (or the next run) finish it.
        self.server.delete(self.keys.heartbeat(self.worker))
        self.queue.requeue_orphans()

    def heartbeat(self) -> None:
        self.server.set(self.keys.heartbeat(self.worker), str(time.time()), ex=max(3, int(self.beat * 3)))
        for key in (self.keys.requests, self.keys.processing):
            self.server.expire(key, self.ttl)
        moved = self.queue.requeue_orphans()
        if moved and self.stats is not None:
            self.stats.inc_value("newscrawl/redis/requeued_orphans", moved)

    def enqueue_request(self, request: Request) -> bool:
        redirected = request.meta.get("redirect_urls")
        added = bool(super().enqueue_request(request))
        if redirected:
            self.queue.ack(redirected[-1])  # the hop before this one is done
        return added

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0

    def on_request_done(self, request: Request, produced_record: bool) -> None:
        if not produced_record:
            self.queue.ack(request.url)

    def on_part_completed(self, requested_urls: list[str]) -> None:
        self.queue.ack(*requested_urls)

    def on_item_dropped(self, item: Any, exception: BaseException) -> None:
        url = getattr(item, "requested_url", None)
        if url and not str(exception).startswith(OUTPUT_ERROR):  # not written: keep it leased
            self.queue.ack(url)

    def on_idle(self) -> None:
        """Stay open while any worker holds leases or the queue refills; close after
        NEWSCRAWL_REDIS_IDLE_CLOSE seconds of a run with nothing left anywhere."""
        if len(self.queue) or self.queue.leased_by_others():
            self.idle_since = None
            raise DontCloseSpider("other workers still hold requests")
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if now - self.idle_since < self.idle_close:
            raise DontCloseSpider("waiting for new requests")
