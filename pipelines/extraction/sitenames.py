"""The site's own name in a page title: which segment of `Headline | Site` is the site.

Pages declare their name (og:site_name, JSON-LD publisher) or only show it: as the logo h1, as
the text, title or logo alt of links to the home page, in the copyright line, as the domain.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from lxml.html import HtmlElement

from .headings import node_text, squash

# `Headline | Site`, `Headline - Site`, and without spaces where no headline puts the mark:
# `Site|見出し`, `标题_网站` (CJK titles rarely space their separators).
TITLE_SEPARATORS = re.compile(
    r"\s+(?:[|\-–—:»«·•/~]|::)\s+|\s*--\s*|\s*[|｜丨]\s*|(?<=[^\x00-\x7f])_|_(?=[^\x00-\x7f])"
)
ROOT_HREF = re.compile(r"^(?:https?://[^/]+/?|/)(?:index\.\w+)?$")
_HOST = re.compile(r"^https?://([^/:?#\s]+)", re.IGNORECASE)
# A segment that is a domain name (`Newegg.com`, `SPIEGEL.de`) names the site.
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,12}$", re.IGNORECASE)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|&copy;|copyright)\s*(?:\d{4}\s*(?:[-–]\s*\d{4})?\s*)?,?\s*([^\n|.,©]{2,60})", re.IGNORECASE
)
# Links whose href has no path beyond `/` (XPath 1.0; ROOT_HREF checks them exactly).
_HOME_LINKS = (
    "//body//a[@href='/' or starts-with(@href, '/index.') or ((starts-with(@href, 'http://') or "
    "starts-with(@href, 'https://')) and string-length(substring-after(substring-after(@href, '//'), '/')) < 12)]"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Marks that set a glued site name off its headline: `：`, `【】`, `（）`, `-`.
_GLUE_MARKS = re.compile(r"[\s:：|｜丨\-–—_/·•~»«()（）【】\[\]「」]+$|^[\s:：|｜丨\-–—_/·•~»«()（）【】\[\]「」]+")
_LABEL_SKIP = frozenset({"www", "m", "amp", "mobile", "com", "co", "net", "org", "news", "blog", "de"})


def page_site_names(tree: HtmlElement) -> list[str]:
    """Names the page gives itself without declaring them: its h1 that links home, the text,
    title or logo alt of its links to the home page (`<a href="/">DimidoBlog</a>`), the
    name in its copyright line."""
    names = [node_text(h) for h in tree.iter("h1") if is_home_link(h)]
    host = own_host(tree)
    for link in tree.xpath(_HOME_LINKS)[:60]:
        href = link.get("href", "x").strip()
        if ROOT_HREF.match(href) and (href.startswith("/") or host and host_of(href) == host):
            names += [node_text(link), link.get("title") or ""]
            names += [img.get("alt") or "" for img in link.iter("img")]
    for text in tree.xpath("//body//text()[contains(., '©')]")[-3:]:
        found = _COPYRIGHT.search(str(text))
        if found:
            names.append(found.group(1).strip())
    return [n for n in dict.fromkeys(" ".join(n.split()) for n in names) if 2 <= len(n) <= 80]


def host_labels(tree: HtmlElement) -> list[str]:
    """`bridgestone` for tires.bridgestone.com (from the canonical link or og:url)."""
    host = own_host(tree)
    if not host:
        return []
    labels = [part for part in host.split(".")[:-1] if part not in _LABEL_SKIP and len(part) >= 4]
    return labels[-1:]


def own_host(tree: HtmlElement) -> str | None:
    """The page's host, from its canonical link or og:url (pages come without their URL)."""
    head = tree.find("head")
    for href in (head if head is not None else tree).xpath(
            ".//link[@rel='canonical']/@href|.//meta[@property='og:url']/@content")[:2]:
        host = host_of(str(href).strip())
        if host:
            return host
    return None


def host_of(url: str) -> str | None:
    found = _HOST.match(url)
    return found.group(1).lower() if found else None


def is_home_link(h1: HtmlElement) -> bool:
    """The whole h1 is one link to the homepage."""
    links = list(h1.iter("a"))
    return len(links) == 1 and ROOT_HREF.match(links[0].get("href", "x").strip()) is not None \
        and squash(links[0].text_content()) == squash(h1.text_content())


def strip_site_name(title: str, site_names: list[str], shown_names: Collection[str] = (),
                    labels: Collection[str] = (), exact: bool = False) -> str:
    """Drop a leading or trailing `| Site name` segment.

    `site_names` are declared (og:site_name, publisher...) and may be spelt a little differently
    in the title; `shown_names` are what the page calls itself in its logo, home links and
    copyright line, and must match a segment (or the title's first or last words) exactly;
    `labels` are the domain's name (`bridgestone`), which a short segment starts with.
    `exact`: for a visible headline, only a segment that is exactly a site's name (or starts
    with the domain's) goes."""
    keys = {squash(n) for n in site_names if n}
    shown = {squash(n) for n in shown_names if n} | keys
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title if exact else _strip_glued_name(title, shown_names, site_names)

    def names_site(segment: str) -> bool:
        key = squash(segment)
        if not key or key in shown or _DOMAIN.match(segment):
            return bool(key)
        short = len(segment.split())
        return (not exact and short <= 5 and any(k in key or key in k for k in keys if k)
                or short <= 3 and any(key.startswith(label) for label in labels))

    if names_site(parts[-1]):
        return _join(title, parts[:-1])
    if names_site(parts[0]):
        return _join(title, parts[1:])
    for cut in range(1, len(parts) - 1):  # a name with a separator in it: `AOC media - Analyse Opinion`
        if squash(" ".join(parts[cut:])) in shown:
            return _join(title, parts[:cut])
        if squash(" ".join(parts[:-cut])) in shown:
            return _join(title, parts[-cut:])
    # Unknown site name: a short last segment after a long headline is almost always the site.
    if not exact and len(parts[-1].split()) <= 4 and len(" ".join(parts[:-1])) >= 3 * len(parts[-1]) \
            and "|" in title:
        return _join(title, parts[:-1])
    return title


def _strip_glued_name(title: str, shown_names: Collection[str], site_names: list[str]) -> str:
    """`davidbau.com Vibe Coding`, `ジョブズ氏死去：日本経済新聞`, `标题【新华网】`: the site's exact
    name after the headline, set off by a mark no separator pattern knows (or by a space, for a
    domain name)."""
    words = title.split()
    lowered = title.casefold()
    for name in (*shown_names, *site_names):
        if not name:
            continue
        if _DOMAIN.match(name) and len(words) > 1:  # a domain never starts or ends a headline
            if squash(words[0]) == squash(name):
                return " ".join(words[1:])
            if squash(words[-1]) == squash(name):
                return " ".join(words[:-1])
        folded = " ".join(name.split()).casefold()
        at = lowered.rfind(folded)
        before = title[:at].rstrip()
        if before and not _GLUE_MARKS.sub("", title[at + len(folded):]) and _GLUE_MARKS.search(before[-1]):
            return _GLUE_MARKS.sub("", title[:at]) or title
    return title


def _join(title: str, parts: list[str]) -> str:
    """Rebuild the kept segments with the separators the title used."""
    if not parts:
        return title
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(parts)
