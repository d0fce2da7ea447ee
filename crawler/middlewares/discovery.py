"""Discovery responses (sitemaps, feeds) checked before they are parsed, failures counted by reason.

A sitemap or feed URL that serves an HTML page (a soft 404, a login wall, a feed link
to the homepage) is refused as `not_a_sitemap` / `not_a_feed`; XML that declares its
own entities is refused as `xml_entities`: neither format needs them, and they are how
entity-expansion bombs work. The parsers never expand entities either; this makes the
refusal visible. Download failures of discovery requests (timeouts, `too_large`, ...)
are counted under `failed_links/REASON`: the spider counts them only as misses.
"""

from __future__ import annotations

import re

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from crawler.spiders.failures import describe_exception

from .refusal import Refused, count_link_failure, is_discovery, refuse

_HEAD_BYTES = 65536
_GZIP_MAGIC = b"\x1f\x8b"
_ENTITY_DECL = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.I)
_HTML = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b",
                   re.I | re.S)
_KINDS = {"parse_sitemap": "not_a_sitemap", "parse_feed": "not_a_feed"}


class DiscoveryGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DiscoveryGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        kind = _KINDS.get(request.meta.get("discovery_callback", ""))
        if kind is None or response.status != 200:
            return response
        head = response.body[:_HEAD_BYTES]
        if head.startswith(_GZIP_MAGIC):
            return response  # a .xml.gz sitemap: parse_sitemap gunzips it under its own cap
        if _ENTITY_DECL.search(head):
            raise refuse(self.crawler, request, "xml_entities",
                         "the XML declares entities (entity expansion is refused)")
        if _HTML.match(head):
            raise refuse(self.crawler, request, kind, "an HTML page was served")
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        """Final download failures of sitemaps and feeds (retries are over by now)."""
        if not is_discovery(request) or isinstance(exception, Refused):
            return  # others are counted by the spider; refusals where they are raised
        if request.meta.get("discovery_callback") == "parse_robots":
            return  # SafeRobotsTxtMiddleware counts robots.txt failures as `robots_error`
        reason, _ = describe_exception(exception)
        count_link_failure(self.crawler, request.meta.get("requested_url", request.url), reason)
