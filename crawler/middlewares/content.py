"""Pages that cannot be HTML, refused when they arrive: `empty` and `not_html`.

A 200 with no body (or only whitespace), and a body that is binary whatever its
Content-Type claims (an image, an archive, a PDF served as text/html), are refused
here with their reason, before they are shipped to an extraction worker. Sitemaps,
feeds and robots.txt are not checked here (crawler/middlewares/discovery.py is).
"""

from __future__ import annotations

import codecs

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

from pipelines.extraction.document import looks_binary

from .refusal import is_discovery, refuse

_SAMPLE = 4096
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)  # UTF-16 text is full of NUL bytes


class ContentGuardMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContentGuardMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 200 or "requested_url" not in request.meta or is_discovery(request):
            return response  # errors, robots.txt and discovery answers go their own way
        sample = response.body[:_SAMPLE]
        if not sample.strip() and not response.body.strip():
            raise refuse(self.crawler, request, "empty", "the server answered 200 with an empty body")
        if not sample.startswith(_UTF16_BOMS) and looks_binary(sample.decode("latin-1")):
            declared = (response.headers.get(b"Content-Type") or b"").decode("latin-1") or "no content type"
            raise refuse(self.crawler, request, "not_html", f"binary content served as {declared}")
        return response
