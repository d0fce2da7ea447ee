"""Authors: the byline of record from the profile's selector, JSON-LD, meta tags, the visible
byline or a byline closing the text.

Bylines are kept as printed (bylines.py): persons and organisations (`dpa`, `MND Staff`,
`Le Figaro et AFP`), with a wire or agency credit also given as `source_credit`. The site's
own name is an author only where the page states it as one (a JSON-LD author, a visible
byline); a meta author that merely repeats the site name is a CMS default, and any author
that is the publisher gives way to a person's byline found elsewhere on the page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from .bylines import Byline, parse_byline, signed_in_caseless_script
from .structured import Structured
from .titles import squash

_META_KEYS = ("author", "article:author", "og:article:author", "dc.creator", "dcterms.creator", "byl",
              "parsely-author", "sailthru.author", "citation_author", "article:author_name", "authors",
              "rbauthors", "dcsext.author", "atc-metaauthor", "shareaholic:article_author_name")
# Visible bylines: elements marked as a byline or an author, author links and itemprop=author.
_CANDIDATES = (
    "//*[contains(@class,'byline') or contains(@class,'Byline') or contains(@class,'uthor') "
    "or contains(@class,'autor') or contains(@class,'auteur') or contains(@class,'writer') "
    "or contains(@class,'reporter') or contains(@class,'journalist') or contains(@class,'tac-gia') "
    "or contains(@id,'uthor') or contains(@id,'byline') or @rel='author' or @data-role='author' "
    "or contains(concat(' ',normalize-space(@itemprop),' '),' author ') "
    "or self::address[not(contains(@class,'publisher'))]]"
)
# Class or id tokens of boxes that hold other articles' bylines or commenters' names.
_FOREIGN = re.compile(
    r"^(?:comment|related|recommend|popular|trending|most-?read|sidebar|widget|promo|newsletter|more-|next-|"
    r"prev|also|read-?more|recirc|outbrain|taboola)", re.IGNORECASE)
_FOOTER = re.compile(r"^(?:site-?|page-?)?footer", re.IGNORECASE)
_AUTHOR_MARK = re.compile(r"(?:^|[\s_-])author(?:$|[\s_-])")
_ARTICLE_PART = re.compile(r"author|byline|meta|entry|post|article", re.IGNORECASE)
_MAX_TEXT = 200
_MAX_CANDIDATES = 60


@dataclass
class Authors:
    names: list[str] = field(default_factory=list)
    credit: str | None = None
    weak: bool = False  # only the publisher named as its own author: a person's byline wins over it


def read_authors(tree: HtmlElement, data: Structured, xpath: str | None, site_names: list[str],
                 language: str | None = None) -> Authors:
    """The byline of record: a profile's selector, then JSON-LD, meta tags, the visible byline."""
    publishers = _publisher_keys(site_names)
    if xpath:
        found = _merge([parse_byline(n if isinstance(n, str) else _text(n), language=language, strict=False)
                        for n in tree.xpath(xpath)])
        if found.names:
            return _result(found, publishers)
    keys = tuple(publishers)
    structured = _jsonld_byline(data, language, keys)
    if not structured.names:
        meta = [v for key in _META_KEYS for v in data.meta.get(key, ()) if v.strip() and not _is_url(v)]
        structured = _merge([parse_byline(v, language=language, strict=False, publishers=keys) for v in meta])
        # A meta author that only repeats the site's name (`Dân Trí` on `Báo điện tử Dân Trí`) is a CMS
        # default; the publisher is an author where the page says so (JSON-LD, a visible byline).
        structured.names = [n for n in structured.names if not _repeats_publisher(n, publishers)]
    if structured.names and not _only_publisher(structured, publishers):
        return _result(structured, publishers)
    visible = _visible_byline(tree, language, keys)
    if visible.names and (not structured.names or not _only_publisher(visible, publishers)):
        return _result(visible, publishers)
    return _result(structured, publishers)


def settle(page: Authors, closing: list[str], closing_credit: str | None, text: str = ""
           ) -> tuple[list[str], str | None]:
    """Authors and credit of the record: the page's byline, or the one closing the text
    (clean_body) when the page names no one but its publisher; a wire dateline opening the
    text (`Hamburg (dpa/lno) –`, `WASHINGTON (AP) —`) credits the agency, and makes it the
    author of record where no one signed."""
    names = closing if closing and (not page.names or page.weak) else page.names
    wire = dateline_agencies(text)
    if wire and (not names or (names is page.names and page.weak)):
        names = wire.names
    return names, page.credit or closing_credit or (wire.credit if wire else None)


_DATELINE = re.compile(r"^[^()\n]{0,60}?[(（]([^()（）\n]{2,40})[)）]\s*[-–—:]")


def dateline_agencies(text: str) -> Byline | None:
    """The agency in a wire dateline at the start of the text: `Berlin (dpa) - ...`."""
    match = _DATELINE.match(text)
    if not match:
        return None
    found = parse_byline(match.group(1), strict=False)
    agencies = [n for n in found.names if n in found.credits]
    if not agencies:
        return None
    return Byline(names=agencies, credits=[match.group(1).strip()])


def _result(found: Byline, publishers: list[str]) -> Authors:
    return Authors(found.names, found.credit, weak=_only_publisher(found, publishers))


def _merge(bylines: list[Byline]) -> Byline:
    out = Byline()
    for byline in bylines:
        out.add(byline)
    return out


def _jsonld_byline(data: Structured, language: str | None, publishers: tuple[str, ...]) -> Byline:
    """JSON-LD author (or creator): persons and organisations, `{"@id": ...}` references resolved."""
    for key in ("author", "creator"):
        out = Byline()
        for entry in _entries(data.article.get(key)):
            ref = entry.get("@id") if isinstance(entry, dict) and set(entry) <= {"@id", "@type"} else None
            if isinstance(ref, str):
                entry = data.nodes.get(ref, entry)  # Yoast: the Person is elsewhere in the graph
            value = entry.get("name") if isinstance(entry, dict) else entry
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, str) and value.strip() and not _is_url(value):
                found = parse_byline(value, language=language, strict=False, publishers=publishers)
                kind = str(entry.get("@type", "")).lower() if isinstance(entry, dict) else ""
                if "person" in kind:
                    found.persons = list(found.names)  # the site says who is a person
                elif "organization" in kind:
                    found.persons = []
                out.add(found)
        if out.names:
            return out
    return Byline()


def _entries(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _visible_byline(tree: HtmlElement, language: str | None, keys: tuple[str, ...]) -> Byline:
    """The byline printed near the headline; co-authors in the same line join it."""
    body = tree.find("body")
    if body is None:
        return Byline()
    nodes = body.xpath(_CANDIDATES + " | //h1")
    h1 = next((i for i, n in enumerate(nodes) if n.tag == "h1"), None)
    if len(nodes) > _MAX_CANDIDATES:  # keep those nearest the headline
        start = max(0, (h1 or 0) - _MAX_CANDIDATES // 3)
        nodes = nodes[start:start + _MAX_CANDIDATES]
        h1 = h1 - start if h1 is not None else None
    headline = set(nodes[h1].iterancestors()) if h1 is not None else set()
    found: list[tuple[int, HtmlElement, str]] = []
    for i, node in enumerate(nodes):
        if node.tag == "h1" or not isinstance(node, HtmlElement) or _foreign(node, headline):
            continue
        text = _byline_text(node)
        if not text or len(text) > _MAX_TEXT:
            continue
        byline = parse_byline(text, language=language, strict=True, publishers=keys, single=_holds_name(node))
        if byline.names:
            found.append((i, node, text))
    # A byline container and the element inside it that holds just the names: take the inner one.
    chosen = {id(node) for _, node, _ in found}
    found = [f for f in found if not any(id(d) in chosen for d in f[1].iterdescendants())]
    if not found:
        return Byline()
    # The first byline after the headline; else the nearest one above it.
    after = [f for f in found if h1 is None or f[0] > h1]
    first = after[0] if after else found[-1]
    box = _ancestor(first[1], 2)
    # Co-authors in elements of their own beside it (`<a>X</a> and <a>Y</a>`), read as one line
    # so that a role or a place in the next element is known for one.
    texts = [text for _, node, text in found
             if node is first[1] or (box is not None and _ancestor(node, 2) is box)]
    return parse_byline(", ".join(dict.fromkeys(texts)), language=language, strict=True, publishers=keys,
                        single=_holds_name(first[1]))


def _holds_name(node: HtmlElement) -> bool:
    """An element made to hold the author's name: `rel=author`, `itemprop=author`, `class=author-name`."""
    marks = f"{node.get('class', '')} {node.get('itemprop', '')} {node.get('rel', '')}".lower()
    return "name" in marks or "vcard" in marks or bool(_AUTHOR_MARK.search(marks))


def _byline_text(node: HtmlElement) -> str:
    """The node's text; `<span itemprop=author><meta itemprop=name content=X>` gives X."""
    text = _text(node)
    if not text:
        names = node.xpath(".//meta[@itemprop='name']/@content")
        text = " ".join(str(n) for n in names)
    return text


def _foreign(node: HtmlElement, headline: set[HtmlElement]) -> bool:
    """Inside a comment thread, a related-stories box, a sidebar or the page footer."""
    for depth, anc in enumerate(node.iterancestors()):
        if depth > 10 or anc.tag in ("body", "html") or anc in headline:
            break  # above the box the byline shares with the headline, markers are the page's
        if anc.tag in ("aside", "nav"):
            return True
        markers = f"{anc.get('class', '')} {anc.get('id', '')}".split()
        if any(_FOREIGN.match(m) for m in markers):
            return True
        if (anc.tag == "footer" or any(_FOOTER.match(m) for m in markers)) and not _ARTICLE_PART.search(
                " ".join(markers)) and not any(a.tag == "article" for a in anc.iterancestors()):
            return True  # the page's footer; an article's own footer often holds its byline
    return any(_FOREIGN.match(m) for m in f"{node.get('class', '')} {node.get('id', '')}".split())


def _ancestor(node: HtmlElement, levels: int) -> HtmlElement | None:
    for _ in range(levels):
        parent = node.getparent()
        if parent is None:
            return None
        node = parent
    return node


def _text(node: HtmlElement) -> str:
    return " ".join(" ".join(node.itertext()).split())


def _is_url(value: str) -> bool:
    return value.strip().lower().startswith(("http://", "https://", "//", "www."))


def _publisher_keys(site_names: list[str]) -> list[str]:
    return [k for k in (squash(s) for s in site_names) if k]


def _is_publisher(name: str, publishers: list[str]) -> bool:
    """`Dân Trí` for `Báo điện tử Dân Trí`, `TUOI TRE ONLINE` for `tuoitre`."""
    key = squash(name)
    return bool(key) and any(p == key or (len(p) >= 4 and len(key) >= 4 and (p in key or key in p))
                             for p in publishers)


def _repeats_publisher(name: str, publishers: list[str]) -> bool:
    """The site's name or a part of it; `Camphouse Team` on Camphouse is a desk, not a repeat."""
    key = squash(name)
    return bool(key) and any(p == key or (len(key) >= 4 and key in p) for p in publishers)


def _only_publisher(byline: Byline, publishers: list[str]) -> bool:
    return bool(byline.names) and all(_is_publisher(n, publishers) and n not in byline.persons
                                      for n in byline.names)


# A closing byline line: names joined by separators, a `Name/Agency` credit, or `(Agency)`.
_NAME_WORD = r"[A-ZĐÀ-ÞĀ-ỸА-ЯЁ][\wÀ-ỹ'’.-]*"
_NAME_LINE = re.compile(
    rf"^\(?(?:[^\W\d][^:]{{0,24}}:\s*)?(?:{_NAME_WORD}\s+){{1,4}}{_NAME_WORD}"
    rf"(?:\s*(?:[-–—,;&/]|\s(?:và|and|und|et|y|e)\s)\s*(?:{_NAME_WORD}\s+){{0,4}}{_NAME_WORD}\+?)*\)?$")
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
