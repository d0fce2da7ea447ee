"""Cheap signs that trafilatura's text is not the article, to decide when a second opinion pays.

Each check costs well under a millisecond, against ~10 ms for readability; all are
about the shape of the text and the page, not about any site.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from ..normalization.words import count_words
from .titles import squash

_PROSE_CHARS = 150  # a <p> this long that ends a sentence is article prose, not a teaser or caption
_SENTENCE_END = tuple('.!?…"”’»)。')
# Prose left out, against the text's own length: in blocks like the text's own, or anywhere.
_SAME_KIND_SHARE = 0.5
_ANYWHERE_SHARE = 2.0
_TABLE_ROW = 800  # characters in one `| ... |` line: a layout table flattened into one row
_MENU_LINES = 20
_MENU_SHARE = 0.5  # of lines with three words or fewer: a menu or tag cloud, not prose
_DEK_WORDS = 8  # a heading this long near the top is a standfirst, which may sit outside the article
_SUBHEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})


def doubt(text: str, tree: HtmlElement) -> str | None:
    """Why trafilatura's `text` may be wrong for this page, or None when it looks fine."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return None  # nothing to compare: the page is rejected later, not rescued here
    if any(len(line) > _TABLE_ROW and line.startswith("|") for line in lines):
        return "layout table"
    short = sum(1 for line in lines if count_words(line) <= 3)
    if len(lines) >= _MENU_LINES and short >= _MENU_SHARE * len(lines):
        return "menu-like lines"
    if _standfirst_on_top(lines, tree):
        return "standfirst"
    same_kind, anywhere = _prose_left_out(text, tree)
    if same_kind > _SAME_KIND_SHARE * len(text) or anywhere > _ANYWHERE_SHARE * len(text):
        return "prose left out"
    return None


def _prose_left_out(text: str, tree: HtmlElement) -> tuple[int, int]:
    """Characters of prose paragraphs the text lacks: those in containers of the same kind
    (tag and class) as paragraphs it has (an article split over several blocks, of which
    trafilatura took the first), and all of them (comments, other articles' teasers, or
    the article itself when trafilatura kept only its subheadings)."""
    have = " ".join(text.split())
    kinds_kept: set[tuple[str, str]] = set()
    left_out: list[tuple[tuple[str, str], int]] = []
    for p in tree.iter("p"):
        para = p.text_content()
        if len(para) < _PROSE_CHARS or not para.rstrip().endswith(_SENTENCE_END):
            continue
        if sum(len(a.text_content()) for a in p.iter("a")) * 2 >= len(para):
            continue  # mostly links: a teaser
        parent = p.getparent()
        kind = (str(parent.tag), parent.get("class") or "") if parent is not None else ("", "")
        if " ".join(para.split()[:12]) in have:
            kinds_kept.add(kind)
        else:
            left_out.append((kind, len(para)))
    same_kind = sum(size for kind, size in left_out if kind in kinds_kept)
    return same_kind, sum(size for _, size in left_out)


def _standfirst_on_top(lines: list[str], tree: HtmlElement) -> bool:
    """One of the first lines is a sentence-long h2-h6 placed right under the h1 headline:
    a dek or standfirst, which readability can tell apart from the article's first paragraph."""
    top = {squash(line) for line in lines[:3] if count_words(line) >= _DEK_WORDS}
    if not top:
        return False
    for h1 in tree.iter("h1"):
        nxt = h1.getnext()
        if nxt is not None and nxt.tag in _SUBHEADINGS and squash(nxt.text_content()) in top:
            return True
    return False
