"""robots.txt obeyed for every request, including ones queued while it downloads.

Scrapy 2.19's RobotsTxtMiddleware lets every waiter await the same Deferred
through `asFuture()`, which leaves that Deferred's result as None: from the
third concurrent request to a host on, the parser is None and robots.txt is
not applied at all (measured: a Disallowed page was fetched). Each waiter here
gets its own Deferred chained to the shared one.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SafeRobotsTxtMiddleware(RobotsTxtMiddleware):
    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        pending = self._parsers.get(netloc)
        if isinstance(pending, Deferred):
            waiter: Deferred[Any] = Deferred()

            def relay(result: Any) -> Any:
                waiter.callback(result)
                return result  # keep the shared result for the next waiter

            pending.addBoth(relay)
            parser: RobotParser | None = await maybe_deferred_to_future(waiter)
            return parser
        return await super().robot_parser(request)
