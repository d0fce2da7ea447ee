"""RawPage -> ExtractedArticle: the extraction stage, as a function and as a pipeline."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from lxml.html import HtmlElement

from crawler.items import DateCandidate, ExtractedArticle, RawPage
from crawler.profiles import SiteProfile, get_profile, profile_for_host
from crawler.urls import host_of

from .errors import PageRejected
from .extraction import body as body_mod
from .extraction.authors import settle
from .extraction.classify import check_article, check_blocked, link_density
from .extraction.datefinder import declared_locale, find_dates
from .extraction.document import parse_html
from .extraction.hugepage import is_huge
from .extraction.metadata import read_facts
from .extraction.paragraphs import split_run_on
from .extraction.structured import read_structured, unescape_twice_escaped
from .extraction.titles import choose_title, squash
from .normalization.text import with_lead

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

# `(Dân trí) - `, `(NLĐO) - `, `TTO - `, `VOV.VN - `: an agency tag in front of the lead.
_LEAD_TAG = re.compile(r"^(?:\([^()]{2,24}\)|[A-ZĐ][A-ZĐ0-9.]{1,11})\s*[-–—]\s+")


def resolve_profile(raw: RawPage) -> SiteProfile | None:
    if raw.profile:
        return get_profile(raw.profile)
    return profile_for_host(host_of(raw.url))


def extract_article(raw: RawPage, profile: SiteProfile | None = None, tree: HtmlElement | None = None,
                    *, release_html: bool = False) -> ExtractedArticle:
    """Extract one page; PageRejected when it is not an article. `release_html`: the caller
    owns `raw` and needs its HTML no more, which is dropped once read (a 10 MiB page's HTML
    is 10 to 40 MiB of str, not held while its text is extracted)."""
    profile = profile or resolve_profile(raw)
    if tree is None:  # the workers pass the tree they already parsed for links
        tree = parse_html(raw.html)
    check_blocked(tree, raw.html)
    huge = is_huge(raw.html, tree)
    if release_html:
        raw.html = ""
    data = read_structured(tree)
    page_url = raw.url or None
    facts = read_facts(tree, data, page_url, profile.author_xpath if profile else None)
    title = choose_title(tree, data, facts.site_names, profile.title_xpath if profile else None)
    title = unescape_twice_escaped(title) if title else title
    dates = find_dates(tree, data, facts.canonical or raw.url, profile.date_xpath if profile else None)
    dates += [DateCandidate(value, source) for source, value in raw.hints.items() if source in ("sitemap", "feed")]
    noise = body_mod.page_noise(tree)
    text = body_mod.extract_body(tree, page_url, profile.prune_xpaths if profile else (), noise, huge=huge)
    text = split_run_on(text, tree)  # a photo story's captions run together: one per line again
    body = body_mod.clean_body(text, title=title, noise=noise)
    del text  # the text before cleaning: up to 40 MB on a 10 MiB page
    description = _strip_lead_tag(facts.description, profile)
    body.text = _strip_first_line_tag(body.text, facts.description, description)
    if facts.visible_lead and squash(title) not in squash(facts.visible_lead):  # not a header block
        body.text = with_lead(body.text, _strip_lead_tag(facts.visible_lead, profile))
    check_article(data, body.text, lambda: link_density(tree), noise.links)  # nothing above edits the tree
    if not title:
        raise PageRejected("not_article", "no headline found")
    authors, credit = settle(facts.byline, body.authors, body.source_credit, body.text)
    return ExtractedArticle(
        url=facts.canonical or raw.url,
        fetched_url=raw.url,
        fetched_at=raw.fetched_at,
        title=title,
        description=description,
        text=body.text,
        authors=authors,
        source_credit=credit,
        site_name=facts.site_names[0] if facts.site_names else None,
        dates=dates,
        html_lang=declared_locale(tree, data) or facts.language,
        tags=facts.tags,
        section=facts.section,
        image=facts.image,
        http_status=raw.http_status,
        profile=profile.name if profile else None,
        input=raw.input,
        requested_url=raw.requested_url,
    )


def _strip_lead_tag(lead: str | None, profile: SiteProfile | None) -> str | None:
    if not lead:
        return lead
    if profile and profile.lead_prefix:
        lead = re.sub(profile.lead_prefix, "", lead)
    return _LEAD_TAG.sub("", lead, count=1)


def _strip_first_line_tag(text: str, raw_lead: str | None, lead: str | None) -> str:
    """The body repeats the lead with its agency tag; drop the tag there too."""
    if not text or not raw_lead or not lead or raw_lead == lead or not raw_lead.endswith(lead):
        return text
    tag = raw_lead[: len(raw_lead) - len(lead)]
    if tag.startswith("(") and text.startswith(tag):  # datelines such as `WASHINGTON —` stay
        return text[len(tag):]
    return text


class ExtractPipeline:
    """RawPage -> ExtractedArticle; other items pass through. Drops non-articles with a reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawPage):
            return item
        try:
            return extract_article(item)
        except PageRejected as exc:
            # Imported here: importing anything from scrapy loads all of Scrapy (~22 MiB), which
            # the extraction stack (workers, fork server, `newscrawl extract`) does without.
            from scrapy.exceptions import DropItem

            stats = self.crawler.stats
            if stats is not None:
                stats.inc_value(f"newscrawl/dropped/{exc.reason}")
            raise DropItem(f"{exc.reason}: {exc.detail}: {item.url}") from None
