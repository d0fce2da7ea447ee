"""HTTP cache policy for scheduled runs: keep feeds, sitemaps, robots.txt and listing
pages, and always revalidate them, so an unchanged source costs a 304.

RFC2616Policy alone would serve a page with only Last-Modified from the cache for a
while without asking (heuristic freshness), and a news sitemap could then hide new
articles. Articles themselves are never cached (their requests carry `dont_cache`).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Response


class RevalidatePolicy(RFC2616Policy):
    def should_cache_response(self, response: Response, request: Request) -> bool:
        has_validator = b"ETag" in response.headers or b"Last-Modified" in response.headers
        return response.status == 200 and has_validator and super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        # Never trust freshness: ask the server every run (If-None-Match / If-Modified-Since).
        self._set_conditional_validators(request, cachedresponse)
        return False
