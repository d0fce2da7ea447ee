"""robots.txt obeyed for every request, including ones queued while it downloads.

Scrapy 2.19's RobotsTxtMiddleware lets every waiter await the same Deferred
through `asFuture()`, which leaves that Deferred's result as None: from the
third concurrent request to a host on, the parser is None and robots.txt is
not applied at all (measured: a Disallowed page was fetched). Each waiter here
gets its own Deferred chained to the shared one.

A robots.txt that cannot be fetched (5xx, timeout, broken connection) is counted
as `robots_error` for its site and the site is crawled as if it had none, in one
log line (Scrapy logs a traceback). RFC 9309 says to assume "disallow all" on 5xx;
we keep crawling, because one failing robots.txt would otherwise cost every article
of the run, and the pacing (AutoThrottle, Retry-After) still protects the server.
A 4xx robots.txt allows everything (RFC 9309), whatever its error page says.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http.request import NO_CALLBACK
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.spiders.failures import describe_exception

from .refusal import count_link_failure

logger = logging.getLogger(__name__)


class SafeRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            await self._fetch(request, netloc)
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred[Any] = Deferred()

            def relay(result: Any) -> Any:
                waiter.callback(result)
                return result  # keep the shared result for the next waiter

            pending.addBoth(relay)
            parser: RobotParser | None = await maybe_deferred_to_future(waiter)
            return parser
        return pending

    async def _fetch(self, request: Request, netloc: str) -> None:
        url = urlparse_cached(request)
        robots_url = f"{url.scheme}://{netloc}/robots.txt"
        robots_request = Request(robots_url, priority=self.DOWNLOAD_PRIORITY, callback=NO_CALLBACK,
                                 meta={"dont_obey_robotstxt": True, "site_probe": True})
        try:
            response = await self.crawler.engine.download_async(robots_request)
            if response.status >= 500:
                self._unreadable(robots_url, f"HTTP {response.status}")
            if response.status >= 400:  # an error page is not a robots.txt
                response = response.replace(body=b"")
            await self._parse_robots(response, netloc, request)
        except Exception as exc:
            if not isinstance(exc, IgnoreRequest):
                reason, detail = describe_exception(exc)
                self._unreadable(robots_url, f"{reason}: {detail}")
            if isinstance(self._parsers.get(netloc), Deferred):  # waiters must be released
                self._robots_error(exc, netloc)
        self._stats.inc_value("robotstxt/request_count")

    def _unreadable(self, robots_url: str, why: str) -> None:
        logger.warning("robots.txt unreadable, crawling as if there were none: %s (%s)", robots_url, why)
        count_link_failure(self.crawler, robots_url, "robots_error")
