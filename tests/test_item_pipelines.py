"""The extract and normalize pipelines, for spiders that yield RawPage items themselves
(ours hands pages to the extraction workers instead)."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from pipelines.contracts.items import ArticleRecord, ExtractedArticle, RawPage
from pipelines.extract import ExtractPipeline
from pipelines.normalize import NormalizePipeline
from tests.conftest import read_fixture

SEED_URL = "https://phanlanvandien.vn/tin-tuc/hoi-nghi.html"


def test_raw_page_becomes_a_record_through_the_pipelines() -> None:
    crawler = get_crawler()
    extract, normalize = ExtractPipeline.from_crawler(crawler), NormalizePipeline.from_crawler(crawler)
    raw = RawPage(url=SEED_URL, html=read_fixture("seed/seed-reconstructed.html"), fetched_at="2023-12-28T05:00:00+00:00")
    extracted = extract.process_item(raw)
    assert isinstance(extracted, ExtractedArticle)
    record = normalize.process_item(extracted)
    assert isinstance(record, ArticleRecord)
    assert record.published_at == "2023-12-28T09:47:00+07:00"
    assert normalize.process_item(record) is record  # other items pass through


def test_non_article_is_dropped_with_its_reason() -> None:
    crawler = get_crawler()
    extract = ExtractPipeline.from_crawler(crawler)
    raw = RawPage(url="https://example.com/tags", html="<html><body><h1>Tags</h1><a href='/a'>A</a></body></html>",
                  fetched_at="2024-01-01T00:00:00+00:00")
    with pytest.raises(DropItem, match="^not_article: "):
        extract.process_item(raw)
