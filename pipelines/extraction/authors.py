"""Authors: person names from the profile's selector, JSON-LD, meta tags or the visible byline.

Every source goes through one cleaner: `By X and Y`, `X, Reporter`, `X | Agency`, `X/VOV`,
`Text: X` become clean names; e-mail addresses, handles, roles, dates, news agencies,
desks and the publisher's own name are dropped, and an all-capitals byline is written
the way names are (`LISA MASCARO` -> `Lisa Mascaro`).
"""

from __future__ import annotations

import re
import unicodedata

from lxml.html import HtmlElement

from .structured import Structured, names_of
from .titles import squash

_META_KEYS = ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author", "citation_author")
# Visible bylines, most precise first: a name element inside a byline, then author links and
# itemprop=author elements, then whole byline containers (their text needs the most cleaning).
_BYLINE_GROUPS = (
    "//*[contains(@class,'uthor') or contains(@class,'yline') or contains(@id,'uthor') or contains(@id,'yline')]"
    "//*[contains(@class,'name') or contains(@class,'Name') or @itemprop='name']",
    "//*[@rel='author'] | //*[contains(concat(' ',normalize-space(@itemprop),' '),' author ')]",
    "//*[contains(@class,'byline') or contains(@class,'Byline') or contains(@class,'author') "
    "or contains(@class,'Author')]",
)
_NOT_BYLINE = re.compile(r"comment|related|recommend|popular|trending|footer|sidebar|widget|bio\b|about", re.I)

_PREFIX = re.compile(
    r"^(?:(?:written|words|reporting|posted|published|text|story|photos?|reported)\s+by|by|von|par|por|di|door|"
    r"av|af|bởi|tác giả|theo|publicado por|escrito por|autor(?:a|in)?|text|texto|texte|текст|автор|words)"
    r"\s*:?\s+", re.I)
_SPLIT = re.compile(
    r"\s*(?:[,;&•·|\n]|\s[-–—/]\s|(?<=\w)/(?=[A-ZĐÀ-Ỹ])|\b(?:and|And|AND)\b|\bund\b|\bet\b|\by\b|\be\b|\bvà\b|\bи\b"
    r"|(?<![\s.][A-Z])(?<!\b[A-Z][a-z])\.\s+(?=[A-ZÀ-ỸА-Я]))\s*")
_NOISE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|@\w+|\([^()]*\)|\[[^\[\]]*\]")
_MONTH_DATE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d.*$|\b(?:updated|published|posted)\b.*$|\d.*$",
    re.I)
_AGENCIES = frozenset(squash(a) for a in (
    "Reuters", "Associated Press", "The Associated Press", "AP", "AFP", "Agence France-Presse", "Bloomberg",
    "Bloomberg News", "dpa", "EFE", "ANSA", "Xinhua", "TASS", "RIA Novosti", "PA", "Press Association",
    "PA Media", "PTI", "IANS", "ANI", "UPI", "Canadian Press", "The Canadian Press", "AAP", "Kyodo",
    "Kyodo News", "Yonhap", "TTXVN", "VNA", "Anadolu", "Anadolu Agency", "Bernama", "Antara", "CNN Wire",
    "Wire Services", "Wires", "News Agencies", "Agencies", "AP News", "Reuters Staff",
))
# A byline part with one of these words is a desk, a role or page furniture, not a person.
_NOT_NAME_WORDS = frozenset((
    "staff", "editor", "editors", "editorial", "newsroom", "desk", "team", "bureau", "admin", "administrator",
    "webmaster", "redaktion", "redacción", "rédaction", "redazione", "reporter", "reporters", "correspondent",
    "contributor", "contributors", "writer", "writers", "columnist", "author", "authors", "view", "archive",
    "email", "follow", "share", "articles", "more", "comments", "read", "sponsored", "partner", "content",
    "guest", "гость", "anonymous", "unknown", "news", "online", "media", "press", "agency", "service", "services",
))
_ROLE_TAIL = frozenset(("senior", "staff", "writer", "reporter", "correspondent", "contributor", "editor",
                        "columnist", "news", "special", "chief", "political", "business", "sports", "science"))
_PARTICLES = frozenset(("de", "da", "do", "dos", "das", "del", "della", "di", "du", "la", "le", "van", "von", "der",
                        "den", "ter", "bin", "binti", "al", "el", "y", "e", "st", "zu", "mac"))
_CASELESS = re.compile(r"[\u0600-\u06ff\u0900-\u0dff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def read_authors(tree: HtmlElement, data: Structured, xpath: str | None, site_names: list[str]) -> list[str]:
    """The first source that gives a clean person name wins."""
    if xpath:
        names = clean_authors([n if isinstance(n, str) else _text(n) for n in tree.xpath(xpath)], site_names)
        if names:
            return names
    for value in (data.article.get("author"), data.article.get("creator")):
        names = clean_authors(names_of(_people(value)), site_names)
        if names:
            return names
    meta = [v for key in _META_KEYS for v in data.meta.get(key, ()) if v.strip() and not v.startswith("http")]
    names = clean_authors(meta, site_names)
    if names:
        return names
    return _visible_byline(tree, site_names)


def _people(value: object) -> object:
    """JSON-LD authors that are not organizations (a publisher set as author)."""
    entries = value if isinstance(value, list) else [value]
    return [e for e in entries if not (isinstance(e, dict) and "organization" in str(e.get("@type", "")).lower())]


def _visible_byline(tree: HtmlElement, site_names: list[str]) -> list[str]:
    body = tree.find("body")
    if body is None:
        return []
    for xpath in _BYLINE_GROUPS:
        nodes = [n for n in body.xpath(xpath)[:12] if isinstance(n, HtmlElement) and not _foreign(n)]
        # A byline container and the element inside it that holds just the names: take the inner one.
        found = set(nodes)
        outer = {anc for n in nodes for anc in n.iterancestors() if anc in found}
        nodes = [n for n in nodes if n not in outer]
        for i, node in enumerate(nodes):
            names = clean_authors([_text(node)] if len(_text(node)) <= 160 else [], site_names)
            if not names:
                continue
            # Co-authors sit beside the first name (`<a>X</a> and <a>Y</a>`); names further
            # down the page belong to teasers of other stories.
            box = _ancestor(node, 2)
            more = [_text(n) for n in nodes[i + 1:i + 6] if box is not None and _ancestor(n, 2) is box]
            return clean_authors([_text(node)] + [m for m in more if len(m) <= 160], site_names)
    return []


def _ancestor(node: HtmlElement, levels: int) -> HtmlElement | None:
    for _ in range(levels):
        parent = node.getparent()
        if parent is None:
            return None
        node = parent
    return node


def _foreign(node: HtmlElement) -> bool:
    """Inside a comment thread, a related-stories box or an author bio: not this article's byline."""
    for depth, anc in enumerate(node.iterancestors()):
        if depth > 8 or anc.tag == "body":
            break
        if anc.tag in ("footer", "aside", "nav") or _NOT_BYLINE.search(f"{anc.get('class', '')} {anc.get('id', '')}"):
            return True
    return False


def _text(node: HtmlElement) -> str:
    return " ".join(" ".join(node.itertext()).split())


def clean_authors(raw: list[str], site_names: list[str]) -> list[str]:
    """Split bylines into names; drop what is not a person; the publisher's name too."""
    sites = [squash(s) for s in site_names if s]
    names: list[str] = []
    for value in raw:
        value = unicodedata.normalize("NFC", " ".join(value.split()))
        value = _NOISE.sub(" ", _PREFIX.sub("", value))
        for part in _SPLIT.split(value):
            name = _clean_part(part)
            if name and not _is_publisher(name, sites) and name not in names:
                names.append(name)
    # `Sobre Carlos Nadalim` (an author box heading) next to `Carlos Nadalim`: keep the name.
    return [n for n in names if not any(o != n and n.endswith(" " + o) for o in names)][:10]


def _clean_part(part: str) -> str | None:
    part = _MONTH_DATE.sub("", _PREFIX.sub("", part.strip(" .,:-–|()"))).strip(" .,:-–|()")
    words = part.split()
    while len(words) > 1 and words[-1].lower() in _ROLE_TAIL:  # `Meg James Staff Writer`
        words.pop()
    for agency in _AGENCIES:  # `Eric Tucker Associated Press`
        for size in (1, 2, 3):
            if len(words) > size and squash(" ".join(words[-size:])) == agency:
                words = words[:-size]
    if not words or len(words) > 5 or squash(" ".join(words)) in _AGENCIES:
        return None
    if any(w.lower().strip(".,") in _NOT_NAME_WORDS for w in words):
        return None
    name = " ".join(words)
    if _CASELESS.search(name):
        return name if len(name) <= 30 else None
    if len(words) < 2 or not all(w[0].isupper() or w.lower() in _PARTICLES for w in words):
        return None  # `admin`, `jdadmin`, `View author archive`: handles and buttons
    if name.isupper() and len(name) > 3:
        name = " ".join(w.capitalize() if len(w) > 2 or "." not in w else w for w in words)
    return name


def _is_publisher(name: str, sites: list[str]) -> bool:
    key = squash(name)
    return any(s and (s == key or (len(s) >= 4 and (s in key or key in s)) or (len(s) >= 6 and key[:6] == s[:6]))
               for s in sites)
