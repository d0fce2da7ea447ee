"""`newscrawl run SITES_FILE`: sites file validation, incremental runs, kill -9 safety."""

from __future__ import annotations

import gzip
import json
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipelines.parts import complete_parts, read_part
from tests.conftest import ROOT, cli, run_cli
from tests.mockserver import MockServer
from tests.testsite import LocalNewsSite

NEWEST = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=1)


def sites_file(tmp_path: Path, base: str, extra_run: str = "", extra_site: str = "") -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(f"""[run]
output = "out"
state = "state"
allow_private = true
settings = {{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, NEWSCRAWL_PART_RECORDS = 3 }}
{extra_run}

[[site]]
url = "{base}/"
{extra_site}
""", encoding="utf-8")
    return path


def all_records(out: Path) -> list[dict]:
    return [record for part in complete_parts(out) for record in read_part(part)]


@pytest.mark.slow
def test_second_run_writes_nothing_and_revalidates(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, newest=NEWEST)
    path = sites_file(tmp_path, site.base)
    first = run_cli("run", str(path))
    assert first.returncode == 0, first.stderr
    records = all_records(tmp_path / "out")
    assert sorted(r["url"] for r in records) == sorted(site.base + st.path for st in site.stories)
    manifest_total = sum(json.loads(line)["records"] for m in (tmp_path / "out").glob("date=*/run=*/_manifest.jsonl")
                         for line in m.read_text().splitlines())
    assert manifest_total == len(records)
    before, not_modified = len(server.request_log), server.not_modified
    second = run_cli("run", str(path), "--report", str(tmp_path / "report.json"))
    assert second.returncode == 0, second.stderr
    assert len(all_records(tmp_path / "out")) == len(records)  # nothing new
    report = json.loads((tmp_path / "report.json").read_text())
    entry = report["sites"]["127.0.0.1"]
    assert entry["new"] == 0 and entry["status"] == "ok" and entry["skipped_seen"] >= len(site.stories)
    second_paths = [p for p, _ in server.request_log[before:]]
    assert not any(p in second_paths for p in (st.path for st in site.stories))  # no article refetched
    assert server.not_modified - not_modified >= 4  # sitemaps, feed, robots.txt answered 304
    # New articles appear: the next run writes exactly them.
    bigger = LocalNewsSite(server, count=17, newest=NEWEST)
    third = run_cli("run", str(path))
    assert third.returncode == 0, third.stderr
    new_urls = {r["url"] for r in all_records(tmp_path / "out")} - {r["url"] for r in records}
    assert new_urls == {bigger.base + st.path for st in bigger.stories[14:]}


@pytest.mark.slow
def test_changed_article_becomes_a_new_version(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, newest=NEWEST)
    path = sites_file(tmp_path, site.base)
    assert run_cli("run", str(path)).returncode == 0
    story = [st for st in site.stories if st.in_sitemap][5]  # listed with a lastmod in posts.xml.gz
    page = server.routes[story.path].body.replace(b"part 1.)", b"part 1, corrected.)")
    server.routes[story.path].body = page
    later = (story.when + timedelta(minutes=30)).isoformat()
    posts = gzip.decompress(server.routes["/sitemaps/posts.xml.gz"].body).decode()
    posts = posts.replace(f"<lastmod>{story.published}</lastmod>", f"<lastmod>{later}</lastmod>")
    server.routes["/sitemaps/posts.xml.gz"].body = gzip.compress(posts.encode())
    assert run_cli("run", str(path)).returncode == 0
    versions = [r for r in all_records(tmp_path / "out") if r["url"] == site.base + story.path]
    assert len(versions) == 2 and versions[0]["content_hash"] != versions[1]["content_hash"]


def _start_run(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "crawler.cli", "run", str(path)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def _kill_tree_root(proc: subprocess.Popen[str]) -> set[int]:
    """SIGKILL the run (only its main process, as the OOM killer or an operator would)."""
    orphans = _descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return orphans


def _wait_for(condition, timeout: float = 60) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return False


@pytest.mark.slow
def test_kill_9_at_any_moment_loses_nothing_and_duplicates_nothing(server: MockServer, tmp_path: Path) -> None:
    site = LocalNewsSite(server, count=40, newest=NEWEST)
    path = sites_file(tmp_path, site.base, extra_run="", extra_site="delay = 0.03\nconcurrency = 1")
    out = tmp_path / "out"
    article_paths = {st.path for st in site.stories}
    kills = 0
    # 1. During fetching: after a few article responses.
    proc = _start_run(path)
    assert _wait_for(lambda: sum(p in article_paths for p, _ in server.request_log) >= 5)
    orphans = _kill_tree_root(proc)
    assert orphans, "the extraction workers should have been running"
    # The extraction pool (fork server and workers) notices and exits too: no process leak.
    assert _wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in orphans), timeout=10)
    kills += 1
    # 2. While a part is being written (its temporary file exists).
    for _ in range(2):
        proc = _start_run(path)
        if _wait_for(lambda: any(out.glob("date=*/run=*/.part-*.tmp")), timeout=30):
            _kill_tree_root(proc)
            kills += 1
        proc.wait()
    assert kills == 3
    for part in out.glob("date=*/run=*/part-*.jsonl.gz"):
        read_part(part)  # every complete part parses
    final = run_cli("run", str(path))
    assert final.returncode == 0, final.stderr
    assert not list(out.glob("date=*/run=*/.part-*.tmp"))
    urls = [r["url"] for r in all_records(out)]
    assert len(urls) == len(set(urls)), "duplicates after kill -9"
    assert set(urls) == {site.base + p for p in article_paths}


@pytest.mark.parametrize(("content", "message"), [
    ("", "no sites"),
    ("[run]\noutput = 'out'\n", "no sites"),
    ("[run]\nouptut = 'out'\n[[site]]\nurl = 'https://a.com/'\n", ":2: unknown key 'ouptut' in run"),
    ("[run]\nmax_articles = 'ten'\n[[site]]\nurl = 'https://a.com/'\n", ":2: run.max_articles must be a whole number"),
    ("[[site]]\nurl = 'https://a.com/'\n\n[[site]]\nname = 'b'\nurl = 'ftp://b.com/'\n", ":6: unsupported URL scheme"),
    ("[[site]]\nurl = 'https://a.com/'\nprofile = 'nosuch'\n", ":3: unknown profile 'nosuch'"),
    ("[[site]]\nurl = 'https://a.com/'\nsince = 'recently'\n", ":3: site #1.since: invalid since value"),
    ("[[site]]\nurl = 'https://a.com/'\nmax_pages = -1\n", ":3: site #1.max_pages must be >= 0"),
    ("[[site]]\nname = 'x'\n", "site #1 has no url"),
    ("[[site]\nurl = 'https://a.com/'\n", "invalid TOML"),
    ("[sites]\nurl = 'https://a.com/'\n", "unknown top-level key 'sites'"),
])
def test_sites_file_errors_are_one_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(content, encoding="utf-8")
    result = cli("run", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not (tmp_path / "out").exists()


def test_missing_sites_file_and_unwritable_output(tmp_path: Path) -> None:
    missing = cli("run", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "cannot read the sites file" in missing.stderr
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where a directory should be")
    path = tmp_path / "sites.toml"
    path.write_text("[run]\noutput = 'blocked/out'\n[[site]]\nurl = 'https://a.com/'\n")
    result = cli("run", str(path))
    assert result.returncode == 2 and "is not writable" in result.stderr and "Traceback" not in result.stderr
