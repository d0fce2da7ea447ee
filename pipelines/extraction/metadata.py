"""Site name, lead, authors, tags, section, image, canonical URL, page language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from .structured import Structured, names_of, strings_of, text_of
from .titles import node_text, squash

_LEAD_CLASS = re.compile(
    r"(?:^|[\s_-])(?:sapo|lead|leadtext|summary|description|desc|intro|standfirst|excerpt|dek|teaser|"
    r"subtitle|sub-title|subheadline|chapeau|abstract|article__sapo|singular-sapo)(?:$|[\s_-])",
    re.I,
)
_BYLINE_XPATH = (
    "//*[@rel='author'] | //*[@itemprop='author']//*[@itemprop='name'] | "
    "//*[contains(concat(' ',normalize-space(@class),' '),' byline ') or "
    "contains(concat(' ',normalize-space(@class),' '),' author-name ') or "
    "contains(concat(' ',normalize-space(@class),' '),' author ')]"
)
_AUTHOR_PREFIX = re.compile(r"^(?:by|von|par|por|di|door|av|af|bởi|tác giả|theo|written by|words by)\s*:?\s+", re.I)
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\bvà\b|\s\|\s)\s*", re.I)
_NOT_A_NAME = re.compile(r"@|https?:|www\.|\d{3,}|staff|editor|redaktion|newsroom|admin|desk$", re.I)


@dataclass
class PageFacts:
    site_names: list[str] = field(default_factory=list)
    publisher_names: list[str] = field(default_factory=list)  # site names plus the domain's own label
    description: str | None = None
    authors: list[str] = field(default_factory=list)
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
    facts.publisher_names = facts.site_names + _domain_labels(page_url)
    facts.description = _lead(tree) or text_of(data.article.get("description")) or data.first(
        "og:description", "description", "twitter:description", "dc.description")
    facts.authors = read_authors(tree, data, author_xpath, facts.publisher_names)
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
    return facts


def _domain_labels(url: str | None) -> list[str]:
    """`vnexpress` for https://vnexpress.net/...: bylines that only name the site are not authors."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return []
    labels = [label for label in host.split(".") if label not in ("www", "m", "amp", "com", "co", "net", "org")]
    return labels[:1]


def _dedupe(values: list[str | None]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value and value.strip():
            value = " ".join(value.split())
            seen.setdefault(squash(value), value.lstrip("@"))
    return list(seen.values())


def _lead(tree: HtmlElement) -> str | None:
    """The visible lead (sapo/standfirst) close to the headline."""
    h1 = next(iter(tree.iter("h1")), None)
    scope = h1.getparent() if h1 is not None and h1.getparent() is not None else tree
    for _ in range(3):  # look near the headline first, then widen
        for node in scope.iter("p", "div", "h2", "span"):
            marker = f"{node.get('class', '')} {node.get('id', '')}"
            if not _LEAD_CLASS.search(marker):
                continue
            text = node_text(node)
            if 40 <= len(text) <= 1200 and "\n" not in text:
                return text
        if scope.getparent() is None:
            break
        scope = scope.getparent()
    return None


def read_authors(tree: HtmlElement, data: Structured, xpath: str | None, site_names: list[str]) -> list[str]:
    raw: list[str] = []
    if xpath:
        raw = [n if isinstance(n, str) else node_text(n) for n in tree.xpath(xpath)]
    if not raw:
        raw = names_of(data.article.get("author")) or names_of(data.article.get("creator"))
    if not raw:
        raw = [v for key in ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author")
               for v in data.meta.get(key, ()) if not v.startswith("http")]
    if not raw:
        raw = [node_text(n) for n in tree.xpath(_BYLINE_XPATH)[:3] if len(node_text(n)) <= 80]
    return clean_authors(raw, site_names)


def clean_authors(raw: list[str], site_names: list[str]) -> list[str]:
    """Split, strip prefixes, drop non-names and the publisher's own name."""
    sites = {squash(s) for s in site_names}
    names: list[str] = []
    for value in raw:
        value = _AUTHOR_PREFIX.sub("", " ".join(value.split()))
        for part in _AUTHOR_SPLIT.split(value):
            part = _AUTHOR_PREFIX.sub("", part).strip(" .,:-–|()")
            if not part or len(part) > 60 or len(part.split()) > 5 or _NOT_A_NAME.search(part):
                continue
            key = squash(part)
            if any(key == s or (len(s) >= 4 and (s in key or key in s)) for s in sites):
                continue  # the publisher named as author
            if not any(ch.isupper() for ch in part):
                continue
            if part not in names:
                names.append(part)
    return names[:10]


def _absolute(url: str | None, base: str | None) -> str | None:
    if not url:
        return None
    url = url.strip()
    joined = urljoin(base, url) if base else url
    return joined if urlsplit(joined).scheme in ("http", "https") else None


def _canonical(tree: HtmlElement, data: Structured, page_url: str | None) -> str | None:
    hrefs = tree.xpath("//link[@rel='canonical']/@href") + [data.first("og:url") or ""]
    for href in hrefs:
        url = _absolute(str(href), page_url)
        if not url:
            continue
        if page_url and urlsplit(url).path in ("", "/") and urlsplit(page_url).path not in ("", "/"):
            continue  # some CMSs point every page's canonical at the homepage
        return url
    return None
