"""In-site links of a page, and what a URL's shape says it points to."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml.html import HtmlElement

ASSET_EXTENSIONS = frozenset(
    "pdf jpg jpeg png gif webp svg bmp ico mp3 mp4 m4a wav avi mov webm zip gz rar 7z tar doc docx xls "
    "xlsx ppt pptx odt css js json xml rss atom txt csv exe dmg apk iso epub".split()
)
_LISTING_WORDS = frozenset(
    "tag tags topic topics category categories section sections author authors page search archive "
    "archives chu-de tag-tin tim-kiem label labels series".split()
)
_PAGE_PARAMS = frozenset({"page", "p", "paged", "pg", "offset", "start", "trang"})
_CALENDAR_PARAMS = frozenset({"date", "day", "month", "year", "bydate", "from", "to"})
_DATE_TAIL = re.compile(r"/(?:19|20)\d\d(?:/\d{1,2}){0,2}/?$")
_PAGE_TAIL = re.compile(r"/(?:page|trang)[/-]?\d+/?$|-p\d+/?$", re.I)
_LONG_ID = re.compile(r"\d{5,}")
_ARTICLE_EXT = re.compile(r"\.(?:s?html?|php|aspx?|cms|ldo|vnp|tpo|chn|story)$", re.I)


def url_kind(url: str, article_url: str | None = None) -> str:
    """`article`, `listing`, `pagination`, `calendar`, `asset` or `other`, from the URL alone.

    `article_url` is a site profile's pattern (re.match): a URL it matches is an article.
    """
    if article_url and re.match(article_url, url):
        return "article"
    parts = urlsplit(url)
    path = parts.path or "/"
    last = path.rstrip("/").rsplit("/", 1)[-1].lower()
    if "." in last and last.rsplit(".", 1)[-1] in ASSET_EXTENSIONS:
        return "asset"
    params = {k.lower() for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
    if params & _CALENDAR_PARAMS or _DATE_TAIL.search(path):
        return "calendar"
    if params & _PAGE_PARAMS or _PAGE_TAIL.search(path):
        return "pagination"
    segments = [s.lower() for s in path.split("/") if s]
    if not segments or set(segments[:-1]) & _LISTING_WORDS or segments[-1] in _LISTING_WORDS:
        return "listing"
    stem = _ARTICLE_EXT.sub("", segments[-1])
    words = [w for w in re.split(r"[-_+]", stem) if w]
    if len(words) >= 3 or _LONG_ID.search(stem) or (_ARTICLE_EXT.search(segments[-1]) and len(words) >= 2):
        return "article"
    if len(segments) <= 2 and path.endswith("/"):
        return "listing"
    return "other"


def page_links(tree: HtmlElement, base_url: str) -> tuple[list[str], list[str]]:
    """(links, pagination links) of a page, absolute, http(s) only, fragments dropped."""
    base = tree.find(".//base")
    if base is not None and base.get("href"):
        base_url = urljoin(base_url, base.get("href", "").strip())
    links: list[str] = []
    following: list[str] = []
    for anchor in tree.iter("a", "link"):
        href = anchor.get("href")
        rel = (anchor.get("rel") or "").lower().split()
        if not href or (anchor.tag == "link" and "next" not in rel) or "nofollow" in rel:
            continue
        href = href.strip()
        if href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if not url.startswith(("http://", "https://")):
            continue
        (following if "next" in rel else links).append(url)
    return list(dict.fromkeys(links)), list(dict.fromkeys(following))
