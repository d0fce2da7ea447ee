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
_DIGITS = {zero + i: str(i) for zero in _DIGIT_ZEROS for i in range(10)}
# Marks that are optional in writing: Latin/Greek/Cyrillic accents, Arabic harakat and hamza
# carriers' marks, the Devanagari nukta. Thai and Indic vowel signs are letters, not accents.
_OPTIONAL_MARK = re.compile("[\u0300-\u036f\u064b-\u065f\u0670\u093c]")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")


def fold(text: str) -> str:
    """Local digits -> ASCII, optional marks dropped, whitespace collapsed (case kept)."""
    text = unicodedata.normalize("NFD", text.translate(_DIGITS))
    text = unicodedata.normalize("NFC", _OPTIONAL_MARK.sub("", text))
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
    months_any: dict[str, int]  # every language merged (first file wins a clash)
    patterns: dict[str, str]  # regex sources of each word class
    zones: dict[str, str]  # abbreviation -> `+07:00` or IANA name
    eras: dict[str, int]  # era name -> Gregorian year before its year 1

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
    eras: dict[str, int] = {}
    for language in languages():
        eras.update(entry(language, "dates", "eras", {}))
    zones = dict(entry(SHARED, "dates", "zones", {}))
    patterns = {
        "month": _alternation(list(months_any)),
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
    return DateWords(month_of, months_any, patterns, zones, {fold(k): v for k, v in eras.items()})


def language_fact(language: str | None, key: str, default: Any = None) -> Any:
    """One `[dates]` value of the page's language (`date_order`, `calendar`)."""
    return entry(language, "dates", key, default) if language else default
