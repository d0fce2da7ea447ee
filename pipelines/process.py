"""One page through every stage, outside Scrapy (extract command, worker processes)."""

from __future__ import annotations

from lxml.html import HtmlElement

from pipelines.contracts.items import ArticleRecord, RawPage

from .errors import PageRejected
from .extract import extract_article
from .normalize import normalize_article
from .validate import schema_errors


def process_page(raw: RawPage, tree: HtmlElement | None = None) -> ArticleRecord:
    """RawPage -> valid ArticleRecord; PageRejected with a reason otherwise."""
    record = normalize_article(extract_article(raw, tree=tree))
    errors = schema_errors(record.to_dict())
    if errors:
        raise PageRejected("invalid", "; ".join(errors[:3]))
    return record
