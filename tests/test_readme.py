"""The README a newcomer reads: one screen to a first crawl, set-up commands that CI runs,
examples that work, a table of contents whose every link exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, json_lines, run_cli
from tests.hostilesite import FAST
from tests.mockserver import MockServer

README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE_SITE = ROOT / "docs" / "example-site"
EXAMPLE_BASE = "http://127.0.0.1:8000"


def commands() -> list[str]:
    return [line.strip() for line in README.splitlines() if line.startswith("    ") and line.strip()]


def test_set_up_comes_first_and_ci_runs_the_test_command() -> None:
    lines = README.splitlines()
    setup = [i for i, line in enumerate(lines) if "python3 -m venv .venv" in line]
    assert len(setup) == 2 and setup[-1] < 30, setup  # both set-up commands on the first screen
    main_job, test_command = (lines[i].strip() for i in setup)
    assert "newscrawl extract tests/fixtures/seed/seed-reconstructed.html" in main_job
    assert test_command.endswith(".venv/bin/python -m pytest -q -m 'slow or not slow'")  # every lane
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ". .venv/bin/activate" in README  # when the venv must be activated is said
    assert len(lines) < 120  # the reference lives under docs/


def test_every_reference_link_exists() -> None:
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README)
    assert len(links) >= 10
    for link in links:
        assert (ROOT / link).exists(), link
    for doc in (ROOT / "docs").glob("*.md"):
        for link in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / link).exists(), (doc.name, link)


def serve_example_site(server: MockServer) -> None:
    """docs/example-site as `python3 -m http.server` serves it, on this server's port."""
    for path in EXAMPLE_SITE.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
            body = path.read_text(encoding="utf-8").replace(EXAMPLE_BASE, server.base)
            kind = {".html": "text/html", ".xml": "application/xml", ".txt": "text/plain"}[path.suffix]
            route = "/" if path.name == "index.html" else "/" + path.relative_to(EXAMPLE_SITE).as_posix()
            server.route(route, body, Content_Type=f"{kind}; charset=utf-8")


@pytest.mark.slow
def test_the_first_crawl_gives_what_the_readme_shows(server: MockServer, tmp_path: Path) -> None:
    serve_example_site(server)
    url_command = next(c for c in commands() if c.startswith("$ newscrawl url "))
    crawl_command = next(c for c in commands() if c.startswith("$ newscrawl crawl "))
    url = url_command.split()[-1].replace(EXAMPLE_BASE, server.base)
    one = run_cli("url", url, *FAST)
    assert one.returncode == 0, one.stderr
    [record] = json_lines(one.stdout)
    assert f'"title": "{record["title"]}"' in README
    assert f'"published_at": "{record["published_at"]}"' in README
    assert f'"word_count": {record["word_count"]}' in README
    out = tmp_path / "first.jsonl"
    site = crawl_command.split()[3].replace(EXAMPLE_BASE, server.base)
    whole = run_cli("crawl", site, "-o", str(out), *FAST)
    assert whole.returncode == 0, whole.stderr
    assert len(json_lines(out.read_text(encoding="utf-8"))) == 3
    shown = next(line.strip() for line in README.splitlines() if "127.0.0.1: 3 articles" in line)
    assert shown in whole.stderr  # the site's summary line, number for number
