"""Cheap page signals read before extraction: is this an article, what is its canonical URL."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from crawler.discovery.links import url_kind

_CANONICAL = re.compile(r"<link\b[^>]*\brel=[\"']?canonical[\"']?[^>]*>", re.I)
_HREF = re.compile(r"\bhref=[\"']?([^\"'\s>]+)", re.I)
_ARTICLE_LD = re.compile(r"\"@type\"\s*:\s*\[?\s*\"(?:News|Blog|Reportage|Analysis|Opinion)?(?:Article|Posting)\"")


def canonical_of(html: str, base_url: str) -> str | None:
    """The page's <link rel=canonical>, read from its head with a regex (no parse)."""
    head = html[:60000]
    tag = _CANONICAL.search(head)
    if not tag:
        return None
    href = _HREF.search(tag.group(0))
    return urljoin(base_url, href.group(1)) if href else None


def looks_like_article(tree: HtmlElement, url: str, article_url: str | None = None) -> bool:
    """A page reached through a link is extracted only if it (or its site profile's
    `article_url` pattern) says it is an article."""
    if url_kind(url, article_url) == "article":
        return True
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or "").lower()
        value = (meta.get("content") or "").lower()
        if (key == "og:type" and value == "article") or key == "article:published_time":
            return True
    for script in tree.iter("script"):
        if script.get("type") == "application/ld+json" and _ARTICLE_LD.search(script.text or ""):
            return True
    return False
