"""What to fetch next, per site: scope, seen URLs, --since, depth, newest first.

One Frontier per spider. It remembers every URL it handed out as an 8-byte
digest of its dedup key (www-, scheme-, fragment- and tracking-parameter-blind),
so a link to an article already queued from a sitemap costs a set lookup, not a
request, and memory stays small.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from crawler.urls import canonical_url, dedup_key, site_of
from pipelines.normalization.dates import DateContext, parse_date
from pipelines.state import Written

# Scrapy runs higher priorities first.
PRIORITY_DISCOVERY = 1_000_000  # robots.txt, sitemaps, feeds, homepages
PRIORITY_RECENT = 200_000  # minus the age in hours
PRIORITY_OLDER = 100_000  # minus the age in days
PRIORITY_UNDATED_ARTICLE = 10
PRIORITY_LISTING = 5
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(\d{1,2})/(\d{1,2})/")
_RECENT = timedelta(days=14)


def digest(url: str) -> bytes:
    return key_digest(dedup_key(url))


def key_digest(key: str) -> bytes:
    return hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()


@dataclass
class SiteState:
    root: str
    since: datetime | None = None  # per-site overrides of the frontier's defaults
    depth: int | None = None
    profile: str | None = None
    seen: set[bytes] = field(default_factory=set)
    pagination_pages: int = 0
    dated_entries: int = 0  # sitemap/feed entries that came with a date
    discovery_pending: int = 0  # robots.txt, sitemap, feed and homepage requests not answered yet
    held: list[tuple[str, int]] = field(default_factory=list)  # article links waiting for them
    # Sitemap/feed articles, likewise, as (url, priority, date, source, lastmod): the requests
    # are made when released, so thousands of entries are not thousands of Request objects.
    held_entries: list[tuple[str, int, str | None, str | None, str | None]] = field(default_factory=list)


@dataclass
class Offer:
    """A URL accepted for fetching, with its priority; or the reason it was not."""

    url: str | None
    priority: int = 0
    skipped: str | None = None


class Frontier:
    def __init__(self, since: datetime | None = None, depth: int = 3, max_pagination: int = 50,
                 written_before: Callable[[str], Written | None] | None = None,
                 written_many: Callable[[Sequence[str]], dict[str, Written]] | None = None) -> None:
        self.since = since
        self.depth = depth
        self.max_pagination = max_pagination
        self.written_before = written_before  # state of earlier runs, by dedup key
        self.written_many = written_many  # the same for many keys at once
        self.prefetched: set[str] = set()  # keys of the last prefetch: their answers are in `written`
        self.written: dict[str, Written] = {}
        self.sites: dict[str, SiteState] = {}
        self._now = datetime.now(timezone.utc)

    def add_site(self, root: str, since: datetime | None = None, depth: int | None = None,
                 profile: str | None = None) -> str:
        site = site_of(root) or root
        self.sites.setdefault(site, SiteState(root=root, since=since, depth=depth, profile=profile))
        return site

    def site_for(self, url: str) -> SiteState | None:
        site = site_of(url)
        return self.sites.get(site) if site else None

    def mark_seen(self, url: str) -> bool:
        """Record a URL as handled; False if it was already."""
        state = self.site_for(url)
        if state is None:
            return False
        key = digest(url)
        if key in state.seen:
            return False
        state.seen.add(key)
        return True

    def prefetch(self, urls: Iterable[str]) -> None:
        """Ask the state about a page's (or a sitemap's) article links in one query before they are
        offered one by one: with the state in Redis, one round trip instead of one per link."""
        if self.written_many is None:
            return
        keys = []
        for url in urls:
            key = dedup_key(url)
            state = self.site_for(url)
            if state is not None and key_digest(key) not in state.seen:
                keys.append(key)
        self.prefetched = set(keys)
        self.written = self.written_many(keys) if keys else {}

    def _written_before(self, key: str) -> Written | None:
        if key in self.prefetched:
            return self.written.get(key)
        return self.written_before(key) if self.written_before is not None else None

    def offer_article(self, url: str, date: str | None = None, from_link: bool = False,
                      lastmod: str | None = None) -> Offer:
        """An article URL from a sitemap, feed or link; dated ones are fetched newest first."""
        url = canonical_url(url)
        state = self.site_for(url)
        if state is None:
            return Offer(None, skipped="offsite")
        if digest(url) in state.seen:
            return Offer(None, skipped="seen")
        if self.written_before is not None:
            earlier = self._written_before(dedup_key(url))
            if earlier is not None and not self._changed(earlier.lastmod, lastmod):
                self.mark_seen(url)
                return Offer(None, skipped="seen_before")
        when = self._when(url, date)
        if date and not from_link:
            state.dated_entries += 1
        since = state.since or self.since
        if since is not None and when is not None and when < since:
            self.mark_seen(url)  # a later link to it must not fetch it either
            return Offer(None, skipped="older_than_since")
        if since is not None and when is None and from_link and state.dated_entries:
            # The site dates its articles in sitemaps/feeds; a link with no date is most likely old.
            return Offer(None, skipped="undated_link_since")
        if not self.mark_seen(url):
            return Offer(None, skipped="seen")
        return Offer(url, priority=self.priority(when))

    def priority(self, when: datetime | None) -> int:
        """Newest first: by the hour for the last two weeks, by the day before that.

        Scrapy keeps one queue per priority and scans them all when one empties,
        so older articles share day-sized buckets.
        """
        if when is None:
            return PRIORITY_UNDATED_ARTICLE
        age = max(self._now - when, timedelta(0))
        if age <= _RECENT:
            return PRIORITY_RECENT - int(age.total_seconds() // 3600)
        return max(PRIORITY_UNDATED_ARTICLE + 1, PRIORITY_OLDER - age.days)

    def offer_page(self, url: str, depth: int, pagination: bool = False) -> Offer:
        """A listing or other page to read links from, within depth and pagination bounds."""
        url = canonical_url(url)
        state = self.site_for(url)
        if state is None:
            return Offer(None, skipped="offsite")
        if depth > (state.depth if state.depth is not None else self.depth):
            return Offer(None, skipped="too_deep")
        if pagination and state.pagination_pages >= self.max_pagination:
            return Offer(None, skipped="pagination_limit")
        if not self.mark_seen(url):
            return Offer(None, skipped="seen")
        if pagination:
            state.pagination_pages += 1
        return Offer(url, priority=PRIORITY_LISTING)

    def _changed(self, before: str | None, now: str | None) -> bool:
        """Did the listing's lastmod move since the article was written?"""
        if not now:
            return False
        new = parse_date(now, DateContext(base=self._now))
        if new is None:
            return False
        old = parse_date(before, DateContext(base=self._now)) if before else None
        return old is None or new.value > old.value

    def _when(self, url: str, date: str | None) -> datetime | None:
        if date:
            parsed = parse_date(date, DateContext(base=self._now))
            if parsed is not None:
                return parsed.value
        match = _URL_DATE.search(url)
        if match:
            try:  # a day in the URL: be a day generous, its timezone is unknown
                year, month, mday = (int(g) for g in match.groups())
                day = datetime(year, month, mday, tzinfo=timezone.utc)
                return day + timedelta(days=1)
            except ValueError:
                return None
        return None
