"""Structured metadata a page declares: JSON-LD objects and meta tags."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset({
    "article", "newsarticle", "reportagenews", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "scholarlyarticle", "techarticle", "report", "advertisercontentarticle", "satiricalarticle",
})
_CONTROL = re.compile(r"[\x00-\x1f]")
# An entity left in an attribute or JSON string: the CMS escaped the text twice (`Q&amp;A`, `&#8217;`).
_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,5}|amp|quot|apos|lt|gt|nbsp|[a-z]{2,8}acute);")
# Other JSON-LD objects whose datePublished is this page's (a fact check, the page itself);
# never an ImageObject or VideoObject: a photo's date is not the article's.
_PAGE_TYPES = frozenset({"webpage", "claimreview", "review", "creativework", "blog", "itempage", "medicalwebpage"})


def is_article_type(kind: str) -> bool:
    """`NewsArticle`, `ReportageNewsArticle`, `BlogPosting`...: every schema.org article subtype."""
    return kind in ARTICLE_TYPES or kind.endswith(("article", "posting"))


@dataclass
class Structured:
    """JSON-LD article (if any) and meta tags, keyed by lowercased name/property/itemprop."""

    article: dict[str, Any] = field(default_factory=dict)
    types: set[str] = field(default_factory=set)  # every JSON-LD @type seen, lowercased
    publisher: str | None = None
    meta: dict[str, list[str]] = field(default_factory=dict)
    page_dates: list[str] = field(default_factory=list)  # datePublished of other page-level objects
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # objects by @id (`"author": {"@id": ...}`)

    def first(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name, ()):
                if value.strip():
                    return value.strip()
        return None


def read_structured(tree: HtmlElement) -> Structured:
    found = Structured(meta=_meta_tags(tree))
    for obj in _jsonld_objects(tree):
        types = {t.lower() for t in _as_list(obj.get("@type")) if isinstance(t, str)}
        found.types |= types
        if isinstance(obj.get("@id"), str) and len(obj) > 1:
            found.nodes.setdefault(obj["@id"], obj)
        if any(is_article_type(t) for t in types) and not found.article:
            found.article = obj
        elif types & _PAGE_TYPES and isinstance(obj.get("datePublished"), str):
            found.page_dates.append(obj["datePublished"])
        if types & {"organization", "newsmediaorganization", "website"} and not found.publisher:
            found.publisher = text_of(obj.get("name"))
    if found.article:
        found.publisher = text_of(_name(found.article.get("publisher"))) or found.publisher
    return found


def _meta_tags(tree: HtmlElement) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for node in tree.iter("meta"):
        content = node.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            # itemprop may list several properties: `itemprop="datePublished dateCreated"`
            for key in (node.get(attr) or "").lower().split():
                meta.setdefault(key, []).append(unescape_twice_escaped(content))
    return meta


def _jsonld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # CMSs often leave raw newlines or tabs inside JSON strings
                data = json.loads(_CONTROL.sub(" ", raw))
            except ValueError:
                continue
        yield from _walk(data, depth=0)


def _walk(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _walk(entry, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(data.get(key), (list, dict)):
                yield from _walk(data[key], depth + 1)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _name(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    value = value.get("name") if isinstance(value, dict) else value
    return unescape_twice_escaped(value) if isinstance(value, str) else value


def unescape_twice_escaped(text: str) -> str:
    """Undo the second escaping of text that still holds HTML entities once parsed."""
    return html.unescape(text) if "&" in text and _ENTITY.search(text) else text


def text_of(value: Any) -> str | None:
    """A JSON-LD value as one string (first of a list, `name` of an object)."""
    value = _name(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def names_of(value: Any) -> list[str]:
    """Person names from a JSON-LD author value (string, object, or list of either)."""
    names = []
    for entry in _as_list(value):
        name = _name(entry)
        if isinstance(name, str) and name.strip():
            names.append(name.strip())
    return names


def strings_of(value: Any) -> list[str]:
    """Keywords/sections: a list, or one comma-separated string."""
    out: list[str] = []
    for entry in _as_list(value):
        entry = _name(entry)
        if isinstance(entry, str):
            out.extend(part.strip() for part in entry.split(",") if part.strip())
    return out
