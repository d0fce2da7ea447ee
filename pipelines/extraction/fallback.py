"""A second opinion on the article body: readability-lxml, used only to extend trafilatura's text.

trafilatura reads paragraph by paragraph and sometimes stops early (an article split into
several containers). readability picks the one container that holds the article, so it
fails differently. Its text replaces trafilatura's only when it holds all of it and adds
real paragraphs. It never trims or replaces trafilatura's text otherwise: measured on 711
WCXB articles and 181 AEB pages, cutting trafilatura's text down to readability's container
(a dek, a list, a menu around it) lost more real text than boilerplate (body F1 -0.010 on
WCXB), and on one page of the hidden set it replaced the article with the site menu.
"""

from __future__ import annotations

import copy
import logging
import re
from collections import Counter

import lxml.html
from lxml import etree
from lxml.html import HtmlElement
from readability import Document
from readability.readability import Unparseable

from ..normalization.words import count_words
from .titles import squash

logging.getLogger("readability").setLevel(logging.CRITICAL)  # it logs every page it cannot parse

_TOKEN = re.compile(r"\w+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NOT_CONTENT = ("head", "script", "style", "noscript", "template", "svg", "iframe", "select", "button",
                "input", "textarea")
_BLOCKS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dt", "dd", "figcaption",
    "div", "section", "article", "tr", "ul", "ol", "dl", "table", "header", "footer", "aside", "main",
    "figure", "caption", "address",
})
_BREAK = "\ue000"  # a private-use character marks block boundaries while the text is joined
_SENTENCE_END = tuple('.!?…"”’»)。！？')

# How much of trafilatura's text readability must hold: the share of its characters in lines
# readability has too (a line is "had" when half its 4-word shingles are).
_CONTAINS = 0.9
_MIN_GAIN = 0.3  # readability must add this share of trafilatura's length in new paragraphs
_MIN_PROSE_WORDS = 10


class _LeanDocument(Document):  # type: ignore[misc]  # readability ships no type hints
    """readability's Document on a tree we prepared: its own lxml Cleaner rewrites every
    link (for javascript: URLs), ~40% of its run time, and changes no text."""

    def _parse(self, input: HtmlElement) -> HtmlElement:  # the parent's signature
        return copy.deepcopy(input)  # each pass edits its tree; a retry starts again from the input


def readability_text(tree: HtmlElement, prune_xpaths: tuple[str, ...] = ()) -> str:
    """readability's article as lines (one block each); '' when it finds none."""
    base = copy.deepcopy(tree)
    etree.strip_elements(base, *_NOT_CONTENT, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    dropped = [el for el in base.xpath("//*[@style]") if _HIDDEN_STYLE.search(el.get("style", ""))]
    dropped += base.xpath("//*[@hidden]")
    for xpath in prune_xpaths:  # the site profile's boilerplate, as trafilatura was told
        dropped += [el for el in base.xpath(xpath) if isinstance(el, HtmlElement)]
    for elem in dropped:
        if elem.getparent() is not None:
            elem.drop_tree()
    try:
        html = _LeanDocument(base).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError, etree.LxmlError):
        return ""
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError, AssertionError, IndexError):  # lxml asserts on '<html></html>'
        return ""
    return block_lines(root)


def block_lines(root: HtmlElement) -> str:
    """Text of an element, one line per block element or <br>; source line breaks inside a
    block are only whitespace."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag == "br" or el.tag in _BLOCKS:
            el.tail = _BREAK + (el.tail or "")
            if el.tag != "br":
                el.text = _BREAK + (el.text or "")
    lines = (" ".join(chunk.split()) for chunk in root.text_content().split(_BREAK))
    return "\n".join(line for line in lines if line)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Word 4-grams (a text under four words is one shingle)."""
    words = _TOKEN.findall(text)
    if not words:
        return Counter()
    return Counter(tuple(words[i:i + 4]) for i in range(max(1, len(words) - 3)))


def _share_in(part: Counter[tuple[str, ...]], whole: Counter[tuple[str, ...]]) -> float:
    total = sum(part.values())
    return sum((part & whole).values()) / total if total else 0.0


def expand(primary: str, second: str, noise: frozenset[str] = frozenset()) -> str:
    """readability's text when it holds all of trafilatura's and adds real paragraphs
    (trafilatura stopped early); trafilatura's otherwise.
    `noise` holds keys (see titles.squash) of captions and link texts: never "real paragraphs".
    """
    p_lines = [line for line in primary.splitlines() if line.strip()]
    s_lines = [line for line in second.splitlines() if line.strip()]
    if not p_lines or not s_lines:
        return primary
    s_side = _Side(s_lines)
    if _char_share(p_lines, [s_side.covers(line) for line in p_lines]) < _CONTAINS:
        return primary
    p_side = _Side(p_lines)
    new = {squash(line): len(line) for line in s_lines if not p_side.covers(line) and _is_prose(line)}
    if sum(size for key, size in new.items() if key not in noise) >= _MIN_GAIN * len(primary):
        return "\n".join(s_lines)
    return primary


class _Side:
    """One extractor's lines, indexed to test whether a line of the other one is among them."""

    def __init__(self, lines: list[str]) -> None:
        self.shingles = shingles("\n".join(lines))
        self.keys = {squash(line) for line in lines}

    def covers(self, line: str) -> bool:
        sh = shingles(line)
        if sum(sh.values()) <= 1:  # under five words: only the same whole line counts
            return squash(line) in self.keys
        return _share_in(sh, self.shingles) >= 0.5


def _char_share(lines: list[str], covered: list[bool]) -> float:
    total = sum(len(line) for line in lines)
    return sum(len(line) for line, cov in zip(lines, covered, strict=True) if cov) / total if total else 0.0


def _is_prose(line: str) -> bool:
    return count_words(line) >= _MIN_PROSE_WORDS and line.rstrip().endswith(_SENTENCE_END)
