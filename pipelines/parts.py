"""The complete parts of a run directory (OUT/date=*/run=*/part-*.jsonl.gz, written by
pipelines/output.py): finding and reading them, without Scrapy (`newscrawl export` and its
parser, which every command builds, need only these)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any


def read_part(path: Path) -> list[dict[str, Any]]:
    """All records of a complete part; raises (OSError, EOFError, ValueError) if it is not complete."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def complete_parts(root: Path) -> list[Path]:
    return sorted(root.glob("date=*/run=*/part-*.jsonl.gz"))
