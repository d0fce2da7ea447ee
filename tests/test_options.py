"""Configuration read once: the sites file becomes settings in one place (crawler/addon.py), the
table in crawler/options.py says which flag and key gives which setting, and nothing is accepted
and then ignored."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler import settings as defaults
from crawler.addon import SitesFileAddon, apply_sites_file
from crawler.cli import build_parser
from crawler.distributed.addon import RedisAddon
from crawler.options import OPTIONS, options_table
from crawler.sitesfile import RUN_KEYS, SITE_KEYS, load_sites_file
from tests.conftest import ROOT

EVERY_KEY = """[run]
output = "out"
state = "state"
warc = "warc"
since = "3d"
max_articles = 7
max_pages = 70
depth = 2
user_agent = "tester (+https://example.org)"
allow_private = true
workers = 1
settings = { CONCURRENT_REQUESTS = 5 }

[[site]]
urls = ["https://a.example/", "https://www.a.example/news/"]
name = "a"
profile = "vnexpress"
since = "1d"
max_articles = 3
max_pages = 30
depth = 1
delay = 2.5
concurrency = 1
"""


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule(defaults, priority="project")
    return settings


@pytest.fixture()
def sites_file(tmp_path: Path) -> Path:
    path = tmp_path / "news.toml"
    path.write_text(EVERY_KEY, encoding="utf-8")
    return path


def keys_in_table(column: str) -> set[str]:
    return {key.strip() for o in OPTIONS for key in (getattr(o, column) or "").split(",") if key.strip()}


def test_every_sites_file_key_is_in_the_table() -> None:
    assert set(RUN_KEYS) == keys_in_table("run_key")
    assert set(SITE_KEYS) == keys_in_table("site_key")


def test_every_flag_that_sets_a_setting_is_in_the_table() -> None:
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    flags = {s for name in ("crawl", "run", "worker", "url") for action in commands.choices[name]._actions
             for s in action.option_strings if s.startswith("--")}
    not_settings = {"--help", "--output", "--verbose", "--report", "--run", "--wait", "--set"}  # not settings
    assert flags - not_settings == keys_in_table("flag") - {"-s NAME=VALUE"}


def test_the_addon_sets_what_the_table_says(sites_file: Path) -> None:
    settings = project_settings()
    settings.set("NEWSCRAWL_SITES_FILE", str(sites_file), priority="cmdline")
    SitesFileAddon().update_settings(settings)
    assert settings.get("NEWSCRAWL_SINCE") == "3d"
    assert settings.getint("NEWSCRAWL_MAX_ARTICLES") == 7 and settings.getint("NEWSCRAWL_MAX_PAGES") == 70
    assert settings.getint("NEWSCRAWL_DEPTH") == 2
    assert settings.get("NEWSCRAWL_OUTPUT_DIR") == str(sites_file.parent / "out")
    assert settings.get("NEWSCRAWL_STATE_DIR") == str(sites_file.parent / "state")
    assert settings.get("NEWSCRAWL_WARC_DIR") == str(sites_file.parent / "warc")
    assert settings.get("USER_AGENT") == "tester (+https://example.org)"
    assert settings.getbool("NEWSCRAWL_REFUSE_PRIVATE") is False
    assert settings.getint("NEWSCRAWL_WORKERS") == 1  # [run] workers: used, not just accepted
    assert settings.getint("CONCURRENT_REQUESTS") == 5
    assert settings.getdict("NEWSCRAWL_SITE_LIMITS")["a.example"] == {"max_pages": 30, "max_articles": 3}
    assert settings.getdict("DOWNLOAD_SLOTS")["www.a.example"] == {"delay": 2.5, "concurrency": 1}
    [site] = settings.getlist("NEWSCRAWL_SITES")
    assert site == {"urls": ["https://a.example/", "https://www.a.example/news/"], "name": "a",
                    "profile": "vnexpress", "since": "1d", "depth": 1}


def test_command_line_wins_and_the_file_is_read_once(sites_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = project_settings()
    settings.set("NEWSCRAWL_SINCE", "12h", priority="cmdline")  # -s NEWSCRAWL_SINCE=12h
    apply_sites_file(load_sites_file(sites_file), settings)  # what newscrawl run does before crawling
    reads: list[Path] = []
    monkeypatch.setattr("crawler.addon.load_sites_file", lambda path: reads.append(path))
    SitesFileAddon().update_settings(settings)  # then, inside the crawl
    assert reads == [] and settings.get("NEWSCRAWL_SINCE") == "12h"


def test_redis_is_its_own_addon(sites_file: Path) -> None:
    settings = project_settings()
    settings.set("NEWSCRAWL_SITES_FILE", str(sites_file), priority="cmdline")
    for addon in (SitesFileAddon(), RedisAddon()):
        addon.update_settings(settings)
    assert settings.get("NEWSCRAWL_STATE_STORE") == "pipelines.state.SqliteStateStore"  # no REDIS_URL: off
    settings.set("REDIS_URL", "redis://127.0.0.1:6379/0", priority="cmdline")
    RedisAddon().update_settings(settings)
    assert settings.get("NEWSCRAWL_STATE_STORE") == "crawler.distributed.state.RedisStateStore"
    assert settings.get("NEWSCRAWL_REDIS_CRAWL") == "news"  # named after the sites file
    assert settings.get("SCHEDULER") == "crawler.distributed.scheduler.LeasedScheduler"


def test_the_operations_guide_shows_the_table() -> None:
    assert options_table() in (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
