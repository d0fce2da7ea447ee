"""What a heading element says as a headline: its visible words, without kicker or metadata.

A headline element often holds more than the headline: a kicker (dachzeile, overline, topline,
eyebrow) before it, a date or a category line after it, a visually hidden `: ` between them,
CSS-in-JS `<style>` blocks, ruby readings over CJK words. Markup tells them apart.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from lxml.html import HtmlElement

# Never text a reader sees as words of the heading: code, ruby readings (furigana), icons.
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "rt", "rp", "svg", "button", "link", "meta"})
# Elements that start a new line: their text is a separate piece even without whitespace around it.
_BLOCK = frozenset({"br", "div", "p", "small", "h1", "h2", "h3", "h4", "h5", "h6", "li", "header", "time"})
# The kicker (German Dachzeile/Spitzmarke), set as its own element inside or above the headline.
KICKER_CLASS = re.compile(
    r"kicker|dachzeile|spitzmarke|topline|top-line|overline|over-line|eyebrow|roofline|strapline|"
    r"supertitle|super-title|surtitre|pretitle|pre-title|preheadline|pre-headline|superheadline|"
    r"overhead|overtitle|toptitle|top-title|antetitulo|topic|rubri[ck]|ressort|label|flag",
    re.IGNORECASE,
)
# Date, time and category lines that some CMSs put inside the h1.
_META_CLASS = re.compile(
    r"(?:^|[\s_-])(?:date|time|datetime|dateline|category|categories|meta|byline)(?:$|[\s_-])", re.IGNORECASE
)
HIDDEN_CLASS = re.compile(
    r"(?:^|\s)(?:[\w-]*(?:sr-only|screen-reader|visually-?hidden|visuallyhidden|aural|offscreen|off-screen|"
    r"element-invisible|assistive|a11y-hidden|hidden-text|hide-text|u-hidden)[\w-]*|hidden|hide|invisible)(?:$|\s)",
    re.IGNORECASE,
)
# The one part of a composite heading that its markup names as the headline proper.
_HEADLINE_CLASS = re.compile(r"headline|title|heading", re.IGNORECASE)
_NOT_HEADLINE_CLASS = re.compile(
    r"sub-?(?:headline|title|heading|line)|(?:headline|title)-?(?:sub|intro|pre)|subline", re.IGNORECASE
)
_EDGE = re.compile(r"^[\s:|\-–—·•/,;]+|[\s:|\-–—·•/,;]+$")
_MARKS_ONLY = re.compile(r"^[\s:|\-–—·•/,;.]{1,4}$")
_NOT_ALNUM = re.compile(r"[\W_]+")  # exactly the characters str.isalnum() rejects


_REMEMBERED = 500  # characters: keys of short texts are remembered, a container's whole text is not


def squash(text: str | None) -> str:
    """Comparison key: NFKC, case-folded, only letters and digits."""
    if not text:
        return ""
    return _short_key(text) if len(text) <= _REMEMBERED else _key(text)


@lru_cache(maxsize=2048)  # a page asks for the same keys again and again (link texts, lines, titles)
def _short_key(text: str) -> str:
    return _key(text)


def _key(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def node_text(node: HtmlElement) -> str:
    return " ".join(node.text_content().split())


@dataclass
class Heading:
    """One heading: its full visible text, the text without kickers and meta lines, and its
    pieces (text split where child elements start and end), to match declared titles against."""

    node: HtmlElement
    full: str
    clean: str
    pieces: list[str]


def is_hidden(node: HtmlElement) -> bool:
    """Hidden from sight by its own markup (screen-reader text, display:none)."""
    if node.get("hidden") is not None or node.get("aria-hidden") == "true":
        return True
    style = (node.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    return bool(HIDDEN_CLASS.search(node.get("class") or ""))


def read_heading(node: HtmlElement) -> Heading:
    parts: list[tuple[str, bool]] = []  # (text, kept in the clean headline)
    _walk(node, parts, keep=True)
    full = _collapse("".join(text for text, _ in parts))
    clean = _EDGE.sub("", _collapse("".join(text for text, keep in parts if keep)))
    named = _named_headline(node)
    if named and len(named) < len(clean):
        clean = named
    if len(clean) < min(8, len(full)) or len(clean) * 4 < len(full) and len(clean.split()) < 2:
        clean = full  # what is left is no headline: the "kicker" was the headline itself
    return Heading(node, full, clean or full, _pieces(node))


def _walk(node: HtmlElement, parts: list[tuple[str, bool]], keep: bool) -> None:
    if node.text:
        parts.append((node.text, keep))
    for child in node:
        if isinstance(child.tag, str) and is_hidden(child) and _MARKS_ONLY.match(child.text_content()):
            parts.append((child.text_content(), keep))  # `<span class="visually-hidden">: </span>`
        elif isinstance(child.tag, str) and child.tag not in _NOT_TEXT and not is_hidden(child):
            marker = child.get("class") or ""
            aside = child.tag in ("time", "small") or bool(KICKER_CLASS.search(marker) or _META_CLASS.search(marker))
            block = child.tag in _BLOCK
            if block:
                parts.append((" ", keep))
            _walk(child, parts, keep and not aside)
            if block or aside:
                parts.append((" ", keep))
        if child.tail:
            parts.append((child.tail, keep))


def _named_headline(node: HtmlElement) -> str | None:
    """`<h1><span class="dachzeile">..</span><span class="headline">..</span></h1>`: of several
    parts, the only one whose class calls it the headline or title."""
    node = _unwrap(node)
    parts = [c for c in node if isinstance(c.tag, str) and c.tag not in _NOT_TEXT and c.tag != "br"]
    if len(parts) < 2 or (node.text or "").strip() or any((c.tail or "").strip() for c in parts):
        return None
    named = [c for c in parts if _HEADLINE_CLASS.search(c.get("class") or "")
             and not _NOT_HEADLINE_CLASS.search(c.get("class") or "")]
    if len(named) != 1:
        return None
    others = [c for c in parts if c is not named[0]]
    marked = all(KICKER_CLASS.search(c.get("class") or "") or _NOT_HEADLINE_CLASS.search(c.get("class") or "")
                 for c in others)
    if named[0] is not parts[-1] and not marked:
        return None  # `<span class="title">Part one:</span> <span>part two</span>`: one headline in two
    words: list[tuple[str, bool]] = []
    _walk(named[0], words, keep=True)
    text = _EDGE.sub("", _collapse("".join(text for text, keep in words if keep)))
    return text if len(text) >= 8 else None


def _unwrap(node: HtmlElement) -> HtmlElement:
    """Descend through a lone wrapper (`h1 > a > span + span`)."""
    while len(node) == 1 and not (node.text or "").strip() and not (node[0].tail or "").strip() \
            and isinstance(node[0].tag, str):
        node = node[0]
    return node


def _pieces(node: HtmlElement) -> list[str]:
    """The heading's text, split at its children (descending through a lone wrapper)."""
    node = _unwrap(node)
    pieces = [node.text or ""]
    for child in node:
        if isinstance(child.tag, str) and child.tag not in _NOT_TEXT and not is_hidden(child):
            parts: list[tuple[str, bool]] = []
            _walk(child, parts, keep=True)
            pieces.append("".join(text for text, _ in parts))
        pieces.append(child.tail or "")
    return [p for p in (_EDGE.sub("", _collapse(p)) for p in pieces) if p]


def sub_ranges(pieces: list[str]) -> list[str]:
    """Every run of consecutive pieces shorter than the whole, longest first."""
    n = len(pieces)
    runs = [" ".join(pieces[i:j]) for size in range(n - 1, 0, -1) for i in range(n - size + 1) for j in (i + size,)]
    return runs if n <= 8 else []


def _collapse(text: str) -> str:
    return " ".join(text.replace("\xad", "").split())
