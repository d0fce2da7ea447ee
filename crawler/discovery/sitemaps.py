"""Sitemaps: robots.txt `Sitemap:` lines, sitemap indexes, url sets, Google News sitemaps.

The XML parser never resolves entities or fetches DTDs (no entity-expansion bombs) and
the caller caps the decompressed size.

Why not Scrapy's scrapy.utils.sitemap.Sitemap (measured by bench/library_check.py): it reads only
the direct children of <url>, so a Google News sitemap's <news:publication_date>, nested in
<news:news>, is lost: 0 of 4 news entries dated, ours 4 of 4 (the date that orders
the crawl newest first and stands in for a page without one). It is as safe as ours against
entity expansion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from . import Entry

COMMON_SITEMAPS = ("/sitemap.xml", "/sitemap_index.xml", "/sitemap-index.xml", "/news-sitemap.xml",
                   "/sitemap-news.xml", "/sitemap_news.xml")
_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)


@dataclass
class Sitemap:
    is_index: bool
    entries: list[Entry] = field(default_factory=list)


def sitemaps_in_robots(text: str) -> list[str]:
    return list(dict.fromkeys(_ROBOTS_SITEMAP.findall(text)))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True,
                           remove_comments=True, remove_pis=True, load_dtd=False)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(body: bytes) -> Sitemap:
    """Parse a sitemap or sitemap index; ValueError when the body is neither."""
    try:
        root = etree.fromstring(body.lstrip(), parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not XML ({exc})") from None
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        raise ValueError("not a sitemap (no <urlset> or <sitemapindex> root)")
    is_index = _local(root.tag) == "sitemapindex"
    sitemap = Sitemap(is_index=is_index)
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = lastmod = published = None
        for child in node.iter():
            name = _local(child.tag)
            text = (child.text or "").strip()
            if name == "loc" and loc is None:
                loc = text
            elif name == "lastmod":
                lastmod = text
            elif name == "publication_date":
                published = text
        if loc:
            sitemap.entries.append(Entry(loc, published or lastmod, "sitemap", lastmod))
    return sitemap
