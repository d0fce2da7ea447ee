"""Authors: the byline of record from the profile's selector, JSON-LD, meta tags, the visible
byline or a byline closing the text.

Bylines are kept as printed (bylines.py): persons and organisations (`dpa`, `MND Staff`,
`Le Figaro et AFP`), with a wire or agency credit also given as `source_credit`. The site's
own name is an author only where the page states it as one (a JSON-LD author, a visible
byline); a meta author that merely repeats the site name is a CMS default, and any author
that is the publisher gives way to a person's byline found elsewhere on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from .byline_words import is_agency
from .bylines import Byline, parse_byline
from .structured import Structured
from .text_bylines import closing_byline, dateline_agencies
from .titles import node_text, squash
from .visible_byline import byline_under_headline, visible_byline

__all__ = ["Authors", "closing_byline", "read_authors", "settle"]

_META_KEYS = ("author", "article:author", "og:article:author", "dc.creator", "dcterms.creator", "byl",
              "parsely-author", "sailthru.author", "citation_author", "article:author_name", "authors",
              "rbauthors", "dcsext.author", "atc-metaauthor", "shareaholic:article_author_name")


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
        texts = [n if isinstance(n, str) else node_text(n) for n in tree.xpath(xpath)]
        found = _merge([parse_byline(t, language=language, strict=False) for t in texts])
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
        visible, close = byline_under_headline(tree, language, keys)
        # The byline under the headline lists all the authors where the metadata names the first, or
        # signs the story right by the headline (`By David Jeans`) where the metadata names the
        # producer who posted it.
        if _extends(visible, structured) or (
                close and visible.signed and visible.persons and not _meets(visible, structured)):
            visible.credits += [c for c in structured.credits if c not in visible.credits]
            return _result(visible, publishers)
        return _result(structured, publishers)
    visible = visible_byline(tree, language, keys)
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
                kind = str(entry.get("@type", "")).lower() if isinstance(entry, dict) else ""
                if "organization" in kind:  # one name, `Morgan & Morgan` included
                    name = " ".join(value.split())
                    found = Byline(names=[name], credits=[name] if is_agency(name, language) else [])
                else:
                    found = parse_byline(value, language=language, strict=False, publishers=publishers)
                if "person" in kind:  # the site says who is a person, unless it names itself
                    found.persons = [n for n in found.names if not _repeats_publisher(n, list(publishers))]
                out.add(found)
        if out.names:
            return out
    return Byline()


def _entries(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _meets(visible: Byline, structured: Byline) -> bool:
    """The two name someone in common."""
    keys = [squash(n) for n in visible.names]
    return any(squash(n) in k or k in squash(n) for n in structured.names for k in keys)


def _extends(visible: Byline, structured: Byline) -> bool:
    """The visible byline names every author of the metadata, and more people."""
    keys = [squash(n) for n in visible.names]
    return len(visible.persons) > len(structured.names) and all(
        any(squash(n) in k for k in keys) for n in structured.names)


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
