"""One paragraph per line, even when the body extractor ran the page's blocks together.

trafilatura's last resort on a page it finds little prose in (a photo story whose text is
its <figcaption>s) is the container's text in one line: headline, lead and every caption
as a single 250-word "paragraph". Such a line is cut again where the page's own blocks
(paragraphs, captions, headings, list items) start and end.
"""

from __future__ import annotations

from itertools import pairwise

from lxml.html import HtmlElement

RUN_ON_WORDS = 80  # a line longer than this is checked against the page's blocks
_BLOCKS = ("p", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "dd", "dt")
_MIN_BLOCK = 20  # characters: shorter blocks (a credit, a button) are not cut points
_MAX_BLOCKS = 2000
# Work (blocks x characters searched, a search counted as at least 1,000) that cutting lines may
# cost on one page: every line is searched for every block, so a 10 MiB page of 20,000 long
# paragraphs cost a CPU minute. A photo story's one run-on line costs ~1e6.
_CUT_BUDGET = 300_000_000


def split_run_on(text: str, tree: HtmlElement) -> str:
    lines = text.split("\n")
    if all(len(line.split()) <= RUN_ON_WORDS for line in lines):
        return text
    blocks = _leaf_blocks(tree)
    whole = set(blocks)
    budget = _CUT_BUDGET
    out: list[str] = []
    for line in lines:
        flat = " ".join(line.split()) if len(line.split()) > RUN_ON_WORDS else ""
        if not flat or flat in whole or budget <= 0:
            out.append(line)  # short, one block as it stands, or cutting has cost enough already
            continue
        budget -= len(blocks) * max(len(flat), 1000)
        out += _cut(line, flat, blocks)
    return text if len(out) == len(lines) else "\n".join(out)  # nothing cut: no copy of the text


def _leaf_blocks(tree: HtmlElement) -> list[str]:
    """Texts of block elements holding no other block element, whitespace collapsed."""
    found: list[str] = []
    for node in tree.iter(*_BLOCKS):
        if any(True for _ in node.iterdescendants(*_BLOCKS)):
            continue
        value = " ".join(node.text_content().split())
        if len(value) >= _MIN_BLOCK:
            found.append(value)
            if len(found) >= _MAX_BLOCKS:
                break
    return found


def _cut(line: str, flat: str, blocks: list[str]) -> list[str]:
    """The line cut at the blocks it is made of; the line itself when it is one block.

    A block inside another found block (a pull quote repeating a sentence of its paragraph)
    is not a cut point.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for block in blocks:  # document order: each block is looked for after the previous one
        at = flat.find(block, start)
        if at < 0:
            at = flat.find(block)
            if at < 0:
                continue
        spans.append((at, at + len(block)))
        start = at + len(block)
    kept: list[tuple[int, int]] = []
    for a, b in sorted(spans, key=lambda span: span[0] - span[1]):  # longest first
        if not any(ka <= a and b <= kb for ka, kb in kept):
            kept.append((a, b))
    if len(kept) < 2:
        return [line]
    bounds = sorted({0, len(flat), *(x for span in kept for x in span)})
    pieces = (flat[a:b].strip() for a, b in pairwise(bounds))
    return [piece for piece in pieces if piece]
