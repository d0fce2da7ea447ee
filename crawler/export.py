"""Records of a run directory as a dataset: typed Parquet or JSON lines, hive-partitioned.

    DEST/README.md, DEST/dataset_card.json                          the dataset card
    DEST/data/site=vnexpress.net/date=2024-03-05/part-00000.parquet  the records

Data files live under data/, the card beside it: polars refuses a directory of mixed file
types, and data/ is where the Hugging Face hub expects them.

Only complete parts are read (OUT/date=*/run=*/part-*.jsonl.gz, see pipelines/output.py), and
each is checked against its run's manifest first (bytes, sha256, records): a missing, truncated
or altered part stops the export with its name (DamagedParts); `newscrawl run` sets such
parts aside and fetches their articles again.
`date` is the day of `published_at` in the offset the page states (the publication's own
day), else the UTC day of `fetched_at`. Partition columns stay inside the files too, so a
single file is a complete table; DuckDB, polars and Hugging Face `datasets` read the
directory as-is.

Parquet types follow the schema: strings, booleans, int, float, lists of strings. Dates with
an offset stay strings (`published_at`, `modified_at`, `fetched_at`: a timestamp type cannot
keep the offset the page stated), each with a `*_utc` timestamp column next to it for
sorting and range queries. The whole export is written in a temporary directory next to
DEST and renamed into place at the end: DEST is complete or absent.
"""

from __future__ import annotations

import json
import os
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from crawler.datacard import CardStats
from crawler.items import RECORD_FIELDS
from pipelines import manifest
from pipelines.parts import complete_parts, read_part

if TYPE_CHECKING:
    import pyarrow as pa

FORMATS = ("parquet", "jsonl")
PARTITION_KEYS = ("site", "date", "language")
DATA_DIR = "data"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"  # what Hive, DuckDB, polars and pyarrow read as null
FLUSH_ROWS = 20_000  # rows held in memory before they are written out (one file per partition)
TIMESTAMP_FIELDS = ("published_at", "modified_at", "fetched_at")


def arrow_schema() -> pa.Schema:
    """Record fields in schema order, a `*_utc` timestamp after each dated string, then `date`."""
    import pyarrow as pa  # here, not at the top: every `newscrawl` command would pay for the import

    types = {
        "schema_version": pa.int32(),
        "tz_assumed": pa.bool_(),
        "word_count": pa.int64(),
        "http_status": pa.int32(),
        "duplicate_similarity": pa.float64(),
        "authors": pa.list_(pa.string()),
        "tags": pa.list_(pa.string()),
    }
    columns: list[pa.Field] = []
    for name in RECORD_FIELDS:
        columns.append(pa.field(name, types.get(name, pa.string())))
        if name in TIMESTAMP_FIELDS:
            columns.append(pa.field(f"{name}_utc", pa.timestamp("us", tz="UTC")))
    columns.append(pa.field("date", pa.date32()))
    return pa.schema(columns)


def utc(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed.astimezone(timezone.utc) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def record_date(record: dict[str, Any]) -> date:
    if record.get("published_at"):
        return datetime.fromisoformat(record["published_at"]).date()
    moment = utc(record.get("fetched_at"))
    return moment.date() if moment else date(1970, 1, 1)


def normalized(record: dict[str, Any]) -> dict[str, Any]:
    """Schema fields in schema order; fields an older record lacks are null."""
    return {name: record.get(name) for name in RECORD_FIELDS}


def arrow_row(record: dict[str, Any]) -> dict[str, Any]:
    row = normalized(record)
    for name in TIMESTAMP_FIELDS:
        row[f"{name}_utc"] = utc(record.get(name))
    row["date"] = record_date(record)
    return row


def partition_path(record: dict[str, Any], by: tuple[str, ...]) -> str:
    values = {
        "site": record.get("site"),
        "date": record_date(record).isoformat(),
        "language": record.get("language"),
    }
    parts = [f"{key}={quote(str(values[key]), safe='.-_') if values[key] else NULL_PARTITION}" for key in by]
    return "/".join(parts)


class DamagedParts(ValueError):
    """Parts that do not match their manifest; the message names each one."""

    def __init__(self, problems: list[tuple[Path, str]]) -> None:
        self.problems = problems
        listed = "; ".join(f"{part}: {why}" for part, why in problems)
        super().__init__(f"{len(problems)} damaged output parts ({listed}); run `newscrawl run` on this "
                         "output to set them aside and fetch their articles again")


def check_parts(out_dir: Path) -> None:
    """Every part a manifest lists is there, whole (size and sha256); DamagedParts if not."""
    problems = [found for run_dir in sorted(out_dir.glob("date=*/run=*"))
                for found in manifest.damaged_parts(run_dir, deep=True)]
    if problems:
        raise DamagedParts(problems)


def iter_records(out_dir: Path) -> Iterator[dict[str, Any]]:
    listed: dict[Path, dict[str, dict[str, Any]]] = {}
    for part in complete_parts(out_dir):
        entries = listed.setdefault(part.parent, manifest.entries(part.parent))
        try:
            records = read_part(part)
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            raise DamagedParts([(part, f"unreadable ({exc})")]) from None
        expected = entries.get(part.name, {}).get("records")
        if expected is not None and expected != len(records):
            raise DamagedParts([(part, f"{len(records)} records, the manifest says {expected}")])
        yield from records


@dataclass
class ExportResult:
    records: int = 0
    parts: int = 0
    files: list[str] = field(default_factory=list)
    card: dict[str, Any] = field(default_factory=dict)


class PartitionedWriter:
    """Buffers rows per partition and writes each buffer as a new file of that partition."""

    def __init__(self, root: Path, fmt: str) -> None:
        self.root = root
        self.fmt = fmt
        self.schema = arrow_schema()
        self.buffers: dict[str, list[dict[str, Any]]] = {}
        self.counts: dict[str, int] = {}
        self.buffered = 0
        self.files: list[str] = []

    def add(self, partition: str, record: dict[str, Any]) -> None:
        self.buffers.setdefault(partition, []).append(record)
        self.buffered += 1
        if self.buffered >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for partition, rows in self.buffers.items():
            number = self.counts.get(partition, 0)
            self.counts[partition] = number + 1
            directory = self.root / partition if partition else self.root
            directory.mkdir(parents=True, exist_ok=True)
            path = directory / f"part-{number:05d}.{self.fmt}"
            if self.fmt == "parquet":
                import pyarrow as pa
                import pyarrow.parquet as pq

                table = pa.Table.from_pylist([arrow_row(r) for r in rows], schema=self.schema)
                pq.write_table(table, path, compression="zstd")
            else:
                with path.open("w", encoding="utf-8") as handle:
                    handle.writelines(json.dumps(normalized(r), ensure_ascii=False) + "\n" for r in rows)
            self.files.append(str(path.relative_to(self.root)))
        self.buffers.clear()
        self.buffered = 0


def export(
    out_dir: Path,
    dest: Path,
    fmt: str = "parquet",
    by: tuple[str, ...] = ("site", "date"),
    overwrite: bool = False,
) -> ExportResult:
    """Write the dataset and its card; raises FileExistsError when DEST exists (and not overwrite)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if dest.exists() and not overwrite and (not dest.is_dir() or any(dest.iterdir())):
        raise FileExistsError(f"{dest} exists and is not empty")
    tmp = dest.with_name(f".{dest.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        result = _write(out_dir, tmp, fmt, by)
        _replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


def _write(out_dir: Path, root: Path, fmt: str, by: tuple[str, ...]) -> ExportResult:
    check_parts(out_dir)
    writer = PartitionedWriter(root / DATA_DIR, fmt)
    stats = CardStats()
    result = ExportResult(parts=len(complete_parts(out_dir)))
    for record in iter_records(out_dir):
        writer.add(partition_path(record, by), record)
        stats.add(record, record_date(record).isoformat())
        result.records += 1
    writer.flush()
    result.files = [f"{DATA_DIR}/{name}" for name in writer.files]
    result.card = stats.card(format=fmt, partitioned_by=list(by), files=len(writer.files), parts=result.parts)
    stats.write(root, result.card)
    return result


def _replace(tmp: Path, dest: Path) -> None:
    old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
    if dest.exists():
        dest.rename(old)
    tmp.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
