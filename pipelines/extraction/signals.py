"""Cheap signs that trafilatura's text lacks part of the article, to decide when a second opinion pays.

Each check costs well under a millisecond, against ~10 ms for readability; all are
about the shape of the text and the page, not about any site.
"""

from __future__ import annotations

from lxml.html import HtmlElement

_PROSE_CHARS = 150  # a <p> this long that ends a sentence is article prose, not a teaser or caption
_SENTENCE_END = tuple('.!?…"”’»)。')
# Prose left out, against the text's own length: in blocks like the text's own, or anywhere.
_SAME_KIND_SHARE = 0.5
_ANYWHERE_SHARE = 2.0
# Characters that whole-text searches for paragraphs the text lacks may scan. Each such search
# reads the whole text: unbounded, a 10 MiB page's 20,000 paragraphs cost a CPU minute. An
# ordinary article (text < 200 KB, a few hundred paragraphs) stays far below it.
_MISS_SCAN_BUDGET = 200_000_000


def doubt(text: str, tree: HtmlElement) -> str | None:
    """Why trafilatura's `text` may lack part of the article, or None when it looks whole."""
    if not text.strip():
        return None  # nothing to extend: the page is rejected later, not rescued here
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
    after = 0  # paragraphs come in the text's order: each is looked for after the last one found
    budget = _MISS_SCAN_BUDGET
    for p in tree.iter("p"):
        para = p.text_content()
        if len(para) < _PROSE_CHARS or not para.rstrip().endswith(_SENTENCE_END):
            continue
        if sum(len(a.text_content()) for a in p.iter("a")) * 2 >= len(para):
            continue  # mostly links: a teaser
        parent = p.getparent()
        kind = (str(parent.tag), parent.get("class") or "") if parent is not None else ("", "")
        head = " ".join(para.split(None, 12)[:12])  # the first 12 words, without splitting the rest
        at = have.find(head, after)
        if at >= 0:
            after = at + len(head)
        elif budget < len(have):
            continue  # looked for everywhere too often already: neither kept nor left out
        else:
            budget -= len(have)
            at = have.find(head, 0, after + len(head) - 1)
        if at >= 0:
            kinds_kept.add(kind)
        else:
            left_out.append((kind, len(para)))
    same_kind = sum(size for kind, size in left_out if kind in kinds_kept)
    return same_kind, sum(size for _, size in left_out)
