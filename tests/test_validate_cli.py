"""`newscrawl validate PATH...`: located problems, counts, exit status 0 / 1 / 2."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, ROOT, cli, run_cli
from tests.hostilesite import run_measured
from tests.test_extract_cli import without_permission_bypass


def good() -> dict[str, Any]:
    return dict(json.loads((FIXTURES / "seed" / "expected.json").read_text(encoding="utf-8")))


def lines(*records: Any) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records)


def test_bad_records_are_reported_with_file_line_and_field(tmp_path: Path) -> None:
    missing = good()
    del missing["content_hash"], missing["duplicate_of"]
    bad_date = {**good(), "published_at": "28/12/2023 09:47"}
    bad_types = {**good(), "word_count": -3, "authors": "Jane Doe"}
    extract_error = {"input": "page.html", "error": "not_article: too little text"}
    path = tmp_path / "records.jsonl"
    path.write_text(
        lines(good(), missing, "", bad_date, "{not json", bad_types, extract_error, [1, 2]), encoding="utf-8"
    )
    result = cli("validate", str(path))
    assert result.returncode == 1, result.stderr
    out = result.stdout.splitlines()
    assert f"{path}:2: (record): missing required fields: content_hash, duplicate_of" in out
    assert any(line.startswith(f"{path}:4: published_at: ") for line in out)
    assert any(line.startswith(f"{path}:5: (record): invalid JSON: ") for line in out)
    assert any(line.startswith(f"{path}:6: word_count: -3 is less than the minimum") for line in out)
    assert any(line.startswith(f"{path}:6: authors: 'Jane Doe' is not of type 'array'") for line in out)
    assert f"{path}:7: (record): an extract error line, not a record: not_article: too little text" in out
    assert f"{path}:8: (record): not a JSON object but list" in out
    assert not any(
        line.startswith((f"{path}:1:", f"{path}:3:")) for line in out
    )  # the good record, the blank line
    assert out[-1] == "newscrawl validate: 1 files, 7 records: 1 valid, 6 invalid"


def test_directories_gzip_and_all_valid(tmp_path: Path) -> None:
    (tmp_path / "date=2024-01-01" / "run=1").mkdir(parents=True)
    with gzip.open(
        tmp_path / "date=2024-01-01" / "run=1" / "part-00000.jsonl.gz", "wt", encoding="utf-8"
    ) as handle:
        handle.write(lines(good(), good()))
    (tmp_path / "b.jsonl").write_text(lines(good()), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a record file, not read")
    result = cli("validate", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "newscrawl validate: 2 files, 3 records: 3 valid, 0 invalid"
    long_text = {**good(), "content_hash": "x" * 5000}
    (tmp_path / "b.jsonl").write_text(lines(long_text), encoding="utf-8")
    result = cli("validate", str(tmp_path))
    assert result.returncode == 1
    problem = [line for line in result.stdout.splitlines() if ":1: content_hash: " in line]
    assert (
        len(problem) == 1 and len(problem[0]) < 300 and problem[0].endswith("...")
    )  # the value is cut short


def test_unreadable_inputs_exit_2(tmp_path: Path) -> None:
    missing = cli("validate", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(lines(good(), good()).encode())[:-30])  # truncated stream
    (tmp_path / "ok.jsonl").write_text(lines(good()), encoding="utf-8")
    result = cli("validate", str(broken), str(tmp_path / "ok.jsonl"))
    assert result.returncode == 2
    assert f"{broken}: unreadable" in result.stderr and "Traceback" not in result.stderr
    assert "1 files unreadable" in result.stdout.splitlines()[-1]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("validate", str(empty)).returncode == 2


@pytest.mark.slow
def test_a_run_output_directory_validates(tmp_path: Path) -> None:
    """The check docs/operations.md recommends after a run: its `_manifest.jsonl` is no record."""
    from tests.hostileserver import HostileServer
    from tests.hostilesite import HealthySite

    with HostileServer() as server:
        site = HealthySite(server)
        sites = tmp_path / "news.toml"
        sites.write_text(f'[run]\noutput = "out"\nstate = "state"\nallow_private = true\n'
                         f"settings = {{ DOWNLOAD_DELAY = 0, NEWSCRAWL_WORKERS = 0 }}\n"
                         f'[[site]]\nurl = "{site.base}/"\n', encoding="utf-8")
        assert run_cli("run", str(sites)).returncode == 0
    assert list((tmp_path / "out").glob("date=*/run=*/_manifest.jsonl"))
    result = cli("validate", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "newscrawl validate: 1 files, 3 records: 3 valid, 0 invalid"


@pytest.mark.slow  # a 1 GiB read and subprocesses
def test_huge_line_fifo_and_locked_folder_neither_hang_nor_fill_memory(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as handle:  # 1 GiB without a newline (sparse: no disk used), then a good record
        handle.truncate(1 << 30)
        handle.seek(1 << 30)
        handle.write(("\n" + json.dumps(good(), ensure_ascii=False) + "\n").encode("utf-8"))
    result, peak_mb = run_measured("validate", str(huge), timeout=120)
    assert result.returncode == 1, result.stderr
    assert f"{huge}:1: (record): longer than" in result.stdout and "1 valid, 1 invalid" in result.stdout
    assert peak_mb < 300, f"validate held {peak_mb:.0f} MB for a 1 GiB line"
    folder = tmp_path / "records"
    (folder / "locked").mkdir(parents=True)
    (folder / "ok.jsonl").write_text(lines(good()), encoding="utf-8")
    (folder / "locked" / "more.jsonl").write_text(lines(good()), encoding="utf-8")
    os.mkfifo(folder / "pipe.jsonl")
    (folder / "locked").chmod(0)
    try:
        listed = subprocess.run([*without_permission_bypass(), sys.executable, "-m", "crawler.cli", "validate",
                                 str(folder)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                capture_output=True, text=True, timeout=60)
    finally:
        (folder / "locked").chmod(0o755)
    assert listed.returncode == 2, listed.stderr
    assert f"{folder / 'locked'}: unreadable: directory not readable: Permission denied" in listed.stderr
    assert f"{folder / 'pipe.jsonl'}: unreadable: not a regular file but a FIFO" in listed.stderr
    assert "1 valid, 0 invalid, 2 files unreadable" in listed.stdout
