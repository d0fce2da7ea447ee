"""Which parts of a page are this article's and which belong to other items (teasers,
comments, sidebars, the site's header and footer, embedded posts): a date found in the
latter is not the article's."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from .structured import Structured
from .titles import headline_node

# Class or id words of blocks whose dates belong to something other than this article, as
# whole words (`node--promoted` is Drupal's flag on the article itself, `teaser` a German lead).
_FOREIGN = re.compile(
    r"(?<![a-z])(?:related|sidebar|comments?|recommend\w*|popular|trending|most-?read|"
    r"newsletter|outbrain|taboola|breadcrumbs?|weather|calendar|menu|(?:top|main|sub|site|mobile)?nav\w*|"
    r"embed\w*|instagram-media|twitter-tweet|tiktok-embed)(?![a-z])", re.IGNORECASE
)
# Class or id words of the site's header and footer.
_FRAME = re.compile(r"(?<![a-z])(?:footer|masthead|site-?header|page-?header|top-?bar)(?![a-z])", re.IGNORECASE)
# A teaser card: its headline is a link (or inside one).
_CARD_HEADLINE = ".//*[self::h2 or self::h3 or self::h4]//a[@href] | .//a[@href][.//h2 or .//h3 or .//h4]"
_CARD_TEXT = 600  # characters: a teaser's headline, standfirst and byline


@dataclass
class DatePage:
    """What tells this page's own dates from other items' dates."""

    headline: HtmlElement | None
    container: set[HtmlElement]  # the headline and its ancestors: above them is page layout
    paths: set[str]  # the page's own URL paths (fetched, canonical, og:url)
    headline_text: str  # a line that is the headline is not a date line, even with a date in it
    tree: HtmlElement

    @cached_property
    def restated(self) -> frozenset[HtmlElement]:
        """Blocks that state the headline again as plain text, not as a link: a sticky or side
        header of the article itself (`div.sidebar` > `p.h1` + `time`), whatever its class says.
        Found once, the first time a date sits in a block marked as foreign; then looked up."""
        return _restated(self.tree, self.headline_text, self.container)


def page_context(tree: HtmlElement, data: Structured, url: str) -> DatePage:
    headline = headline_node(tree, data)
    container = {headline, *headline.iterancestors()} if headline is not None else set()
    urls = [url, data.first("og:url"), *tree.xpath("//link[@rel='canonical']/@href")[:1]]
    return DatePage(headline, container, {_path(u) for u in urls if u},
                    spaced_text(headline) if headline is not None else "", tree)


def _restated(tree: HtmlElement, headline_text: str, container: set[HtmlElement]) -> frozenset[HtmlElement]:
    if len(headline_text) < 12:
        return frozenset()
    found: set[HtmlElement] = set()
    # Only text nodes at least as long as the headline become Python strings (libxml2 filters).
    candidates = tree.xpath("//text()[string-length(.) >= $n][not(ancestor::a)][not(ancestor::script)]",
                            n=len(headline_text))
    for text in candidates:
        if " ".join(text.split()) != headline_text:
            continue
        parent = text.getparent()
        if parent is not None and text.is_tail:  # the text after an element belongs to its parent
            parent = parent.getparent()
        if parent is None or parent in container:
            continue
        found.update(a for a in (parent, *parent.iterancestors()) if a not in container)
    return frozenset(found)


def _path(url: str) -> str:
    return urlsplit(str(url).strip()).path.rstrip("/")


def in_foreign_block(node: HtmlElement, page: DatePage) -> bool:
    """The date belongs to something else on the page: a sidebar, a comment, a teaser card,
    a link to another page. Walks up to the headline's container only: what encloses the
    headline too is page layout (`<body class="has-sidebar">`), not another item."""
    for anc in node.iterancestors():
        if anc in page.container or anc.tag in ("body", "html"):
            return False
        if anc.tag in ("aside", "nav", "blockquote", "iframe"):
            return True
        if _page_frame(anc):
            return True
        if anc.tag == "a" and _foreign_link(anc, page):
            return True
        marker = f"{anc.get('class', '')} {anc.get('id', '')}"
        if marker.strip() and _FOREIGN.search(marker) and anc not in page.restated:
            return True
        if anc.tag in ("article", "li") and _is_card(anc):
            return True  # a teaser card (its headline is a link): another story's date
    return False


def _page_frame(node: HtmlElement) -> bool:
    """The site's header or footer (today's date, a copyright line), told from an article's own
    header and footer (TYPO3 puts the news date in `div.footer`) by not being inside the article."""
    marker = f"{node.get('class', '')} {node.get('id', '')}"
    if node.tag not in ("header", "footer") and not _FRAME.search(marker):
        return False
    return not any(a.tag in ("article", "main") for a in node.iterancestors())


def _is_card(node: HtmlElement) -> bool:
    """A small block whose headline is a link: a teaser for another story (an article
    element that holds a whole story with its related links is not one)."""
    return bool(node.xpath(_CARD_HEADLINE)) and len(node.text_content()) < _CARD_TEXT


def _foreign_link(link: HtmlElement, page: DatePage) -> bool:
    """A date inside a link is another page's (a teaser) unless the link is the page's own
    permalink (`rel=bookmark`, WordPress's `posted-on`) or holds little more than the date
    (a date archive, an author link)."""
    href = (link.get("href") or "").strip()
    if "bookmark" in (link.get("rel") or "") or not href or href.startswith("#") or _path(href) in page.paths:
        return False
    if link.xpath(".//h1|.//h2|.//h3|.//h4|.//img|.//picture"):
        return True
    return len(spaced_text(link).split()) > 8


def spaced_text(node: HtmlElement) -> str:
    """Text with a space between child nodes: `<span>02/01/2026</span><svg/><span>15:21</span>`
    is two tokens, not `02/01/202615:21`."""
    return " ".join(" ".join(node.itertext()).split())


