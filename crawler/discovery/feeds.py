"""Feeds: RSS 2.0, RSS 1.0, Atom and JSON Feed; autodiscovery from a page's <link> tags.

Why not feedparser (6.0.14, measured by bench/library_check.py): on RSS, Atom and an RSS with a
bare `&` it finds the same links and dates as this module; it does not read JSON Feed (0 of 1
item); and it would be one more dependency for the three fields we take from a feed (link, date,
lastmod). The broken-feed long tail it is known for is measured on 4 cases only: a feed this
module refuses (ValueError, counted as discovery_invalid/feed) is the place to look again.
"""

from __future__ import annotations

import json
from urllib.parse import urljoin

from lxml import etree
from lxml.html import HtmlElement

from . import Entry

COMMON_FEEDS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feed/")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/feed+json", "application/json",
              "application/rdf+xml")
_DATE_TAGS = ("pubdate", "published", "updated", "date", "issued", "modified")


def feed_links(tree: HtmlElement, base_url: str) -> list[str]:
    """Feeds a page announces with <link rel=alternate type=...>."""
    found = []
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rel and kind in FEED_TYPES and link.get("href"):
            found.append(urljoin(base_url, link.get("href", "").strip()))
    return list(dict.fromkeys(found))


def parse_feed(body: bytes, base_url: str) -> list[Entry]:
    """Entries of a feed; ValueError for anything that is not a feed (an HTML page, say)."""
    text = body.lstrip()
    if text[:1] in (b"{", b"["):
        return _json_feed(text, base_url)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(text, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not XML ({exc})") from None
    if root is None or _local(root.tag) not in ("rss", "feed", "rdf"):
        raise ValueError("not a feed (no <rss>, <feed> or <rdf:RDF> root)")
    entries = []
    for item in root.iter():
        if _local(item.tag) not in ("item", "entry"):
            continue
        link, date = _item_link(item), _item_date(item)
        if link:
            updated = next((c.text.strip() for c in item if _local(c.tag) in ("updated", "modified") and c.text), None)
            entries.append(Entry(urljoin(base_url, link), date, "feed", updated))
    return entries


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _item_link(item: etree._Element) -> str | None:
    alternate: str | None = None
    for child in item:
        if _local(child.tag) != "link":
            continue
        href = child.get("href")
        if href is None:  # RSS: the URL is the text
            return (child.text or "").strip() or None
        if (child.get("rel") or "alternate") == "alternate":
            alternate = alternate or str(href).strip()
    if alternate:
        return alternate
    for child in item:  # RSS guid that is a permalink
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true") != "false":
            return (child.text or "").strip() or None
    return None


def _item_date(item: etree._Element) -> str | None:
    dates = {_local(c.tag): (c.text or "").strip() for c in item if _local(c.tag) in _DATE_TAGS}
    return next((dates[t] for t in _DATE_TAGS if dates.get(t)), None)


def _json_feed(text: bytes, base_url: str) -> list[Entry]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise ValueError("not a JSON Feed (no items list)")
    entries = []
    for item in data["items"]:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            date = item.get("date_published") or item.get("date_modified")
            entries.append(Entry(urljoin(base_url, item["url"]), date if isinstance(date, str) else None, "feed"))
    return entries
