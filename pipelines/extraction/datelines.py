"""Date lines a reader sees: next to the headline, or labelled as the page's date anywhere."""

from __future__ import annotations

import re
from collections import deque

from lxml.html import HtmlElement

from ..languages import words
from ..normalization.datetext import DateSpan, starts_with_label
from ..normalization.datetext import find_dates as find_text_dates
from ..normalization.datewords import LETTERS, fold
from .dateblocks import DatePage, in_foreign_block, spaced_text

# Elements without text of their own: scripts and the parts of inline SVG icons.
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "path", "g", "use", "defs", "symbol",
                       "circle", "rect", "polygon", "polyline", "line", "ellipse", "clippath", "lineargradient",
                       "stop", "mask", "title", "desc", "img", "source", "br", "hr", "input", "button", "option"})
# An element named for a date (`span.itemPostDate`, `div.datum`, `p.ngay-dang`): [dates] class_words.
_DATE_NAME = re.compile("|".join(re.escape(w) for w in words("dates", "class_words")) or r"(?!x)x", re.IGNORECASE)
_YEARISH = re.compile(r"\d{4}|\d[./-]\d\d?[./-]\d\d")  # a text worth looking at for a bare date line
_DATE_CLASS = re.compile(r"date|time|publish|posted|byline|dateline|meta|info|author|detail-top", re.IGNORECASE)
# A relative date line (`2 giờ trước`, `3 hours ago`); full dates are found by datetext.
_RELATIVE = re.compile(
    r"\d+\s+(?:giờ|phút|ngày|tuần)\s+trước|\b(?:hôm qua|hôm nay)\b|\d+\s+(?:hours?|minutes?|days?)\s+ago",
    re.IGNORECASE,
)
# The numbers of a date line: an element and its child with the same numbers say the same thing.
_NUMBER = re.compile(r"\d+")
# A dateline: a place (a few words, no digits) and a comma before the date; an agency in
# brackets and a dash (or colon) after it.
_DATELINE_PLACE = re.compile(r"^\W*[^\W\d_][^\d,]{1,30}(?:,[^\d,]{1,25})?,\s*$")
_DATELINE_TAIL = re.compile(r"\s*(\([^()]{1,30}\))?\s*[-–—:]")
_DATELINE_HEAD = 100  # characters of a paragraph that may hold its dateline
MAX_LINE = 90  # characters: a date line, not a paragraph that mentions a date
_READ_LIMIT = 400  # characters read from an element before it is too long to be a date line


def visible_date(tree: HtmlElement, page: DatePage, anywhere: bool) -> str | None:
    """A short date line close to the headline, inside the article, not in a sidebar; else,
    when the page has no machine-readable date, a line anywhere that says it is one."""
    body = tree.find("body")
    if body is None:
        return None
    best: str | None = None
    near = _near(body, page.headline, after=80, before=25)
    for node in near:
        text = _own_text(node)
        if len(text) > MAX_LINE and node.tag == "p":
            dateline = _dateline(text)
            if dateline and not in_foreign_block(node, page):
                return dateline
        if not text or len(text) > MAX_LINE or not looks_dated(text) or _headline_event(text, page):
            continue
        if in_foreign_block(node, page) or _child_says_it(node, text):
            continue
        marker = f"{node.get('class', '')} {node.get('id', '')} {node.get('data-role', '')}"
        parent = node.getparent()
        if parent is not None:
            marker += f" {parent.get('class', '')}"
        if _DATE_CLASS.search(marker) or node.tag == "time":
            return text
        best = best or text
    return best or _tail_line(near, page) or (_date_line_anywhere(body, page) if anywhere else None)


def _tail_line(near: list[HtmlElement], page: DatePage) -> str | None:
    """A date line that is bare text between two elements (`</dl> 기사입력 :[ 2018-08-25 15:24 ]
    <div class="newsArticle">`), near the headline (the elements `_near` gave), labelled or a
    date line on its own."""
    for node in near:
        tail = " ".join((node.tail or "").split())
        if not tail or len(tail) > MAX_LINE or not _YEARISH.search(tail):
            continue
        spans = find_text_dates(tail)
        if not spans or in_foreign_block(node, page):
            continue
        if spans[0].label in ("published", "updated") or _nothing_but_date(tail, spans[0]):
            return tail
    return None


def _dateline(text: str) -> str | None:
    """A wire-style dateline opening the story: place, date, agency, dash (`RAJSHAHI, Dec 20,
    2025 (BSS) - ...`, `PARIS, 20 déc. 2025 (AFP) -`). The place is in capitals or an agency
    follows the date; the dateline, not the paragraph, is returned."""
    head = text[:_DATELINE_HEAD]
    spans = find_text_dates(head)
    if not spans:
        return None
    folded = fold(head)
    place, rest = folded[:spans[0].start], folded[spans[0].end:]
    tail = _DATELINE_TAIL.match(rest)
    if not _DATELINE_PLACE.match(place) or tail is None:
        return None
    letters = "".join(LETTERS.findall(place))
    if not (letters.isupper() or tail.group(1)):
        return None
    end = spans[0].end + tail.end()
    return (head if len(folded) == len(head) else folded)[:end].strip(" -–—:")


def _headline_event(text: str, page: DatePage) -> bool:
    """The line is the headline and its date is part of the sentence (`Ergebnisse: RM
    Schülerinnen, 19.5.2007`): the event's date. A headline that opens with its date
    (`23.01.2022 - Wierer darf jubeln`) is dated by it."""
    if text != page.headline_text:
        return False
    spans = find_text_dates(text)
    return not spans or spans[0].start > 0


def _date_line_anywhere(body: HtmlElement, page: DatePage) -> str | None:
    """The first line of the page, outside other items' blocks, that says it is the page's
    date: labelled (`Posted on April 13, 2023`, `Cập nhật lúc ...`) or in an element named
    for a date (`span.itemPostDate`); failing those, the first line that is nothing but a
    date and a time (`Thứ Hai, 05/11/2012, 09:47 GMT+7`, the date line of older layouts)."""
    bare: str | None = None
    for node in body.iter():
        if not isinstance(node.tag, str):
            continue
        tail = node.tail or ""
        if tail.strip() and _YEARISH.search(tail):  # bare text after an element (`<br>Posted 5/11/2012`)
            found = _line_verdict(" ".join(tail.split()), node, page, named=False)
            if found == "labelled":
                return " ".join(tail.split())
            if found == "bare" and bare is None:
                bare = " ".join(tail.split())
        if node.tag in _NOT_TEXT:
            continue
        own = node.text or ""
        named = _DATE_NAME.search(f"{node.get('class', '')} {node.get('id', '')}") is not None
        if not (named or (own.strip() and starts_with_label(own)) or (bare is None and _YEARISH.search(own))):
            continue
        text = _own_text(node)
        found = _line_verdict(text, node, page, named) if text and len(text) <= MAX_LINE else None
        if found == "labelled":
            return text
        if found == "bare" and bare is None:
            bare = text
    return bare


def _line_verdict(text: str, node: HtmlElement, page: DatePage, named: bool) -> str | None:
    """`labelled` for the page's date line (named for a date, or labelled as the publication
    or update date), `bare` for nothing but a date and a time, else None."""
    if len(text) > MAX_LINE or _headline_event(text, page):
        return None
    spans = find_text_dates(text)
    if not spans or in_foreign_block(node, page):
        return None
    if named or spans[0].label in ("published", "updated"):
        return "labelled"
    return "bare" if spans[0].has_time and _nothing_but_date(text, spans[0]) else None


def _nothing_but_date(text: str, span: DateSpan) -> bool:
    """At most a weekday name and a zone word around the date and time (`Thứ Hai,`, `(GMT+7)`)."""
    rest = fold(text)
    words = LETTERS.findall(rest[:span.start] + " " + rest[span.end:])
    return len(words) <= 3 and sum(len(w) for w in words) <= 16


def looks_dated(text: str) -> bool:
    """The line states a date: a full date in any language, or a relative one (`2 giờ trước`)."""
    return bool(find_text_dates(text)) or _RELATIVE.search(text) is not None


def _near(body: HtmlElement, h1: HtmlElement | None, after: int, before: int) -> list[HtmlElement]:
    """The `after` elements from the headline on, then the `before` ones preceding it (the
    first `after` of the page without a headline in <body>), icons not counted. Stops
    walking there: a list of every element of a large page cost more than the rest of the
    date search."""
    ahead: list[HtmlElement] = []
    behind: deque[HtmlElement] = deque(maxlen=before)
    found = h1 is None
    for node in body.iter():
        if not isinstance(node.tag, str) or node.tag in _NOT_TEXT:
            continue
        if not found and node is not h1:
            behind.append(node)
            continue
        found = True
        ahead.append(node)
        if len(ahead) >= after:
            break
    if not found:
        return _near(body, None, after, before)
    return ahead + list(behind)


def _own_text(node: HtmlElement) -> str:
    """Text of a small element (its children included when they are inline); of a larger one,
    only the text between its children (`<div class="post_meta"><span>·</span> November 22,
    2011 <span>·</span> <img> ...`). Stops reading past a line's length: a container of the
    whole article would cost its whole text for nothing."""
    if len(node) > 6:
        pieces = [node.text or "", *(child.tail or "" for child in node)]
    else:
        pieces, size = [], 0
        for piece in node.itertext():
            pieces.append(piece)
            size += len(piece)
            if size > _READ_LIMIT:
                break
    return " ".join(" ".join(pieces).split())


def _child_says_it(node: HtmlElement, text: str) -> bool:
    """A child element holds all of this element's numbers: the child is the date line, this
    element only adds a byline or a category around it."""
    numbers = {int(n) for n in _NUMBER.findall(text)}
    for child in node:
        if isinstance(child.tag, str) and {int(n) for n in _NUMBER.findall(spaced_text(child))} == numbers:
            return True
    return False
