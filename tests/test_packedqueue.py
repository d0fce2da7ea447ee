"""The scheduler's packed memory queues give back the requests they were given, in Scrapy's order."""

from __future__ import annotations

import threading
from typing import Any

from scrapy import Request, Spider
from scrapy.pqueues import ScrapyPriorityQueue
from scrapy.utils.test import get_crawler

from crawler.packedqueue import PackedFifoMemoryQueue, PackedLifoMemoryQueue, pack


class NewsLike(Spider):
    name = "newslike"

    def parse_page(self, response: Any) -> None: ...

    def on_error(self, failure: Any) -> None: ...


def spider() -> NewsLike:
    crawler = get_crawler(NewsLike)
    crawler.spider = NewsLike.from_crawler(crawler)
    return crawler.spider


def article(site: NewsLike, n: int, priority: int = 0) -> Request:
    url = f"https://news.example.com/2024/03/05/story-{n}.html"
    return Request(url, callback=site.parse_page, errback=site.on_error, priority=priority,
                   meta={"requested_url": url, "article": True, "link_depth": 1, "follow": True,
                         "source": "sitemap", "date_hints": {"sitemap": "2024-03-05T10:00:00+07:00"}})


def test_every_field_of_a_request_comes_back() -> None:
    site = spider()
    queue = PackedLifoMemoryQueue(site)
    sent = Request("https://news.example.com/search?q=ha%20noi", method="POST", body=b"q=h\xc3\xa0",
                   headers={"X-Trace": "1", "Accept-Language": "vi"}, cookies={"consent": "yes"},
                   callback=site.parse_page, errback=site.on_error, cb_kwargs={"page": 2}, priority=7,
                   dont_filter=True, flags=["listing"], meta={"link_depth": 2, "hints": {"a": [1, None]}})
    queue.push(sent)
    assert len(queue) == 1
    back = queue.pop()
    assert back is not None and back is not sent
    assert back.to_dict(spider=site) == sent.to_dict(spider=site)
    assert back.callback == site.parse_page and back.errback == site.on_error
    assert queue.pop() is None and len(queue) == 0


def test_lifo_and_fifo_orders_and_peek() -> None:
    site = spider()
    for cls, expected in ((PackedLifoMemoryQueue, [2, 1, 0]), (PackedFifoMemoryQueue, [0, 1, 2])):
        queue = cls(site)
        for n in range(3):
            queue.push(article(site, n))
        peeked = queue.peek()
        assert peeked is not None and peeked.url.endswith(f"story-{expected[0]}.html")
        assert [r.url.rsplit("-", 1)[1] for r in iter(queue.pop, None)] == [f"{n}.html" for n in expected]


def test_a_request_pickle_refuses_is_kept_as_it_is() -> None:
    site = spider()
    queue = PackedFifoMemoryQueue(site)
    odd = Request("https://news.example.com/a", callback=print)  # not a spider method
    held = Request("https://news.example.com/b", callback=site.parse_page, meta={"lock": threading.Lock()})
    queue.push(odd)
    queue.push(held)
    assert queue.pop() is odd and queue.pop() is held


def test_scrapy_priority_queue_over_packed_queues_runs_higher_priorities_first() -> None:
    site = spider()
    crawler = site.crawler
    queue = ScrapyPriorityQueue.from_crawler(crawler, PackedLifoMemoryQueue, "key")
    for n, priority in enumerate([5, 200_000, 10, 200_000, 5]):
        queue.push(article(site, n, priority))
    order = [(r.priority, r.url.rsplit("-", 1)[1]) for r in iter(queue.pop, None)]
    assert order == [(200_000, "3.html"), (200_000, "1.html"), (10, "2.html"), (5, "4.html"), (5, "0.html")]


def test_a_pending_article_request_is_packed_small() -> None:
    site = spider()
    packed = pack(article(site, 123456).to_dict(spider=site))
    assert len(packed) < 200, len(packed)  # the object form holds ~1.2 KB
