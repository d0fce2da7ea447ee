"""scrapy-redis Scheduler with leases, heartbeats and orphan re-queueing.

A request popped from the shared queue is leased to this worker until its outcome
is durable: a page without a record when its callback ends (`request_done`), a page
with a record when the part holding it is complete (`part_completed`) or the record
is dropped. While a worker lives it refreshes a heartbeat key; every worker puts
back the leases of workers whose heartbeat expired.

Redis going away: commands wait for it (crawler.distributed.connection retries for up
to NEWSCRAWL_REDIS_OUTAGE_MAX seconds). After an outage a worker takes nobody's leases
for dead until every live worker had time to renew its heartbeat. Redis that comes back
without the run's keys (restarted without persistence) or does not come back ends the
run with finish reason `redis_data_lost` or `redis_unavailable`: an exit status of 1 and
an honest report, never a hang and never "finished". Parts already written are kept,
and the next run re-learns them (pipelines/output.py), so running again completes it.

Round trips: the requests a response found and the acks of settled requests wait in this
process until the end of the reactor turn (or until the next pop), then go in one round trip,
links already in the dupefilter filtered there; a pop leases NEWSCRAWL_REDIS_POP_BATCH requests
at once and keeps them here. A buffered request is leased to this worker like one in flight:
a worker's death puts it back in the queue, a clean stop hands it back.

Settings read: REDIS_URL, NEWSCRAWL_REDIS_CRAWL, NEWSCRAWL_RUN_ID, NEWSCRAWL_WORKER_ID,
NEWSCRAWL_REDIS_TTL, NEWSCRAWL_REDIS_HEARTBEAT, NEWSCRAWL_REDIS_IDLE_CLOSE,
NEWSCRAWL_REDIS_OUTAGE_MAX, NEWSCRAWL_REDIS_POP_BATCH.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import Any

from redis.exceptions import RedisError
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.reactor import CallLaterOnce
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.signals import part_completed, request_done
from pipelines.dedup import STATE_UNAVAILABLE
from pipelines.output import OUTPUT_ERROR

from . import connection
from .dupefilter import FingerprintDupeFilter
from .keys import DEFAULT_TTL, RunKeys

logger = logging.getLogger(__name__)
DATA_LOST = connection.RunLost.finish_reason
UNAVAILABLE = "redis_unavailable"
DEFAULT_POP_BATCH = 8  # requests leased per round trip: few enough that the tail of a run stays shared
POLL_EMPTY = 0.25  # seconds between pops while the queue is empty (the engine itself retries every 5 s)
_HANDED_OVER = "_newscrawl_leased"  # meta flag: a request this worker already leased, handed to the engine
MAX_PENDING_PUSHES = 500  # a sitemap's links go in round trips of this many


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
        self.heartbeat_ttl = max(3, int(self.beat * 3))
        self.idle_close = settings.getfloat("NEWSCRAWL_REDIS_IDLE_CLOSE", 10.0)
        self.idle_since: float | None = None
        self.loop: task.LoopingCall | None = None
        self.polling = task.LoopingCall(self.poll)
        self.stopping: str | None = None  # why this worker stops early (Redis lost or gone)
        self.df = FingerprintDupeFilter(server, keys.dupefilter, crawler, self.ttl)
        self.pop_batch = max(1, settings.getint("NEWSCRAWL_REDIS_POP_BATCH", DEFAULT_POP_BATCH))
        self.popped: deque[Request] = deque()  # leased to this worker, not yet handed to the engine
        self.pushes: list[tuple[str | None, Request]] = []  # found, not yet sent (fingerprint, request)
        self.acks: list[str] = []  # settled, not yet sent; sent after the pushes
        self.flush_later = CallLaterOnce(self.flush)
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
        self.queue.dupefilter = self.keys.dupefilter
        self.queue.workers = self.keys.workers
        self.queue.last_exchange = self.keys.last_exchange(self.worker)
        try:
            self.server.sadd(self.keys.workers, self.worker)  # the coordinator waits for every one of them
        except RedisError as exc:
            self.unavailable(exc)
        self.heartbeat()  # and sets the expiry of the run's keys
        self.loop = task.LoopingCall(self.heartbeat)
        self.loop.start(self.beat, now=False)

    def close(self, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        if self.polling.running:
            self.polling.stop()
        self.flush_later.cancel()
        if self.stopping:
            return  # Redis is gone or empty: nothing to hand back there
        try:
            self.queue.exchange(self.pushes, self.acks, 0)
            self.pushes, self.acks = [], []
            # A clean stop hands back what it still holds (the requests it popped but did not
            # start too): the others (or the next run) finish it.
            self.server.delete(self.keys.heartbeat(self.worker))
            self.queue.requeue_orphans()
        except RedisError as exc:
            logger.error("could not hand back this worker's leases: %s", exc)

    def heartbeat(self) -> None:
        if self.stopping:
            return
        try:
            if not self.server.exists(self.keys.marker):
                self.stop(DATA_LOST, "Redis no longer has this run's keys (it restarted without persistence, "
                          "or they were deleted): the run stops here")
                return
            pipe = self.server.pipeline(transaction=False)  # one round trip
            pipe.set(self.keys.heartbeat(self.worker), str(time.time()), ex=self.heartbeat_ttl)
            for key in (self.keys.requests, self.keys.processing, self.keys.marker, self.keys.workers):
                pipe.expire(key, self.ttl)
            pipe.execute()
            if self.in_grace():
                return
            moved = self.queue.requeue_orphans()
        except RedisError as exc:
            self.unavailable(exc)
            return
        if moved and self.stats is not None:
            self.stats.inc_value("newscrawl/redis/requeued_orphans", moved)

    def in_grace(self) -> bool:
        """Just after an outage: the other workers' heartbeats may have expired while they
        waited for Redis like us; their leases are not orphans until they had time to renew."""
        retry = self.server.get_retry()
        recovered = getattr(retry, "recovered_at", None)
        return recovered is not None and time.monotonic() - recovered < self.heartbeat_ttl + self.beat

    def unavailable(self, exc: BaseException) -> None:
        if isinstance(exc, connection.RunLost):
            self.stop(DATA_LOST, str(exc))
        else:
            self.stop(UNAVAILABLE, f"Redis is unavailable ({exc}): the run stops here")

    def stop(self, reason: str, message: str) -> None:
        """End this worker's crawl early, once, with a failure reason and a message for the report."""
        if self.stopping:
            return
        self.stopping = reason
        logger.error("%s; what was written is kept: run again to complete it", message)
        if self.stats is not None:
            self.stats.set_value("newscrawl/redis/error", message)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason=reason))

    def enqueue_request(self, request: Request) -> bool:
        """Queued by the next exchange with Redis; a duplicate is dropped there (logged, and
        `request_dropped` sent then), so True here means 'taken', not 'new'."""
        if self.stopping:
            return False
        if request.meta.pop(_HANDED_OVER, False):  # from poll(): leased already, first in line
            self.popped.appendleft(request)
            return True
        self.pushes.append((None if request.dont_filter else self.df.request_fingerprint(request), request))
        redirected = request.meta.get("redirect_urls")
        if redirected:
            self.acks.append(redirected[-1])  # the hop before this one is done
        if len(self.pushes) >= MAX_PENDING_PUSHES:
            self.flush()
        else:
            self.flush_soon()
        return True

    def next_request(self) -> Request | None:
        if self.stopping:
            return None
        if not self.popped:
            self.exchange(self.pop_batch)
        if not self.popped:
            if not self.polling.running:
                self.polling.start(POLL_EMPTY, now=False)
            return None
        if self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return self.popped.popleft()

    def poll(self) -> None:
        """While the queue is empty, look again every POLL_EMPTY seconds, and wake the engine
        when requests come (a worker that joins early, or runs dry while the others' pages
        bring new links, would otherwise wait for the engine's 5-second heartbeat)."""
        engine = self.crawler.engine
        if self.stopping or engine is None or engine.spider is None:
            self.polling.stop()
            return
        if not self.popped:
            self.exchange(self.pop_batch)
        if self.popped:
            self.polling.stop()
            request = self.popped.popleft()
            request.meta[_HANDED_OVER] = True
            engine.crawl(request)  # back through enqueue_request, which keeps it; the engine looks now

    def has_pending_requests(self) -> bool:
        if self.stopping:
            return False
        if self.popped or self.pushes:
            return True
        try:
            return len(self.queue) > 0
        except RedisError as exc:
            self.unavailable(exc)
            return False

    def __len__(self) -> int:
        try:
            queued = len(self.queue)
        except RedisError:
            queued = 0  # a count for a log line: the commands that matter report the outage
        return len(self.popped) + len(self.pushes) + queued

    def flush_soon(self) -> None:
        """One exchange for everything a reactor turn found or settled (a response's links, its ack)."""
        self.flush_later.schedule()

    def flush(self) -> None:
        if self.pushes or self.acks:
            self.exchange(0)

    def exchange(self, pop: int) -> None:
        """Send the pending pushes and acks and pop up to `pop` requests, in one round trip."""
        if self.stopping:
            return
        pushes, acks = self.pushes, self.acks
        self.pushes, self.acks = [], []
        try:
            added, popped = self.queue.exchange(pushes, acks, pop)
        except RedisError as exc:
            self.unavailable(exc)  # the run stops; what was not acked stays leased for the next one
            return
        self.popped.extend(popped)
        new = sum(added)
        for (_, request), fresh in zip(pushes, added, strict=True):
            if not fresh:  # what Scrapy's engine says of a request its scheduler refuses
                self.df.log(request, self.spider)
                self.crawler.signals.send_catch_log(signals.request_dropped, request=request, spider=self.spider)
        if new and self.stats is not None:
            self.stats.inc_value("scheduler/enqueued/redis", new)
        if new and self.df.count_added(new):
            try:
                self.server.expire(self.keys.dupefilter, self.ttl)
            except RedisError as exc:
                self.unavailable(exc)

    def ack(self, urls: list[str]) -> None:
        if self.stopping:
            return
        self.acks.extend(urls)
        self.flush_soon()

    def on_request_done(self, request: Request, produced_record: bool) -> None:
        if not produced_record:
            self.ack([request.url])

    def on_part_completed(self, requested_urls: list[str]) -> None:
        self.ack(requested_urls)

    def on_item_dropped(self, item: Any, exception: BaseException) -> None:
        url = getattr(item, "requested_url", None)
        if url and not str(exception).startswith((OUTPUT_ERROR, STATE_UNAVAILABLE)):  # not written: keep it leased
            self.ack([url])

    def on_idle(self) -> None:
        """Stay open while any worker holds leases or the queue refills; close after
        NEWSCRAWL_REDIS_IDLE_CLOSE seconds of a run with nothing left anywhere."""
        if self.stopping:
            return
        self.flush()
        try:
            busy = len(self.queue) or self.queue.leased_by_others()
            lost = not busy and not self.server.exists(self.keys.marker)
        except RedisError as exc:
            self.unavailable(exc)
            return
        if lost:  # an empty queue because Redis forgot the run, not because the work is done
            self.heartbeat()
            raise DontCloseSpider("Redis lost the run")
        if busy:
            self.idle_since = None
            raise DontCloseSpider("other workers still hold requests")
        now = time.monotonic()
        self.idle_since = self.idle_since or now
        if now - self.idle_since < self.idle_close:
            raise DontCloseSpider("waiting for new requests")
