"""Publication and modification date candidates, most reliable evidence first.

JSON-LD, then meta tags, then <time datetime>, then the visible date text near
the headline, then the URL path. Never an image URL, never a sidebar, never a
guess: a page with no date evidence gets no candidate.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from crawler.items import DateCandidate

from .dateblocks import DatePage, in_foreign_block, page_context, spaced_text
from .datelines import MAX_LINE, looks_dated, visible_date
from .structured import Structured, is_article_type, text_of

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
_LOCAL_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?[+-](?!00:?00)\d\d:?\d\d$")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|$|[-_])")
_NO_REGION = frozenset({"ar-ar", "es-la", "es-419", "en-ud", "es-xl"})  # Facebook's locales that name no country
_DATE_ITEMPROP = re.compile(r"\bdate(?:Published|Modified|Created)\b")
_UPDATED_CLASS = re.compile(r"modif|updat", re.IGNORECASE)
_PUBLISHED_CLASS = re.compile(r"publish", re.IGNORECASE)
# A publication key of app state and its ISO 8601 value, in plain or escaped JSON.
_STATE_KEY = re.compile(
    r'\\?"(?:first_?[pP]ublication_?[dD]ate|first_?[pP]ublished_?[aA]t|published_?[aA]t|published_?[dD]ate|'
    r'publish_?[dD]ate|publication_?[dD]ate|date_?[pP]ublished)\\?"\s*:\s*\\?"'
    r'(\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?)\\?"')
_STATE_CHARS = 2_000_000  # of script text read for state data
_SCRIPTS = 60  # untyped scripts looked at for schema.org JSON: the head's, not a whole app's


def find_dates(tree: HtmlElement, data: Structured, url: str, date_xpath: str | None) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    if date_xpath:
        for hit in tree.xpath(date_xpath)[:1]:
            raw = hit if isinstance(hit, str) else spaced_text(hit)
            if raw.strip():
                found.append(DateCandidate(str(raw).strip(), "visible"))
    article = data.article or _untyped_jsonld(tree)
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
    page = page_context(tree, data, url)
    found.extend(_time_elements(tree, page))
    if not _local_stamp(found) and not any(c.source == "visible" for c in found):
        machine = any(c.kind == "published" and c.source in ("jsonld", "meta", "time") for c in found)
        visible = visible_date(tree, page, anywhere=not machine)
        if visible:
            found.append(DateCandidate(visible, "visible"))
    if not any(c.kind == "published" for c in found):
        state = _state_date(tree)
        if state:
            found.append(DateCandidate(state, "script"))
    url_date = _URL_DATE.search(urlsplit(url).path) if url else None
    if url_date:
        found.append(DateCandidate("-".join(url_date.groups()), "url"))
    return found


def declared_locale(tree: HtmlElement, data: Structured) -> str | None:
    """The locale the page declares, region included when it gives one (`zh-Hant-TW`,
    `en_GB`): its dates are written in that country's time and order. Facebook's placeholder
    regions (`ar_AR`, `es_LA`) name no country."""
    tags = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
            data.first("content-language", "language"), data.first("og:locale")]
    declared = [str(t).strip() for t in tags if t and str(t).strip()]
    declared = [t for t in declared if t.replace("_", "-").lower() not in _NO_REGION]
    return next((t for t in declared if "-" in t or "_" in t), declared[0] if declared else None)


def _state_date(tree: HtmlElement) -> str | None:
    """The publication date in the page's own state data (`"first_publication_date":"..."` in
    a Next.js or Prismic blob), when that data names a single one: state blobs also carry other
    items' dates, so two different values mean none of them can be told for the page's."""
    values: set[str] = set()
    budget = _STATE_CHARS
    for script in tree.xpath("//script[not(@type='application/ld+json')][contains(., 'ubli')]"):
        text = script.text or ""
        values.update(match.group(1) for match in _STATE_KEY.finditer(text[:budget]))
        budget -= len(text)
        if len(values) > 1 or budget <= 0:
            break
    return values.pop() if len(values) == 1 else None


def _untyped_jsonld(tree: HtmlElement) -> dict[str, Any]:
    """A schema.org article object in a <script> that lacks `type="application/ld+json"`
    (some CMSs write it so): the same statement of the article's dates."""
    for script in tree.xpath("//script[not(@type) or @type='text/javascript']")[:_SCRIPTS]:
        text = (script.text or "").lstrip()
        if not text.startswith(("{", "[")) or "schema.org" not in text[:200]:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        objects = data if isinstance(data, list) else [data, *data.get("@graph", [])] if isinstance(data, dict) else []
        for obj in objects:
            if not isinstance(obj, dict):
                continue
            kinds = obj.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(isinstance(k, str) and is_article_type(k.lower()) for k in kinds):
                return {str(k): v for k, v in obj.items()}
    return {}


def _local_stamp(found: list[DateCandidate]) -> bool:
    """A machine-readable publication time with a local offset: the visible line adds nothing
    (it is read to cross-check UTC, naive or date-only stamps)."""
    return any(c.kind == "published" and _LOCAL_ISO.search(c.raw) for c in found)


def _time_elements(tree: HtmlElement, page: DatePage) -> list[DateCandidate]:
    out: list[DateCandidate] = []
    for node in tree.xpath("//time | //*[@itemprop]"):  # one cheap pass; the itemprop is tested here
        if node.tag != "time" and not _DATE_ITEMPROP.search(node.get("itemprop", "")):
            continue
        if in_foreign_block(node, page):
            continue
        value = node.get("datetime") or node.get("content") or (node.get("title") if node.tag == "abbr" else None)
        if not value:  # `<time>July 27, 2025</time>`: the text, when it holds a date
            value = spaced_text(node)
            if len(value) > MAX_LINE or not looks_dated(value):
                continue
        value = " ".join(value.split())
        if not value:
            continue
        itemprop = node.get("itemprop", "")
        marker = f"{node.get('class', '')} {node.getparent().get('class', '') if node.getparent() is not None else ''}"
        if itemprop:  # `<time class="entry-published updated" itemprop="datePublished">`: the itemprop says it
            kind = "modified" if "dateModified" in itemprop and "datePublished" not in itemprop else "published"
        else:
            updated = _UPDATED_CLASS.search(marker) and not _PUBLISHED_CLASS.search(marker)
            kind = "modified" if updated else "published"
        out.append(DateCandidate(value, "time", kind))
        if len(out) >= 2:
            break
    return out


