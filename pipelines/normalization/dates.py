"""Date strings as pages, feeds and sitemaps state them -> aware datetimes.

Order of attempts: epoch seconds, ISO 8601, the site's own strptime formats,
RFC 822 (feeds; dateparser misreads it under `languages=['vi']`), then cleaned
free text through dateparser. Explicit offsets (`GMT+7`, `UTC-05:00`, `+0700`)
are read here rather than by dateutil, which flips the sign of `GMT+7`.
The offset is kept as the page states it; `tz_assumed` marks the ones we supplied.
"""

from __future__ import annotations

import email.utils
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from .datetext import best_date
from .timezones import fixed, localize, zone

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f]")
_EPOCH = re.compile(r"^\d{10}(\d{3})?$")
_ISO = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_RFC822 = re.compile(r"^(?:[A-Za-z]{3},?\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d{1,2}:\d{2}")
# An explicit UTC offset: `GMT+7`, `(GMT+07:00)`, `UTC -5`, or a bare `+0700` after a time.
_OFFSET = re.compile(
    r"\(?\s*(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\s*\)?"
    r"|(?<=:\d\d)\s*([+-])(\d{2}):?(\d{2})\b",
    re.IGNORECASE,
)
# `IST` is India's UTC+05:30 on the web far more often than Israel's or Ireland's (dateparser reads +02:00).
_IST = re.compile(r"\bIST\b")
# A date line that goes on with the update: `November 19, 2019 / 12:21 AM / Updated 14 hours ago`.
_UPDATE_TAIL = re.compile(r"(?<=\S)\s*[|/·•,-]?\s*\b(?:last\s+)?(?:updated|modified|aktualisiert|mis à jour|"
                          r"actualizado|atualizado|aggiornato)\b.*$", re.IGNORECASE)
_HAS_TIME = re.compile(r"\d{1,2}\s*(?::|h|giờ)\s*\d{2}|\b(?:giờ|phút|hour|minute|min)s?\b", re.IGNORECASE)

# Vietnamese forms dateparser cannot read (measured in the research probe).
_VI_PREFIX = re.compile(
    r"^\s*(?:cập nhật|đăng|xuất bản|ngày đăng|ngày cập nhật|thời gian)(?:\s+lúc)?\s*:?\s*", re.IGNORECASE
)
_VI_WEEKDAY = re.compile(
    r"\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|bẩy)|chủ\s+nhật|t[2-7]|cn)\b\s*[,\-–]?\s*", re.IGNORECASE
)
_VI_HOUR_H = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})\b", re.IGNORECASE)
_VI_HOUR_WORDS = re.compile(r"\b(\d{1,2})\s*giờ\s*(\d{1,2})\s*(?:phút)?", re.IGNORECASE)
_VI_NGAY = re.compile(r"\bngày\s+(?=\d)", re.IGNORECASE)
_VI_LUC = re.compile(r"\blúc\b", re.IGNORECASE)
_EN_PREFIX = re.compile(
    r"^\s*(?:(?:first\s+|last\s+)?(?:published|posted|updated|modified|created|date|dated)"
    r"(?:\s+(?:on|at))?|veröffentlicht(?:\s+am)?|aktualisiert(?:\s+am)?|publié\s+le|mis\s+à\s+jour\s+le"
    r"|publicado(?:\s+el)?|actualizado(?:\s+el)?|pubblicato(?:\s+il)?)\s*:?\s*",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s*[|•·]\s*|\s+[-–—]\s+|,\s*|\s+/\s+")
# What dateparser is still asked to read: relative dates and dates without a year.
_DIGIT_OR_RELATIVE = re.compile(
    r"\d|hôm qua|hôm nay|vừa|yesterday|today|just now|gestern|heute|hier|ayer|hoy|ontem|hoje|ieri|oggi", re.IGNORECASE)
_JUST_NOW = re.compile(r"^(?:vừa xong|vừa đăng|just now|gerade eben|à l'instant)$", re.IGNORECASE)

_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class DateContext:
    """What a page tells us about how to read its dates."""

    base: datetime  # aware; relative dates ("2 giờ trước") count back from it
    tz: str | None = None  # IANA zone or `+07:00`; None: UTC is assumed
    languages: tuple[str, ...] = ()
    date_order: str | None = None  # DMY, MDY or YMD; None lets dateparser decide
    formats: tuple[str, ...] = field(default=())  # strptime formats tried first
    # Show UTC stamps in `tz` (a site profile's zone): its CMS serializes local times as UTC.
    utc_as_local: bool = False


@dataclass(frozen=True)
class ParsedDate:
    value: datetime  # aware, fixed offset
    tz_assumed: bool
    has_time: bool

    def isoformat(self) -> str:
        return self.value.isoformat()


def prepare(raw: str) -> str:
    """NFC, no invisible characters, NBSP -> space, whitespace collapsed."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", raw))
    return " ".join(text.split())


def parse_date(raw: str | None, ctx: DateContext) -> ParsedDate | None:
    """Parse one date string; None when it is not a plausible date."""
    if not raw:
        return None
    text = prepare(str(raw))[:200]
    if not text:
        return None
    try:
        parsed = _parse(text, ctx)
    except (ValueError, OverflowError, OSError, TypeError, KeyError, AttributeError):
        return None  # dateparser and strptime raise many types on odd input
    if parsed is None or not _plausible(parsed.value, ctx.base):
        return None
    if ctx.utc_as_local and ctx.tz and not parsed.tz_assumed and parsed.value.utcoffset() == timedelta(0):
        return ParsedDate(fixed(parsed.value.astimezone(zone(ctx.tz))), False, parsed.has_time)
    return parsed


def _plausible(value: datetime, base: datetime) -> bool:
    # A week of slack: pages are dated ahead by timezone slips and scheduled posts.
    return _EARLIEST <= value <= base + timedelta(days=7)


def _parse(text: str, ctx: DateContext) -> ParsedDate | None:
    local_tz = zone(ctx.tz) if ctx.tz else UTC
    if _EPOCH.match(text):
        seconds = int(text[:10])
        return ParsedDate(fixed(datetime.fromtimestamp(seconds, local_tz)), True, True)
    iso = _ISO.match(text)
    if iso:
        return _from_iso(iso, local_tz)
    for fmt in ctx.formats:
        try:
            value = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return _attach(value, local_tz, _HAS_TIME.search(text) is not None)
    if _RFC822.match(text):
        value = email.utils.parsedate_to_datetime(text)
        return _attach(value, local_tz, True)
    span = best_date(text, ctx.languages[0] if ctx.languages else None, ctx.date_order, ctx.base.year)
    if span is not None and span.unknown_zone:
        named = _parse_free_text(text, ctx, local_tz)  # dateparser knows more zone names
        if named is not None and named.value.replace(tzinfo=None) == span.naive():
            return named
    if span is not None:
        if span.offset is not None:
            return ParsedDate(span.naive().replace(tzinfo=span.offset), False, span.has_time)
        return _attach(span.naive(), local_tz, span.has_time)
    if not _DIGIT_OR_RELATIVE.search(text):
        return None
    return _parse_free_text(text, ctx, local_tz)


def _from_iso(match: re.Match[str], local_tz: Any) -> ParsedDate:
    year, month, day, hour, minute, second, offset = match.groups()
    value = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    if offset:
        value = value.replace(tzinfo=_offset_tz(offset))
        return ParsedDate(value, False, hour is not None)
    return _attach(value, local_tz, hour is not None)


def _offset_tz(offset: str) -> timezone:
    if offset.upper() == "Z":
        return UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def _attach(value: datetime, local_tz: Any, has_time: bool) -> ParsedDate:
    if value.tzinfo is not None:
        return ParsedDate(fixed(value), False, has_time)
    return ParsedDate(localize(value, local_tz), True, has_time)


def clean_text(text: str) -> tuple[str, timezone | None]:
    """Strip prefixes, weekdays and separators; pull out an explicit UTC offset."""
    offset: timezone | None = None
    text = _UPDATE_TAIL.sub("", text)
    if _IST.search(text):
        offset, text = timezone(timedelta(hours=5, minutes=30)), _IST.sub(" ", text)
    match = _OFFSET.search(text) if offset is None else None
    if match:
        sign, hours, minutes = (match.group(1), match.group(2), match.group(3)) if match.group(1) \
            else (match.group(4), match.group(5), match.group(6))
        delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if delta <= timedelta(hours=14):
            offset = timezone(-delta if sign == "-" else delta)
            text = text[: match.start()] + " " + text[match.end():]
    text = _VI_PREFIX.sub("", text)
    text = _EN_PREFIX.sub("", text)
    text = _VI_WEEKDAY.sub(" ", text)
    text = _VI_HOUR_WORDS.sub(r"\1:\2", text)
    text = _VI_HOUR_H.sub(r"\1:\2", text)
    text = _VI_NGAY.sub("", text)
    text = _VI_LUC.sub(" ", text)
    text = _SEPARATORS.sub(" ", text)
    return " ".join(text.split()).strip(" ,-–"), offset


def _parse_free_text(text: str, ctx: DateContext, local_tz: Any) -> ParsedDate | None:
    cleaned, offset = clean_text(text)
    if not cleaned:
        return None
    base_local = ctx.base.astimezone(local_tz)
    if _JUST_NOW.match(cleaned):
        return ParsedDate(fixed(base_local.replace(microsecond=0)), True, True)
    value = _dateparser(cleaned, ctx, base_local.replace(tzinfo=None))
    if value is None:
        return None
    has_time = _HAS_TIME.search(text) is not None or value.time() != datetime.min.time()
    if offset is not None:
        return ParsedDate(value.replace(tzinfo=None, microsecond=0).replace(tzinfo=offset), False, has_time)
    return _attach(value.replace(microsecond=0), local_tz, has_time)


def _dateparser(text: str, ctx: DateContext, base: datetime) -> datetime | None:
    import dateparser  # slow to import; only free-text dates need it

    settings: dict[str, Any] = {"PREFER_DATES_FROM": "past", "RELATIVE_BASE": base}
    if ctx.date_order:
        settings["DATE_ORDER"] = ctx.date_order
    languages = list(dict.fromkeys([*ctx.languages, "en"])) if ctx.languages else None
    result: datetime | None = dateparser.parse(text, languages=languages, settings=settings)
    return result
