"""PagePipeline: the whole page stage for spiders that yield RawPage items (ours hands pages to
the extraction workers instead), and what ITEM_PIPELINES holds."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler import settings
from crawler.items import ArticleRecord, RawPage
from pipelines.process import PagePipeline
from tests.conftest import read_fixture

SEED_URL = "https://phanlanvandien.vn/tin-tuc/hoi-nghi.html"


def test_raw_page_becomes_a_record_through_the_pipeline() -> None:
    pipeline = PagePipeline.from_crawler(get_crawler())
    raw = RawPage(url=SEED_URL, html=read_fixture("seed/seed-reconstructed.html"),
                  fetched_at="2023-12-28T05:00:00+00:00", hints={"lastmod": "2023-12-28T10:00:00+07:00"})
    record = pipeline.process_item(raw)
    assert isinstance(record, ArticleRecord)
    assert record.published_at == "2023-12-28T09:47:00+07:00"
    assert record.lastmod == "2023-12-28T10:00:00+07:00"  # provenance comes with the result
    assert pipeline.process_item(record) is record  # other items pass through


def test_non_article_is_dropped_with_its_reason() -> None:
    pipeline = PagePipeline.from_crawler(get_crawler())
    raw = RawPage(url="https://example.com/tags", html="<html><body><h1>Tags</h1><a href='/a'>A</a></body></html>",
                  fetched_at="2024-01-01T00:00:00+00:00")
    with pytest.raises(DropItem, match=r"^not_article: "):
        pipeline.process_item(raw)


def test_item_pipelines_only_decide_and_write() -> None:
    """Extraction, normalization and the schema check happen once, in process_page; no pipeline
    in ITEM_PIPELINES passes items through untouched for want of RawPages."""
    assert not {"pipelines.extract.ExtractPipeline", "pipelines.normalize.NormalizePipeline",
                "pipelines.validate.ValidatePipeline"} & set(settings.ITEM_PIPELINES)
