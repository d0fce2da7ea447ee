"""Deploy to a real scrapyd on 127.0.0.1 (basic auth), schedule the run, check its output."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipelines.parts import complete_parts, read_part
from tests.conftest import ROOT
from tests.mockserver import MockServer
from tests.testsite import LocalNewsSite

pytestmark = pytest.mark.slow  # end-to-end: real crawls (and servers) in subprocesses

AUTH = ("newscrawl", "s3cret")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Scrapyd:
    def __init__(self, base: str) -> None:
        self.base = base

    def call(self, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(f"{self.base}/{endpoint}", data=body)
        token = base64.b64encode(":".join(AUTH).encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]


@pytest.fixture()
def scrapyd(tmp_path: Path) -> Iterator[Scrapyd]:
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\nusername = {AUTH[0]}\npassword = {AUTH[1]}\n"
        f"eggs_dir = {home}/eggs\nlogs_dir = {home}/logs\ndbs_dir = {home}/dbs\nitems_dir =\n")
    scrapyd_bin = Path(sys.executable).with_name("scrapyd")
    proc = subprocess.Popen([str(scrapyd_bin)], cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Scrapyd(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.call("daemonstatus.json")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield client
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_deploy_and_schedule_a_run(scrapyd: Scrapyd, server: MockServer, tmp_path: Path) -> None:
    # Unauthenticated calls are refused.
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{scrapyd.base}/listprojects.json", timeout=5)
    site = LocalNewsSite(server)
    project = tmp_path / "project"
    project.mkdir()
    for name in ("crawler", "pipelines"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, project / name)
    (project / "scrapy.cfg").write_text(
        f"[settings]\ndefault = crawler.settings\n\n[deploy:local]\nurl = {scrapyd.base}/\nproject = newscrawl\n"
        f"username = {AUTH[0]}\npassword = {AUTH[1]}\n")
    deploy = subprocess.run([str(Path(sys.executable).with_name("scrapyd-deploy")), "local"], cwd=project,
                            capture_output=True, text=True, timeout=120)
    assert deploy.returncode == 0, deploy.stderr + deploy.stdout
    assert "news" in scrapyd.call("listspiders.json?project=newscrawl")["spiders"]
    sites = tmp_path / "sites.toml"
    sites.write_text(f'[run]\noutput = "out"\nstate = "state"\nallow_private = true\n'
                     f'settings = {{ DOWNLOAD_DELAY = 0, AUTOTHROTTLE_ENABLED = false }}\n\n'
                     f'[[site]]\nurl = "{site.base}/"\n')
    job = scrapyd.call("schedule.json", [("project", "newscrawl"), ("spider", "news"),
                                         ("setting", f"NEWSCRAWL_SITES_FILE={sites}")])
    assert job["status"] == "ok"
    deadline = time.monotonic() + 120
    while not any(j["id"] == job["jobid"] for j in scrapyd.call("listjobs.json?project=newscrawl")["finished"]):
        assert time.monotonic() < deadline, "scrapyd job did not finish"
        time.sleep(0.5)
    records = [r for part in complete_parts(tmp_path / "out") for r in read_part(part)]
    assert sorted(r["url"] for r in records) == sorted(site.base + st.path for st in site.stories)
    report = json.loads((tmp_path / "state" / "runs" / "last-run.json").read_text())
    assert report["sites"]["127.0.0.1"]["new"] == len(site.stories)
