"""ExtractedArticle -> ArticleRecord: dates, URL, language and text made canonical."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

from scrapy.crawler import Crawler

from crawler.items import ArticleRecord, DateCandidate, ExtractedArticle
from crawler.profiles import SiteProfile, get_profile

from .normalization.dates import DateContext, ParsedDate, parse_date
from .normalization.language import detect_language
from .normalization.text import clean_block, clean_inline, word_count
from .normalization.timezones import guess_timezone
from .normalization.urls import canonical_url, host_of, site_of

# Lower is more reliable. A sitemap or feed date beats only the URL path.
SOURCE_RANK = {"jsonld": 0, "meta": 1, "time": 2, "visible": 3, "sitemap": 4, "feed": 4, "url": 5}


def normalize_article(article: ExtractedArticle) -> ArticleRecord:
    profile = get_profile(article.profile) if article.profile else None
    text = clean_block(article.text)
    title = clean_inline(article.title) or ""
    language = (profile.language if profile and not text else None) or detect_language(
        f"{title}\n{text}", article.html_lang or (profile.language if profile else None))
    url = canonical_url(article.url)
    feed_formats = profile.feed_date_formats if profile else ()
    published, modified = choose_dates(article.dates, date_context(article, profile, language), feed_formats)
    return ArticleRecord(
        url=url,
        fetched_url=article.fetched_url,
        site=site_of(url),
        site_name=clean_inline(article.site_name),
        title=title,
        description=clean_inline(article.description),
        text=text,
        authors=[a for a in (clean_inline(x) for x in article.authors) if a],
        source_credit=clean_inline(article.source_credit),
        published_at=published[1].isoformat() if published else None,
        published_at_raw=clean_inline(published[0].raw) if published else None,
        published_at_source=published[0].source if published else None,
        modified_at=modified.isoformat() if modified else None,
        tz_assumed=bool(published and published[1].tz_assumed),
        language=language,
        tags=[t for t in (clean_inline(x) for x in article.tags) if t],
        section=clean_inline(article.section),
        image=article.image,
        word_count=word_count(text),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        fetched_at=article.fetched_at,
        http_status=article.http_status,
        input=article.input,
        requested_url=article.requested_url,
    )


def date_context(article: ExtractedArticle, profile: SiteProfile | None, language: str | None) -> DateContext:
    try:
        base = datetime.fromisoformat(article.fetched_at)
    except (TypeError, ValueError):
        base = datetime.now(timezone.utc)
    if base.tzinfo is None:
        base = base.replace(tzinfo=timezone.utc)
    tz = (profile.timezone if profile else None) or guess_timezone(host_of(article.url), language)
    order = profile.date_order if profile else ("DMY" if language == "vi" else None)
    return DateContext(
        base=base, tz=tz, languages=(language,) if language else (), date_order=order,
        formats=profile.date_formats if profile else (), utc_as_local=bool(profile and profile.timezone),
    )


def _parse(candidate: DateCandidate, ctx: DateContext, feed_formats: tuple[str, ...]) -> ParsedDate | None:
    if candidate.source == "feed" and feed_formats:
        ctx = replace(ctx, formats=feed_formats)
    return parse_date(candidate.raw, ctx)


def choose_dates(
    candidates: list[DateCandidate], ctx: DateContext, feed_formats: tuple[str, ...] = ()
) -> tuple[tuple[DateCandidate, ParsedDate] | None, ParsedDate | None]:
    """The best published date (with the candidate it came from) and the modified date."""
    parsed = [(c, p) for c in candidates if (p := _parse(c, ctx, feed_formats)) is not None]
    if ctx.tz is None:
        # No known site timezone: an offset the page states elsewhere beats assuming UTC.
        stated = next((p.value.utcoffset() for _, p in parsed if not p.tz_assumed), None)
        if stated is not None:
            hours, rest = divmod(int(stated.total_seconds()), 3600)
            offset = f"{'-' if hours < 0 else '+'}{abs(hours):02d}:{rest // 60:02d}"
            ctx = replace(ctx, tz=offset)
            parsed = [(c, p) for c in candidates if (p := _parse(c, ctx, feed_formats)) is not None]
    published = sorted(((c, p) for c, p in parsed if c.kind == "published"), key=lambda cp: SOURCE_RANK[cp[0].source])
    modified = next((p for c, p in parsed if c.kind == "modified"), None)
    if not published:
        return None, None
    best = _refine(published[0], published[1:])
    if modified is not None and modified.value < best[1].value:
        modified = None
    return best, modified


def _refine(best: tuple[DateCandidate, ParsedDate], others: list[tuple[DateCandidate, ParsedDate]]
            ) -> tuple[DateCandidate, ParsedDate]:
    """Prefer a candidate that says the same thing more precisely (a time, an offset)."""
    value = best[1].value
    if not best[1].has_time:
        same_day = [cp for cp in others if cp[1].has_time and cp[1].value.date() == value.date()]
        if same_day:
            best = same_day[0]
    if best[1].value.utcoffset() == timedelta(0):
        # Same instant stated with a local offset elsewhere on the page: that is the page's wall clock.
        local = [cp for cp in others if not cp[1].tz_assumed and cp[1].value == best[1].value
                 and cp[1].value.utcoffset() != timedelta(0)]
        if local:
            best = local[0]
    if best[1].tz_assumed:
        wall = best[1].value.replace(tzinfo=None, second=0)
        stated = [cp for cp in others if not cp[1].tz_assumed
                  and cp[1].value.replace(tzinfo=None, second=0) == wall]
        if stated:
            best = stated[0]
    return best


class NormalizePipeline:
    """ExtractedArticle -> ArticleRecord; other items pass through."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> NormalizePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ExtractedArticle):
            return normalize_article(item)
        return item
