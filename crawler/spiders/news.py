"""The `news` spider: one-off article URLs, or whole sites discovered through
robots.txt, sitemaps, feeds and links; RawPages go to the item pipelines.

    scrapy crawl news -a url=https://example.com/a.html -O out.jsonl
    scrapy crawl news -a site=https://example.com/ -s NEWSCRAWL_SINCE=2d -O out.jsonl
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, AsyncIterator, Iterator
from urllib.parse import urljoin

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.addon import site_arguments
from crawler.discovery.feeds import COMMON_FEEDS, feed_links
from crawler.discovery.links import page_links, url_kind
from crawler.frontier import PRIORITY_DISCOVERY, Frontier, parse_since
from crawler.items import RawPage
from crawler.signals import page_failed
from crawler.sitesfile import load_sites_file
from crawler.state import StateStore
from pipelines.errors import PageRejected
from pipelines.extraction.document import decode_html, parse_html

from .discovery import DiscoveryMixin
from .failures import describe_failure
from .pagesignals import canonical_of, looks_like_article

HTML_TYPES = ("text/html", "application/xhtml+xml")


def split_urls(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return [u for u in value if u]


class NewsSpider(DiscoveryMixin, Spider):
    """Settings read: NEWSCRAWL_SINCE, NEWSCRAWL_DEPTH, NEWSCRAWL_MAX_PAGINATION."""

    name = "news"

    def __init__(self, url: str | None = None, urls: list[str] | None = None,
                 site: str | None = None, sites: list[str] | None = None,
                 site_options: dict[str, dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.article_urls = split_urls(url) + split_urls(urls)
        self.site_urls = split_urls(site) + split_urls(sites)
        self.site_options = site_options or {}  # root URL -> since, depth, profile (sites file)
        self.frontier = Frontier()
        self.state: StateStore | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        sites_file = settings.get("NEWSCRAWL_SITES_FILE")
        if sites_file and not spider.site_urls and not spider.article_urls:
            spider.site_urls, spider.site_options = site_arguments(load_sites_file(Path(sites_file)))
        spider.state = StateStore.from_settings(settings)
        spider.frontier = Frontier(
            since=parse_since(settings.get("NEWSCRAWL_SINCE")),
            depth=settings.getint("NEWSCRAWL_DEPTH", 3),
            max_pagination=settings.getint("NEWSCRAWL_MAX_PAGINATION", 50),
            written_before=spider.state.article if spider.state is not None else None,
        )
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        return spider

    def on_idle(self) -> None:
        """Nothing left to fetch: links still held back (a discovery answer got lost) go now."""
        released = [r for state in self.frontier.sites.values() for r in self.release_held(state)]
        for request in released:
            self.crawler.engine.crawl(request)
        if released:
            raise DontCloseSpider("released held article links")

    async def start(self) -> AsyncIterator[Request]:
        for url in self.article_urls:
            yield self.article_request(url, follow=False)
        for root in self.site_urls:
            for request in self.site_start_requests(root):
                yield request

    def site_start_requests(self, root: str) -> Iterator[Request]:
        options = self.site_options.get(root, {})
        self.frontier.add_site(root, since=parse_since(options.get("since")), depth=options.get("depth"),
                               profile=options.get("profile"))
        self.frontier.mark_seen(root)
        # The homepage follows robots.txt: sitemaps first, so articles are queued with their exact dates.
        yield self.discovery_request(urljoin(root, "/robots.txt"), self.parse_robots, dont_obey_robotstxt=True,
                                     handle_httpstatus_all=True, site_root=root)

    def homepage_request(self, root: str) -> Request:
        return Request(root, callback=self.parse_page, errback=self.on_error, priority=PRIORITY_DISCOVERY - 1,
                       meta={"requested_url": root, "link_depth": 0, "homepage": True})

    def article_request(self, url: str, follow: bool = True, priority: int = 0, date: str | None = None,
                        source: str | None = None, depth: int = 1, lastmod: str | None = None) -> Request:
        meta: dict[str, Any] = {"requested_url": url, "article": True, "link_depth": depth, "follow": follow,
                                "source": source or ("link" if follow else "user"), "dont_cache": True}
        hints = {source: date} if date and source else {}
        if lastmod:
            hints["lastmod"] = lastmod
        if hints:
            meta["date_hints"] = hints
        return Request(url, callback=self.parse_page, errback=self.on_error, meta=meta,
                       priority=priority, dont_filter=not follow)

    def parse_page(self, response: Response) -> Iterator[Any]:
        meta = response.meta
        requested = meta.get("requested_url", response.url)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or not any(t in content_type for t in HTML_TYPES):
            if meta.get("article"):
                self.fail(requested, "not_html", f"content type is {content_type or 'missing'!r}, not HTML")
            return
        html = decode_html(response.body, content_type)
        if meta.get("follow", True) and self.frontier.sites:
            try:
                tree = parse_html(html)
            except PageRejected as exc:
                self.fail(requested, exc.reason, exc.detail)
                return
            yield from self.follow_links(response, tree, meta)
            article = meta.get("article") or looks_like_article(tree, response.url)
        else:
            article = True
        if article and self.first_copy(response.url, html, requested):
            state = self.frontier.site_for(response.url)
            yield RawPage(
                profile=state.profile if state is not None else None,
                url=response.url, html=html,
                fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                requested_url=requested, http_status=response.status, content_type=content_type,
                hints=dict(meta.get("date_hints", {})),
            )

    def first_copy(self, url: str, html: str, requested: str) -> bool:
        """False for a page whose canonical URL was already extracted in this run."""
        if not self.frontier.sites:
            return True
        canonical = canonical_of(html, url)
        if canonical and canonical != url and not self.frontier.mark_seen(canonical):
            self.count("skipped/duplicate", url)
            return False
        return True

    def follow_links(self, response: Response, tree: Any, meta: dict[str, Any]) -> Iterator[Request]:
        depth = int(meta.get("link_depth", 0))
        if meta.get("homepage"):
            yield from self.feed_requests(feed_links(tree, response.url) or
                                          [urljoin(response.url, p) for p in COMMON_FEEDS[:2]])
        links, following = page_links(tree, response.url)
        for url in following:
            yield from self.page_request(url, depth, pagination=True)
        for url in links:
            kind = url_kind(url)
            if kind == "article":
                state = self.frontier.site_for(url)
                if state is not None and state.discovery_pending > 0:
                    state.held.append((url, depth + 1))
                    continue
                offer = self.frontier.offer_article(url, from_link=True)
                if offer.url:
                    yield self.article_request(offer.url, priority=offer.priority, depth=depth + 1)
                elif offer.skipped in ("older_than_since", "undated_link_since", "seen_before"):
                    self.count(f"skipped/{offer.skipped}", url)
            elif kind in ("listing", "other"):
                yield from self.page_request(url, depth + 1)
            elif kind == "pagination":
                yield from self.page_request(url, depth, pagination=True)
            elif kind == "calendar" and self.frontier.site_for(url) and self.frontier.mark_seen(url):
                self.count("skipped/calendar", url)

    def page_request(self, url: str, depth: int, pagination: bool = False) -> Iterator[Request]:
        offer = self.frontier.offer_page(url, depth, pagination)
        if offer.url:
            yield Request(offer.url, callback=self.parse_page, errback=self.on_error, priority=offer.priority,
                          meta={"requested_url": offer.url, "link_depth": depth})

    def on_error(self, failure: Failure) -> None:
        request = getattr(failure, "request", None)
        url = request.meta.get("requested_url", request.url) if request is not None else "?"
        reason, detail = describe_failure(failure)
        if request is not None and request.meta.get("source", "link") == "link" and not request.meta.get("homepage"):
            self.count(f"failed_links/{reason}", url)  # a dead link is not an article lost
            return
        self.fail(url, reason, detail)

    def fail(self, url: str, reason: str, detail: str) -> None:
        self.logger.warning("%s: %s (%s)", reason, url, detail)
        self.count(f"failed/{reason}", url)
        self.crawler.signals.send_catch_log(page_failed, url=url, reason=reason, detail=detail)
