"""Publication and modification date candidates, most reliable evidence first.

JSON-LD, then meta tags, then <time datetime>, then the visible date text near
the headline, then the URL path. Never an image URL, never a sidebar, never a
guess: a page with no date evidence gets no candidate.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from pipelines.contracts.items import DateCandidate

from ..normalization.datetext import find_dates as find_text_dates
from ..normalization.datetext import starts_with_label
from .structured import Structured, text_of
from .titles import headline_node

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "published_time", "article.published", "dc.date.issued",
    "dcterms.issued", "dcterms.created", "dc.date.created", "sailthru.date", "parsely-pub-date",
    "article:published", "its_publication", "date", "dc.date", "original-publish-date", "datecreated",
    "cxenseparse:recs:publishtime", "article.created", "publication_date",
)
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "lastmod",
    "last-modified", "article.updated", "dc.date.modified", "article:updated_time",
)
# Class or id words of blocks whose dates belong to something other than this article, as
# whole words (`node--promoted` is Drupal's flag on the article itself, `teaser` a German lead).
_FOREIGN = re.compile(
    r"(?<![a-z])(?:related|sidebar|widgets?|comments?|footer|recommend\w*|popular|trending|most-?read|"
    r"newsletter|outbrain|taboola|breadcrumbs?|weather|calendar|menu|(?:top|main|sub|site|mobile)?nav\w*|"
    r"embed\w*|instagram-media|twitter-tweet|tiktok-embed)(?![a-z])", re.IGNORECASE
)
# A teaser card: its headline is a link (or inside one).
_CARD_HEADLINE = ".//*[self::h2 or self::h3 or self::h4]//a[@href] | .//a[@href][.//h2 or .//h3 or .//h4]"
# Elements without text of their own: scripts and the parts of inline SVG icons.
_NOT_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "path", "g", "use", "defs", "symbol",
                       "circle", "rect", "polygon", "polyline", "line", "ellipse", "clippath", "lineargradient",
                       "stop", "mask", "title", "desc", "img", "source", "br", "hr", "input", "button", "option"})
_CARD_TEXT = 600  # characters: a teaser's headline, standfirst and byline
_DATE_CLASS = re.compile(r"date|time|publish|posted|byline|dateline|meta|info|author|detail-top", re.IGNORECASE)
# A relative date line (`2 giờ trước`, `3 hours ago`); full dates are found by datetext.
_RELATIVE = re.compile(
    r"\d+\s+(?:giờ|phút|ngày|tuần)\s+trước|\b(?:hôm qua|hôm nay)\b|\d+\s+(?:hours?|minutes?|days?)\s+ago",
    re.IGNORECASE,
)
# The numbers of a date line: an element and its child with the same numbers say the same thing.
_NUMBER = re.compile(r"\d+")
_LOCAL_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?[+-](?!00:?00)\d\d:?\d\d$")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|$|[-_])")
_MAX_VISIBLE = 90  # characters: a date line, not a paragraph that mentions a date


@dataclass
class _Page:
    """What tells this page's own dates from other items' dates."""

    headline: HtmlElement | None
    container: set[HtmlElement]  # the headline and its ancestors: above them is page layout
    paths: set[str]  # the page's own URL paths (fetched, canonical, og:url)


def find_dates(tree: HtmlElement, data: Structured, url: str, date_xpath: str | None) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    if date_xpath:
        for hit in tree.xpath(date_xpath)[:1]:
            raw = hit if isinstance(hit, str) else spaced_text(hit)
            if raw.strip():
                found.append(DateCandidate(str(raw).strip(), "visible"))
    article = data.article
    for key, kind in (("datePublished", "published"), ("dateCreated", "published"), ("dateModified", "modified")):
        value = text_of(article.get(key))
        if value:
            found.append(DateCandidate(value, "jsonld", kind))
    # The page's own object (WebPage, ClaimReview) dates it too, after the article object.
    found.extend(DateCandidate(value, "jsonld") for value in data.page_dates[:2])
    for keys, kind in ((PUBLISHED_META, "published"), (MODIFIED_META, "modified")):
        for key in keys:
            value = data.first(key)
            if value:
                found.append(DateCandidate(value, "meta", kind))
                break
    page = _page(tree, data, url)
    found.extend(_time_elements(tree, page))
    if not _local_stamp(found) and not any(c.source == "visible" for c in found):
        visible = _visible_date(tree, page)
        if visible:
            found.append(DateCandidate(visible, "visible"))
    url_date = _URL_DATE.search(urlsplit(url).path) if url else None
    if url_date:
        found.append(DateCandidate("-".join(url_date.groups()), "url"))
    return found


def _page(tree: HtmlElement, data: Structured, url: str) -> _Page:
    headline = headline_node(tree, data)
    container = {headline, *headline.iterancestors()} if headline is not None else set()
    urls = [url, data.first("og:url"), *tree.xpath("//link[@rel='canonical']/@href")[:1]]
    return _Page(headline, container, {_path(u) for u in urls if u})


def _path(url: str) -> str:
    return urlsplit(str(url).strip()).path.rstrip("/")


def _local_stamp(found: list[DateCandidate]) -> bool:
    """A machine-readable publication time with a local offset: the visible line adds nothing
    (it is read to cross-check UTC, naive or date-only stamps)."""
    return any(c.kind == "published" and _LOCAL_ISO.search(c.raw) for c in found)


def _in_foreign_block(node: HtmlElement, page: _Page) -> bool:
    """The date belongs to something else on the page: a sidebar, a comment, a teaser card,
    a link to another page. Walks up to the headline's container only: what encloses the
    headline too is page layout (`<body class="has-sidebar">`), not another item."""
    for anc in node.iterancestors():
        if anc in page.container or anc.tag in ("body", "html"):
            return False
        if anc.tag in ("aside", "footer", "nav", "blockquote", "iframe"):
            return True
        if anc.tag == "header" and not any(a.tag in ("article", "main") for a in anc.iterancestors()):
            return True  # the site's header, not the article's: today's date
        if anc.tag == "a" and _foreign_link(anc, page):
            return True
        marker = f"{anc.get('class', '')} {anc.get('id', '')}"
        if marker.strip() and _FOREIGN.search(marker):
            return True
        if anc.tag in ("article", "li") and _is_card(anc):
            return True  # a teaser card (its headline is a link): another story's date
    return False


def _is_card(node: HtmlElement) -> bool:
    """A small block whose headline is a link: a teaser for another story (an article
    element that holds a whole story with its related links is not one)."""
    return bool(node.xpath(_CARD_HEADLINE)) and len(node.text_content()) < _CARD_TEXT


def _foreign_link(link: HtmlElement, page: _Page) -> bool:
    """A date inside a link is another page's (a teaser) unless the link is the page's own
    permalink (`rel=bookmark`, WordPress's `posted-on`) or holds little more than the date
    (a date archive, an author link)."""
    href = (link.get("href") or "").strip()
    if "bookmark" in (link.get("rel") or "") or not href or href.startswith("#") or _path(href) in page.paths:
        return False
    if link.xpath(".//h1|.//h2|.//h3|.//h4|.//img|.//picture"):
        return True
    return len(spaced_text(link).split()) > 8


def _time_elements(tree: HtmlElement, page: _Page) -> list[DateCandidate]:
    out: list[DateCandidate] = []
    nodes = tree.xpath("//time | //*[@itemprop='datePublished' or @itemprop='dateModified' or @itemprop='dateCreated']")
    for node in nodes:
        if _in_foreign_block(node, page):
            continue
        value = node.get("datetime") or node.get("content") or (node.get("title") if node.tag == "abbr" else None)
        if not value:  # `<time>July 27, 2025</time>`: the text, when it holds a date
            value = spaced_text(node)
            if len(value) > _MAX_VISIBLE or not looks_dated(value):
                continue
        value = " ".join(value.split())
        if not value:
            continue
        itemprop = node.get("itemprop", "")
        marker = f"{node.get('class', '')} {node.getparent().get('class', '') if node.getparent() is not None else ''}"
        if itemprop:  # `<time class="entry-published updated" itemprop="datePublished">`: the itemprop says it
            kind = "modified" if "dateModified" in itemprop and "datePublished" not in itemprop else "published"
        else:
            kind = "modified" if re.search(r"modif|updat", marker, re.IGNORECASE) \
                and not re.search(r"publish", marker, re.IGNORECASE) \
                else "published"
        out.append(DateCandidate(value, "time", kind))
        if len(out) >= 2:
            break
    return out


def _visible_date(tree: HtmlElement, page: _Page) -> str | None:
    """A short date line close to the headline, inside the article, not in a sidebar; else
    a line anywhere in the page that says what it dates (`Posted on April 13, 2023`)."""
    body = tree.find("body")
    if body is None:
        return None
    best: str | None = None
    for node in _near(body, page.headline, after=80, before=25):
        text = _own_text(node)
        if not text or len(text) > _MAX_VISIBLE or not looks_dated(text):
            continue
        if _in_foreign_block(node, page) or _child_says_it(node, text):
            continue
        marker = f"{node.get('class', '')} {node.get('id', '')} {node.get('data-role', '')}"
        parent = node.getparent()
        if parent is not None:
            marker += f" {parent.get('class', '')}"
        if _DATE_CLASS.search(marker) or node.tag == "time":
            return text
        best = best or text
    return best or _labelled_line(body, page)


def _labelled_line(body: HtmlElement, page: _Page) -> str | None:
    """The first short line of the page that labels its date as the publication or update
    date, outside other items' blocks."""
    for node in body.iter():
        own = node.text
        if not own or not isinstance(node.tag, str) or node.tag in _NOT_TEXT or not starts_with_label(own):
            continue
        text = _own_text(node)
        if not text or len(text) > _MAX_VISIBLE or _in_foreign_block(node, page):
            continue
        span = next(iter(find_text_dates(text)), None)
        if span is not None and span.label in ("published", "updated"):
            return text
    return None


def looks_dated(text: str) -> bool:
    """The line states a date: a full date in any language, or a relative one (`2 giờ trước`)."""
    return bool(find_text_dates(text)) or _RELATIVE.search(text) is not None


def _near(body: HtmlElement, h1: HtmlElement | None, after: int, before: int) -> list[HtmlElement]:
    """The `after` elements from the headline on, then the `before` ones preceding it (the
    first `after` of the page without a headline in <body>), icons not counted. Stops
    walking there: a list of every element of a large page cost more than the rest of the
    date search."""
    ahead: list[HtmlElement] = []
    behind: deque[HtmlElement] = deque(maxlen=before)
    found = h1 is None
    for node in body.iter():
        if not isinstance(node.tag, str) or node.tag in _NOT_TEXT:
            continue
        if not found and node is not h1:
            behind.append(node)
            continue
        found = True
        ahead.append(node)
        if len(ahead) >= after:
            break
    if not found:
        return _near(body, None, after, before)
    return ahead + list(behind)


def _own_text(node: HtmlElement) -> str:
    """Text of a small element (its children included when they are inline)."""
    if len(node) > 6:
        return ""
    return spaced_text(node)


def spaced_text(node: HtmlElement) -> str:
    """Text with a space between child nodes: `<span>02/01/2026</span><svg/><span>15:21</span>`
    is two tokens, not `02/01/202615:21`."""
    return " ".join(" ".join(node.itertext()).split())


def _child_says_it(node: HtmlElement, text: str) -> bool:
    """A child element holds all of this element's numbers: the child is the date line, this
    element only adds a byline or a category around it."""
    numbers = {int(n) for n in _NUMBER.findall(text)}
    for child in node:
        if isinstance(child.tag, str) and {int(n) for n in _NUMBER.findall(spaced_text(child))} == numbers:
            return True
    return False
