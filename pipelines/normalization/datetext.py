"""Find the date inside a line of text, in any language, without dateparser.

A date line holds more than its date: `By Dr. Vahid Osman - Mar 27, 2024`, `Jun 08, 2023 •
11 Minute Read`, `Published June 29, 2020 Updated November 12, 2021`, `입력 2025.01.13 21:37`.
`find_dates` returns every date span of a line (day, month and year written with digits,
month words of any language file, CJK/Korean year-month-day marks, era names), each with
the time and UTC offset written next to it and the label in front of it (published,
updated, or a date that is not the page's: `Joined May 11, 2017`). `best_date` picks the
line's publication date: the first span not labelled otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache

from .calendars import from_solar_hijri, full_year
from .datewords import LETTERS, date_words, fold, language_fact
from .timezones import zone


@dataclass(frozen=True)
class DateSpan:
    start: int  # in the folded text
    end: int
    year: int
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None
    second: int = 0
    offset: tzinfo | None = None  # stated next to the time
    label: str | None = None  # "published", "updated", "other" or None
    unknown_zone: bool = False  # a zone abbreviation follows the time that the zone table lacks

    def naive(self) -> datetime:
        return datetime(self.year, self.month, self.day, self.hour or 0, self.minute or 0, self.second)

    @property
    def has_time(self) -> bool:
        return self.hour is not None


_DAY = r"(?P<d>3[01]|[12]\d|0?[1-9])"
_YEAR = r"(?P<y>(?:19|20|25|13|14)\d\d)(?!\d)"  # 25xx: a Buddhist-era year; 13xx/14xx: a Persian one


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    w = date_words().patterns
    # Levantine and Maghrebi Arabic pages write a month twice, in both calendars' names
    # (`24 نيسان / أبريل 2020`, `أبريل (نيسان)`): the second name is read as part of the first.
    also = rf"(?:\s*(?:/|\(|-)\s*(?:{w['month']})\)?(?![^\W_]))?"
    mon = rf"(?<![^\W\d_])(?P<mon>{w['month']})\.?(?![^\W_]){also}"
    conn = rf"(?:(?:{w['connector']})\s+|d[’']\s*)"
    ord_ = r"(?:st|nd|rd|th|er|eme|e|º|ª|°|\.)?"
    two_digit = r"(?P<y2>\d\d)(?![\d:.,]|\s?(?:h|giờ|gio)\b)"
    d_m_y = (rf"(?<![\d.])(?:(?:{w['day_prefix']})\s*)?{_DAY}{ord_}\s*(?:{w['day_suffix']})?[\s,\-/]*(?:{conn}\s*)?"
             rf"{mon}[\s,\-/]*(?:{conn}\s*)?(?:(?:{w['year_prefix']})\s*)?(?:{_YEAR}|'?{two_digit})"
             rf"(?:\s*(?:{w['year_suffix']})(?![^\W\d_]))?")
    # `Nov 20, 2019`, and the asctime order `Nov 20 15:23:00 2019` with the time before the year
    inline_time = r"(?:(?P<ih>[01]?\d|2[0-3]):(?P<im>[0-5]\d)(?::(?P<is>[0-5]\d))?\s+)?"
    m_d_y = (rf"{mon}[\s,]*{_DAY}(?:st|nd|rd|th)?(?!\d)[\s,]*{inline_time}(?:{conn}\s*)?"
             rf"(?:{_YEAR}|'(?P<y2>\d\d)(?!\d))")
    y_m_d = rf"(?<![\d.]){_YEAR}\.?\s*(?:{w['year_suffix']})?[\s,]*{mon}[\s,]*{_DAY}(?!\d)\.?\s*(?:{w['day_suffix']})?"
    marks = (rf"(?<!\d)(?:(?P<era>{w['era']})\s*(?P<ey>\d{{1,3}}|元)|{_YEAR})\s*(?:{w['year_suffix']})\s*"
             rf"(?P<m>1[0-2]|0?[1-9])\s*(?:{w['month_suffix']})\s*{_DAY}(?!\d)\s*(?:{w['day_suffix']})?")
    y_m_d_num = (r"(?<![\d.])(?P<y>(?:19|20|13|14)\d\d)(?P<sep>[-/.])\s?(?P<m>1[0-2]|0?[1-9])(?P=sep)\s?"
                 r"(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)\.?")
    d_m_y_num = (r"(?<![\d./-])(?P<a>[0-3]?\d)\s?(?P<sep>[./-])\s?(?P<b>[0-3]?\d)\s?(?P=sep)\s?"
                 r"(?P<y>(?:19|20)\d\d|\d\d)(?!\d|[.:/-]\d)")
    am, pm = w["am"], w["pm"]
    # `21:37`, `21:37:05`, `9h47`, `9시 5분`, `21時37分` (a word between hours and minutes allows one digit)
    time = (rf"(?:(?P<ap1>{am}|{pm})\s*)?(?P<H>[01]?\d|2[0-3])\s*(?:[:：]\s*(?P<M>[0-5]\d)|"
            rf"(?:{w['hour_mark']})(?![^\W\d_])\s*(?P<M4>[0-5]?\d))(?!\d)"
            rf"(?:\s*[:：]\s*(?P<S>[0-5]\d)(?:[.,]\d+)?)?(?:\s*(?:{w['minute_mark']}))?"
            rf"(?:\s*(?P<ap2>{am}|{pm})(?![^\W\d_]))?")
    dotted = (rf"(?:(?:{w['time_prefix']})\s*)(?P<H3>[01]?\d|2[0-3])[.](?P<M3>[0-5]\d)(?!\d)"
              rf"|(?P<H2>[01]?\d|2[0-3])[.](?P<M2>[0-5]\d)(?=\s*(?:{w['time_suffix']}))")
    zone_ = (rf"\s*(?:\(?\s*(?P<gmt>gmt|utc)\s*(?:(?P<zs>[+\-−])\s*(?P<zh>\d{{1,2}})(?::?(?P<zm>\d\d))?)?\s*\)?"
             rf"|(?P<zs2>[+\-])(?P<zh2>[01]\d):?(?P<zm2>[0-5]\d)(?!\d)"
             rf"|\(?(?-i:(?P<zn>{w['zone']}))\)?(?![^\W\d_]))")
    gap = rf"(?:\s*[,|\-–—•·/@(]\s*|\s+|T)?(?:(?:{w['time_prefix']})\s+)?"
    labels = rf"(?P<upd>{w['updated']})|(?P<pub>{w['published']})|(?P<other>{w['not_publication']})"
    flags = 0  # the text is lowercased first: case-insensitive matching of big word lists is slow
    return {
        "marks": re.compile(marks, flags), "y_m_d_num": re.compile(y_m_d_num, flags),
        "d_m_y_num": re.compile(d_m_y_num, flags), "d_m_y": re.compile(d_m_y, flags),
        "m_d_y": re.compile(m_d_y, flags), "y_m_d": re.compile(y_m_d, flags),
        "time_after": re.compile(gap + rf"(?:{time}|{dotted})", flags),
        # On the text as written (zone names are matched case-sensitively: `ET`, not `et`).
        # `09:47, Thứ Hai, 05/11/2012`: a weekday's words may stand between the time and the date
        "time_before": re.compile(rf"(?:{time})(?:{zone_})?(?:[\s,|\-–—•·/]+)(?:[^\W\d_]+\.?[\s,]+){{0,3}}"
                                  rf"(?:(?:{w['day_prefix']})\s*)?$",
                                  re.IGNORECASE),
        "zone": re.compile(zone_, re.IGNORECASE),
        "label": re.compile(rf"(?<![^\W\d_])(?:{labels})(?![^\W\d_])", flags),
    }


_HAS_DIGIT = re.compile(r"\d")
_ABBREVIATION = re.compile(r"\s*\(?[A-Z]{2,5}\)?(?![^\W\d_])")


def find_dates(text: str, language: str | None = None, date_order: str | None = None,
               base_year: int | None = None) -> list[DateSpan]:
    """Every date span of a line, in reading order."""
    folded = fold(text)
    if not _HAS_DIGIT.search(folded):
        return []
    low = folded.lower()
    if len(low) != len(folded):  # a letter whose lower case is longer: keep offsets aligned
        folded = low
    pats = _patterns()
    found: list[tuple[int, int, int, int, int, tuple[int, int, int] | None]] = []  # start, end, y, m, d, time
    scans = [(name, 0, len(low)) for name in ("marks", "y_m_d_num", "d_m_y_num")]
    # Month-word forms only around a word that may be a month: scanning a whole line with
    # every language's month names costs ten times more.
    scans += [(name, start, end) for start, end in _month_windows(low) for name in ("d_m_y", "m_d_y", "y_m_d")]
    for name, window_start, window_end in scans:
        for match in pats[name].finditer(low, window_start, window_end):
            ymd = _ymd(name, match, language, date_order, base_year)
            if ymd and not any(s < match.end() and match.start() < e for s, e, *_ in found):
                inline = match.groupdict().get("ih")
                clock = (int(inline), int(match["im"]), int(match["is"] or 0)) if inline else None
                found.append((match.start(), match.end(), *ymd, clock))
    found.sort()
    spans = []
    previous_end = 0
    for start, end, year, month, day, clock in found:
        if clock is not None:
            span: DateSpan | None = DateSpan(start, end, year, month, day, *clock)
        else:
            span = _with_time(folded, low, start, end, year, month, day)
        if span is not None:
            spans.append(_labelled(span, low[previous_end:start]))
        previous_end = end
    return spans


def _month_windows(low: str, reach: int = 32) -> list[tuple[int, int]]:
    words = date_words().month_words
    windows: list[tuple[int, int]] = []
    for match in LETTERS.finditer(low):
        if match.group() in words:
            start, end = max(0, match.start() - reach), min(len(low), match.end() + reach)
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
    return windows


def best_date(text: str, language: str | None = None, date_order: str | None = None,
              base_year: int | None = None) -> DateSpan | None:
    """The line's publication date: the first span not labelled as updated or as another
    kind of date; an `Updated ...` span when the line has nothing else."""
    spans = [s for s in find_dates(text, language, date_order, base_year) if s.label != "other"]
    return next((s for s in spans if s.label != "updated"), spans[0] if spans else None)


def _ymd(name: str, m: re.Match[str], language: str | None, order: str | None,
         base_year: int | None) -> tuple[int, int, int] | None:
    groups = m.groupdict()
    if name == "d_m_y_num":
        a, b = int(groups["a"]), int(groups["b"])
        order = order or language_fact(language, "date_order") or ("MDY" if language in (None, "en") else "DMY")
        day_first = a > 12 or (b <= 12 and order != "MDY")
        day, month = (a, b) if day_first else (b, a)
        year = full_year(groups["y"], language, base_year)
    elif name in ("marks", "y_m_d_num"):
        if groups.get("era"):
            first = date_words().eras.get(fold(groups["era"]))
            year = (first or 0) + (1 if groups["ey"] == "元" else int(groups["ey"]))
        else:
            year = full_year(groups["y"], language, base_year)
        month, day = int(groups["m"]), int(groups["d"])
    else:
        month = date_words().month(groups["mon"], language) or 0
        year = full_year(groups.get("y") or groups.get("y2") or "", language, base_year)
        day = int(groups["d"])
        solar = date_words().solar_hijri_month(groups["mon"]) if not month else None
        if solar:
            return from_solar_hijri(year, solar, day)
    if 1300 <= year < 1500:  # a Persian (Solar Hijri) year: only in Persian, or with its month names
        return from_solar_hijri(year, month, day) if language == "fa" else None
    try:
        datetime(year, month, day)
    except ValueError:
        return None
    return year, month, day


def _with_time(folded: str, low: str, start: int, end: int, year: int, month: int, day: int) -> DateSpan | None:
    pats = _patterns()
    time = pats["time_after"].match(low, end)
    if time is None:
        before = pats["time_before"].search(folded, max(0, start - 48), start)
        time = before if before is not None and before.end() == start else None
    if time is None:
        return DateSpan(start, end, year, month, day)
    g = time.groupdict()
    hour = int(g.get("H") or g.get("H2") or g.get("H3") or 0)
    minute = int(g.get("M") or g.get("M2") or g.get("M3") or g.get("M4") or 0)
    marker = g.get("ap1") or g.get("ap2") or ""
    if marker:
        clock = _twelve_hour(hour, marker)
        if clock is None:
            return DateSpan(start, end, year, month, day)
        hour = clock
    second = int(g["S"]) if g.get("S") else 0
    wall = datetime(year, month, day, hour, minute)
    offset, unknown = None, False
    if time.start() >= end:  # the zone follows the time
        zone_match = pats["zone"].match(folded, time.end())
        offset = _offset(zone_match.groupdict(), wall) if zone_match else None
        end = zone_match.end() if zone_match and offset is not None else time.end()
        unknown = offset is None and _ABBREVIATION.match(folded, end) is not None
    else:  # `09:47 28/12/2023 GMT+7`: the zone after the time or after the date
        start, offset = time.start(), _offset(g, wall)
        zone_match = pats["zone"].match(folded, end) if offset is None else None
        if zone_match is not None:
            offset = _offset(zone_match.groupdict(), wall)
            end = zone_match.end() if offset is not None else end
    return DateSpan(start, end, year, month, day, hour, minute, second, offset, None, unknown)


def _twelve_hour(hour: int, marker: str) -> int | None:
    w = date_words().patterns
    if re.fullmatch(w["pm"], marker.lower()):
        return hour + 12 if hour < 12 else hour
    if re.fullmatch(w["am"], marker.lower()):
        return 0 if hour == 12 else hour
    return None


def _offset(g: dict[str, str | None], wall: datetime) -> tzinfo | None:
    if g.get("zn"):
        name = date_words().zones[g["zn"] or ""]
        tz = zone(name)
        return timezone(wall.replace(tzinfo=tz).utcoffset() or timedelta(0))
    sign, hours, minutes = (g.get("zs"), g.get("zh"), g.get("zm")) if g.get("gmt") \
        else (g.get("zs2"), g.get("zh2"), g.get("zm2"))
    if g.get("gmt") and not hours:
        return UTC
    if not hours:
        return None
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign in ("-", "−") else delta)


def starts_with_label(text: str) -> bool:
    """The text opens with a word that says which date follows (`Posted on`, `Aktualisiert`)."""
    head = fold(text[:40]).lower()
    match = _patterns()["label"].search(head)
    return match is not None and match.start() <= 2 and not match.group("other")


def _labelled(span: DateSpan, before: str) -> DateSpan:
    """The last label word between the previous date and this one says what this one is."""
    label = None
    for match in _patterns()["label"].finditer(before):
        label = "updated" if match.group("upd") else "published" if match.group("pub") else "other"
    if label is None:
        return span
    return replace(span, label=label)
