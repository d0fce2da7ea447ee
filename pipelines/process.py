"""One page through every stage: RawPage -> ExtractedArticle -> ArticleRecord, checked against
the record schema (the one schema check: every record of every mode comes from here).

The crawl runs it in the extraction workers (crawler/pageanalysis.py), `newscrawl extract` and
the quality gate call it directly, and PagePipeline runs it for a spider of your own that
yields RawPage items.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from lxml.html import HtmlElement

from crawler.items import ArticleRecord, ExtractedArticle, RawPage

from .errors import PageRejected
from .extract import extract_article
from .normalize import normalize_article
from .validate import schema_errors

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


def process_page(raw: RawPage, tree: HtmlElement | None = None) -> ArticleRecord:
    """RawPage -> valid ArticleRecord; PageRejected with a reason otherwise."""
    return finish_record(raw, extract_article(raw, tree=tree))


def finish_record(raw: RawPage, article: ExtractedArticle) -> ArticleRecord:
    """The second half of process_page: ExtractedArticle -> valid ArticleRecord."""
    record = normalize_article(article)
    # Provenance, never exported: the sitemap/feed lastmod the page was listed with (change detection).
    record = replace(record, lastmod=raw.hints.get("lastmod"))
    errors = schema_errors(record.to_dict())
    if errors:
        raise PageRejected("invalid", "; ".join(errors[:3]))
    return record


class PagePipeline:
    """RawPage items -> ArticleRecord items; other items pass through. A page that gives no
    record is dropped with its reason (`not_article`, `invalid`, ...) and counted.

    Not in ITEM_PIPELINES by default: the news spider extracts in worker processes and yields
    records. Add it (`{"pipelines.process.PagePipeline": 100}`) for a spider that yields RawPages.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PagePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, RawPage):
            return item
        try:
            return process_page(item)
        except PageRejected as exc:
            # Imported here: importing anything from scrapy loads all of Scrapy (~22 MiB), which
            # the extraction stack (workers, fork server, `newscrawl extract`) does without.
            from scrapy.exceptions import DropItem

            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(f"newscrawl/dropped/{exc.reason}")
            raise DropItem(f"{exc.reason}: {exc.detail}: {item.url}") from None
