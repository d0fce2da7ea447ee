"""Shared test helpers: fixture paths, the CLI as a subprocess, a local HTTP server."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.mockserver import MockServer

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def read_fixture(relative: str) -> str:
    path = FIXTURES / relative
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8")


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`newscrawl ARGS` in a fresh process, as a user would run it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "crawler.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture()
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv
