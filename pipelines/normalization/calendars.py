"""Years and calendars as pages write them: two-digit years, Buddhist-era years (Thai),
Solar Hijri dates (Persian); era names (令和7年) are read in datetext with the era table."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from .datewords import language_fact

_BUDDHIST_ERA = 543  # the Buddhist era counts from 543 BCE: 2568 BE is 2025 CE


def from_solar_hijri(year: int, month: int, day: int) -> tuple[int, int, int] | None:
    """The Gregorian date of a Solar Hijri (Persian calendar) date: 2 Tir 1399 = 2020-06-22
    (the 33-year-cycle arithmetic used by Iranian software)."""
    if not (1 <= month <= 12 and 1 <= day <= (31 if month <= 6 else 30)):
        return None
    shifted = year + 1595
    days = -355668 + 365 * shifted + (shifted // 33) * 8 + (shifted % 33 + 3) // 4 + day
    days += (month - 1) * 31 if month < 7 else (month - 7) * 30 + 186
    g_year = 400 * (days // 146097)
    days %= 146097
    if days > 36524:
        days -= 1
        g_year += 100 * (days // 36524)
        days %= 36524
        if days >= 365:
            days += 1
    g_year += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        g_year += (days - 1) // 365
        days = (days - 1) % 365
    try:
        result = date(g_year, 1, 1) + timedelta(days=days)
    except (ValueError, OverflowError):
        return None
    return result.year, result.month, result.day


def full_year(text: str, language: str | None, base_year: int | None) -> int:
    """A year as written: two digits are the nearest past century's (12 -> 2012), or the
    Buddhist era's in a language that counts in it (68 -> 2568 BE -> 2025); a four-digit year
    past 2400 is a Buddhist-era year anywhere."""
    if not text:
        return 0
    year = int(text)
    buddhist = language_fact(language, "calendar") == "buddhist"
    if len(text) == 2:
        if buddhist:
            return 2500 + year - _BUDDHIST_ERA
        base = (base_year or datetime.now().year) % 100
        return 2000 + year if year <= base + 1 else 1900 + year
    return year - _BUDDHIST_ERA if year > 2400 else year
