"""The published record JSON Schema (crawler/record.schema.json), as messages:
read by process_page (every record) and `newscrawl validate` (files)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator


@lru_cache(maxsize=1)
def record_validator() -> Draft202012Validator:
    schema = json.loads(files("crawler").joinpath("record.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def schema_errors(record: dict[str, Any]) -> list[str]:
    """Human-readable schema violations of one record ([] when valid)."""
    return [f"{'/'.join(map(str, e.absolute_path)) or '(record)'}: {e.message}"
            for e in record_validator().iter_errors(record)]
