"""The headline: og:title vs h1 vs JSON-LD headline vs <title>, chosen by agreement."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Collection, Iterator

from lxml.html import HtmlElement

from .headings import Heading, is_hidden, read_heading, sub_ranges
from .structured import Structured, text_of

# `Headline | Site`, `Headline - Site`, and without spaces where no headline puts the mark:
# `Site|見出し`, `标题_网站` (CJK titles rarely space their separators).
TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:»·•/~]|::)\s+|\s*[|｜丨]\s*|(?<=[^\x00-\x7f])_|_(?=[^\x00-\x7f])")
_NOT_ALNUM = re.compile(r"[\W_]+")  # exactly the characters str.isalnum() rejects
# The site's name set as an h1 in the page header: a logo, not a headline.
_LOGO = re.compile(r"logo|brand|masthead|site-?title|site-?name|header-title|blog-?title-?link|pagetitle", re.I)
_CRUMBS = re.compile(r"breadcrumb|crumbs", re.I)
_HOST = re.compile(r"^https?://([^/:?#\s]+)", re.I)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ROOT_HREF = re.compile(r"^(?:https?://[^/]+/?|/)(?:index\.\w+)?$")
# A full date in front of a headline (`23.01.2022 - `, `1. Februar 2022 `, `January 5, 2022: `,
# `2022年1月23日 `): the publication date set into the title line, not words of the headline.
_DATE_PREFIX = re.compile(
    r"^(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}\.\s+[^\W\d_]{3,10}\s+\d{4}"
    r"|[^\W\d_]{3,10}\.?\s+\d{1,2},\s+\d{4}|\d{4}年\d{1,2}月\d{1,2}日)"
    r"(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*Uhr)?)?\s*(?:[|\-–—:·•/,]\s*)?"
)
_HEADINGS = "//body//h2|//body//h3|//body//*[@itemprop='headline'][not(self::h1) and not(self::meta)]"


def squash(text: str | None) -> str:
    """Comparison key: NFKC, case-folded, only letters and digits."""
    if not text:
        return ""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def node_text(node: HtmlElement) -> str:
    return " ".join(node.text_content().split())


@dataclass
class _Choice:
    text: str
    node: HtmlElement | None


def choose_title(tree: HtmlElement, data: Structured, site_names: list[str], xpath: str | None) -> str | None:
    """Return the headline without site-name decoration, kicker or date.

    A heading that a declared title (JSON-LD headline, og:title, <title>...) repeats wins: an
    h1 first, then an h2/h3 (the h1 being a logo, a crumb or a section name), matching the
    heading's whole text, its text without kicker and date elements, or a run of its parts.
    When none agrees, the page's own headline h1 does (declared titles are often SEO or social
    variants of it), then a heading that is one segment of the declared <title>; the declared
    titles themselves, site name stripped, only when the page shows no headline."""
    if xpath:
        hits = [read_heading(n).full for n in tree.xpath(xpath) if isinstance(n, HtmlElement)]
        if hits and hits[0]:
            return hits[0]
    choice = _choose(tree, data, site_names)
    return choice.text if choice else None


def headline_node(tree: HtmlElement, data: Structured) -> HtmlElement | None:
    """The element choose_title takes the headline from, if it takes one (dates sit near it)."""
    names = [n for n in (data.first("og:site_name"), data.publisher, data.first("application-name")) if n]
    choice = _choose(tree, data, names)
    return choice.node if choice else None


def _choose(tree: HtmlElement, data: Structured, site_names: list[str]) -> _Choice | None:
    declared = declared_titles(tree, data)
    shown_names = _page_site_names(tree)
    site_keys = {squash(n) for n in (*site_names, *shown_names) if n}
    keys = {k for d in declared for k in (squash(d), squash(strip_site_name(d, site_names, shown_names))) if k}
    keys -= site_keys
    h1s = [read_heading(h) for h in tree.iter("h1") if _possible(h, site_keys)][:12]
    crumbs: list[_Choice] = []
    for h1 in h1s:
        text = _agreeing_text(h1, keys, site_keys)
        if text and _in_crumbs(h1.node):
            crumbs.append(_Choice(text, h1.node))
        elif text:
            return _finish(text, h1.node)
    for heading in _other_headings(tree, keys):
        text = _agreeing_text(heading, keys, site_keys)
        if text:
            return _finish(text, heading.node)
    if crumbs:
        return _finish(crumbs[0].text, crumbs[0].node)
    shown = [h for h in h1s if not _is_logo(h.node) and not is_hidden(h.node)]
    squashed = [squash(d) for d in declared]
    for h1 in shown:
        key = squash(h1.clean)
        if len(key) >= 15 and any(key in d for d in squashed):
            return _finish(h1.clean, h1.node)
    for h1 in shown:
        if _headline_like(h1.clean) and not _in_crumbs(h1.node):
            return _finish(h1.clean, h1.node)
    segment = _segment_heading(tree, declared, shown, site_keys)
    if segment:
        return _finish(segment.clean, segment.node)
    for title in declared:
        stripped = strip_site_name(title, site_names, shown_names)
        if stripped and squash(stripped) not in site_keys:
            return _finish(stripped, None)
    if shown:
        return _finish(shown[0].clean, shown[0].node)
    return _finish(declared[0], None) if declared else None  # no better name for the page than its own


def _finish(text: str, node: HtmlElement | None) -> _Choice:
    dated = _DATE_PREFIX.match(text)
    if dated and _headline_like(text[dated.end():]):
        text = text[dated.end():]
    return _Choice(text, node)


def _agreeing_text(heading: Heading, keys: set[str], site_keys: set[str]) -> str | None:
    """The heading's headline when a declared title says the same: its text without kickers,
    or the run of its parts the declared title keeps (a kicker, date or subtitle left out)."""
    if squash(heading.full) in keys or squash(heading.clean) in keys:
        return heading.clean
    for run in sub_ranges(heading.pieces):
        key = squash(run)
        if len(key) >= 8 and key in keys and key not in site_keys:
            return run
    return None


def _other_headings(tree: HtmlElement, keys: set[str]) -> Iterator[Heading]:
    """h2/h3 and itemprop=headline elements whose text holds a declared title."""
    if not keys:
        return
    for node in tree.xpath(_HEADINGS)[:300]:
        if isinstance(node, HtmlElement):
            text = squash(node.text_content())
            if text and any(k in text for k in keys):
                yield read_heading(node)


def _segment_heading(tree: HtmlElement, declared: list[str], h1s: list[Heading], site_keys: set[str]
                     ) -> Heading | None:
    """A heading that is one segment (or run of segments) of a declared title: `Headline | Blog
    name` over a page whose h1 is the blog's name and whose headline is an h2. A headline-like
    segment first, then the longest."""
    segments: set[str] = set()
    for title in declared:
        parts = TITLE_SEPARATORS.split(title)
        for size in range(len(parts) - 1, 0, -1):
            segments.update(squash(" ".join(parts[i:i + size])) for i in range(len(parts) - size + 1))
    segments = {s for s in segments if (len(s) >= 10 or len(_CJK.findall(s)) >= 4) and s not in site_keys}
    if not segments:
        return None
    nodes = [h.node for h in h1s] + [n for n in tree.xpath("//body//h2|//body//h3")[:200] if isinstance(n, HtmlElement)]
    found: list[Heading] = []
    for node in nodes:
        if squash(node.text_content()) in segments or squash(node_text(node)) in segments:
            heading = read_heading(node)
            if squash(heading.clean) in segments or squash(heading.full) in segments:
                found.append(heading)
    found.sort(key=lambda h: (not _headline_like(h.clean), -len(h.clean)))
    return found[0] if found else None


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
    return [" ".join(t.split()) for t in declared if t and t.strip()]


def headline_candidates(tree: HtmlElement, site_names: list[str]) -> list[HtmlElement]:
    """The page's h1 elements that may be its headline: not the site's name or logo."""
    names = {squash(n) for n in site_names if n}
    return [h for h in tree.iter("h1") if _possible(h, names) and not _is_logo(h)][:5]


def _possible(h1: HtmlElement, site_keys: set[str]) -> bool:
    text = node_text(h1)
    return 3 <= len(text) <= 600 and squash(text) not in site_keys


def _page_site_names(tree: HtmlElement) -> list[str]:
    """Names the page gives itself without declaring them: its logo h1, the text or title of
    its links to the home page (`<a href="/">DimidoBlog</a>`)."""
    names = [node_text(h) for h in tree.iter("h1") if _is_home_link(h)]
    host = _own_host(tree)
    for link in tree.xpath("//body//a[@href]")[:400]:
        href = link.get("href", "x").strip()
        root = _ROOT_HREF.match(href)
        if root and (href.startswith("/") or host and _host(href) == host):
            names += [node_text(link), link.get("title") or ""]
            names += [img.get("alt") or "" for img in link.iter("img")]
    return [n for n in names if 2 <= len(n) <= 80]


def _own_host(tree: HtmlElement) -> str | None:
    """The page's host, from its canonical link or og:url (pages come without their URL)."""
    for href in tree.xpath("//link[@rel='canonical']/@href|//meta[@property='og:url']/@content")[:2]:
        host = _host(str(href).strip())
        if host:
            return host
    return None


def _host(url: str) -> str | None:
    found = _HOST.match(url)
    return found.group(1).lower() if found else None


def _headline_like(text: str) -> bool:
    """Long enough to be a headline rather than a section name or a label."""
    if len(_CJK.findall(text)) >= 8:
        return True
    return len(text) >= 15 and len(text.split()) >= 3


def _in_crumbs(node: HtmlElement) -> bool:
    """Inside the breadcrumb trail: the page's last crumb, not its headline."""
    for depth, anc in enumerate(node.iterancestors()):
        if depth > 3 or anc.tag in ("body", "main", "article"):
            return False
        if _CRUMBS.search(f"{anc.get('class', '')} {anc.get('id', '')} {anc.get('aria-label', '')}"):
            return True
    return False


def _is_logo(h1: HtmlElement) -> bool:
    for depth, node in enumerate((h1, *h1.iterancestors())):
        if depth > 3:
            break
        if node.tag in ("body", "html"):
            break
        if node.tag in ("a", "nav", "footer"):
            return True
        if _LOGO.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return _is_home_link(h1)


def _is_home_link(h1: HtmlElement) -> bool:
    """The whole h1 is one link to the homepage."""
    links = list(h1.iter("a"))
    return len(links) == 1 and _ROOT_HREF.match(links[0].get("href", "x").strip()) is not None \
        and squash(links[0].text_content()) == squash(h1.text_content())


def _title_tag(tree: HtmlElement) -> str | None:
    node = tree.find(".//title")
    if node is None:
        return None
    return " ".join((node.text_content() or "").split()) or None


def strip_site_name(title: str, site_names: list[str], shown_names: Collection[str] = ()) -> str:
    """Drop a leading or trailing `| Site name` segment.

    `site_names` are declared (og:site_name, publisher...) and may be spelt a little
    differently in the title; `shown_names` are what the page calls itself in its logo and home
    links, and must match a segment exactly."""
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    keys = {squash(n) for n in site_names if n}
    shown = {squash(n) for n in shown_names if n}
    last, first = squash(parts[-1]), squash(parts[0])
    if last and (last in keys | shown or any(k and (k in last or last in k) for k in keys)):
        return _join(title, parts[:-1])
    if first and (first in keys | shown or any(k and (k in first or first in k) for k in keys)):
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
