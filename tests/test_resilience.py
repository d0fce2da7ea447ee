"""Scheduled runs that meet a full disk, a damaged output or state, or another run: real
`newscrawl run` processes, a real size-limited filesystem, nothing lost and nothing duplicated."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.urls import dedup_key
from pipelines import manifest
from pipelines.parts import complete_parts, read_part
from tests.conftest import ROOT
from tests.mockserver import MockServer
from tests.smalldisk import SmallDisk
from tests.testsite import LocalNewsSite

pytestmark = pytest.mark.slow  # end-to-end: real runs in subprocesses, a real small filesystem

NEWEST = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=1)
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
FAST = "DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, NEWSCRAWL_WORKERS = 0"


def sites_file(tmp_path: Path, base: str, output: Path | str = "out", part_records: int = 5,
               site_extra: str = "") -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(f"""[run]
output = "{output}"
state = "state"
allow_private = true
settings = {{ {FAST}, NEWSCRAWL_PART_RECORDS = {part_records} }}

[[site]]
url = "{base}/"
{site_extra}
""", encoding="utf-8")
    return path


def newscrawl(*args: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", *args]


def run(argv: list[str], timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)


def urls_in(out: Path) -> list[str]:
    return [r["url"] for part in complete_parts(out) for r in read_part(part)]


def marked(state: Path) -> set[str]:
    with sqlite3.connect(state / "state.sqlite") as db:
        return {row[0] for row in db.execute("SELECT key FROM articles")}


def assert_consistent(out: Path, state: Path) -> None:
    """Every listed part is complete and matches its manifest line; the state marks exactly
    the articles of the complete parts."""
    for run_dir in out.glob("date=*/run=*"):
        listed = {name for name, entry in manifest.entries(run_dir).items() if not entry.get("retired")}
        assert listed == {p.name for p in run_dir.glob("part-*.jsonl.gz")}
        assert manifest.damaged_parts(run_dir, deep=True) == []
    assert marked(state) == {dedup_key(url) for url in urls_in(out)}


def test_full_output_disk_stops_the_run_and_the_rerun_loses_nothing(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, count=40, newest=NEWEST)
    expected = {site.base + st.path for st in site.stories}
    with SmallDisk(tmp_path / "disk", 256 * 1024) as disk:
        path = sites_file(tmp_path, site.base, output=tmp_path / "disk" / "out")
        disk.fill(leave=3 * 4096)  # the manifest and two parts of 5 records (a page each), not more
        first = run(disk.command(newscrawl("run", str(path))))
        out = disk.path / "out"
        assert first.returncode == 1, first.stderr
        assert "No space left on device" in first.stderr and "Traceback" not in first.stderr
        assert "records were discarded" in first.stderr and "(output_error)" in first.stderr
        written = urls_in(out)
        assert 0 < len(written) < len(expected)
        assert not list(out.glob("date=*/run=*/.part-*"))  # the failed part is gone, not half there
        assert_consistent(out, tmp_path / "state")
        report = json.loads((tmp_path / "state" / "runs" / "last-run.json").read_text())
        assert report["finish_reason"] == "output_error" and report["sites"]["127.0.0.1"]["status"] == "incomplete"
        assert report["sites"]["127.0.0.1"]["new"] == len(written), "new counts discarded records"
        assert f"newscrawl run: {len(written)} new records under" in first.stderr
        disk.free()
        second = run(disk.command(newscrawl("run", str(path))))
        assert second.returncode == 0, second.stderr
        urls = urls_in(out)
        assert len(urls) == len(set(urls)), "duplicates"
        assert set(urls) == expected
        assert_consistent(out, tmp_path / "state")


def test_two_runs_of_one_sites_file_at_once_one_refuses(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, count=30, newest=NEWEST)
    path = sites_file(tmp_path, site.base, site_extra="delay = 0.05\nconcurrency = 1")
    procs = [subprocess.Popen(newscrawl("run", str(path)), cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(proc.wait(timeout=180), proc.communicate()[1]) for proc in procs]
    assert sorted(code for code, _ in results) == [0, 2], results
    winner = next(proc for proc, (code, _) in zip(procs, results, strict=True) if code == 0)
    refused = next(err for code, err in results if code == 2)
    assert "another run is using the state directory" in refused and f"pid {winner.pid}" in refused
    assert len(refused.strip().splitlines()) == 1
    urls = urls_in(tmp_path / "out")
    assert len(urls) == len(set(urls)), "duplicates"
    assert set(urls) == {site.base + st.path for st in site.stories}


def test_damaged_state_is_set_aside_and_rebuilt_from_the_parts(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, count=14, newest=NEWEST)
    path = sites_file(tmp_path, site.base)
    assert run(newscrawl("run", str(path))).returncode == 0
    state = tmp_path / "state" / "state.sqlite"
    data = bytearray(state.read_bytes())
    assert len(data) > 3 * 4096
    noise = bytes((i * 7919 + 13) % 251 for i in range(len(data)))
    data[4096 + 512:] = noise[4096 + 512:]  # the header and the first page stay valid: SQLite still opens it
    state.write_bytes(bytes(data))
    bigger = LocalNewsSite(server, count=24, newest=NEWEST)
    second = run(newscrawl("run", str(path)))
    assert second.returncode == 0, second.stderr
    assert "state.sqlite was damaged" in second.stderr
    assert list((tmp_path / "state").glob("state.sqlite.damaged-*"))
    urls = urls_in(tmp_path / "out")
    assert len(urls) == len(set(urls)), "duplicates"
    assert set(urls) == {bigger.base + st.path for st in bigger.stories}
    assert_consistent(tmp_path / "out", tmp_path / "state")


def test_missing_or_truncated_part_is_set_aside_and_fetched_again(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, count=30, newest=NEWEST)
    path = sites_file(tmp_path, site.base)
    assert run(newscrawl("run", str(path))).returncode == 0
    out = tmp_path / "out"
    parts = complete_parts(out)
    assert len(parts) >= 4
    lost = {r["url"] for p in (parts[1], parts[3]) for r in read_part(p)}
    parts[1].write_bytes(parts[1].read_bytes()[:200])  # truncated
    parts[3].unlink()  # missing
    second = run(newscrawl("run", str(path)))
    assert second.returncode == 0, second.stderr
    assert "2 damaged output parts were set aside" in second.stderr
    assert parts[1].with_name(parts[1].name + ".damaged").exists()
    urls = urls_in(out)
    assert len(urls) == len(set(urls)), "duplicates"
    assert set(urls) == {site.base + st.path for st in site.stories}
    assert lost <= set(urls_in(out)) - {r["url"] for p in parts if p.exists() for r in read_part(p)}
    assert_consistent(out, tmp_path / "state")
    exported = run(newscrawl("export", str(out), str(tmp_path / "dataset"), "--format", "jsonl"))
    assert exported.returncode == 0 and "30 records" in exported.stderr, exported.stderr
