"""Publication and modification date candidates, most reliable evidence first.

JSON-LD, then meta tags, then <time datetime>, then the visible date text near
the headline, then the URL path. Never an image URL, never a sidebar, never a
guess: a page with no date evidence gets no candidate.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.items import DateCandidate

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
# Elements whose dates belong to something other than this article.
_FOREIGN = re.compile(
    r"related|sidebar|widget|comment|footer|recommend|popular|trending|most-read|mostread|"
    r"newsletter|promo|teaser|outbrain|taboola|breadcrumb|weather|calendar|\bnav", re.I
)
_DATE_CLASS = re.compile(r"date|time|publish|posted|byline|dateline|meta|info|author|detail-top", re.I)
_VISIBLE_DATE = re.compile(
    r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}|\d{4}-\d{2}-\d{2}"
    r"|\d{1,2}\.?\s+(?:tháng\s+\d{1,2}|[A-Za-zÀ-ÿ]{3,10}\.?)\s*,?\s+\d{4}"
    r"|[A-Za-zÀ-ÿ]{3,10}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+(?:\d{1,2}:\d\d\s+)?\d{4}"
    r"|\d+\s+(?:giờ|phút|ngày|tuần)\s+trước|\b(?:hôm qua|hôm nay)\b|\d+\s+(?:hours?|minutes?|days?)\s+ago",
    re.I,
)
# The numbers of a date line: an element and its child with the same numbers say the same thing.
_NUMBER = re.compile(r"\d+")
_LOCAL_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?[+-](?!00:?00)\d\d:?\d\d$")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|$|[-_])")
_MAX_VISIBLE = 90  # characters: a date line, not a paragraph that mentions a date


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
    found.extend(_time_elements(tree))
    if not _local_stamp(found) and not any(c.source == "visible" for c in found):
        visible = _visible_date(tree, headline_node(tree, data))
        if visible:
            found.append(DateCandidate(visible, "visible"))
    url_date = _URL_DATE.search(urlsplit(url).path) if url else None
    if url_date:
        found.append(DateCandidate("-".join(url_date.groups()), "url"))
    return found


def _local_stamp(found: list[DateCandidate]) -> bool:
    """A machine-readable publication time with a local offset: the visible line adds nothing
    (it is read to cross-check UTC, naive or date-only stamps)."""
    return any(c.kind == "published" and _LOCAL_ISO.search(c.raw) for c in found)


def _in_foreign_block(node: HtmlElement) -> bool:
    for anc in node.iterancestors():
        if anc.tag in ("aside", "footer", "nav", "a"):
            return True
        marker = f"{anc.get('class', '')} {anc.get('id', '')}"
        if marker.strip() and _FOREIGN.search(marker):
            return True
        if anc.tag in ("article", "li") and anc.xpath("./*[self::h2 or self::h3 or self::h4]//a"):
            return True  # a teaser card (its headline is a link): another story's date
    return False


def _time_elements(tree: HtmlElement) -> list[DateCandidate]:
    out: list[DateCandidate] = []
    for node in tree.xpath("//time[@datetime] | //*[@itemprop='datePublished' or @itemprop='dateModified']"):
        if _in_foreign_block(node):
            continue
        value = node.get("datetime") or node.get("content") or node.text_content()
        value = " ".join((value or "").split())
        if not value:
            continue
        itemprop = node.get("itemprop", "")
        marker = f"{node.get('class', '')} {node.getparent().get('class', '') if node.getparent() is not None else ''}"
        if itemprop:  # `<time class="entry-published updated" itemprop="datePublished">`: the itemprop says it
            kind = "modified" if "dateModified" in itemprop and "datePublished" not in itemprop else "published"
        else:
            kind = "modified" if re.search(r"modif|updat", marker, re.I) and not re.search(r"publish", marker, re.I) \
                else "published"
        out.append(DateCandidate(value, "time", kind))
        if len(out) >= 2:
            break
    return out


def _visible_date(tree: HtmlElement, h1: HtmlElement | None) -> str | None:
    """A short date line close to the headline, inside the article, not in a sidebar."""
    body = tree.find("body")
    if body is None:
        return None
    best: str | None = None
    for node in _near(body, h1, after=80, before=25):
        text = _own_text(node)
        if not text or len(text) > _MAX_VISIBLE or not _VISIBLE_DATE.search(text):
            continue
        if _in_foreign_block(node) or _child_says_it(node, text):
            continue
        marker = f"{node.get('class', '')} {node.get('id', '')} {node.get('data-role', '')}"
        parent = node.getparent()
        if parent is not None:
            marker += f" {parent.get('class', '')}"
        if _DATE_CLASS.search(marker) or node.tag == "time":
            return text
        best = best or text
    return best


def _near(body: HtmlElement, h1: HtmlElement | None, after: int, before: int) -> list[HtmlElement]:
    """The `after` elements from the headline on, then the `before` ones preceding it (the
    first `after` of the page without a headline in <body>). Stops walking there: a list
    of every element of a large page cost more than the rest of the date search."""
    ahead: list[HtmlElement] = []
    behind: deque[HtmlElement] = deque(maxlen=before)
    found = h1 is None
    for node in body.iter():
        if not isinstance(node.tag, str) or node.tag in ("script", "style", "noscript"):
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
