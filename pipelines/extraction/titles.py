"""The headline: og:title vs h1 vs JSON-LD headline vs <title>, chosen by agreement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from lxml.html import HtmlElement

from ..languages import entry, languages
from .headings import Heading, is_hidden, node_text, read_heading, squash, sub_ranges
from .sitenames import TITLE_SEPARATORS, host_labels, is_home_link, page_site_names, strip_site_name
from .structured import Structured, text_of

__all__ = ["TITLE_SEPARATORS", "choose_title", "declared_titles", "headline_node", "node_text", "squash",
           "strip_site_name"]

# The site's name set as an h1 in the page header: a logo, not a headline.
_LOGO = re.compile(
    r"logo|brand|masthead|site-?title|site-?name|header-title|blog-?title-?link|pagetitle", re.IGNORECASE
)
_FOOTER = re.compile(r"(?:^|[\s_-])footer(?:$|[\s_-])", re.IGNORECASE)
_CRUMBS = re.compile(r"breadcrumb|crumbs", re.IGNORECASE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_NUMERIC_DATE = r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日"
_DATE_TAIL = r"(?:,?\s+\d{1,2}[:.]\d{2}(?:\s*(?:Uhr|h))?)?\s*(?:[|\-–—:·•/,]\s*)?"
# Where a headline that is not an h1 sits: h2/h3 and itemprop=headline elements; failing an h1,
# elements whose class says title or headline (`p.titulo`, `div.headline`).
_HEADINGS = "//body//h2|//body//h3|//body//*[@itemprop='headline'][not(self::h1) and not(self::meta)]"
_TITLED = ("//body//*[contains(@class,'tit') or contains(@class,'Tit') or contains(@class,'headline')]"
           "[not(self::h1 or self::h2 or self::h3 or self::a or self::meta or self::body)]")


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
    labels = host_labels(tree)
    h1_nodes = list(tree.iter("h1"))[:40]
    # Most pages: a visible h1 repeats a declared title once the declared site name is off.
    # Only the others pay for reading the names the page shows (home links, copyright line).
    quick = _agreement(tree, declared, h1_nodes, _Names(site_names, [], labels), with_others=False)
    if quick is not None:
        return quick
    names = _Names(site_names, page_site_names(tree), labels)
    agreed = _agreement(tree, declared, h1_nodes, names, with_others=True)
    if agreed is not None:
        return agreed
    h1s = [read_heading(h) for h in h1_nodes if _possible(h, names.keys)][:12]
    shown = [h for h in h1s if not _is_logo(h.node) and not is_hidden(h.node) and not _in_footer(h.node)]
    squashed = [squash(d) for d in declared]
    for h1 in shown:
        key = squash(h1.clean)
        if len(key) >= 15 and any(key in d for d in squashed):
            return _finish(h1.clean, h1.node)
    for h1 in shown:
        if _headline_like(h1.clean) and not _in_crumbs(h1.node):
            return _finish(h1.clean, h1.node)
    titled = _agreement(tree, declared, [], names, with_others=True, where=_TITLED)
    if titled is not None:
        return titled
    segment = _segment_heading(tree, declared, shown, names.keys)
    if segment:
        return _finish(segment.clean, segment.node)
    for title in declared:
        text = names.strip(title)
        if text and squash(text) not in names.keys:
            return _finish(text, None)
    if shown:
        return _finish(shown[0].clean, shown[0].node)
    return _finish(declared[0], None) if declared else None  # no better name for the page than its own


@dataclass
class _Names:
    """The site's names: declared, shown on the page, and the domain's label."""

    declared: list[str]
    shown: list[str]
    labels: list[str]

    def __post_init__(self) -> None:
        self.keys = {squash(n) for n in (*self.declared, *self.shown) if n}

    def strip(self, title: str, exact: bool = False) -> str:
        return strip_site_name(title, self.declared, self.shown, self.labels, exact)


def _agreement(tree: HtmlElement, declared: list[str], h1_nodes: list[HtmlElement], names: _Names,
               with_others: bool, where: str = _HEADINGS) -> _Choice | None:
    """The heading a declared title repeats: a visible h1, then (with_others) an h2/h3 or
    itemprop=headline element, then an h1 in the breadcrumb trail or hidden from sight."""
    keys = {k for d in declared for k in (squash(d), squash(names.strip(d))) if k}
    keys |= {_unglued(k, names.keys) for k in keys}  # `Truckwash A31Das Branchenbuch`: name glued on
    keys -= names.keys | {""}
    if not keys:
        return None
    later: list[_Choice] = []  # agreeing, but in the breadcrumb trail or hidden from sight
    for node in h1_nodes:
        if not _possible(node, names.keys):
            continue
        text = _clean_agreeing(_agreeing_text(read_heading(node), keys, names.keys), names)
        if text and (_in_crumbs(node) or is_hidden(node)):
            later.append(_Choice(text, node))
        elif text:
            return _finish(text, node)
    if not with_others:
        return None
    full = {squash(d) for d in declared}  # a short one (a section's name) must match a whole title
    for heading in _other_headings(tree, keys, where):
        text = _clean_agreeing(_agreeing_text(heading, keys, names.keys), names)
        if text and (_headline_like(text) or squash(text) in full):
            return _finish(text, heading.node)
    return _finish(later[0].text, later[0].node) if later else None


@cache
def _date_prefix() -> re.Pattern[str]:
    """A full date in front of a headline (`23.01.2022 - `, `1. Februar 2022 `, `January 5, 2022:`,
    `2022年1月23日 `): the publication date set into the title line, not words of the headline.
    Month names from the language files."""
    names = {w for lang in languages() for group in entry(lang, "dates", "months", ()) for w in group
             if isinstance(w, str) and len(w) >= 3 and not w[0].isdigit()}
    month = "|".join(re.escape(w) for w in sorted(names, key=len, reverse=True)) or "(?!)"
    return re.compile(
        rf"^(?:{_NUMERIC_DATE}|\d{{1,2}}\.?\s+(?:{month})\.?,?\s+\d{{4}}"
        rf"|(?:{month})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}){_DATE_TAIL}", re.IGNORECASE)


def _finish(text: str, node: HtmlElement | None) -> _Choice:
    dated = _date_prefix().match(text)
    if dated and _headline_like(text[dated.end():]):
        text = text[dated.end():]
    return _Choice(text, node)


def _clean_agreeing(text: str | None, names: _Names) -> str | None:
    """An agreeing heading that repeats the whole <title>, site name and all, without it."""
    if not text:
        return text
    stripped = names.strip(text, exact=True)
    return stripped if squash(stripped) and squash(stripped) not in names.keys else text


def _unglued(key: str, site_keys: set[str]) -> str:
    """The key without a site name glued to its start or end."""
    for site in site_keys:
        if len(site) >= 4 and len(key) > len(site) + 3:
            if key.endswith(site):
                return key[: -len(site)]
            if key.startswith(site):
                return key[len(site):]
    return key


def _agreeing_text(heading: Heading, keys: set[str], site_keys: set[str]) -> str | None:
    """The heading's headline when a declared title says the same: its text without the parts
    its markup calls kicker, date or meta line; else the run of its parts that a declared
    title keeps (a kicker or subtitle left out: the headline alone); else its whole text."""
    whole, clean = squash(heading.full), squash(heading.clean)
    if clean != whole and (whole in keys or clean in keys):
        return heading.clean  # the markup itself names kicker and headline
    for run in sub_ranges(heading.pieces):
        key = squash(run)
        if len(key) >= 8 and 3 * len(key) >= len(whole) and key in keys and key not in site_keys:
            return run
    return heading.clean if whole in keys else None


def _other_headings(tree: HtmlElement, keys: set[str], where: str) -> Iterator[Heading]:
    """h2/h3 and itemprop=headline elements whose text holds a declared title."""
    if not keys:
        return
    for node in tree.xpath(where)[:300]:
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


def _possible(h1: HtmlElement, site_keys: set[str]) -> bool:
    text = node_text(h1)
    return 3 <= len(text) <= 600 and squash(text) not in site_keys


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


def _in_footer(node: HtmlElement) -> bool:
    """In the page footer (contact boxes, link columns): never the article's headline."""
    for anc in node.iterancestors():
        if anc.tag in ("body", "html"):
            return False
        if anc.tag == "footer" or _FOOTER.search(f"{anc.get('class', '')} {anc.get('id', '')}"):
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
    return is_home_link(h1)


def _title_tag(tree: HtmlElement) -> str | None:
    node = tree.find(".//title")
    if node is None:
        return None
    return " ".join((node.text_content() or "").split()) or None
