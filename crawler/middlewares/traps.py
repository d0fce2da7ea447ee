"""Link traps refused by the shape of their URL: `link_trap`.

The frontier bounds every crawl by link depth and pagination count, and calendar
archives are never followed. This catches what depth alone lets through on a site
crawled deep (`--depth 20`): the relative-link loop of a misconfigured server
(`/a/more/more/more/...`), where one segment repeats, and URLs grown past any sane
length by appended parameters. URLs the user gave are never refused here.

Settings read: NEWSCRAWL_TRAP_REPEATS (a path segment seen this often; 0 = off),
NEWSCRAWL_TRAP_URL_LENGTH (characters; 0 = off).
"""

from __future__ import annotations

from collections import Counter

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.utils.httpobj import urlparse_cached

from .refusal import refuse


class LinkTrapMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_repeats = crawler.settings.getint("NEWSCRAWL_TRAP_REPEATS", 3)
        self.max_length = crawler.settings.getint("NEWSCRAWL_TRAP_URL_LENGTH", 2000)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkTrapMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        meta = request.meta
        if meta.get("source") == "user" or meta.get("homepage"):
            return
        why = self.trap(request)
        if why:
            raise refuse(self.crawler, request, "link_trap", why)

    def trap(self, request: Request) -> str | None:
        if self.max_length and len(request.url) > self.max_length:
            return f"URL longer than {self.max_length} characters"
        # Numbers repeat legitimately (`/01/01/01/` is 2001-01-01); words in a loop do not.
        segments = [s for s in urlparse_cached(request).path.split("/") if s and not s.isdigit()]
        if self.max_repeats and segments:
            segment, times = Counter(segments).most_common(1)[0]
            if times >= self.max_repeats:
                return f"path segment {segment!r} repeats {times} times"
        return None
