"""The shared queue's exchange with Redis on a real redis-server: pushes filtered by the
dupefilter, acks after pushes, batches of leased requests, and what a worker's death or a
clean stop does to the requests it popped but had not started."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from redis import Redis
from scrapy import Request, Spider, signals
from scrapy.utils.test import get_crawler

from crawler.distributed.keys import RunKeys
from crawler.distributed.queue import LeasedPriorityQueue
from tests.test_distributed import redis_url  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow  # a redis-server process

KEYS = RunKeys("news", "run-1")


def queue_of(client: Redis, worker: str) -> LeasedPriorityQueue:
    queue = LeasedPriorityQueue(client, Spider("news"), KEYS.requests)
    queue.processing, queue.worker = KEYS.processing, worker
    queue.heartbeat_prefix, queue.dupefilter = KEYS.heartbeat(""), KEYS.dupefilter
    queue.workers = KEYS.workers
    queue.last_exchange = KEYS.last_exchange(worker)
    return queue


@pytest.fixture()
def client(redis_url: str) -> Iterator[Redis]:  # noqa: F811
    with Redis.from_url(redis_url) as redis:
        yield redis


def test_pushes_are_filtered_in_redis_and_acks_follow_them(client: Redis) -> None:
    queue = queue_of(client, "w1")
    added, popped = queue.exchange([("fp-a", Request("http://a/1")), ("fp-b", Request("http://a/2", priority=5)),
                                    ("fp-a", Request("http://a/1")), (None, Request("http://a/3"))], [], 1)
    assert added == [True, True, False, True]  # the repeated fingerprint is dropped; None is unfiltered
    assert [r.url for r in popped] == ["http://a/2"]  # the best first, leased under its URL
    assert client.hget(KEYS.processing, "http://a/2").startswith(b"w1|-5|http://a/2\0")  # type: ignore[union-attr]
    # One exchange: the links a page found go in before the page's own ack.
    added, popped = queue.exchange([("fp-c", Request("http://a/4"))], ["http://a/2"], 0)
    assert added == [True] and popped == []
    assert client.hlen(KEYS.processing) == 0 and client.zcard(KEYS.requests) == 3
    assert client.scard(KEYS.dupefilter) == 3


def test_a_worker_takes_at_most_its_share_of_what_is_queued(client: Redis) -> None:
    # Near the end of a run, a whole batch leased to one busy worker would leave the others idle.
    queue = queue_of(client, "w1")
    queue.exchange([(f"fp{i}", Request(f"http://a/{i}", priority=i)) for i in range(40)], [], 0)
    assert len(queue.exchange([], [], 8)[1]) == 8  # one worker known: a full batch (32 left)
    client.sadd(KEYS.workers, "w1", "w2", "w3")
    assert len(queue.exchange([], [], 8)[1]) == 8  # 32 queued / 3 workers = 10: still a batch
    assert len(queue.exchange([], [], 8)[1]) == 8  # 24 / 3
    assert len(queue.exchange([], [], 8)[1]) == 5  # 16 / 3
    assert len(queue.exchange([], [], 8)[1]) == 3  # 11 / 3
    assert [len(queue.exchange([], [], 8)[1]) for _ in range(9)] == [2, 2, 1, 1, 1, 1, 0, 0, 0]
    assert client.hlen(KEYS.processing) == 40


def test_a_batch_popped_by_a_worker_that_dies_goes_back_whole(client: Redis) -> None:
    first = queue_of(client, "w1")
    first.exchange([(f"fp{i}", Request(f"http://a/{i}", priority=i)) for i in range(10)], [], 0)
    client.set(KEYS.heartbeat("w1"), "alive")
    client.set(KEYS.heartbeat("w2"), "alive")
    popped = first.exchange([], [], 4)[1]
    assert [r.url for r in popped] == [f"http://a/{i}" for i in (9, 8, 7, 6)]
    assert client.hlen(KEYS.processing) == 4 and client.zcard(KEYS.requests) == 6
    second = queue_of(client, "w2")
    assert second.requeue_orphans() == 0  # w1 lives: its buffered requests stay its own
    client.delete(KEYS.heartbeat("w1"))  # w1 dies with 4 requests popped and none started
    assert second.requeue_orphans() == 4
    assert client.hlen(KEYS.processing) == 0
    again = second.exchange([], [], 10)[1]
    assert [r.url for r in again] == [f"http://a/{i}" for i in range(9, -1, -1)]  # all, once, in priority order


def open_scheduler(redis_url: str, worker: str, batch: int) -> Any:  # noqa: F811
    from crawler.distributed.scheduler import LeasedScheduler

    crawler = get_crawler(Spider, {"REDIS_URL": redis_url, "NEWSCRAWL_REDIS_CRAWL": KEYS.crawl,
                                   "NEWSCRAWL_RUN_ID": KEYS.run, "NEWSCRAWL_WORKER_ID": worker,
                                   "NEWSCRAWL_REDIS_POP_BATCH": batch})
    Redis.from_url(redis_url).set(KEYS.marker, "1")  # the run was started
    scheduler = LeasedScheduler.from_crawler(crawler)
    scheduler.open(Spider("news"))
    return scheduler


def test_a_clean_stop_hands_back_the_requests_it_popped_but_did_not_start(
        redis_url: str, client: Redis) -> None:  # noqa: F811
    scheduler = open_scheduler(redis_url, "w1", batch=5)
    dropped: list[str] = []
    scheduler.crawler.signals.connect(lambda request, spider: dropped.append(request.url),
                                      signal=signals.request_dropped, weak=False)
    for i in range(8):
        assert scheduler.enqueue_request(Request(f"http://a/{i}"))
    assert scheduler.enqueue_request(Request("http://a/0"))  # taken; the dupefilter drops it in Redis
    assert client.zcard(KEYS.requests) == 0 and len(scheduler) == 9  # not sent yet: one round trip later
    started = scheduler.next_request()  # sends the pushes, leases a batch of 5, hands out one
    assert started is not None and len(scheduler.popped) == 4
    assert dropped == ["http://a/0"]  # as Scrapy's engine reports a request its scheduler refuses
    assert client.zcard(KEYS.requests) == 3 and client.hlen(KEYS.processing) == 5
    scheduler.ack([started.url])
    scheduler.close("finished")  # the pending ack goes out; the 4 popped requests go back
    assert client.hlen(KEYS.processing) == 0
    assert sorted(m.split(b"\0")[0] for m in client.zrange(KEYS.requests, 0, -1)) == [
        f"http://a/{i}".encode() for i in range(8) if f"http://a/{i}" != started.url]


def test_the_near_duplicate_index_in_redis_answers_as_the_one_in_memory(client: Redis) -> None:
    from crawler.distributed.neardup import RedisNearDupStore
    from pipelines.neardup_store import Entry, MemoryStore

    redis_store, memory = RedisNearDupStore(client, "news", "params"), MemoryStore()
    entries = [(Entry(f"k{i % 4}", f"http://a/{i}", f"http://a/{i}", f"k{i % 4}", f"h{i % 3}", bytes([i]) * 8),
                [i % 5, 10 + i % 2]) for i in range(12)]
    for entry, bands in entries:
        redis_store.add(entry, bands)
        memory.add(entry, bands)
    redis_store.first_with_hash("h-none", "k0")  # the script's first call loads it (EVALSHA, SCRIPT LOAD, EVALSHA)
    calls = client.info("commandstats")["cmdstat_evalsha"]["calls"]

    def same(a: Entry | None, b: Entry | None) -> bool:  # the stores number entries from 1 and 0
        return (a is None and b is None) or (a is not None and b is not None and a.url == b.url
                                             and a.signature == b.signature and a.seq == b.seq + 1)

    for content_hash, exclude in (("h0", "k0"), ("h1", "k9"), ("h9", "k0")):
        assert same(redis_store.first_with_hash(content_hash, exclude), memory.first_with_hash(content_hash, exclude))
    for bands, exclude, limit in (([0, 11], "k1", 3), ([2, 3, 4, 10], "k0", 50), ([7], "k0", 5), ([], "k0", 5)):
        got, want = redis_store.candidates(bands, exclude, limit), memory.candidates(bands, exclude, limit)
        assert len(got) == len(want) and all(same(a, b) for a, b in zip(got, want, strict=True))
    assert client.info("commandstats")["cmdstat_evalsha"]["calls"] - calls == 6  # one round trip per lookup


def test_the_coordinator_finds_live_workers_without_walking_the_keyspace(client: Redis) -> None:
    from crawler.distributed.reports import wait_for_workers

    client.sadd(KEYS.workers, "w1", "w2")
    client.set(KEYS.heartbeat("w2"), "alive")
    client.mset({f"newscrawl:news:state:neardup:band:{i}": i for i in range(3000)})
    client.config_resetstat()
    assert wait_for_workers(client, KEYS, timeout=0) == [KEYS.heartbeat("w2")]
    assert "cmdstat_scan" not in client.info("commandstats")
    client.delete(KEYS.heartbeat("w2"))
    assert wait_for_workers(client, KEYS, timeout=0) == []


def test_a_worker_that_finds_the_queue_empty_looks_again_soon(redis_url: str, client: Redis) -> None:  # noqa: F811
    scheduler = open_scheduler(redis_url, "w1", batch=4)
    assert scheduler.next_request() is None
    assert scheduler.polling.running  # not only on the engine's 5-second heartbeat
    queue_of(client, "w2").exchange([("fp-x", Request("http://a/x"))], [], 0)  # another worker finds a link
    crawled: list[Request] = []

    def crawl(request: Request) -> None:  # Scrapy's engine.crawl: through the scheduler, then it looks
        crawled.append(request)
        assert scheduler.enqueue_request(request)

    scheduler.crawler.engine = SimpleNamespace(spider=Spider("news"), crawl=crawl)
    scheduler.poll()
    assert not scheduler.polling.running and [r.url for r in crawled] == ["http://a/x"]
    started = scheduler.next_request()
    assert started is not None and started.url == "http://a/x" and "_newscrawl_leased" not in started.meta
    assert client.zcard(KEYS.requests) == 0 and scheduler.pushes == []  # handed over, not queued again
    assert client.hget(KEYS.processing, "http://a/x").startswith(b"w1|")  # type: ignore[union-attr]
    scheduler.close("finished")


def test_an_exchange_sent_again_after_a_lost_reply_is_answered_again_not_done_twice(client: Redis) -> None:
    # The outage retry sends the same exchange again when Redis ran it but the reply was lost:
    # a second pop would leave the first batch leased to this live worker, never crawled.
    queue = queue_of(client, "w1")
    queue.exchange([(f"fp{i}", Request(f"http://a/{i}", priority=i)) for i in range(10)], [], 0)
    pushes = [("fp-new", Request("http://a/new"))]
    first = queue.exchange(pushes, ["http://a/gone"], 3, token="t1")
    again = queue.exchange(pushes, ["http://a/gone"], 3, token="t1")
    assert first[0] == again[0] == [True]  # the push is still reported new, not a duplicate
    assert [r.url for r in again[1]] == [r.url for r in first[1]] == ["http://a/9", "http://a/8", "http://a/7"]
    assert client.hlen(KEYS.processing) == 3 and client.zcard(KEYS.requests) == 8
    after = queue.exchange([], [], 3, token="t2")  # a new exchange pops the next ones
    assert [r.url for r in after[1]] == ["http://a/6", "http://a/5", "http://a/4"]
    assert client.hlen(KEYS.processing) == 6
    other = queue_of(client, "w2").exchange([], [], 1, token="t2")  # tokens are per worker
    assert [r.url for r in other[1]] == ["http://a/3"]
