"""The `news` spider: one-off article URLs, or whole sites discovered through
robots.txt, sitemaps, feeds and links; RawPages go to the item pipelines.

    scrapy crawl news -a url=https://example.com/a.html -O out.jsonl
    scrapy crawl news -a site=https://example.com/ -s NEWSCRAWL_SINCE=2d -O out.jsonl
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.addon import site_arguments
from crawler.discovery.feeds import COMMON_FEEDS
from crawler.discovery.links import url_kind
from crawler.frontier import PRIORITY_DISCOVERY, Frontier
from crawler.items import RawPage
from crawler.middlewares.refusal import Skipped
from crawler.pagejob import PageJob, PageResult
from crawler.profiles import profile_for_host
from crawler.settings import NEWSCRAWL_PAGE_FUNCTION
from crawler.signals import page_failed, request_done
from crawler.urls import host_of
from pipelines.limits import parse_since
from pipelines.state import StateStore, open_state_store
from pipelines.workers import ExtractionWorkers

from .discovery import DiscoveryMixin
from .failures import describe_failure
from .pagesignals import canonical_of

HTML_TYPES = ("text/html", "application/xhtml+xml")


def split_urls(value: str | list[str] | None) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return value.replace(",", " ").split()
    return [u for u in value if u]


class NewsSpider(DiscoveryMixin, Spider):
    """Settings read: NEWSCRAWL_SINCE, NEWSCRAWL_DEPTH, NEWSCRAWL_MAX_PAGINATION, NEWSCRAWL_SITES,
    NEWSCRAWL_STATE_DIR, NEWSCRAWL_WORKERS and NEWSCRAWL_PAGE_FUNCTION (the extraction processes, see
    pipelines/workers.py)."""

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
        # Replaced in configure(); by name, so that this process never imports the extraction stack.
        self.workers: ExtractionWorkers[PageJob, PageResult] = ExtractionWorkers(0, NEWSCRAWL_PAGE_FUNCTION)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

    def configure(self) -> None:
        """Read the settings once they are final: add-ons (the sites file) apply theirs
        after from_crawler."""
        settings = self.crawler.settings
        sites = settings.getlist("NEWSCRAWL_SITES")  # a sites file's, set by crawler.addon.SitesFileAddon
        if sites and not self.site_urls and not self.article_urls:
            self.site_urls, self.site_options = site_arguments(sites)
        self.state = open_state_store(settings)
        self.frontier = Frontier(
            since=parse_since(settings.get("NEWSCRAWL_SINCE")),
            depth=settings.getint("NEWSCRAWL_DEPTH", 3),
            max_pagination=settings.getint("NEWSCRAWL_MAX_PAGINATION", 50),
            written_before=self.state.article if self.state is not None else None,
            written_many=self.state.articles if self.state is not None else None,
        )
        self.workers = ExtractionWorkers.from_settings(settings)
        self.workers.start_soon()

    def on_closed(self) -> None:
        self.workers.close()
        if self.state is not None:
            self.state.close()

    def on_idle(self) -> None:
        """Nothing left to fetch: links still held back (a discovery answer got lost) go now."""
        released = [r for state in self.frontier.sites.values() for r in self.release_held(state)]
        for request in released:
            self.crawler.engine.crawl(request)
        if released:
            raise DontCloseSpider("released held article links")

    async def start(self) -> AsyncIterator[Request]:
        self.configure()
        for root in self.site_urls:
            options = self.site_options.get(root, {})
            by_host = profile_for_host(host_of(root))
            self.frontier.add_site(root, since=parse_since(options.get("since")), depth=options.get("depth"),
                                   profile=options.get("profile") or (by_host.name if by_host else None))
        if not self.crawler.settings.getbool("NEWSCRAWL_SEED", True):
            return  # a distributed worker: the shared queue feeds it
        for url in self.article_urls:
            yield self.article_request(url, follow=False)
        for root in self.site_urls:
            for request in self.site_start_requests(root):
                yield request

    def site_start_requests(self, root: str) -> Iterator[Request]:
        self.frontier.mark_seen(root)
        # The homepage follows robots.txt: sitemaps first, so articles are queued with their exact dates.
        yield self.discovery_request(urljoin(root, "/robots.txt"), self.parse_robots, dont_obey_robotstxt=True,
                                     handle_httpstatus_all=True, site_root=root, site_probe=True)

    def homepage_request(self, root: str) -> Request:
        state = self.frontier.site_for(root)
        if state is not None:
            state.discovery_pending += 1  # its feeds are discovery too; answered in parse_page
        return Request(root, callback=self.parse_page, errback=self.on_error, priority=PRIORITY_DISCOVERY - 1,
                       meta={"requested_url": root, "link_depth": 0, "homepage": True})

    def article_request(self, url: str, follow: bool = True, priority: int = 0, date: str | None = None,
                        source: str | None = None, depth: int = 1, lastmod: str | None = None) -> Request:
        meta: dict[str, Any] = {"requested_url": url, "article": True, "link_depth": depth, "follow": follow,
                                "source": source or ("link" if follow else "user"), "dont_cache": True,
                                "site_probe": not follow}  # a URL the user gave: no retry without a server
        hints = {source: date} if date and source else {}
        if lastmod:
            hints["lastmod"] = lastmod
        if hints:
            meta["date_hints"] = hints
        return Request(url, callback=self.parse_page, errback=self.on_error, meta=meta,
                       priority=priority, dont_filter=not follow)

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        meta = response.meta
        requested = meta.get("requested_url", response.url)
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if not isinstance(response, TextResponse) or not any(t in content_type for t in HTML_TYPES):
            if meta.get("article"):
                self.fail(requested, "not_html", f"content type is {content_type or 'missing'!r}, not HTML")
            self.done(response.request)
            return
        follow = bool(meta.get("follow", True) and self.frontier.sites)
        if follow and not self.first_copy(response.url, response.body):
            if meta.get("homepage"):
                for request in self.discovery_finished(response.url):
                    yield request
            self.done(response.request)
            return
        state = self.frontier.site_for(response.url)
        raw = RawPage(
            url=response.url, html="", fetched_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            requested_url=requested, http_status=response.status, content_type=content_type,
            profile=state.profile if state is not None else None, hints=dict(meta.get("date_hints", {})),
        )
        job = PageJob(raw, body=response.body, follow=follow, homepage=bool(meta.get("homepage")),
                      expect_article=bool(meta.get("article")) or not follow)
        result = await self.workers.run(job)
        if result.is_article:  # each one ends as a record or a drop: article_pages = articles + dropped
            self.count("article_pages", requested)
        for request in self.follow_links(response.url, result, meta):
            yield request
        if meta.get("homepage"):
            for request in self.discovery_finished(response.url):
                yield request
        if result.record is not None:
            yield result.record
        elif result.rejected is not None and (result.is_article or not follow):
            self.reject(requested, response.url, *result.rejected)
        self.done(response.request, produced_record=result.record is not None)

    def done(self, request: Request | None, produced_record: bool = False) -> None:
        """Tell the scheduler a request's outcome is settled (distributed mode acks it)."""
        if request is not None:
            self.crawler.signals.send_catch_log(request_done, request=request, produced_record=produced_record)

    def reject(self, requested: str, url: str, reason: str, detail: str) -> None:
        """A fetched page that gives no record: a failure for a URL the user asked for,
        a counted drop for a page found while crawling a site."""
        if not self.frontier.sites:
            self.fail(requested, reason, detail)
            return
        self.logger.info("dropped (%s): %s (%s)", reason, url, detail)
        self.count(f"dropped/{reason}", requested)

    def first_copy(self, url: str, body: bytes) -> bool:
        """False for a page whose canonical URL was already extracted in this run."""
        canonical = canonical_of(body[:60000].decode("latin-1"), url)
        if canonical and canonical != url and not self.frontier.mark_seen(canonical):
            self.count("skipped/duplicate", url)
            return False
        return True

    def follow_links(self, page_url: str, result: PageResult, meta: dict[str, Any]) -> Iterator[Request]:
        depth = int(meta.get("link_depth", 0))
        if meta.get("homepage"):
            yield from self.feed_requests(result.feeds or [urljoin(page_url, p) for p in COMMON_FEEDS[:2]])
        for url in result.following:
            yield from self.page_request(url, depth, pagination=True)
        kinds = [(url, url_kind(url, self.article_pattern(url))) for url in result.links]
        self.frontier.prefetch(url for url, kind in kinds if kind == "article")
        for url, kind in kinds:
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
        elif offer.skipped in ("too_deep", "pagination_limit"):
            self.count(f"skipped/{offer.skipped}", url)  # traps are bounded, and counted

    def on_error(self, failure: Failure) -> Iterator[Request]:
        request = getattr(failure, "request", None)
        url = request.meta.get("requested_url", request.url) if request is not None else "?"
        reason, detail = describe_failure(failure)
        if request is not None and request.meta.get("homepage"):
            yield from self.discovery_finished(request.url)
        if isinstance(failure.value, Skipped):  # a limit reached: counted as skipped where it was raised
            self.done(request)
            return
        if request is not None and request.meta.get("source", "link") == "link" and not request.meta.get("homepage"):
            self.count(f"failed_links/{reason}", url)  # a dead link is not an article lost
        else:
            self.fail(url, reason, detail)
        self.done(request)

    def fail(self, url: str, reason: str, detail: str) -> None:
        self.logger.warning("%s: %s (%s)", reason, url, detail)
        self.count(f"failed/{reason}", url)
        self.crawler.signals.send_catch_log(page_failed, url=url, reason=reason, detail=detail)
