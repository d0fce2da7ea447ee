"""Per-host pacing that Scrapy leaves out: robots.txt Crawl-delay and Retry-After.

Each host has a time before which no request is sent. Crawl-delay spaces requests
by at least that much. A 429 with Retry-After pushes that time out for the whole host
(so does a 503 once three URLs of the host answered it within a minute); the request
itself is queued again to be sent after the wait (capped by NEWSCRAWL_RETRY_AFTER_MAX
seconds), up to NEWSCRAWL_RETRY_AFTER_TIMES times; past that, RetryMiddleware and
HttpError decide.
AutoThrottle cannot do this: it rewrites the slot delay after every response.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import reactor
from twisted.internet.task import deferLater


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


class HostPacingMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("NEWSCRAWL_RETRY_AFTER_MAX", 120.0)
        self.max_times = crawler.settings.getint("NEWSCRAWL_RETRY_AFTER_TIMES", 3)
        self.max_crawl_delay = crawler.settings.getfloat("NEWSCRAWL_MAX_CRAWL_DELAY", 60.0)
        self.user_agent = crawler.settings.get("USER_AGENT", "")
        self.interval: dict[str, float] = {}  # host -> Crawl-delay seconds
        self.not_before: dict[str, float] = {}  # host -> monotonic time
        self.unavailable: dict[str, list[float]] = {}  # host -> times of recent 503s
        crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostPacingMiddleware:
        return cls(crawler)

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        protego = getattr(robotparser, "rp", None)
        delay = protego.crawl_delay(self.user_agent) if protego is not None else None
        if delay:
            host = urlparse_cached(request).netloc
            self.interval[host] = min(float(delay), self.max_crawl_delay)
            self._stat("newscrawl/robots_crawl_delay_hosts")

    async def process_request(self, request: Request) -> None:
        retry_at = request.meta.get("retry_not_before")
        if retry_at is not None and (wait := retry_at - time.monotonic()) > 0:
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        host = urlparse_cached(request).netloc
        if request.meta.get("dont_obey_robotstxt") or (host not in self.interval and host not in self.not_before):
            return
        # Waiters wake together; the first to run claims the slot, the others wait again.
        while (wait := self.not_before.get(host, 0.0) - time.monotonic()) > 0:
            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
        self.not_before[host] = time.monotonic() + self.interval.get(host, 0.0)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status not in (429, 503):
            return response
        header = response.headers.get("Retry-After")
        wait = retry_after_seconds(header.decode("latin-1") if header else None)
        times = int(request.meta.get("retry_after_times", 0))
        if wait is None or wait > self.max_wait or times >= self.max_times or not self._worth_waiting(request):
            return response
        host = urlparse_cached(request).netloc
        now = time.monotonic()
        if self._host_wide(host, response.status, now):
            self.not_before[host] = max(self.not_before.get(host, 0.0), now + wait)
        self._stat("newscrawl/retry_after")
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = times + 1
        retry.meta["retry_not_before"] = now + wait
        return retry

    @staticmethod
    def _worth_waiting(request: Request) -> bool:
        """Articles, sitemaps, feeds and homepages are waited for; any other page found
        through a link is not worth holding the crawl open."""
        meta = request.meta
        return bool(meta.get("article") or meta.get("discovery_callback") or meta.get("homepage")
                    or "link_depth" not in meta)

    def _host_wide(self, host: str, status: int, now: float) -> bool:
        """429 is about the client: the whole host waits. A 503 on one URL is that URL's
        problem (it alone is retried later) until several URLs of the host say it."""
        if status == 429:
            return True
        recent = [t for t in self.unavailable.get(host, []) if now - t < 60] + [now]
        self.unavailable[host] = recent[-10:]
        return len(recent) >= 3

    def _stat(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)
