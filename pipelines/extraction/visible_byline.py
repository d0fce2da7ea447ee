"""The byline printed on the page: elements marked as a byline or an author, author-page links,
or a short line under the headline that opens with `By`.

The first byline after the headline wins (teasers of other stories come later on the page);
comment threads, related-story boxes, sidebars and the page footer are not read.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from .byline_words import vocabulary
from .bylines import Byline, parse_byline

# Visible bylines: elements marked as a byline or an author (class, id, rel, data-role, itemprop,
# <address>), links to an author's page (`/author/jane-doe`, `/autoren/`, `/by/jane-doe`, `/tac-gia/`),
# and the headlines, in document order. One walk in Python with substring tests: the same selection
# as an XPath of `contains()` tests (tests/test_visible_byline_scan.py keeps it as the reference),
# which libxml2 evaluated at ~6 ms a page, more than the parse.
_CLASS_MARK = re.compile("byline|Byline|uthor|autor|auteur|writer|reporter|journalist|tac-gia")
_ID_MARK = re.compile("uthor|byline")
_HREF_MARK = re.compile("/author/|/authors/|/autor/|/autoren/|/auteur/|/journalist/|/writers/|/by/|/tac-gia/")
_XML_SPACE = re.compile("[ \t\r\n]+")  # what XPath's normalize-space() splits on


def _candidates(scope: HtmlElement) -> list[HtmlElement]:
    """Byline candidates and h1 elements under scope (not scope itself), in document order."""
    found: list[HtmlElement] = []
    for node in scope.iterdescendants(etree.Element):
        tag, get = node.tag, node.get
        cls = get("class")
        if (tag == "h1" or (cls is not None and _CLASS_MARK.search(cls))
                or (tag == "a" and _HREF_MARK.search(get("href") or ""))
                or (tag == "address" and (cls is None or "publisher" not in cls))
                or _ID_MARK.search(get("id") or "") or get("rel") == "author" or get("data-role") == "author"
                or "author" in _XML_SPACE.split(get("itemprop") or "")):
            found.append(node)
    return found


# Class or id tokens of boxes that hold other articles' bylines or commenters' names.
_FOREIGN = re.compile(
    r"^(?:comment|related|recommend|popular|trending|most-?read|sidebar|widget|promo|newsletter|more-|next-|"
    r"prev|also|read-?more|recirc|outbrain|taboola)", re.IGNORECASE)
_FOOTER = re.compile(r"^(?:site-?|page-?)?footer", re.IGNORECASE)
_AUTHOR_HREF = re.compile(r"/(?:authors?|autor|autoren|auteur|journalist|writers|by|tac-gia)/")
_AUTHOR_MARK = re.compile(r"(?:^|[\s_-])author(?:$|[\s_-])")
_ARTICLE_PART = re.compile(r"author|byline|meta|entry|post|article", re.IGNORECASE)
# `Tested by`, `Fact-checked by`, `Geprüft von`, `Édité par`, `Revisado por` before a name: a participle
# and a byline preposition.
_CREDITED = re.compile(r"(?:^|\s)([^\W\d][\w-]+(?:ed|t|é|ée|ado|ada|ido|ida|ato|ata|ito|ita))\s+(\w+)\s*:?\s*$",
                       re.IGNORECASE)
_REGION = 4  # levels above the headline read first
_MAX_TEXT = 200
_MAX_CANDIDATES = 60


def visible_byline(tree: HtmlElement, language: str | None, keys: tuple[str, ...]) -> Byline:
    """The byline printed near the headline; co-authors in the same line join it."""
    body = tree.find("body")
    if body is None:
        return Byline()
    region = _headline_block(body)
    if region is not None:  # the headline's own block first: most pages sign right under the headline
        found, below, _ = _read(region, language, keys, signed=region is body)
        if below or region is body:
            return found
    return _read(body, language, keys, signed=True)[0]


def byline_under_headline(tree: HtmlElement, language: str | None, keys: tuple[str, ...]) -> tuple[Byline, bool]:
    """The byline in the headline's own block (a cheaper look, to complete what the metadata says),
    and whether it sits right by the headline (within two levels of it)."""
    body = tree.find("body")
    region = _headline_block(body) if body is not None else None
    if region is None:
        return Byline(), False
    found, below, close = _read(region, language, keys, signed=False)
    return (found, close) if below else (Byline(), False)


def _headline_block(body: HtmlElement) -> HtmlElement | None:
    h1 = next(body.iter("h1"), None)
    if h1 is None:
        return None
    return next((a for i, a in enumerate(h1.iterancestors()) if i == _REGION or a.tag == "body"), body)


def _read(scope: HtmlElement, language: str | None, keys: tuple[str, ...], signed: bool
          ) -> tuple[Byline, bool, bool]:
    """The byline in scope, whether it is under the headline, and whether right by it."""
    nodes = _candidates(scope)
    h1 = next((i for i, n in enumerate(nodes) if n.tag == "h1"), None)
    if len(nodes) > _MAX_CANDIDATES:  # keep those nearest the headline
        start = max(0, (h1 or 0) - _MAX_CANDIDATES // 3)
        nodes = nodes[start:start + _MAX_CANDIDATES]
        h1 = h1 - start if h1 is not None else None
    headline = set(nodes[h1].iterancestors()) if h1 is not None else set()
    found: list[tuple[int, HtmlElement, str, Byline]] = []
    for i, node in enumerate(nodes):
        if node.tag == "h1" or not isinstance(node, HtmlElement) or _foreign(node, headline):
            continue
        text = _byline_text(node)
        if not text or len(text) > _MAX_TEXT or _credited_otherwise(node, language):
            continue
        byline = parse_byline(text, language=language, strict=True, publishers=keys, single=_holds_name(node))
        if byline.names:
            found.append((i, node, text, byline))
    # A byline container and the element inside it that holds just the names: take the inner one.
    chosen = {id(f[1]) for f in found}
    prefixed = {id(f[1]) for f in found if f[3].signed}  # `<span>By <a>David Jeans</a></span>`
    found = [f for f in found if not any(id(d) in chosen for d in f[1].iterdescendants())]
    # The first byline after the headline; else the nearest one above it; else a line under the
    # headline that opens with `By`.
    if not found:
        line = _signed_line(nodes[h1], language, keys, headline) if signed and h1 is not None else None
        return line or Byline(), line is not None, False
    after = [f for f in found if h1 is None or f[0] > h1]
    first = after[0] if after else found[-1]
    box = _ancestor(first[1], 2)
    # Co-authors in elements of their own beside it, made by the same template (`<a class=author>X</a>
    # and <a class=author>Y</a>`), and the wire credited beside them, read as one line so that a role
    # or a place after a name is known for one.
    texts = [text for _, node, text, byline in found if node is first[1] or (
        box is not None and _ancestor(node, 2) is box and (
            (node.tag == first[1].tag and node.get("class") == first[1].get("class"))
            or byline.names == byline.credits))]
    line = parse_byline(", ".join(dict.fromkeys(texts)), language=language, strict=True, publishers=keys,
                        single=_holds_name(first[1]))
    line.signed = line.signed or any(id(a) in prefixed for a in first[1].iterancestors())
    block = _ancestor(nodes[h1], 2) if h1 is not None else None
    return line, bool(after), block is not None and any(a is block for a in first[1].iterancestors())


def _signed_line(h1: HtmlElement, language: str | None, keys: tuple[str, ...], headline: set[HtmlElement]
                 ) -> Byline | None:
    """A short element under the headline whose text opens with a byline prefix (`<p>By Jane Doe</p>`)."""
    prefix = vocabulary(language).prefix
    for node in h1.xpath("following::*[position() <= 120]"):
        if not isinstance(node, HtmlElement) or not node.text or not prefix.match(node.text.strip()):
            continue
        text = _text(node)
        if len(text) <= 100 and not _foreign(node, headline):
            found = parse_byline(text, language=language, strict=True, publishers=keys)
            if found.names:
                return found
    return None


def _credited_otherwise(node: HtmlElement, language: str | None) -> bool:
    """`Edited by <a>Frank Bass</a>`, `<span>Reviewed by</span> <a>...</a>`: a name the page credits
    for something else than writing the story."""
    previous = node.getprevious()
    if previous is not None:
        label = previous.tail if previous.tail and previous.tail.strip() else _text(previous)
    else:
        parent = node.getparent()
        label = parent.text or "" if parent is not None else ""
    label = " ".join(label.split())[-40:]
    if not label:
        return False
    voc = vocabulary(language)
    credited = _CREDITED.search(label)  # `Tested by`, `Fact-checked by`: not `Written by`
    if credited and credited.group(2).casefold() in voc.prefix_words:
        return credited.group(0).strip(" :").casefold() not in voc.prefix_words
    return bool(voc.not_author.search(label))


def _holds_name(node: HtmlElement) -> bool:
    """An element made to hold the author's name: `rel=author`, `itemprop=author`, `class=author-name`."""
    marks = f"{node.get('class', '')} {node.get('itemprop', '')} {node.get('rel', '')}".lower()
    if node.tag == "a" and _AUTHOR_HREF.search(node.get("href", "")):
        return True
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
