"""HTTP cache policy for scheduled runs: keep feeds, sitemaps, robots.txt and listing
pages, and always revalidate them, so an unchanged source costs a 304.

RFC2616Policy alone would serve a page with only Last-Modified from the cache for a
while without asking (heuristic freshness), and a news sitemap could then hide new
articles. Articles themselves are never cached (their requests carry `dont_cache`).

The cache lives in the state directory, on disk for good: CredentialFreeCacheStorage keeps
credentials out of it (Authorization, Proxy-Authorization and Cookie request headers,
Set-Cookie response headers are not stored; revalidation needs none of them).
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.extensions.httpcache import FilesystemCacheStorage, RFC2616Policy
from scrapy.http import Headers, Response

PRIVATE_REQUEST_HEADERS = (b"Authorization", b"Proxy-Authorization", b"Cookie")
PRIVATE_RESPONSE_HEADERS = (b"Set-Cookie", b"Set-Cookie2")


class RevalidatePolicy(RFC2616Policy):
    def should_cache_response(self, response: Response, request: Request) -> bool:
        has_validator = b"ETag" in response.headers or b"Last-Modified" in response.headers
        return response.status == 200 and has_validator and super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        # Never trust freshness: ask the server every run (If-None-Match / If-Modified-Since).
        self._set_conditional_validators(request, cachedresponse)
        return False


class CredentialFreeCacheStorage(FilesystemCacheStorage):
    def store_response(self, spider: Spider, request: Request, response: Response) -> None:
        # The path comes from the request fingerprint (URL, method, body), which headers do not change.
        super().store_response(spider, request.replace(headers=_without(request.headers, PRIVATE_REQUEST_HEADERS)),
                               response.replace(headers=_without(response.headers, PRIVATE_RESPONSE_HEADERS)))


def _without(headers: Headers, names: tuple[bytes, ...]) -> Headers:
    kept = headers.copy()
    for name in names:
        kept.pop(name, None)
    return kept
