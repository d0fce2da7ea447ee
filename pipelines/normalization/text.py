"""Text field normalization: NFC, no zero-width characters, collapsed whitespace."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and invisible formatting characters that break matching and hashing.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace except newline (NBSP included)
_BLANK_LINES = re.compile(r"\n\s*\n+")
# What clean_block would change: an invisible character, whitespace but a lone space or a
# newline (line separators included), a space at either end of a line, an empty line.
_UNCLEAN = re.compile(_INVISIBLE.pattern + r"|[^\S\n ]|  |^ | $|^$", re.M)


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
    if unicodedata.is_normalized("NFC", value) and not _UNCLEAN.search(value):
        return value  # clean already (the extractor's text mostly is): not copied, it may be 10 MB
    value = _INVISIBLE.sub("", unicodedata.normalize("NFC", value))
    lines = (_SPACES.sub(" ", line).strip() for line in value.splitlines())
    return "\n".join(line for line in lines if line)



_WORDS = re.compile(r"\w+")
_LEAD_WITHIN = 100_000  # characters: a lead the text holds is at its start


def _words(value: str) -> list[str]:
    return _WORDS.findall(value.casefold())


def with_lead(text: str, lead: str | None) -> str:
    """The body as a reader sees it: it starts with the page's visible lead (standfirst, sapo).

    Extractors keep the lead when it sits inside the article's container and lose it when it
    sits above, beside the headline; on every site the record's `text` holds it, as the first
    paragraph, and `description` holds it too. A lead already in the text is not added again.
    """
    if not lead:
        return text
    lead_words = _words(lead)
    # Looked for where a lead can be, the text's start: a list of a 10 MB text's words is ~110 MiB.
    if not lead_words or " ".join(lead_words) in " ".join(_words(text[:_LEAD_WITHIN])):
        return text
    return f"{lead}\n{text}" if text else lead
