"""Records checked against the published JSON Schema before they are written."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from pipelines.contracts.items import ArticleRecord


@lru_cache(maxsize=1)
def record_validator() -> Draft202012Validator:
    schema = json.loads(files("pipelines.contracts").joinpath("record.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def schema_errors(record: dict[str, Any]) -> list[str]:
    """Human-readable schema violations of one record ([] when valid)."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(record)'}: {e.message}"
            for e in record_validator().iter_errors(record)]


class ValidatePipeline:
    """Drops records that break the schema, counting them under `newscrawl/dropped/invalid`."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        errors = schema_errors(item.to_dict())
        if errors:
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("newscrawl/dropped/invalid")
            raise DropItem(f"invalid: {'; '.join(errors[:3])}: {item.url}")
        return item
