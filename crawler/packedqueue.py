"""The scheduler's memory queues, with each pending request packed: the pickle of its dict
(what Scrapy's disk queues write), not the live object.

A news site's sitemaps list thousands of articles, all queued when its discovery ends. As live
objects, each pending request (the Request, its meta, Scrapy's URL-parse cache and reference
tracking) held ~1.3 KB of Python objects and the crawl process grew with the sitemaps, not with
the work in flight: 4 sites x 5,200 articles took ~60 MiB more than 4 x 1,300. Packed, a
pending request is one bytes object of ~130 bytes (~190 with its place in the queue): the
pickle, deflated against a dictionary of what every request dict holds (its keys, our meta
keys), which a lone request needs to compress at all (~10 us to pack, ~40 us to unpack and
rebuild the Request).

A request that cannot be pickled (a callback that is not a spider method, an object in its meta
that pickle refuses) is kept as the object, as Scrapy keeps such a request out of a disk queue.
Set by SCHEDULER_MEMORY_QUEUE / SCHEDULER_START_MEMORY_QUEUE in crawler/settings.py.
"""

from __future__ import annotations

import pickle
import zlib
from collections import deque
from typing import TYPE_CHECKING, Any

from scrapy.http import Request
from scrapy.utils.request import request_from_dict

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.spiders import Spider


_WINDOW_BITS = 10  # a 1 KiB window: a request dict is a few hundred bytes; its state is 20x smaller than the default
_DICTIONARY = pickle.dumps({
    "url": "https://", "callback": "parse", "errback": "on_error", "headers": {}, "body": b"", "cookies": {},
    "meta": {"requested_url": "https://", "article": True, "link_depth": 1, "follow": True, "source": "sitemap",
             "dont_cache": True, "site_probe": False, "date_hints": {"sitemap": "", "lastmod": ""}},
    "encoding": "utf-8", "flags": [], "cb_kwargs": {}, "dont_filter": False, "method": "GET", "priority": 0,
}, protocol=pickle.HIGHEST_PROTOCOL)


def pack(data: dict[str, Any]) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, -_WINDOW_BITS, 2, zdict=_DICTIONARY)
    return packer.compress(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)) + packer.flush()


def unpack(packed: bytes) -> dict[str, Any]:
    unpacker = zlib.decompressobj(-_WINDOW_BITS, zdict=_DICTIONARY)
    data: dict[str, Any] = pickle.loads(unpacker.decompress(packed) + unpacker.flush())
    return data


class _PackedMemoryQueue:
    """A deque of packed requests; LIFO or FIFO by subclass, like Scrapy's own memory queues."""

    lifo = False

    def __init__(self, spider: Spider | None) -> None:
        self.spider = spider
        self._items: deque[bytes | Request] = deque()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        return cls(crawler.spider)

    def push(self, request: Request) -> None:
        try:
            packed: bytes | Request = pack(request.to_dict(spider=self.spider))
        except (pickle.PicklingError, AttributeError, TypeError, ValueError):
            packed = request  # to_dict refuses a callback it cannot name; pickle an object it cannot store
        self._items.append(packed)

    def pop(self) -> Request | None:
        if not self._items:
            return None
        return self._unpack(self._items.pop() if self.lifo else self._items.popleft())

    def peek(self) -> Request | None:
        if not self._items:
            return None
        return self._unpack(self._items[-1] if self.lifo else self._items[0])

    def close(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def _unpack(self, item: bytes | Request) -> Request:
        if isinstance(item, Request):
            return item
        return request_from_dict(unpack(item), spider=self.spider)


class PackedLifoMemoryQueue(_PackedMemoryQueue):
    lifo = True


class PackedFifoMemoryQueue(_PackedMemoryQueue):
    lifo = False
