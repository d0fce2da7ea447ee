"""scrapy-redis's dupefilter keyed by Scrapy's own request fingerprinter, with an expiry,
so one machine and many dedup the same way and a run's keys do not live forever."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy_redis.dupefilter import RFPDupeFilter


class FingerprintDupeFilter(RFPDupeFilter):  # type: ignore[misc]
    def __init__(self, server: Any, key: str, crawler: Crawler, ttl: int) -> None:
        super().__init__(server, key=key, debug=crawler.settings.getbool("DUPEFILTER_DEBUG"))
        self.fingerprinter = crawler.request_fingerprinter
        self.ttl = ttl
        self.added = 0

    def request_fingerprint(self, request: Request) -> str:
        return str(self.fingerprinter.fingerprint(request).hex())

    def request_seen(self, request: Request) -> bool:
        seen = bool(super().request_seen(request))
        if not seen and self.count_added(1):
            self.server.expire(self.key, self.ttl)
        return seen

    def count_added(self, count: int) -> bool:
        """Count fingerprints added (here or by the scheduler's exchange with Redis); True when
        the key's expiry is due for a refresh: now and then, not on every add."""
        before, self.added = self.added, self.added + count
        return before == 0 or before // 500 != self.added // 500
