"""Which timezone to assume for a page that states a time but no offset."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

# Country-code TLDs whose country keeps one civil time (DST rules included by zoneinfo).
TLD_TIMEZONES: dict[str, str] = {
    "vn": "Asia/Ho_Chi_Minh", "th": "Asia/Bangkok", "kh": "Asia/Phnom_Penh", "la": "Asia/Vientiane",
    "sg": "Asia/Singapore", "my": "Asia/Kuala_Lumpur", "ph": "Asia/Manila", "cn": "Asia/Shanghai",
    "hk": "Asia/Hong_Kong", "tw": "Asia/Taipei", "jp": "Asia/Tokyo", "kr": "Asia/Seoul",
    "in": "Asia/Kolkata", "pk": "Asia/Karachi", "bd": "Asia/Dhaka", "lk": "Asia/Colombo",
    "np": "Asia/Kathmandu", "ae": "Asia/Dubai", "sa": "Asia/Riyadh", "qa": "Asia/Qatar",
    "il": "Asia/Jerusalem", "ir": "Asia/Tehran", "tr": "Europe/Istanbul", "eg": "Africa/Cairo",
    "ng": "Africa/Lagos", "ke": "Africa/Nairobi", "za": "Africa/Johannesburg", "gh": "Africa/Accra",
    "uk": "Europe/London", "ie": "Europe/Dublin", "fr": "Europe/Paris", "de": "Europe/Berlin",
    "at": "Europe/Vienna", "ch": "Europe/Zurich", "it": "Europe/Rome", "es": "Europe/Madrid",
    "nl": "Europe/Amsterdam", "be": "Europe/Brussels", "lu": "Europe/Luxembourg", "dk": "Europe/Copenhagen",
    "se": "Europe/Stockholm", "no": "Europe/Oslo", "fi": "Europe/Helsinki", "pl": "Europe/Warsaw",
    "cz": "Europe/Prague", "sk": "Europe/Bratislava", "hu": "Europe/Budapest", "ro": "Europe/Bucharest",
    "bg": "Europe/Sofia", "gr": "Europe/Athens", "pt": "Europe/Lisbon", "ua": "Europe/Kyiv",
    "by": "Europe/Minsk", "lt": "Europe/Vilnius", "lv": "Europe/Riga", "ee": "Europe/Tallinn",
    "hr": "Europe/Zagreb", "si": "Europe/Ljubljana", "rs": "Europe/Belgrade", "is": "Atlantic/Reykjavik",
    "nz": "Pacific/Auckland", "ar": "America/Argentina/Buenos_Aires", "cl": "America/Santiago",
    "co": "America/Bogota", "pe": "America/Lima", "ve": "America/Caracas", "uy": "America/Montevideo",
    "br": "America/Sao_Paulo", "ru": "Europe/Moscow",  # several zones; the capital's is where most news is dated
}

# Page languages spoken (almost) only in one timezone.
LANGUAGE_TIMEZONES: dict[str, str] = {
    "vi": "Asia/Ho_Chi_Minh", "th": "Asia/Bangkok", "ja": "Asia/Tokyo", "ko": "Asia/Seoul",
    "de": "Europe/Berlin", "fr": "Europe/Paris", "it": "Europe/Rome", "nl": "Europe/Amsterdam",
    "pl": "Europe/Warsaw", "cs": "Europe/Prague", "hu": "Europe/Budapest", "ro": "Europe/Bucharest",
    "el": "Europe/Athens", "tr": "Europe/Istanbul", "uk": "Europe/Kyiv", "da": "Europe/Copenhagen",
    "sv": "Europe/Stockholm", "fi": "Europe/Helsinki", "he": "Asia/Jerusalem", "fa": "Asia/Tehran",
}


def zone(name: str) -> tzinfo:
    """A tzinfo from an IANA name or a fixed offset such as `+07:00`."""
    if name[:1] in "+-":
        sign = -1 if name[0] == "-" else 1
        hours, _, minutes = name[1:].partition(":")
        return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))
    if name.upper() in ("UTC", "Z"):
        return UTC
    return ZoneInfo(name)


# Countries the page's declared locale may name (`zh-TW`, `en_GB`) that are not written as
# their own ccTLD above, or whose TLD is used for other things (.co, .tv, .io).
REGION_TIMEZONES: dict[str, str] = {
    "gb": "Europe/London", "eg": "Africa/Cairo", "ma": "Africa/Casablanca", "dz": "Africa/Algiers",
    "tn": "Africa/Tunis", "jo": "Asia/Amman", "lb": "Asia/Beirut", "iq": "Asia/Baghdad", "kw": "Asia/Kuwait",
    "bh": "Asia/Bahrain", "om": "Asia/Muscat", "ye": "Asia/Aden", "sy": "Asia/Damascus", "ps": "Asia/Hebron",
    "mx": "America/Mexico_City", "gt": "America/Guatemala", "cr": "America/Costa_Rica", "pa": "America/Panama",
    "do": "America/Santo_Domingo", "cu": "America/Havana", "ec": "America/Guayaquil", "bo": "America/La_Paz",
    "py": "America/Asuncion", "sv": "America/El_Salvador", "hn": "America/Tegucigalpa", "ni": "America/Managua",
    "pr": "America/Puerto_Rico", "az": "Asia/Baku", "am": "Asia/Yerevan", "ge": "Asia/Tbilisi",
}


def guess_timezone(host: str | None, language: str | None, region: str | None = None) -> str | None:
    """The site's civil timezone from its TLD, else from the country of the locale the page
    declares (`<html lang="zh-Hant-TW">`), else from the page language; None if unknown."""
    if host:
        tld = host.rsplit(".", 1)[-1].lower()
        if tld in TLD_TIMEZONES:
            return TLD_TIMEZONES[tld]
    if region:
        region = region.lower()
        found = REGION_TIMEZONES.get(region) or (TLD_TIMEZONES.get(region) if region != "uk" else None)
        if found:
            return found
    if language:
        return LANGUAGE_TIMEZONES.get(language.lower())
    return None


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach a zone to a wall-clock time, then freeze it as a fixed offset."""
    aware = naive.replace(tzinfo=tz)
    offset = aware.utcoffset() or timedelta(0)
    return naive.replace(tzinfo=timezone(offset))


def fixed(dt: datetime) -> datetime:
    """Replace a named zone by its fixed offset at that instant (stable isoformat)."""
    offset = dt.utcoffset()
    return dt if offset is None else dt.replace(tzinfo=timezone(offset))
