"""Site discovery callbacks of the news spider: robots.txt, sitemaps and feeds."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urljoin

from scrapy import Request
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number

from crawler.discovery import Entry
from crawler.discovery.feeds import parse_feed
from crawler.discovery.links import url_kind
from crawler.discovery.sitemaps import COMMON_SITEMAPS, parse_sitemap, sitemaps_in_robots
from crawler.frontier import PRIORITY_DISCOVERY, Frontier, SiteState
from crawler.middlewares.unreachable import UNREACHABLE
from crawler.profiles import PROFILES, SiteProfile
from crawler.urls import site_of

from .failures import describe_failure

SITEMAP_MAX_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file


class DiscoveryMixin:
    """Needs `frontier`, `crawler`, `logger`, `article_request` and `on_error` from the spider."""

    frontier: Frontier
    crawler: Any
    logger: Any
    article_request: Callable[..., Request]
    homepage_request: Callable[[str], Request]
    page_request: Callable[..., Iterator[Request]]
    done: Callable[..., None]

    def discovery_request(self, url: str, callback: Callable[..., Any], **meta: Any) -> Request:
        """A robots.txt/sitemap/feed request. Article links found meanwhile are held back until
        the site's discovery requests are all answered, so they queue with their exact dates."""
        state = self.frontier.site_for(url)
        if state is not None:
            state.discovery_pending += 1
        return Request(url, callback=self.discovered, errback=self.discovery_failed, priority=PRIORITY_DISCOVERY,
                       meta={"requested_url": url, "download_maxsize": SITEMAP_MAX_BYTES,
                             "discovery_callback": callback.__name__, **meta})

    def discovered(self, response: Response) -> Iterator[Request]:
        yield from getattr(self, response.meta["discovery_callback"])(response)
        yield from self.discovery_finished(response.url)
        self.done(response.request)

    def discovery_failed(self, failure: Any) -> Iterator[Request]:
        """A missing sitemap or feed is normal: counted, not a failed article."""
        request = failure.request
        self.count("discovery_misses", request.url)
        reason, detail = describe_failure(failure)
        if request.meta["discovery_callback"] == "parse_robots" and reason in UNREACHABLE:
            # No server behind the site's first request: its sitemaps and homepage would fail alike.
            root = request.meta["site_root"]
            self.logger.warning("site unreachable, skipped: %s (%s: %s)", root, reason, detail)
            self.count(f"failed/{reason}", request.url)
        elif request.meta["discovery_callback"] == "parse_robots":
            yield from self.sitemaps_then_homepage(request.meta["site_root"], request.url, [])
        yield from self.discovery_finished(request.url)
        self.done(request)

    def discovery_finished(self, url: str) -> Iterator[Request]:
        state = self.frontier.site_for(url)
        if state is not None:
            # max(): in distributed mode another worker may have sent the request
            state.discovery_pending = max(0, state.discovery_pending - 1)
            if state.discovery_pending <= 0:
                yield from self.release_held(state)

    def release_held(self, state: SiteState) -> Iterator[Request]:
        """Once a site's discovery is complete, its articles go to the queue together, so
        the newest is fetched first; links come last (most were in a sitemap already)."""
        queued, state.held_entries = state.held_entries, []
        for entry in queued:
            yield self._entry_request(*entry)
        held, state.held = state.held, []
        self.frontier.prefetch(url for url, _ in held)
        for url, depth in held:
            offer = self.frontier.offer_article(url, from_link=True)
            if offer.url:
                yield self.article_request(offer.url, priority=offer.priority, depth=depth)
            elif offer.skipped in ("older_than_since", "undated_link_since", "seen_before"):
                self.count(f"skipped/{offer.skipped}", url)

    def count(self, name: str, url: str) -> None:
        stats = self.crawler.stats
        if stats is None:
            return
        stats.inc_value(f"newscrawl/{name}")
        site = site_of(url)
        if site and site in self.frontier.sites:
            stats.inc_value(f"newscrawl/site/{site}/{name}")

    def profile_of(self, url: str) -> SiteProfile | None:
        """The site profile of the site `url` belongs to (sites file, else its host)."""
        state = self.frontier.site_for(url)
        return PROFILES.get(state.profile) if state is not None and state.profile else None

    def article_pattern(self, url: str) -> str | None:
        profile = self.profile_of(url)
        return profile.article_url if profile is not None else None

    def parse_robots(self, response: Response) -> Iterator[Request]:
        text = response.body.decode("utf-8", "replace") if response.status == 200 else ""
        yield from self.sitemaps_then_homepage(response.meta["site_root"], response.url, sitemaps_in_robots(text))

    def sitemaps_then_homepage(self, root: str, robots_url: str, sitemaps: list[str]) -> Iterator[Request]:
        """The sitemaps robots.txt names and the site profile's (else the usual places), the
        profile's feeds, then the homepage."""
        profile = self.profile_of(root)
        listed = [*sitemaps, *(profile.sitemaps if profile is not None else ())]
        found = [url for url in listed if self.frontier.site_for(url)]
        if not found:
            found = [urljoin(robots_url, path) for path in COMMON_SITEMAPS[:3]]
        for url in found:
            if self.frontier.mark_seen(url):
                yield self.discovery_request(url, self.parse_sitemap)
        if profile is not None:
            yield from self.feed_requests(profile.feeds)
        yield self.homepage_request(root)

    def parse_sitemap(self, response: Response) -> Iterator[Request]:
        body = response.body
        try:
            if gzip_magic_number(response):
                body = gunzip(body, max_size=SITEMAP_MAX_BYTES)
            sitemap = parse_sitemap(body)
        except (ValueError, OSError) as exc:  # gunzip raises _DecompressionMaxSizeExceeded (a ValueError)
            self.count("discovery_invalid/sitemap", response.url)
            self.logger.info("not a sitemap: %s (%s)", response.url, exc)
            return
        if sitemap.is_index:
            for entry in sitemap.entries:
                url = urljoin(response.url, entry.url)
                if self._older_than_since(entry):
                    self.count("skipped/sitemap_older_than_since", url)
                elif self.frontier.site_for(url) and self.frontier.mark_seen(url):
                    yield self.discovery_request(url, self.parse_sitemap)
            return
        yield from self.entry_requests(sitemap.entries, response.url)

    def feed_requests(self, urls: Iterable[str]) -> Iterator[Request]:
        for url in urls:
            if self.frontier.site_for(url) and self.frontier.mark_seen(url):
                yield self.discovery_request(url, self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[Request]:
        try:
            entries = parse_feed(response.body, response.url)
        except ValueError as exc:
            self.count("discovery_invalid/feed", response.url)
            self.logger.info("not a feed: %s (%s)", response.url, exc)
            return
        yield from self.entry_requests(entries, response.url)

    def entry_requests(self, entries: list[Entry], base_url: str) -> Iterator[Request]:
        urls = [urljoin(base_url, entry.url) for entry in entries]
        self.frontier.prefetch(urls)
        for entry, url in zip(entries, urls, strict=True):
            if url_kind(url, self.article_pattern(url)) in ("listing", "pagination", "calendar"):
                # Sitemaps list sections too (a "pages" sitemap): read their links, never extract them.
                yield from self.page_request(url, 1)
                continue
            offer = self.frontier.offer_article(url, entry.date, lastmod=entry.lastmod)
            if offer.url:
                state = self.frontier.site_for(offer.url)
                listed = (offer.url, offer.priority, entry.date, entry.source, entry.lastmod)
                if state is not None and state.discovery_pending > 0:
                    state.held_entries.append(listed)
                else:
                    yield self._entry_request(*listed)
            elif offer.skipped in ("older_than_since", "offsite", "seen_before"):
                self.count(f"skipped/{offer.skipped}", url)

    def _entry_request(self, url: str, priority: int, date: str | None, source: str | None,
                       lastmod: str | None) -> Request:
        """The request of a sitemap/feed article, as SiteState.held_entries keeps it."""
        return self.article_request(url, priority=priority, date=date, source=source, lastmod=lastmod)

    def _older_than_since(self, entry: Entry) -> bool:
        if self.frontier.since is None or not entry.date:
            return False
        when = self.frontier._when(entry.url, entry.date)
        return when is not None and when < self.frontier.since
