"""Bytes -> text -> lxml tree, with the charset chosen by evidence, not by label alone."""

from __future__ import annotations

import codecs
import re
import unicodedata

import lxml.html
from lxml import etree
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

from ..errors import PageRejected

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
# NUL and other C0 controls are not text; many of them mean a binary file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
# Every element an HtmlElement, chosen in C: lxml.html's own lookup calls Python for each
# element object lxml creates (millions a crawl, ~5% of extraction), only to give <form>,
# <input>, <select>, <textarea> and <label> their form-filling classes, which we never use.
_CLASSES = etree.ElementDefaultClassLookup(element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
                                           pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)
_C0_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_C0_BYTES = bytes(code for code in range(0x20) if code not in (0x09, 0x0A, 0x0D))  # the same, in UTF-8


_UTF8_SHARE = 10
_UTF8_LEADS = [bytes([lead]) for lead in range(0xC2, 0xF5)]  # first bytes of multi-byte characters


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a page: BOM, then valid UTF-8 (a last character cut off or a few stray bytes
    allowed), then the declared charset, then cp1252.

    A body that decodes as strict UTF-8 is UTF-8 whatever the header says: the
    reverse mistake (a UTF-8 page labelled iso-8859-1) is the common one, and
    legacy 8-bit text is almost never valid UTF-8 by accident.
    """
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return _finish(body[len(bom):].decode(encoding, errors="replace"))
    try:
        return _finish(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        if exc.start >= len(body) - 3 and exc.reason == "unexpected end of data":
            return _finish(body[:exc.start].decode("utf-8"))  # cut inside its last character
    text = body.decode("utf-8", errors="replace")
    if _mostly_utf8(text, body):
        return _finish(text)
    declared = [http_content_type_encoding(content_type) if content_type else None,
                html_body_declared_encoding(body)]
    for name in declared:
        resolved = resolve_encoding(name) if name else None
        if resolved and resolved not in ("utf-8", "utf8"):
            try:
                return _finish(body.decode(resolved))
            except (UnicodeDecodeError, LookupError):
                continue
    return _finish(body.decode("cp1252", errors="replace"))


def _mostly_utf8(text: str, body: bytes) -> bool:
    """UTF-8 but for a few stray bytes (a Latin-1 name pasted into a UTF-8 template): at least
    ten valid multi-byte characters for each invalid sequence. Decoding the whole page as
    cp1252 for them would garble every other non-ASCII letter; a legacy 8-bit page has
    next to no valid multi-byte sequences."""
    bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")  # not the page's own U+FFFD
    valid = sum(body.count(lead) for lead in _UTF8_LEADS) - bad  # lead bytes, counted in C
    return valid >= _UTF8_SHARE * bad


def _finish(text: str) -> str:
    # windows-1258 and some CMSs give decomposed Vietnamese; every later step expects NFC.
    return unicodedata.normalize("NFC", text)


def looks_binary(text: str) -> bool:
    """True for decoded content that is mostly control characters (images, PDFs, archives)."""
    sample = text[:4096]
    return bool(sample) and len(_CONTROL.findall(sample)) > len(sample) * 0.02


# The most elements of 1,901 real article pages in the dev sets was 10,106. trafilatura copies the
# tree several times: a 10 MiB page of 700k table cells took 2 GB and a minute, one of 120k
# links 1.3 GB; past ten times the largest real page, a page is refused with its reason.
MAX_ELEMENTS = 100_000
INVISIBLE = frozenset({"script", "style", "noscript", "template"})


class _TooManyElements(Exception):
    pass


class _ElementCounter:
    """A parser target: counts the elements libxml2 would build, building none of them."""

    def __init__(self) -> None:
        self.count = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise _TooManyElements

    def end(self, tag: str) -> None:
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> int:
        return self.count


def _too_many_elements(data: bytes | str) -> bool:
    """More than MAX_ELEMENTS elements? Decided without the tree: building one of a million
    elements took 400 MiB before it could be refused. Fewer '<' than the limit settle it at
    once; otherwise libxml2 parses for the count only (the same count as the tree's: 60 AEB pages)."""
    if (data.count(b"<") if isinstance(data, bytes) else data.count("<")) <= MAX_ELEMENTS:
        return False
    counter = _ElementCounter()
    parser = etree.HTMLParser(target=counter, remove_comments=True, remove_pis=True,
                              encoding="utf-8" if isinstance(data, bytes) else None)
    try:
        etree.fromstring(data, parser)
    except _TooManyElements:
        return True
    except (etree.ParserError, ValueError):
        return False  # the real parse below reports it
    return counter.count > MAX_ELEMENTS


def visible_chars(node: lxml.html.HtmlElement, limit: int) -> int:
    """Characters of text in `node` outside scripts and styles (its own tail not counted), up
    to just past `limit`: a count, not a copy of the text, which may be 10 MB."""
    count = -len(node.tail or "")
    for each in node.iter():
        if each.tag not in INVISIBLE:  # a script's code is its .text; the text after it is page text
            count += len(each.text or "")
        count += len(each.tail or "")
        if count > limit:
            break
    return count


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse decoded HTML; PageRejected for empty or binary input."""
    if not text.strip():
        raise PageRejected("empty", "the page is empty")
    if looks_binary(text):
        raise PageRejected("not_html", "the content is binary, not HTML")
    text = _XML_DECL.sub("", text, count=1)  # lxml refuses str input with an encoding declaration
    # The page goes to libxml2 as UTF-8 bytes: from a str, lxml hands it over as UCS-4 and
    # libxml2 converts it again (the same tree, ~1 ms a page more; tests/test_extraction_speed.py).
    try:
        data: bytes | str = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: only the str can be parsed
        data = text
    # A stray C0 control character (not tab, newline, CR) is not text, and lxml's tree loses the
    # article around it: one BEL in one paragraph made a whole page `not_article`. (A C0 byte is
    # never part of a longer UTF-8 sequence; bytes.translate deletes it without a regex scan.)
    data = data.translate(None, _C0_BYTES) if isinstance(data, bytes) else _C0_CONTROLS.sub("", data)
    if _too_many_elements(data):
        raise PageRejected("too_complex", f"the page has more than {MAX_ELEMENTS:,} elements: "
                                          "extracting it would take gigabytes")
    try:
        # Comments out, as trafilatura's own parser does: React pages put `<!-- -->` inside
        # sentences, and trafilatura, given a tree that keeps them, merges or drops those
        # paragraphs. A parser per call: lxml parsers are not thread-safe, and one costs 1 µs.
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True,
                                  encoding="utf-8" if isinstance(data, bytes) else None)
        parser.set_element_class_lookup(_CLASSES)  # copies of the tree (trafilatura's) keep it
        tree = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise PageRejected("unparsable", f"the HTML could not be parsed ({exc})") from None
    if tree is None or (tree.find("body") is None and not len(tree)):
        raise PageRejected("empty", "the page has no HTML content")
    return tree
