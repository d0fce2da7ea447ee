"""The headline: og:title vs h1 vs JSON-LD headline vs <title>, chosen by agreement."""

from __future__ import annotations

import re
import unicodedata

from lxml.html import HtmlElement

from .structured import Structured, text_of

_SEPARATORS = re.compile(r"\s+(?:[|\-–—:»·•/]|::)\s+")
_NOT_ALNUM = re.compile(r"[\W_]+")  # exactly the characters str.isalnum() rejects


def squash(text: str | None) -> str:
    """Comparison key: NFKC, case-folded, only letters and digits."""
    if not text:
        return ""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def node_text(node: HtmlElement) -> str:
    return " ".join(node.text_content().split())


def choose_title(tree: HtmlElement, data: Structured, site_names: list[str], xpath: str | None) -> str | None:
    """Return the headline without site-name decoration."""
    if xpath:
        hits = [node_text(n) for n in tree.xpath(xpath) if isinstance(n, HtmlElement)]
        if hits and hits[0]:
            return hits[0]
    declared = [
        text_of(data.article.get("headline")),
        data.first("og:title"),
        data.first("twitter:title"),
        data.first("headline"),
        _title_tag(tree),
        text_of(data.article.get("name")),
    ]
    declared = [t for t in declared if t]
    h1s = [node_text(h) for h in tree.iter("h1")][:5]
    h1s = [h for h in h1s if 3 <= len(h) <= 400]
    # An h1 that one of the declared titles repeats (maybe with the site name) is the headline.
    for h1 in h1s:
        key = squash(h1)
        if key and any(key == squash(strip_site_name(d, site_names)) or key == squash(d) for d in declared):
            return h1
    for h1 in h1s:
        key = squash(h1)
        if len(key) >= 15 and any(key in squash(d) for d in declared):
            return h1
    for title in declared:
        stripped = strip_site_name(title, site_names)
        if stripped:
            return stripped
    return h1s[0] if h1s else None


def _title_tag(tree: HtmlElement) -> str | None:
    node = tree.find(".//title")
    if node is None:
        return None
    return " ".join((node.text_content() or "").split()) or None


def strip_site_name(title: str, site_names: list[str]) -> str:
    """Drop a leading or trailing `| Site name` segment."""
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    keys = {squash(n) for n in site_names if n}
    last, first = squash(parts[-1]), squash(parts[0])
    if last and (last in keys or any(k and (k in last or last in k) for k in keys)):
        return _join(title, parts[:-1])
    if first and (first in keys or any(k and (k in first or first in k) for k in keys)):
        return _join(title, parts[1:])
    # Unknown site name: a short last segment after a long headline is almost always the site.
    if len(parts[-1].split()) <= 4 and len(" ".join(parts[:-1])) >= 3 * len(parts[-1]) and "|" in title:
        return _join(title, parts[:-1])
    return title


def _join(title: str, parts: list[str]) -> str:
    """Rebuild the kept segments with the separators the title used."""
    if not parts:
        return title
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(parts)
