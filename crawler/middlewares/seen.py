"""Redirects that land on an article an earlier run already wrote are not followed.

The frontier checks the state before queueing article URLs, but a redirect chain
(`/old/x -> /go/x -> /x`) reaches its target without passing the frontier.
Settings read: NEWSCRAWL_STATE_DIR (off without it).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.urls import dedup_key
from pipelines.state import StateStore, open_state_store


class SeenRedirectMiddleware:
    def __init__(self, crawler: Crawler, state: StateStore) -> None:
        self.crawler = crawler
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenRedirectMiddleware:
        state = open_state_store(crawler.settings)
        if state is None:
            raise NotConfigured("no state directory")
        return cls(crawler, state)

    def process_request(self, request: Request) -> None:
        if request.meta.get("redirect_urls") and self.state.article(dedup_key(request.url)) is not None:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/skipped/seen_before_redirect")
            raise IgnoreRequest("seen_before: a redirect to an article written by an earlier run")
