"""Is this page an article a reader would see? Reasons when it is not."""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

from ..errors import PageRejected
from ..normalization.words import count_words
from .structured import Structured, is_article_type
from .titles import squash

# Interstitials served with status 200: JS cookie walls, bot checks, consent gates.
_CHALLENGE = re.compile(
    r"document\.cookie\s*=.*?(?:location\.reload|window\.location)|window\.location\.href\s*=|"
    r"attention required|just a moment\.\.\.|checking your browser|cf-browser-verification|"
    r"captcha|are you a robot|enable javascript and cookies|ddos protection by",
    re.S,  # matched against lowercased text: five times faster than re.I on 20 kB of markup
)
# A literal each _CHALLENGE branch contains: most pages have none, and `in` is 10x faster than the regex.
_CHALLENGE_WORDS = ("document.cookie", "window.location.href", "attention required", "just a moment...",
                    "checking your browser", "cf-browser-verification", "captcha", "are you a robot",
                    "enable javascript and cookies", "ddos protection by")
_LISTING_TYPES = {"collectionpage", "itemlist", "searchresultspage", "profilepage", "webpage"}
_LINKED_TEXT_SHARE = 0.5
MIN_ARTICLE_WORDS = 40  # below this, a page needs article markup to count as one
# A locked page with fewer words shows a sentence or two, not the article. Metered sites mark
# full articles locked too; a longer preview (several paragraphs) is kept as the page's text,
# as the Article Extraction Benchmark counts it (its two WSJ pages are 67- and 88-word previews).
PAYWALL_TEASER_WORDS = 60


def check_blocked(tree: HtmlElement, html: str) -> None:
    """Raise for anti-bot and cookie-wall pages (tiny visible text, a challenge script)."""
    head = html[:20000].lower()
    if not any(word in head for word in _CHALLENGE_WORDS) or not _CHALLENGE.search(head):
        return
    texts = tree.xpath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
    if len(" ".join(" ".join(texts).split())) < 600:
        raise PageRejected("blocked", "an anti-bot or cookie-wall page, not the article")


def check_article(data: Structured, text: str, link_density: Callable[[], float],
                  link_texts: frozenset[str] = frozenset()) -> None:
    """Raise unless the page looks like one article (declared or by its text). `link_density` is
    asked only for a page with listing markup (it costs a walk over every link); `link_texts`
    holds the page's headline-like link texts (body.PageNoise.links)."""
    words = count_words(text)
    declared = any(is_article_type(t) for t in data.types) or (data.first("og:type") or "").lower() == "article"
    if not text.strip():
        raise PageRejected("not_article", "no article text found")
    # Before the article test: a paywall stub is declared an article and has a teaser's words.
    if paywalled(data) and words < PAYWALL_TEASER_WORDS:
        raise PageRejected("paywalled", "a paywall stub: only a teaser is readable")
    if declared and words >= 15:
        return
    if data.types & _LISTING_TYPES and not declared and link_density() > 0.5:
        raise PageRejected("not_article", "a listing page (collection markup, mostly links)")
    if not declared and _linked_share(text, link_texts) > _LINKED_TEXT_SHARE:
        raise PageRejected("not_article", "a listing page (its text is other pages' link titles)")
    if words < MIN_ARTICLE_WORDS:
        raise PageRejected("not_article", f"too little text for an article ({words} words)")


def _linked_share(text: str, link_texts: frozenset[str]) -> float:
    """Share of the text's characters in lines that are, whole, the text of a link on the page."""
    lines = [line for line in text.splitlines() if line.strip()]
    total = sum(len(line) for line in lines)
    if not total or not link_texts:
        return 0.0
    return sum(len(line) for line in lines if squash(line) in link_texts) / total


def paywalled(data: Structured) -> bool:
    """The page declares its text locked: schema.org isAccessibleForFree=false (on the article
    or a part of it) or a locked content tier."""
    parts = data.article.get("hasPart")
    parts = parts if isinstance(parts, list) else [parts]
    flags = [data.article.get("isAccessibleForFree")] + [p.get("isAccessibleForFree") for p in parts
                                                         if isinstance(p, dict)]
    if any(str(flag).lower() in ("false", "0", "no") for flag in flags):
        return True
    return (data.first("article:content_tier") or "").lower() in ("locked", "metered_locked")


def link_density(tree: HtmlElement) -> float:
    """Share of the body's visible text that sits inside links."""
    body = tree.find("body")
    if body is None:
        return 0.0
    total = len(" ".join(body.text_content().split()))
    if not total:
        return 0.0
    linked = sum(len(" ".join(a.text_content().split())) for a in body.iter("a"))
    return min(1.0, linked / total)
