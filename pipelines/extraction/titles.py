"""The headline: og:title vs h1 vs JSON-LD headline vs <title>, chosen by agreement."""

from __future__ import annotations

import re
import unicodedata

from lxml.html import HtmlElement

from .structured import Structured, text_of

TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:»·•/]|::)\s+")
_NOT_ALNUM = re.compile(r"[\W_]+")  # exactly the characters str.isalnum() rejects
# The site's name set as an h1 in the page header: a logo, not a headline.
_LOGO = re.compile(r"logo|brand|masthead|site-?title|site-?name|header-title|blog-?title-?link|pagetitle", re.I)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ROOT_HREF = re.compile(r"^(?:https?://[^/]+)?/?(?:index\.\w+)?$")


def squash(text: str | None) -> str:
    """Comparison key: NFKC, case-folded, only letters and digits."""
    if not text:
        return ""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def node_text(node: HtmlElement) -> str:
    return " ".join(node.text_content().split())


def choose_title(tree: HtmlElement, data: Structured, site_names: list[str], xpath: str | None) -> str | None:
    """Return the headline without site-name decoration.

    An h1 that a declared title (JSON-LD headline, og:title, <title>...) repeats wins; when
    none agrees, the page's own headline h1 does (declared titles are often SEO or social
    variants of it); the declared ones, site name stripped, only when the page has no h1
    headline (its h1 is the logo, or there is none)."""
    if xpath:
        hits = [node_text(n) for n in tree.xpath(xpath) if isinstance(n, HtmlElement)]
        if hits and hits[0]:
            return hits[0]
    declared = declared_titles(tree, data)
    h1s = [node_text(h) for h in headline_candidates(tree, site_names)]
    # An h1 that one of the declared titles repeats (maybe with the site name) is the headline.
    for h1 in h1s:
        key = squash(h1)
        if key and any(key == squash(strip_site_name(d, site_names)) or key == squash(d) for d in declared):
            return h1
    for h1 in h1s:
        key = squash(h1)
        if len(key) >= 15 and any(key in squash(d) for d in declared):
            return h1
    for h1 in h1s:
        if _headline_like(h1):
            return h1
    for title in declared:
        stripped = strip_site_name(title, site_names)
        if stripped:
            return stripped
    return h1s[0] if h1s else None


def declared_titles(tree: HtmlElement, data: Structured) -> list[str]:
    """Titles the page declares, most specific first."""
    declared = [
        text_of(data.article.get("headline")),
        data.first("og:title"),
        data.first("twitter:title"),
        data.first("headline"),
        _title_tag(tree),
        text_of(data.article.get("name")),
    ]
    return [t for t in declared if t]


def headline_candidates(tree: HtmlElement, site_names: list[str]) -> list[HtmlElement]:
    """The page's h1 elements that may be its headline: not the site's name or logo."""
    names = {squash(n) for n in site_names if n}
    out: list[HtmlElement] = []
    for h1 in tree.iter("h1"):
        text = node_text(h1)
        if not 3 <= len(text) <= 400 or squash(text) in names or _is_logo(h1):
            continue
        out.append(h1)
        if len(out) >= 5:
            break
    return out


def headline_node(tree: HtmlElement, data: Structured) -> HtmlElement | None:
    """The h1 that choose_title takes for the headline, if it takes one (dates sit near it)."""
    names = [n for n in (data.first("og:site_name"), data.publisher, data.first("application-name")) if n]
    h1s = headline_candidates(tree, names)
    keys = {squash(strip_site_name(d, names)) for d in declared_titles(tree, data)}
    agreed = next((h for h in h1s if squash(node_text(h)) in keys), None)
    if agreed is not None:
        return agreed
    if not h1s:  # the headline set in an h2/h3 or a `p.titulo` (the h1 being the logo)
        nodes = (tree.xpath("//h2|//h3")[:200]
                 + tree.xpath("//body//*[contains(@class,'tit') or contains(@class,'Tit')]")[:200])
        return next((h for h in nodes if squash(node_text(h)) in keys), None)
    return next((h for h in h1s if _headline_like(node_text(h))), h1s[0])


def _headline_like(text: str) -> bool:
    """Long enough to be a headline rather than a section name or a label."""
    if len(_CJK.findall(text)) >= 8:
        return True
    return len(text) >= 15 and len(text.split()) >= 3


def _is_logo(h1: HtmlElement) -> bool:
    for depth, node in enumerate((h1, *h1.iterancestors())):
        if depth > 3:
            break
        if node.tag in ("a", "nav", "footer"):
            return True
        if _LOGO.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    links = list(h1.iter("a"))
    # The whole h1 is one link to the homepage.
    return len(links) == 1 and _ROOT_HREF.match(links[0].get("href", "x").strip()) is not None \
        and squash(links[0].text_content()) == squash(h1.text_content())


def _title_tag(tree: HtmlElement) -> str | None:
    node = tree.find(".//title")
    if node is None:
        return None
    return " ".join((node.text_content() or "").split()) or None


def strip_site_name(title: str, site_names: list[str]) -> str:
    """Drop a leading or trailing `| Site name` segment."""
    parts = TITLE_SEPARATORS.split(title)
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
