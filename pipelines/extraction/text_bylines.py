"""Bylines inside the article text: a line closing it (`Lê Phương`, `NGUYỄN VĂN A - TRẦN THỊ B`,
`(TTXVN/Vietnam+)`, `정덕현 칼럼니스트 x@y.kr`) and a wire dateline opening it (`Berlin (dpa) -`)."""

from __future__ import annotations

import re
import unicodedata

from .byline_words import signed_in_caseless_script
from .bylines import Byline, parse_byline

_DATELINE = re.compile(r"^[^()\n]{0,60}?[(（]([^()（）\n]{2,40})[)）]\s*[-–—:]")


def dateline_agencies(text: str) -> Byline | None:
    """The agency in a wire dateline opening the body: `Berlin (dpa) - ...` (the first paragraph,
    or the second when the text opens with the page's lead)."""
    match = next(filter(None, (_DATELINE.match(line) for line in text.split("\n", 2)[:2])), None)
    if not match:
        return None
    found = parse_byline(match.group(1), strict=False)
    agencies = [n for n in found.names if n in found.credits]
    if not agencies:
        return None
    return Byline(names=agencies, credits=[match.group(1).strip()])


# A closing byline line: names joined by separators, a `Name/Agency` credit, or `(Agency)`.
_NAME_WORD = r"[A-ZĐÀ-ÞĀ-ỸА-ЯЁ][\wÀ-ỹ'’.-]*"
_NAME_LINE = re.compile(
    rf"^\(?(?:[^\W\d][^:]{{0,24}}:\s*)?(?:{_NAME_WORD}\s+){{1,4}}{_NAME_WORD}"
    rf"(?:\s*(?:[-–—,;&/]|\s(?:và|and|und|et|y|e)\s)\s*(?:{_NAME_WORD}\s+){{0,4}}{_NAME_WORD}\+?)*\)?"
    r"(?:\s*\([^()]{2,40}\))?$")  # `Minh Anh (theo Reuters)`, `Anh Thư (tổng hợp)`
_CREDIT_LINE = re.compile(r"^(?:\((?:theo\s+)?[^()]{2,60}\)|(?:theo|nguồn\s*:)\s+[^.!?]{2,60})$",
                          re.IGNORECASE)


def closing_byline(lines: list[str], language: str | None = None) -> tuple[list[str], Byline]:
    """A byline or agency credit closing the text: the last line or two (`Lê Phương`,
    `NGUYỄN VĂN A - TRẦN THỊ B`, `Thu Hằng/VOV-Tây Bắc`, `(TTXVN/Vietnam+)`, `Theo VnExpress`),
    or a signed line a little higher with only short notes below it (`정덕현 칼럼니스트
    x@entermedia.co.kr` above a photo credit and a copyright line). Returns the lines kept
    and what the moved lines credit."""
    kept = list(lines)
    out = Byline()
    moved = notes = 0  # lines moved out; short lines left below them (photo credits, copyright)
    i = len(kept) - 1
    while i >= 1 and moved < 2 and notes <= 3:
        line = unicodedata.normalize("NFC", kept[i].strip())
        found = _closing_line(line, language)
        if found is not None and moved and found.names and out.names:
            break  # two lines of names: the upper one is the text's, not a byline
        if found is not None and (notes == 0 or _signed(line, language)):
            merged = Byline()
            merged.add(found)
            merged.add(out)
            out = merged
            del kept[i]
            moved += 1
        elif len(line) > 120 or line.endswith((".", "!", "?", "”", '"')) or moved:
            break  # prose, or a line above the byline: nothing more to move
        else:
            notes += 1
        i -= 1
    return kept, out


def _closing_line(line: str, language: str | None) -> Byline | None:
    if len(line) > 80 or line.endswith((".", "!", "?", ":", "…")):
        return None
    if not (_CREDIT_LINE.match(line) or _NAME_LINE.match(line) or (
            len(line) <= 60 and signed_in_caseless_script(line, language))):
        return None
    found = parse_byline(line, language=language, strict=True)
    if line.startswith("(") and found.names and not found.persons:
        return Byline(credits=[line.strip("() ")])  # `(TTXVN/Vietnam+)`: one credit as printed
    return found if found.names or found.credits else None


def _signed(line: str, language: str | None) -> bool:
    """A line that says it is a byline: an e-mail address, a role word, a `Name/Agency` credit."""
    return "@" in line or "/" in line or signed_in_caseless_script(line, language)
