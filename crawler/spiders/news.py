"""The `news` spider: fetch article URLs and hand RawPages to the item pipelines.

    scrapy crawl news -a url=https://example.com/a.html -O out.jsonl
    scrapy crawl news -a url="URL1 URL2"
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, AsyncIterator, Iterator

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.items import RawPage
from crawler.signals import page_failed
from pipelines.extraction.document import decode_html

from .failures import describe_failure

HTML_TYPES = ("text/html", "application/xhtml+xml")


def split_urls(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return [u for u in value if u]


class NewsSpider(Spider):
    name = "news"

    def __init__(self, url: str | None = None, urls: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.article_urls = split_urls(url) + split_urls(urls)

    async def start(self) -> AsyncIterator[Request]:
        for url in self.article_urls:
            yield self.article_request(url)

    def article_request(self, url: str, **meta: Any) -> Request:
        return Request(url, callback=self.parse_article, errback=self.on_error,
                       meta={"requested_url": url, **meta}, dont_filter=True)

    def parse_article(self, response: Response) -> Iterator[RawPage]:
        requested = response.meta.get("requested_url", response.url)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or not any(t in content_type for t in HTML_TYPES):
            self.fail(requested, "not_html", f"content type is {content_type or 'missing'!r}, not HTML")
            return
        yield RawPage(
            url=response.url,
            html=decode_html(response.body, content_type),
            fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            requested_url=requested,
            http_status=response.status,
            content_type=content_type,
            hints=dict(response.meta.get("date_hints", {})),
        )

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.meta.get("requested_url", request.url) if request is not None else "?"
        reason, detail = describe_failure(failure)
        self.fail(url, reason, detail)

    def fail(self, url: str, reason: str, detail: str) -> None:
        self.logger.warning("%s: %s (%s)", reason, url, detail)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/failed/{reason}")
        self.crawler.signals.send_catch_log(page_failed, url=url, reason=reason, detail=detail)
