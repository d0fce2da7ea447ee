"""Shared test helpers: fixture paths, the CLI (in this process, or as a subprocess for crawls),
a local HTTP server.

Lanes: `pytest` runs the default lane (seconds: no crawl, no server process); tests marked
`slow` (end-to-end crawls, kill -9, redis-server, scrapyd, fuzzing) run with
`pytest -m "slow or not slow"`, as .ci/run does.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.mockserver import MockServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read_fixture(relative: str) -> str:
    path = FIXTURES / relative
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8")


VN_TRUTH = [json.loads(line)
            for line in (FIXTURES / "vn-html" / "truth.jsonl").read_text(encoding="utf-8").splitlines()]


def vn_page(name: str) -> str:
    """A real Vietnamese page of tests/fixtures/vn-html by name (`dantri_3`), wherever it is stored:
    a page that is also a site-profile fixture is stored there only (`stored_as`)."""
    row = next(r for r in VN_TRUTH if r["file"] == f"{name}.html")
    return read_fixture(row.get("stored_as") or f"vn-html/{name}.html.gz")


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`newscrawl ARGS` in a fresh process, as a user would run it."""
    env = {**(os.environ if env is None else env), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`newscrawl ARGS` in this process (no interpreter start-up), for commands that do not crawl:
    extract, validate, export, and every usage error. Reaching a crawl is a test failure (a
    Twisted reactor cannot start twice in one process): run those with run_cli."""
    from crawler.cli import main, scrapy_run

    def crawl_started(*_: object, **__: object) -> str:
        raise AssertionError(f"`newscrawl {' '.join(args)}` started a crawl: use run_cli")

    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        patch.setattr(scrapy_run, "run_crawl", crawl_started)  # every crawling command takes it from there
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own errors
            code = exc.code if isinstance(exc.code, int) else 2
    return subprocess.CompletedProcess(["newscrawl", *args], code, out.getvalue(), err.getvalue())


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture()
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv


@pytest.fixture()
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test starts; any still running at the end (a hang) is killed."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
