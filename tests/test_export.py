"""`newscrawl export`: a real run's parts as hive-partitioned Parquet / JSON lines, read back by DuckDB."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from pipelines.parts import complete_parts, read_part
from pipelines.validate import schema_errors
from tests.conftest import cli, run_cli
from tests.mockserver import MockServer
from tests.testsite import LocalNewsSite

pytestmark = pytest.mark.slow  # end-to-end: real crawls (and servers) in subprocesses

NEWEST = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=1)
EXPECTED_TYPES = {
    "schema_version": "INTEGER",
    "url": "VARCHAR",
    "site": "VARCHAR",
    "title": "VARCHAR",
    "text": "VARCHAR",
    "authors": "VARCHAR[]",
    "tags": "VARCHAR[]",
    "published_at": "VARCHAR",
    "published_at_utc": "TIMESTAMP WITH TIME ZONE",
    "modified_at": "VARCHAR",
    "modified_at_utc": "TIMESTAMP WITH TIME ZONE",
    "tz_assumed": "BOOLEAN",
    "language": "VARCHAR",
    "word_count": "BIGINT",
    "content_hash": "VARCHAR",
    "duplicate_of": "VARCHAR",
    "duplicate_similarity": "DOUBLE",
    "fetched_at": "VARCHAR",
    "fetched_at_utc": "TIMESTAMP WITH TIME ZONE",
    "http_status": "INTEGER",
    "date": "DATE",
}


_DUCKDB = """import datetime, duckdb, json, sys
con = duckdb.connect()
json.dump([con.execute(sql).fetchall() for sql in json.load(sys.stdin)], sys.stdout,
          default=lambda v: v.isoformat() if isinstance(v, (datetime.date, datetime.datetime)) else str(v))
"""


def duckdb_queries(*queries: str) -> list[list[list[Any]]]:
    """Results of a real DuckDB, run in a child process: loaded in the test process it would stay
    there, and every later child process inherits the parent's size in its measured peak RSS
    (tests/hostilesite.py reads ru_maxrss from wait4)."""
    result = subprocess.run(
        [sys.executable, "-c", _DUCKDB],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    """OUT of a real `newscrawl run` (several parts, several publication days), and its records."""
    tmp = tmp_path_factory.mktemp("run")
    with MockServer() as server:
        site = LocalNewsSite(server, newest=NEWEST)
        (tmp / "sites.toml").write_text(
            '[run]\noutput = "out"\nstate = "state"\nallow_private = true\n'
            "settings = { DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, NEWSCRAWL_PART_RECORDS = 4, "
            "NEWSCRAWL_WORKERS = 0 }\n\n"
            f'[[site]]\nurl = "{site.base}/"\n',
            encoding="utf-8",
        )
        result = run_cli("run", str(tmp / "sites.toml"))
        assert result.returncode == 0, result.stderr
    records = [r for part in complete_parts(tmp / "out") for r in read_part(part)]
    assert len(records) == 14 and len(complete_parts(tmp / "out")) >= 3
    return tmp / "out", records


def test_parquet_export_reads_in_duckdb_with_schema_types(
    crawled: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    out, records = crawled
    dest = tmp_path / "dataset"
    result = cli("export", str(out), "--format", "parquet", str(dest))
    assert result.returncode == 0, result.stderr
    assert "14 records from" in result.stderr
    files = sorted(p.relative_to(dest / "data").as_posix() for p in dest.rglob("*.parquet"))
    days = {datetime.fromisoformat(r["published_at"]).date().isoformat() for r in records}
    assert {f.rsplit("/", 1)[0] for f in files} == {f"site=127.0.0.1/date={day}" for day in days}
    table = f"read_parquet('{dest}/data/**/*.parquet', hive_partitioning = true)"
    one_day = min(days)
    count, described, rows, on_day, single = duckdb_queries(
        f"SELECT count(*) FROM {table}",
        f"DESCRIBE SELECT * FROM {table}",
        f"SELECT url, published_at, published_at_utc, date, authors, content_hash FROM {table}",
        f"SELECT count(*) FROM {table} WHERE date = DATE '{one_day}'",
        # Each file is a whole table on its own (partition columns kept inside).
        f"SELECT DISTINCT site FROM read_parquet('{dest}/data/{files[0]}', hive_partitioning = false)",
    )
    assert count == [[len(records)]]
    types = {name: kind for name, kind, *_ in described}
    assert {name: types.get(name) for name in EXPECTED_TYPES} == EXPECTED_TYPES
    by_url = {r["url"]: r for r in records}
    assert {row[0] for row in rows} == set(by_url)
    for url, published, published_utc, day, authors, content_hash in rows:
        record = by_url[url]
        assert published == record["published_at"]  # the stated offset is kept
        assert datetime.fromisoformat(published_utc) == datetime.fromisoformat(
            record["published_at"]
        )  # same instant
        assert day == record["published_at"][:10]  # the publication's own day
        assert authors == record["authors"] and content_hash == record["content_hash"]
    assert on_day == [[sum(r["published_at"].startswith(one_day) for r in records)]]
    assert single == [["127.0.0.1"]]


def test_dataset_card(crawled: tuple[Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    out, records = crawled
    dest = tmp_path / "dataset"
    assert cli("export", str(out), str(dest)).returncode == 0
    card = json.loads((dest / "dataset_card.json").read_text(encoding="utf-8"))
    assert card["records"] == len(records) and card["format"] == "parquet"
    assert card["counts"]["site"] == {"127.0.0.1": len(records)}
    assert card["counts"]["language"] == {"en": len(records)}
    assert sum(card["counts"]["date"].values()) == len(records)
    assert card["fill_rates"]["title"] == 1.0 and card["fill_rates"]["modified_at"] == 0.0
    marked = sum(r["duplicate_of"] is not None for r in records)
    assert card["duplicates"]["marked_duplicates"] == marked
    assert card["duplicates"]["rates"]["marked_duplicates"] == round(marked / len(records), 4)
    newest = max(records, key=lambda r: datetime.fromisoformat(r["published_at"]))
    assert card["date_range"]["published_at"]["max"] == newest["published_at"]
    readme = (dest / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("---\n") and 'path: "data/**/*.parquet"' in readme
    assert f"{len(records)} article records" in readme and "| 127.0.0.1 | 14 |" in readme


def test_jsonl_export_by_language_validates(
    crawled: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    out, records = crawled
    dest = tmp_path / "jsonl"
    result = cli("export", str(out), "--format", "jsonl", "--by", "language", str(dest))
    assert result.returncode == 0, result.stderr
    files = list(dest.rglob("*.jsonl"))
    assert [f.parent.name for f in files] == ["language=en"]
    exported = [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["content_hash"] for r in exported) == sorted(r["content_hash"] for r in records)
    assert all(schema_errors(r) == [] for r in exported)
    assert cli("validate", str(dest)).returncode == 0


def test_export_refuses_bad_arguments_and_keeps_dest(
    crawled: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    out, _ = crawled
    dest = tmp_path / "dataset"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    taken = cli("export", str(out), str(dest))
    assert taken.returncode == 2 and "exists and is not empty" in taken.stderr
    assert (dest / "keep.txt").read_text() == "mine"
    assert cli("export", str(tmp_path / "nothing"), str(tmp_path / "x")).returncode == 2
    (tmp_path / "empty-out").mkdir()
    no_parts = cli("export", str(tmp_path / "empty-out"), str(tmp_path / "x"))
    assert no_parts.returncode == 2 and "no complete parts" in no_parts.stderr
    bad_key = cli("export", str(out), "--by", "site,author", str(tmp_path / "x"))
    assert bad_key.returncode == 2 and not (tmp_path / "x").exists()
    replaced = cli("export", str(out), "--overwrite", "--by", "none", str(dest))
    assert replaced.returncode == 0, replaced.stderr
    assert not (dest / "keep.txt").exists()
    assert [p.name for p in (dest / "data").glob("*.parquet")] == ["part-00000.parquet"]
    assert not list(tmp_path.glob(".dataset.*")), "temporary directories left behind"


def test_export_never_writes_over_the_crawl_output(crawled: tuple[Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(crawled[0], out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    for dest in (out, out / "dataset", tmp_path):  # DEST is OUT, inside it, or contains it
        result = run_cli("export", str(out), str(dest), "--overwrite")
        assert result.returncode == 2, result.stderr
        assert "OUT_DIR" in result.stderr and "choose a DEST outside it" in result.stderr
        assert sorted(p.relative_to(out) for p in out.rglob("*")) == before


def test_export_names_a_missing_or_truncated_part(crawled: tuple[Path, list[dict[str, Any]]], tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(crawled[0], out)
    first, second = complete_parts(out)[:2]
    first.write_bytes(first.read_bytes()[:-40])  # truncated
    second.unlink()  # missing
    result = run_cli("export", str(out), str(tmp_path / "dataset"))
    assert result.returncode == 1 and not (tmp_path / "dataset").exists()
    assert "2 damaged output parts" in result.stderr, result.stderr
    assert f"{first}: " in result.stderr and f"{second}: missing" in result.stderr
