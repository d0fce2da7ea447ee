"""Distributed runs while a real redis-server is killed and restarted mid-run, with AOF
persistence (the run rides it out: nothing lost, nothing duplicated) and without (the run
stops with a failure status and says why; running again completes it)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from crawler.distributed.keys import RunKeys
from tests.conftest import ROOT
from tests.mockserver import MockServer
from tests.test_distributed import ENV, free_port, outputs, redis_server, wait_for_run, write_sites
from tests.testsite import LocalNewsSite

pytestmark = pytest.mark.slow  # end-to-end: real runs and a real redis-server, killed and restarted


class RedisServer:
    """A redis-server on a fixed port and directory, so that it can be killed and started again."""

    def __init__(self, directory: Path, appendonly: bool) -> None:
        self.directory = directory
        self.appendonly = appendonly
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        directory.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = redis_server()
        assert binary, "redis-server is required: apt-get install redis-server (.ci/run installs it)"
        self.proc = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "yes" if self.appendonly else "no",
                                      "--dir", str(self.directory)], stdout=subprocess.DEVNULL)
        client = Redis(port=self.port)
        deadline = time.monotonic() + 15
        while True:
            try:
                if client.ping():
                    break
            except Exception:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


def start(processes: list[subprocess.Popen[str]], *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-m", "crawler.cli", *args], cwd=ROOT, env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    processes.append(proc)
    return proc


def finish(proc: subprocess.Popen[str], timeout: float) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def restart_mid_run(redis: RedisServer, out: Path, run_id: str, outage: float) -> None:
    """Kill redis-server -9 once records are written and requests are leased; start it again
    after `outage` seconds (longer than a heartbeat lives: every worker looks dead when it is back)."""
    client = Redis.from_url(redis.url)
    deadline = time.monotonic() + 90
    while sum(len(urls) for urls in outputs(out).values()) < 8 or not client.hlen(RunKeys("news", run_id).processing):
        assert time.monotonic() < deadline, "the run never got going"
        time.sleep(0.02)
    redis.kill()
    time.sleep(outage)
    redis.start()


def all_urls(out: Path) -> list[str]:
    return [url for urls in outputs(out).values() for url in urls]


def test_redis_restart_with_aof_mid_run_loses_and_duplicates_nothing(
        server: MockServer, tmp_path: Path, processes: list[subprocess.Popen[str]]) -> None:
    site = LocalNewsSite(server, count=50)
    sites = write_sites(tmp_path, site.base, delay=0.15)
    redis = RedisServer(tmp_path / "redis", appendonly=True)
    redis.start()
    try:
        coordinator = start(processes, "run", str(sites), "--redis", redis.url)
        run_id = wait_for_run(redis.url)
        worker = start(processes, "worker", str(sites), "--redis", redis.url)
        restart_mid_run(redis, tmp_path / "out", run_id, outage=4)
        code, err = finish(coordinator, timeout=240)
        assert code == 0, err[-3000:]
        assert finish(worker, timeout=60)[0] == 0
    finally:
        redis.stop()
    urls = all_urls(tmp_path / "out")
    assert len(urls) == len(set(urls)), "duplicates after a Redis restart"
    assert set(urls) == {site.base + st.path for st in site.stories}


def test_redis_restart_without_persistence_fails_the_run_and_the_rerun_completes(
        server: MockServer, tmp_path: Path, processes: list[subprocess.Popen[str]]) -> None:
    site = LocalNewsSite(server, count=50)
    sites = write_sites(tmp_path, site.base, delay=0.15)
    redis = RedisServer(tmp_path / "redis", appendonly=False)
    redis.start()
    try:
        coordinator = start(processes, "run", str(sites), "--redis", redis.url)
        run_id = wait_for_run(redis.url)
        worker = start(processes, "worker", str(sites), "--redis", redis.url)
        restart_mid_run(redis, tmp_path / "out", run_id, outage=2)
        code, err = finish(coordinator, timeout=240)
        assert code == 1, err[-3000:]
        assert "without this run's keys" in err or "no longer has this run's keys" in err, err[-3000:]
        assert "(redis_data_lost)" in err
        worker_code, worker_err = finish(worker, timeout=60)
        assert worker_code == 1 and "redis_data_lost" in worker_err, worker_err[-3000:]
        report: dict[str, Any] = json.loads((tmp_path / "state" / "runs" / "last-run.json").read_text())
        assert report["finish_reason"] == "redis_data_lost"
        assert report["sites"]["127.0.0.1"]["status"] != "ok"
        partial = all_urls(tmp_path / "out")
        assert 0 < len(partial) < len(site.stories)
        rerun = start(processes, "run", str(sites), "--redis", redis.url)
        code, err = finish(rerun, timeout=240)
        assert code == 0, err[-3000:]
    finally:
        redis.stop()
    urls = all_urls(tmp_path / "out")
    assert len(urls) == len(set(urls)), "duplicates after the rerun"
    assert set(urls) == {site.base + st.path for st in site.stories}


def test_bad_redis_urls_fail_fast_in_one_line_without_the_password(tmp_path: Path) -> None:
    redis = RedisServer(tmp_path / "redis", appendonly=False)
    redis.start()
    try:
        sites = write_sites(tmp_path, "http://127.0.0.1:9", delay=0)
        cases = [
            (f"rediss://:hunter2@127.0.0.1:{redis.port}/0", "is this port really TLS?"),  # TLS to a plain server
            (f"redis://:hunter2@127.0.0.1:{free_port()}/0", "Connection refused"),
            (f"redis://admin:hunter2@127.0.0.1:{redis.port}/0", "invalid username-password pair"),
        ]
        for command in ("run", "worker"):
            for url, reason in cases:
                started = time.monotonic()
                result = subprocess.run([sys.executable, "-m", "crawler.cli", command, str(sites), "--redis", url],
                                         cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60)
                assert result.returncode == 2 and reason in result.stderr, result.stderr
                assert "hunter2" not in result.stderr and "***@127.0.0.1" in result.stderr
                assert len(result.stderr.strip().splitlines()) == 1 and time.monotonic() - started < 30
    finally:
        redis.stop()
