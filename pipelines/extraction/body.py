"""Article body: trafilatura, a second opinion when it left prose out, then a cleaner.

When a cheap signal says trafilatura left prose paragraphs out (signals.py), readability-lxml
reads the page too and may extend the text (fallback.py). The cleaner removes lines that are
image alt text (`... hinh anh 1`), photo captions (`Ảnh: ...`), related-article titles
and lists, "read more" prompts, page furniture such as sign-up and share prompts or
rights notices (boilerplate.py) and the headline repeated at the top; a byline or
agency credit on the last line moves to `authors` / `source_credit`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import trafilatura
from lxml.html import HtmlElement

from ..normalization.datetext import find_dates as find_line_dates
from ..normalization.words import count_words, spaceless_share
from . import authors, boilerplate, fallback, hugepage, signals
from .titles import node_text, squash

_ALT_ARTIFACT = re.compile(r"^[\x20-\x7e]+ hinh anh \d+$", re.I)
_CAPTION = re.compile(r"^\(?\s*(?:ảnh|video|đồ họa|nguồn ảnh|photo|foto|image|picture|credit)\s*:", re.I)
# A caption that ends with its photo credit: `Quang cảnh hội thảo. (Ảnh: Minh Sơn/Vietnam+)`,
# `... - Ảnh: AFP`, `(ảnh minh họa: X)`, `... Photo: Reuters`. Prose does not end that way.
_CAPTION_END = re.compile(
    r"(?:^|[.\s(\-–])\(?\s*(?:ảnh(?: minh họa)?|nguồn ảnh|photo|foto|image|picture|credit)\s*:\s*[^.!?:]{1,60}\)?\.?$",
    re.I,
)
_TABLE_CELL = re.compile(r"^\|\s*([^|]*?)\s*\|$")  # one table cell as trafilatura prints it: `| text |`
_READ_MORE = re.compile(
    r"^(?:xem thêm|đọc thêm|đọc tiếp|đọc ngay|tin liên quan|bài liên quan|read more|see also|also read|"
    r"related(?: articles?| stories| coverage)?|more on this|recommended)\b\s*[:>»›-]?", re.I,
)
_URL_LINE = re.compile(r"^https?://\S+$")
# Class or id words of boxes that link to other pages: related and recommended stories, teasers.
# (The look-ahead for the words' first letters only makes the search skip other positions faster.)
_LINK_BOX = re.compile(
    r"(?=[acmnoprstw])(?:relat|recommend|read-?more|more-?(?:stories|news|articles)|also|teaser|card|widget|sidebar|"
    r"aside|promo|popular|trending|suggest|next|prev|outbrain|taboola|tags?\b|topic)", re.I)
_LINK_BOX_DEPTH = 8
_MENU_RUN = 6  # navigation items in a row at the start or end of the text
_MENU_WORDS = 3  # a line this short may sit inside a menu run (`|`, `Your region:`)
_MENU_SHARE = 0.7
_CJK_STAMP = re.compile(r"\d{1,2}月\d{1,2}日\s*(?:[（(][^）)]{1,3}[）)])?\s*\d{1,2}(?:時|:)\d{1,2}分?")
_STAMP_CHARS = 60  # a time stamp line: the date, a label or a source name, nothing more
_STAMP_REST_WORDS = 3
_STAMP_REST_CHARS = 8  # in scripts without spaces, where every character counts as a word
_STAMP_LINES = 2  # looked for among the first and the last lines
_REPEAT_CHARS = 100  # a paragraph, not a label or a list item
_REPEAT_RUN = 3  # paragraphs repeated in the same order: a copy of the article, not a refrain

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every page it rejects


@dataclass
class Body:
    text: str = ""
    authors: list[str] = field(default_factory=list)
    source_credit: str | None = None


def extract_body(tree: HtmlElement, url: str | None, prune_xpaths: tuple[str, ...] = (),
                 noise: PageNoise | None = None, *, huge: bool = False) -> str:
    """Main text as lines (one paragraph each); '' when trafilatura finds none.

    trafilatura runs with its own fallbacks (its readability and justext comparisons): on
    711 WCXB articles its fast mode stopped after the first block of 39 pages that the full
    mode read whole (body F1 0.917 -> 0.932). readability-lxml reads the page too only when
    prose paragraphs were left out, and can only add to the text (fallback.expand).
    A `huge` page (hugepage.py) is read in pieces, each as a page of its own; their texts are
    joined in order.
    """
    if huge:
        return "\n".join(filter(None, (extract_body(doc, url, prune_xpaths, noise)
                                        for doc in hugepage.documents(tree))))
    doc = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, include_tables=True, with_metadata=False, fast=False,
        prune_xpath=list(prune_xpaths) or None,
    )
    text = getattr(doc, "text", None) if doc is not None else None
    text = text or ""
    if signals.doubt(text, tree):
        keys = noise.keys if noise else frozenset()
        text = fallback.expand(text, fallback.readability_text(tree, prune_xpaths), keys)
    return text


@dataclass(frozen=True)
class PageNoise:
    """Comparison keys (titles.squash) of page text that is not prose."""

    keys: frozenset[str] = frozenset()  # image alt/title text, standalone link texts (related boxes)
    links: frozenset[str] = frozenset()  # every link text of four words or more
    menu: frozenset[str] = frozenset()  # every short link text (navigation items)


def page_noise(tree: HtmlElement) -> PageNoise:
    """Image alt/title texts and link texts of the page, as comparison keys."""
    keys: set[str] = set()
    links: set[str] = set()
    menu: set[str] = set()
    for img in tree.iter("img"):
        for attr in ("alt", "title"):
            value = img.get(attr)
            if value and len(value) >= 12:
                keys.add(squash(value))
    for link in tree.iter("a"):
        if link.get("href", "").lstrip().startswith("#"):
            continue  # a table of contents: its link texts are the article's own headings
        raw = link.text_content()
        if len(raw) < 20:  # most links: a navigation item at most
            if raw.strip():
                menu.add(squash(raw))
            continue
        text = " ".join(raw.split())
        if len(text) < 20 or text.count(" ") < 3:
            continue  # a headline has words; a bare URL or a product name may be content
        key = squash(text)
        links.add(key)
        parent = link.getparent()
        if len(text) >= 25 and parent is not None and squash(node_text(parent)) == key and _in_link_box(link):
            keys.add(key)
    return PageNoise(frozenset(keys), frozenset(links), frozenset(menu))


def _in_link_box(link: HtmlElement) -> bool:
    """A link inside a box of links to other pages (related stories, sidebar, footer), not a
    heading or list item of the article that happens to be a link."""
    for depth, node in enumerate(link.iterancestors()):
        if depth >= _LINK_BOX_DEPTH or node.tag == "body":
            return False
        if node.tag in ("aside", "nav", "footer") or _LINK_BOX.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return False


def clean_body(text: str, *, title: str | None, noise: PageNoise) -> Body:
    lines = _without_menu_edges(_without_repeats([line.strip() for line in text.splitlines() if line.strip()]),
                                noise.menu)
    title_key = squash(title)
    # The headline repeated on top, or the page's address printed by a share widget above it.
    while lines and (title_key and squash(lines[0]) == title_key or _URL_LINE.match(lines[0])):
        lines.pop(0)
    lines = _without_timestamp_edges(lines)
    if lines and title and lines[0].startswith(title + " "):
        lines[0] = lines[0][len(title):].strip()  # headline glued to the lead
    kept = _drop_trailing_teasers(lines)
    kept = [line for line in kept if not _is_noise(line, noise.keys)]
    # A related-stories list at the end: link texts, maybe with its heading and buttons.
    tail = boilerplate.trailing_links(kept, noise.links, squash)
    kept = kept[: len(kept) - tail]
    kept, byline = authors.closing_byline(kept)
    body = Body(authors=byline.names, source_credit=byline.credit)
    body.text = "\n".join(kept) if kept else "\n".join(lines)  # never clean a page down to nothing
    return body


def _without_menu_edges(lines: list[str], menu: frozenset[str]) -> list[str]:
    """A navigation menu read as the start or the end of the text: a run of short lines that
    are the page's link texts (`Your region: / Moscow / Saint Petersburg / ...`)."""
    def run_length(seq: Iterable[str]) -> int:
        items = length = 0
        for line in seq:
            if squash(line) in menu:
                items += 1
            elif count_words(line) > _MENU_WORDS:
                break
            length += 1
        return length if items >= _MENU_RUN and items >= _MENU_SHARE * length else 0

    head = run_length(lines)
    rest = lines[head:]
    tail = run_length(reversed(rest))
    return rest[: len(rest) - tail] if tail < len(rest) else lines


def _without_timestamp_edges(lines: list[str]) -> list[str]:
    """A time stamp printed above or below the article (`2020-04-01 10:29`, `입력 2020.08.27
    20:27`, `Sina (2020-01-21 11:12)`): the record has its date; the text is the article's."""
    def stamp(line: str) -> bool:
        if len(line) > _STAMP_CHARS:
            return False
        spans = [(span.start, span.end) for span in find_line_dates(line)]
        spans += [match.span() for match in _CJK_STAMP.finditer(line)]  # the year left out: `2月15日 7時0分`
        if not spans:
            return False
        rest = line[: min(s for s, _ in spans)] + line[max(e for _, e in spans):]
        # Besides the date: a label (`Published`, `입력`) or a source's name (`北京新浪網`), not a clause.
        return count_words(rest) <= _STAMP_REST_WORDS or (spaceless_share(rest) > 0.5
                                                          and len(squash(rest)) <= _STAMP_REST_CHARS)
    head = 0
    while head < min(_STAMP_LINES, len(lines) - 1) and stamp(lines[head]):
        head += 1
    kept = lines[head:]
    while len(kept) > 1 and len(lines) - len(kept) < 2 * _STAMP_LINES and stamp(kept[-1]):
        kept = kept[:-1]
    return kept


def _without_repeats(lines: list[str]) -> list[str]:
    """A run of paragraphs printed twice (an AMP, print or slideshow copy of the article inside
    the page): keep the first copy. Single lines may repeat (an interview's recurring question)."""
    keys = [squash(line) for line in lines]
    first: dict[str, int] = {}
    kept: list[str] = []
    i = 0
    while i < len(lines):
        earlier = first.get(keys[i]) if len(lines[i]) >= _REPEAT_CHARS else None
        if earlier is not None:
            run = 0
            while i + run < len(lines) and earlier + run < i and keys[i + run] == keys[earlier + run]:
                run += 1
            if sum(len(line) >= _REPEAT_CHARS for line in lines[i:i + run]) >= _REPEAT_RUN:
                i += run
                continue
        first.setdefault(keys[i], i)
        kept.append(lines[i])
        i += 1
    return kept


def _drop_trailing_teasers(lines: list[str]) -> list[str]:
    """`Xem thêm video:` / `Read more:` near the end, then only short titles: a related box."""
    for i in range(max(0, len(lines) - 5), len(lines)):
        line = lines[i]
        if i > 0 and len(line) <= 60 and _READ_MORE.match(line) and all(
                len(rest) <= 120 and not rest.endswith((".", "!", "?", '"', "”")) for rest in lines[i + 1:]):
            return lines[:i]
    return lines


def _is_noise(line: str, noise: frozenset[str]) -> bool:
    cell = _TABLE_CELL.match(line)
    if cell:  # a photo table (`table.picture`): its caption cell comes out as a one-cell row
        line = cell.group(1)
    if _ALT_ARTIFACT.match(line) or boilerplate.is_boilerplate(line):
        return True
    if len(line) <= 200 and (_CAPTION.match(line) or _READ_MORE.match(line)):
        return True
    if len(line) <= 250 and _CAPTION_END.search(line):
        return True
    return len(line) <= 300 and squash(line) in noise
