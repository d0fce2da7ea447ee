"""Per-language vocabulary as data: one TOML file per language, named by its ISO 639-1 code.

Generic extraction code asks for words by section and key (`words("dates", "months")`)
and never spells a language's words itself. A file holds only what that language has;
`xx.toml` holds what is shared across languages (agency names, symbols). Adding a
language is adding a file.

Sections (each optional):
  [dates]      month and weekday names, era and numeral forms, words around a date line
  [bylines]    byline prefixes ("By", "Von", "Theo"), role words, desk and agency names
  [boilerplate] fixed short lines of page furniture
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

SHARED = "xx"  # the file of cross-language entries


@cache
def languages() -> tuple[str, ...]:
    """Codes of the languages that have a file (the shared file excluded)."""
    names = (p.name for p in resources.files(__name__).iterdir() if p.name.endswith(".toml"))
    return tuple(sorted(n.removesuffix(".toml") for n in names if n != f"{SHARED}.toml"))


@cache
def vocabulary(language: str) -> dict[str, Any]:
    """One language's file as a dict ({} for a language without a file)."""
    path = resources.files(__name__) / f"{language}.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def entry(language: str, section: str, key: str, default: Any = None) -> Any:
    """One value of one language's file."""
    return vocabulary(language).get(section, {}).get(key, default)


@cache
def words(section: str, key: str) -> tuple[str, ...]:
    """A list-valued key merged over every language file and the shared one, in file order,
    without repeats (for rules that must work before the page's language is known)."""
    merged: dict[str, None] = {}
    for language in (SHARED, *languages()):
        for value in entry(language, section, key, ()):
            merged.setdefault(value, None)
    return tuple(merged)


@cache
def mapping(section: str, key: str) -> dict[str, Any]:
    """A table-valued key merged over every language file (earlier files win on a clash)."""
    merged: dict[str, Any] = {}
    for language in (SHARED, *languages()):
        for name, value in entry(language, section, key, {}).items():
            merged.setdefault(name, value)
    return merged
