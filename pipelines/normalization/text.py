"""Text field normalization: NFC, no zero-width characters, collapsed whitespace."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and invisible formatting characters that break matching and hashing.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline (NBSP included)
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_inline(value: str | None) -> str | None:
    """One-line text field: NFC, invisible characters removed, whitespace collapsed."""
    if value is None:
        return None
    value = _INVISIBLE.sub("", unicodedata.normalize("NFC", value))
    value = " ".join(value.split())
    return value or None


def clean_block(value: str | None) -> str:
    """Multi-paragraph text: one paragraph per line, each line collapsed."""
    if not value:
        return ""
    value = _INVISIBLE.sub("", unicodedata.normalize("NFC", value))
    lines = (_SPACES.sub(" ", line).strip() for line in value.splitlines())
    return "\n".join(line for line in lines if line)



_WORDS = re.compile(r"\w+")


def _words(value: str) -> list[str]:
    return _WORDS.findall(value.casefold())


def without_lead(text: str, description: str | None) -> str:
    """The body after its lead: `text` never starts with `description`.

    When the body's first paragraph is the description (the same words: case, punctuation
    and spacing aside), it is the lead and lives in `description` only; pages whose lead sits
    outside the body (the Vietnamese sapo) come out the same way. A description that is a
    shortened teaser of the first paragraph is not the lead: the paragraph stays. A body that
    is nothing but its lead keeps it.
    """
    if not description or "\n" not in text:
        return text
    first, rest = text.split("\n", 1)
    return rest if _words(first) == _words(description) else text
