"""The date words of every language file (`[dates]` in pipelines/languages/<lang>.toml) as
regular expressions: month names, the words around a day, month, year and time, era names.

Text is matched in a folded form (`fold`): local digits as ASCII, Latin, Greek and Cyrillic
accents and Arabic vowel marks dropped, so `Février`, `fevrier` and `FÉVRIER` are one word.
One set of patterns serves every language, because a page's declared or detected language is
often wrong about its date line; the page language only settles the few clashes (Croatian
`listopad` is October, Polish `listopad` November), the day/month order and the calendar.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..languages import SHARED, entry, languages

# Decimal digits of the scripts news is written in (Arabic-Indic, Persian, Devanagari, Bengali,
# Gurmukhi, Gujarati, Tamil, Telugu, Kannada, Malayalam, Thai, Lao, Tibetan, Myanmar, Khmer, fullwidth).
_DIGIT_ZEROS = (0x0660, 0x06F0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0E50,
                0x0ED0, 0x0F20, 0x1040, 0x17E0, 0xFF10)
# Marks that are optional in writing: Latin/Greek/Cyrillic accents, Arabic harakat and hamza marks,
# the Devanagari nukta. Thai and Indic vowel signs are letters, not accents, and stay.
_OPTIONAL_MARKS = [*range(0x0300, 0x0370), *range(0x064B, 0x0660), 0x0670, 0x093C]
# Letters that carry such a mark, precomposed (Latin, Greek, Cyrillic, Arabic, Devanagari).
_PRECOMPOSED = [*range(0x00C0, 0x0250), *range(0x0370, 0x0500), *range(0x0620, 0x0630), *range(0x0958, 0x0960),
                *range(0x1E00, 0x1F00), *range(0x1F00, 0x2000)]


def _fold_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {zero + i: str(i) for zero in _DIGIT_ZEROS for i in range(10)}
    table.update(dict.fromkeys(_OPTIONAL_MARKS))
    table.update({0x064A: "\u06cc", 0x0643: "\u06a9", 0x0649: "\u06cc"})  # Arabic yeh, kaf as Persian writes them
    for code in _PRECOMPOSED:
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if ord(c) not in _OPTIONAL_MARKS)
        if base and base != chr(code):
            table[code] = base
    return table


_FOLD = _fold_table()
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
LETTERS = re.compile(r"[^\W\d_]+")


def fold(text: str) -> str:
    """Local digits -> ASCII, optional marks dropped, whitespace collapsed (case kept).
    Expects NFC text, as decoded pages and `dates.prepare` give."""
    if not text.isascii():
        text = text.translate(_FOLD)
    return _SPACES.sub(" ", text).strip()


def trie_pattern(words: list[str]) -> str:
    """An alternation of words as a prefix tree: fast to match, longest form first."""
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return emit(tree)


def _alternation(words: set[str] | list[str], fallback: str = r"(?!x)x") -> str:
    folded = sorted({fold(w).lower() for w in words if w.strip()})
    return trie_pattern(folded) if folded else fallback


@dataclass(frozen=True)
class DateWords:
    """Every language's date words, merged; per-language facts looked up by code."""

    month_of: dict[str, dict[str, int]]  # language -> folded lowercase form -> month
    month_words: frozenset[str]  # every letter run that occurs in a month form: a cheap pre-test
    months_any: dict[str, int]  # every language merged (first file wins a clash)
    solar_hijri: dict[str, int]  # Persian calendar month names -> month (a different calendar)
    patterns: dict[str, str]  # regex sources of each word class
    zones: dict[str, str]  # abbreviation -> `+07:00` or IANA name
    eras: dict[str, int]  # era name -> Gregorian year before its year 1

    def solar_hijri_month(self, form: str) -> int | None:
        return self.solar_hijri.get(form.lower().rstrip("."))

    def month(self, form: str, language: str | None) -> int | None:
        key = form.lower().rstrip(".")
        own = self.month_of.get(language or "", {})
        return own.get(key) or own.get(key + ".") or self.months_any.get(key) or self.months_any.get(key + ".")


def _merged(key: str) -> set[str]:
    out: set[str] = set()
    for language in (SHARED, *languages()):
        out.update(entry(language, "dates", key, ()))
    return out


@cache
def date_words() -> DateWords:
    month_of: dict[str, dict[str, int]] = {}
    months_any: dict[str, int] = {}
    for language in languages():
        for number, forms in enumerate(entry(language, "dates", "months", ()), start=1):
            for form in forms:
                key = fold(form).lower()
                month_of.setdefault(language, {}).setdefault(key, number)
                months_any.setdefault(key, number)
    solar_hijri = {fold(form).lower(): number for language in languages()
                   for number, forms in enumerate(entry(language, "dates", "solar_hijri_months", ()), start=1)
                   for form in forms}
    eras: dict[str, int] = {}
    for language in languages():
        eras.update(entry(language, "dates", "eras", {}))
    zones = dict(entry(SHARED, "dates", "zones", {}))
    patterns = {
        "month": _alternation([*months_any, *solar_hijri]),
        "connector": _alternation(_merged("connectors")),
        "day_prefix": _alternation(_merged("day_prefix")),
        "year_prefix": _alternation(_merged("year_prefix")),
        "year_suffix": _alternation(_merged("year_suffix")),
        "month_suffix": _alternation(_merged("month_suffix")),
        "day_suffix": _alternation(_merged("day_suffix")),
        "hour_mark": _alternation(_merged("hour_marks") | {"h"}),
        "minute_mark": _alternation(_merged("minute_marks")),
        "am": _alternation(_merged("meridiem_am")),
        "pm": _alternation(_merged("meridiem_pm")),
        "time_prefix": _alternation(_merged("time_prefix")),
        "time_suffix": _alternation(_merged("time_suffix")),
        "published": _alternation(_merged("published")),
        "updated": _alternation(_merged("updated")),
        "not_publication": _alternation(_merged("not_publication")),
        "era": _alternation(list(eras)),
        "zone": "|".join(sorted((re.escape(z) for z in zones), key=len, reverse=True)) or r"(?!x)x",
    }
    month_words = frozenset(word for form in (*months_any, *solar_hijri) for word in LETTERS.findall(form))
    return DateWords(month_of, month_words, months_any, solar_hijri, patterns, zones,
                     {fold(k): v for k, v in eras.items()})


def language_fact(language: str | None, key: str, default: Any = None) -> Any:
    """One `[dates]` value of the page's language (`date_order`, `calendar`)."""
    return entry(language, "dates", key, default) if language else default
