"""ExtractedArticle -> ArticleRecord: dates, URL, language and text made canonical."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from crawler.items import ArticleRecord, DateCandidate, ExtractedArticle
from crawler.profiles import SiteProfile, get_profile
from crawler.urls import canonical_url, host_of, site_of

from .normalization.dates import DateContext, ParsedDate, parse_date
from .normalization.datewords import language_fact
from .normalization.language import LANGUAGE_SAMPLE, detect_language
from .normalization.text import clean_block, clean_inline
from .normalization.timezones import fixed, guess_timezone, zone
from .normalization.words import count_words

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

_HASH_SLICE = 1 << 16  # characters of text encoded at a time for its hash
# Lower is more reliable. A sitemap or feed date beats only the URL path.
SOURCE_RANK = {"jsonld": 0, "meta": 1, "time": 2, "visible": 3, "script": 4, "sitemap": 4, "feed": 4, "url": 5}


def normalize_article(article: ExtractedArticle) -> ArticleRecord:
    profile = get_profile(article.profile) if article.profile else None
    description = clean_inline(article.description)
    text = clean_block(article.text)
    title = clean_inline(article.title) or ""
    language = (profile.language if profile and not text else None) or detect_language(
        f"{title}\n{text[:LANGUAGE_SAMPLE]}", article.html_lang or (profile.language if profile else None))
    url = canonical_url(article.url)
    feed_formats = profile.feed_date_formats if profile else ()
    published, modified = choose_dates(article.dates, date_context(article, profile, language), feed_formats)
    return ArticleRecord(
        url=url,
        fetched_url=article.fetched_url,
        site=site_of(url),
        site_name=clean_inline(article.site_name),
        title=title,
        description=description,
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
        word_count=count_words(text),
        content_hash=content_hash(text),
        fetched_at=article.fetched_at,
        http_status=article.http_status,
        input=article.input,
        requested_url=article.requested_url,
    )


def content_hash(text: str) -> str:
    """SHA-256 of the text's UTF-8, encoded a slice at a time (a 10 MB text is not copied)."""
    digest = hashlib.sha256()
    for start in range(0, len(text), _HASH_SLICE):
        digest.update(text[start:start + _HASH_SLICE].encode("utf-8"))
    return digest.hexdigest()


def date_context(article: ExtractedArticle, profile: SiteProfile | None, language: str | None) -> DateContext:
    try:
        base = datetime.fromisoformat(article.fetched_at)
    except (TypeError, ValueError):
        base = datetime.now(UTC)
    if base.tzinfo is None:
        base = base.replace(tzinfo=UTC)
    host, region = host_of(article.url), locale_region(article.html_lang)
    if region in language_fact(language, "default_regions", ()):
        region = None  # `es-ES` on a Colombian site: the CMS's default locale, not a statement
    tz = (profile.timezone if profile else None) or guess_timezone(host, language, region)
    order = profile.date_order if profile else _date_order(language, host, region)
    return DateContext(
        base=base, tz=tz, languages=(language,) if language else (), date_order=order,
        formats=profile.date_formats if profile else (), utc_as_local=bool(profile and profile.timezone),
    )


def _parse(candidate: DateCandidate, ctx: DateContext, feed_formats: tuple[str, ...]) -> ParsedDate | None:
    if candidate.source == "feed" and feed_formats:
        ctx = replace(ctx, formats=feed_formats)
    return parse_date(candidate.raw, ctx)


_MACHINE = ("jsonld", "meta", "time")
def _date_order(language: str | None, host: str | None, region: str | None) -> str | None:
    """The language's order of numeric dates (`[dates] date_order`); English is day first in
    the countries that write it so (by the site's TLD or the page's locale), else left open."""
    order: str | None = language_fact(language, "date_order")
    if order:
        return order
    places = {region or "", (host or "").rsplit(".", 1)[-1].lower()}
    return "DMY" if places & set(language_fact(language, "day_first_regions", ())) else None


def locale_region(tag: str | None) -> str | None:
    """The country of a locale tag: `zh-Hant-TW` -> `tw`, `en_GB` -> `gb`."""
    parts = (tag or "").replace("_", "-").split("-")[1:]
    return next((p.lower() for p in parts if len(p) == 2 and p.isalpha()), None)


def choose_dates(
    candidates: list[DateCandidate], ctx: DateContext, feed_formats: tuple[str, ...] = ()
) -> tuple[tuple[DateCandidate, ParsedDate] | None, ParsedDate | None]:
    """The best published date (with the candidate it came from) and the modified date.

    Machine-readable dates are parsed first; the visible and other free-text ones (dateparser,
    a few milliseconds each) only when those leave a doubt: no time, no offset or UTC, or a
    publication later than the modification.
    """
    site_tz = ctx.tz  # the site's own zone, before an offset the page states elsewhere stands in for it
    cache: dict[tuple[str, str, str | None], ParsedDate | None] = {}

    def parse(c: DateCandidate, context: DateContext) -> ParsedDate | None:
        key = (c.raw, c.source, context.tz)
        if key not in cache:
            cache[key] = _parse(c, context, feed_formats)
        return cache[key]

    parsed = [(c, p) for c in candidates if c.source in _MACHINE and (p := parse(c, ctx)) is not None]
    if not _settled(parsed):
        parsed += [(c, p) for c in candidates if c.source not in _MACHINE and (p := parse(c, ctx)) is not None]
    if ctx.tz is None:
        # No known site timezone: an offset the page states elsewhere beats assuming UTC.
        stated = next((p.value.utcoffset() for _, p in parsed if not p.tz_assumed), None)
        if stated is not None:
            hours, rest = divmod(int(stated.total_seconds()), 3600)
            ctx = replace(ctx, tz=f"{'-' if hours < 0 else '+'}{abs(hours):02d}:{rest // 60:02d}")
            parsed = [(c, p2) for c, p in parsed if (p2 := parse(c, ctx) if p.tz_assumed else p) is not None]
    published = sorted(((c, p) for c, p in parsed if c.kind == "published"), key=lambda cp: SOURCE_RANK[cp[0].source])
    modified = next((p for c, p in parsed if c.kind == "modified"), None)
    if not published:
        return None, None
    published = _not_after_modified(_human_written_stamp_last(published), parsed)
    best = _refine(published[0], published[1:])
    best = (best[0], _utc_in_site_time(best[1], published, site_tz))
    if modified is not None and modified.value < best[1].value:
        modified = None
    return best, modified


def _settled(parsed: list[tuple[DateCandidate, ParsedDate]]) -> bool:
    """A machine date with a time and a local offset, not contradicted by the modified date."""
    published = [p for c, p in parsed if c.kind == "published"]
    modified = [p for c, p in parsed if c.kind == "modified"]
    first = min(published, key=lambda p: p.value, default=None)
    return first is not None and first.has_time and not first.tz_assumed \
        and first.value.utcoffset() != timedelta(0) and all(m.value >= first.value for m in modified)


_STALE_MODIFIED = timedelta(minutes=1)
_MACHINE_FORMAT = re.compile(r"^\s*\d{4}-?\d\d-?\d\d|^\s*\d{10}")  # ISO 8601 or epoch seconds


def _human_written_stamp_last(published: list[tuple[DateCandidate, ParsedDate]]
                              ) -> list[tuple[DateCandidate, ParsedDate]]:
    """A structured date written for people (`Jun 24, 2025`, `01/07/16`) without a time is a
    template's print-out, often of the build or list date; the date line the page shows by the
    headline wins over it when the two disagree and no other structured date backs it."""
    top = published[0]
    if top[0].source not in ("jsonld", "meta") or top[1].has_time or _MACHINE_FORMAT.match(top[0].raw):
        return published
    shown = next((cp for cp in published if cp[0].source == "visible"), None)
    if shown is None or shown[1].value.date() == top[1].value.date():
        return published
    if any(c.source in _MACHINE and p.value.date() == top[1].value.date() for c, p in published[1:]):
        return published  # another structured statement of the same day
    return [shown, *(cp for cp in published if cp is not shown)]


def _not_after_modified(published: list[tuple[DateCandidate, ParsedDate]],
                        parsed: list[tuple[DateCandidate, ParsedDate]]) -> list[tuple[DateCandidate, ParsedDate]]:
    """A publication date later than the same source's modification date is a cache or index
    time; another published candidate that is not later comes first."""
    top = published[0]
    modified = [p.value for c, p in parsed if c.kind == "modified" and c.source == top[0].source]
    if not modified or top[1].value <= min(modified) + _STALE_MODIFIED:
        return published  # seconds later: the two stamps rounded differently
    if any(c.source == "url" and abs((p.value.date() - top[1].value.date()).days) <= 1 for c, p in published):
        return published  # the URL dates it that day (give or take a time zone): the modified date is stale
    earlier = [cp for cp in published[1:] if cp[1].has_time and cp[1].value <= min(modified)]
    return earlier + [cp for cp in published if cp not in earlier] if earlier else published


def _refine(best: tuple[DateCandidate, ParsedDate], others: list[tuple[DateCandidate, ParsedDate]]
            ) -> tuple[DateCandidate, ParsedDate]:
    """Prefer a candidate that says the same thing more precisely (a time, an offset)."""
    value = best[1].value
    if not best[1].has_time:
        same_day = [cp for cp in others if cp[1].has_time and cp[1].value.date() == value.date()]
        if same_day:
            best = same_day[0]
    if best[1].tz_assumed or best[1].value.utcoffset() == timedelta(0):
        local = _local_wall_clock(best[1], others)
        if local is not None:
            return best[0], local
    if best[1].tz_assumed:
        wall = best[1].value.replace(tzinfo=None, second=0)
        stated = [cp for cp in others if not cp[1].tz_assumed
                  and cp[1].value.replace(tzinfo=None, second=0) == wall]
        if stated:
            best = stated[0]
    return best


def _utc_in_site_time(best: ParsedDate, published: list[tuple[DateCandidate, ParsedDate]],
                      site_tz: str | None) -> ParsedDate:
    """A UTC stamp shown in the site's own timezone (from its TLD, its declared locale or its
    language) when the page itself shows the local calendar day and not the UTC one, in its date
    line or URL (`Wed, 04 May 2022 00:25:56 GMT` on an Argentine page dated the 3rd is
    21:25-03:00): the instant is the page's, the offset ours (tz_assumed). Without that evidence
    the offset stays as the page states it, UTC."""
    if not site_tz or best.tz_assumed or not best.has_time or best.value.utcoffset() != timedelta(0):
        return best
    local = best.value.astimezone(zone(site_tz))
    if local.utcoffset() == timedelta(0):
        return best
    shown = {p.value.date() for c, p in published if c.source in ("visible", "url")}
    if local.date() not in shown or best.value.date() in shown:
        return best
    return ParsedDate(fixed(local), True, True)


def _local_wall_clock(best: ParsedDate, others: list[tuple[DateCandidate, ParsedDate]]) -> ParsedDate | None:
    """A UTC (or naive) machine date that the page shows elsewhere as local wall-clock time.

    The same instant stated with a local offset is that offset. A visible time read without
    an offset that differs from the UTC stamp by a whole number of quarter hours (within a
    day's offsets, same minute) is the page's wall clock: `Nov. 19, 2019 5:50 PM` beside
    `2019-11-20T01:50:59Z` is 17:50:59-08:00.
    """
    machine = best.value.replace(tzinfo=None, second=0, microsecond=0)
    if machine.time() == datetime.min.time():
        return None  # a midnight stamp is a day without its time, not a clock to compare
    for _, other in sorted(others, key=lambda cp: cp[1].tz_assumed):
        if not other.has_time:
            continue
        if not other.tz_assumed:
            if other.value.utcoffset() != timedelta(0) and abs(other.value - best.value) < timedelta(minutes=1):
                return replace(best, value=best.value.astimezone(other.value.tzinfo), tz_assumed=False)
            continue
        delta = other.value.replace(tzinfo=None, second=0, microsecond=0) - machine
        if delta and abs(delta) <= timedelta(hours=14) and delta.total_seconds() % 900 == 0:
            utc = best.value.replace(tzinfo=UTC) if best.tz_assumed else best.value
            return ParsedDate(utc.astimezone(timezone(delta)), False, True)
    return None


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
