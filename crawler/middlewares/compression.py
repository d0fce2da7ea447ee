"""Decompression with a reason: `decompression_bomb`.

Scrapy's HttpCompressionMiddleware decompresses gzip, deflate, br and zstd in 64 KiB
steps and stops at DOWNLOAD_MAXSIZE (or the request's `download_maxsize`) of
*decompressed* bytes, so a small body that inflates to gigabytes never does. It then
raises a bare IgnoreRequest; here that becomes a named refusal, counted for sitemaps too.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from .refusal import refuse


class BoundedCompressionMiddleware(HttpCompressionMiddleware):
    crawler: Crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        middleware = super().from_crawler(crawler)
        middleware.crawler = crawler
        return middleware

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            if isinstance(exc.__cause__, ValueError):  # _DecompressionMaxSizeExceeded
                encoding = b",".join(response.headers.getlist(b"Content-Encoding")).decode("latin-1")
                limit = request.meta.get("download_maxsize", self._max_size)
                detail = f"{len(response.body)} bytes of {encoding} inflate past the limit of {limit}"
                raise refuse(self.crawler, request, "decompression_bomb", detail) from None
            raise
