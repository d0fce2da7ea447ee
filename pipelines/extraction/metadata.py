"""Site name, lead, authors, tags, section, image, canonical URL, page language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from .authors import Authors, read_authors
from .structured import Structured, strings_of, text_of
from .titles import TITLE_SEPARATORS, squash

_LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:sapo|lead|leadtext|summary|description|desc|intro|standfirst|excerpt|dek|teaser|"
    r"subtitle|sub-title|subheadline|chapeau|abstract|article__sapo|singular-sapo)(?:$|[\s_-])",
    re.I,
)
# Boxes whose "summary" or "description" is not this article's lead.
_NOT_LEAD = re.compile(r"author|\bbio|byline|profile|avatar|comment|related|recommend|newsletter|promo|"
                       r"sidebar|widget|card|list", re.I)
__all__ = ["PageFacts", "read_facts"]


@dataclass
class PageFacts:
    site_names: list[str] = field(default_factory=list)
    publisher_names: list[str] = field(default_factory=list)  # site names plus the domain's own label
    description: str | None = None
    visible_lead: str | None = None  # the lead as the page shows it near the headline
    byline: Authors = field(default_factory=Authors)  # authors and the wire credit of the byline
    tags: list[str] = field(default_factory=list)
    section: str | None = None
    image: str | None = None
    canonical: str | None = None
    language: str | None = None


def read_facts(tree: HtmlElement, data: Structured, page_url: str | None, author_xpath: str | None) -> PageFacts:
    facts = PageFacts()
    facts.site_names = _dedupe([
        data.first("og:site_name"), data.publisher, data.first("application-name"),
        data.first("twitter:site", "al:android:app_name", "al:ios:app_name"),
    ])
    if not facts.site_names:
        facts.site_names = _site_name_in_title(tree, _domain_labels(page_url))
    facts.publisher_names = facts.site_names + _domain_labels(page_url)
    facts.visible_lead = _lead(tree)
    facts.description = facts.visible_lead or text_of(data.article.get("description")) or data.first(
        "og:description", "description", "twitter:description", "dc.description")
    facts.tags = _dedupe(strings_of(data.article.get("keywords")) + [
        t for key in ("article:tag", "news_keywords", "keywords") for v in data.meta.get(key, ())
        for t in v.split(",")])[:50]
    facts.section = text_of(data.article.get("articleSection")) or data.first("article:section")
    image = data.article.get("image")
    facts.image = _absolute(text_of(image.get("url") if isinstance(image, dict) else image)
                            or data.first("og:image", "twitter:image", "og:image:url"), page_url)
    facts.canonical = _canonical(tree, data, page_url)
    lang = tree.get("lang") or tree.get("xml:lang") or data.first("og:locale", "content-language", "language")
    facts.language = lang.replace("_", "-").split("-")[0].strip().lower()[:3] or None if lang else None
    facts.byline = read_authors(tree, data, author_xpath, facts.publisher_names, facts.language)
    return facts


def _domain_labels(url: str | None) -> list[str]:
    """`vnexpress` for https://vnexpress.net/...: bylines that only name the site are not authors."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return []
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp", "com", "co", "net", "org")]
    return labels[:1]


def _site_name_in_title(tree: HtmlElement, labels: list[str]) -> list[str]:
    """A page that declares no site name often still ends its <title> with it: `... - Entermedia`
    on entermedia.co.kr. The segment that spells the domain's name is the site name."""
    node = tree.find(".//title")
    if node is None or not labels:
        return []
    parts = TITLE_SEPARATORS.split(" ".join(node.text_content().split()))
    label = labels[0]
    for part in (parts[-1], parts[0]) if len(parts) > 1 else ():
        key = squash(part)
        if len(key) >= 4 and (key == label or key.startswith(label) or label.startswith(key)):
            return [part]
    return []


def _dedupe(values: Sequence[str | None]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value and value.strip():
            value = " ".join(value.split())
            seen.setdefault(squash(value), value.lstrip("@"))
    return list(seen.values())


def _lead(tree: HtmlElement) -> str | None:
    """The visible lead (sapo/standfirst) close to the headline: an element whose class says
    so, outside author boxes and teaser lists, read without its scripts."""
    h1 = next(iter(tree.iter("h1")), None)
    scope = h1.getparent() if h1 is not None and h1.getparent() is not None else tree
    for _ in range(3):  # look near the headline first, then widen
        for node in scope.iter("p", "div", "h2", "span"):
            marker = f"{node.get('class', '')} {node.get('id', '')}"
            if not _LEAD_CLASS.search(marker) or _not_lead(node, scope):
                continue
            text = " ".join(" ".join(t for t in node.xpath(".//text()[not(ancestor::script or ancestor::style"
                                                           " or ancestor::noscript)]")).split())
            if 40 <= len(text) <= 1200 and "\n" not in text:
                return text
        if scope.getparent() is None:
            break
        scope = scope.getparent()
    return None


def _not_lead(node: HtmlElement, scope: HtmlElement) -> bool:
    """Inside (or itself) an author box, a comment or a list of other stories' teasers."""
    for element in (node, *node.iterancestors()):
        if element is scope:
            return False
        if _NOT_LEAD.search(f"{element.get('class', '')} {element.get('id', '')}"):
            return True
    return False


def _absolute(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    joined = urljoin(base, url) if base else url
    return joined if urlsplit(joined).scheme in ("http", "https") else None


def _canonical(tree: HtmlElement, data: Structured, page_url: str | None) -> str | None:
    hrefs = [*tree.xpath("//link[@rel='canonical']/@href"), data.first("og:url") or ""]
    for href in hrefs:
        url = _absolute(str(href), page_url)
        if not url:
            continue
        if page_url and urlsplit(url).path in ("", "/") and urlsplit(page_url).path not in ("", "/"):
            continue  # some CMSs point every page's canonical at the homepage
        return url
    return None
