"""The sites file of `newscrawl run`: TOML, validated up front, errors naming key and line.

    [run]
    output = "out"          # partitioned, crash-safe JSON lines parts (default: NAME-out beside news.toml)
    state = "state"         # SQLite state: seen articles, watermarks, HTTP validators (default: NAME-state)
    since = "2d"
    settings = { DOWNLOAD_DELAY = 1.0 }

    [[site]]
    url = "https://vnexpress.net/"
    profile = "vnexpress"
    max_articles = 200
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.profiles import PROFILES
from crawler.starturls import InvalidURL, check_start_url
from crawler.urls import site_of
from pipelines.limits import parse_since

RUN_KEYS = {
    "output": str, "state": str, "since": str, "max_articles": int, "max_pages": int, "depth": int,
    "user_agent": str, "settings": dict, "allow_private": bool, "workers": int, "warc": str,
}
SITE_KEYS = {
    "url": str, "urls": list, "name": str, "profile": str, "since": str, "max_articles": int,
    "max_pages": int, "depth": int, "delay": float, "concurrency": int,
}
# Numbers are >= 0 (and finite); these have tighter bounds: a zero concurrency or an endless delay
# would leave a run waiting forever with nothing to say.
RANGES = {"concurrency": (1, 1000), "delay": (0, 3600), "workers": (0, 1024)}


class SitesFileError(ValueError):
    """A problem in the sites file, with the file, line and key it concerns."""


@dataclass
class SiteConfig:
    urls: list[str]
    name: str
    profile: str | None = None
    since: str | None = None
    max_articles: int = 0
    max_pages: int = 0
    depth: int | None = None
    delay: float | None = None
    concurrency: int | None = None


@dataclass
class RunConfig:
    path: Path
    output: Path
    state: Path
    since: str | None = None
    max_articles: int = 0
    max_pages: int = 0
    depth: int | None = None
    user_agent: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    allow_private: bool = False
    workers: int | None = None
    warc: Path | None = None  # WARC archive directory (crawler/extensions/warc.py)
    defaulted: tuple[str, ...] = ()  # "output" and/or "state" when the file does not name them
    sites: list[SiteConfig] = field(default_factory=list)


def load_sites_file(path: Path) -> RunConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SitesFileError(f"{path}: cannot read the sites file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise SitesFileError(f"{path}: not a UTF-8 text file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SitesFileError(f"{path}: invalid TOML: {exc}") from None
    locate = _Locator(path, text)
    unknown = set(data) - {"run", "site"}
    if unknown:
        key = sorted(unknown)[0]
        raise SitesFileError(f"{locate.key(key)}: unknown top-level key {key!r} (expected [run] and [[site]])")
    run = data.get("run", {})
    if not isinstance(run, dict):
        raise SitesFileError(f"{locate.key('run')}: 'run' must be a table: [run]")
    _check_types(run, RUN_KEYS, "run", locate)
    base = path.parent
    # Defaults named after the file: two sites files in one folder never share state.
    defaults = {"output": f"{path.stem}-out", "state": f"{path.stem}-state"}
    config = RunConfig(
        path=path, output=base / run.get("output", defaults["output"]),
        state=base / run.get("state", defaults["state"]),
        defaulted=tuple(k for k in defaults if k not in run),
        since=run.get("since"), max_articles=run.get("max_articles", 0), max_pages=run.get("max_pages", 0),
        depth=run.get("depth"), user_agent=run.get("user_agent"), settings=run.get("settings", {}),
        allow_private=run.get("allow_private", False), workers=run.get("workers"),
        warc=base / run["warc"] if "warc" in run else None,
    )
    _check_since(config.since, "run", "since", locate)
    sites = data.get("site")
    if not sites:
        raise SitesFileError(f"{path}: no sites: add at least one [[site]] table with a url")
    if not isinstance(sites, list):
        raise SitesFileError(f"{locate.key('site')}: 'site' must be an array of tables: [[site]]")
    names: set[str] = set()
    for index, entry in enumerate(sites):
        site = _site(entry, index, locate)
        if site.name in names:
            raise SitesFileError(f"{locate.site_key(index, 'name')}: site name {site.name!r} is used twice")
        names.add(site.name)
        config.sites.append(site)
    return config


def _site(entry: Any, index: int, locate: _Locator) -> SiteConfig:
    where = f"site #{index + 1}"
    if not isinstance(entry, dict):
        raise SitesFileError(f"{locate.path}: {where} must be a table")
    _check_types(entry, SITE_KEYS, where, locate, index)
    urls = list(entry.get("urls", [])) + ([entry["url"]] if "url" in entry else [])
    if not urls:
        raise SitesFileError(f"{locate.site_key(index, None)}: {where} has no url")
    for url in urls:
        try:
            check_start_url(str(url))
        except InvalidURL as exc:
            raise SitesFileError(f"{locate.site_key(index, 'url' if 'url' in entry else 'urls')}: {exc}") from None
    profile = entry.get("profile")
    if profile is not None and profile not in PROFILES:
        raise SitesFileError(f"{locate.site_key(index, 'profile')}: unknown profile {profile!r}; "
                             f"known: {', '.join(sorted(PROFILES))}")
    _check_since(entry.get("since"), where, "since", locate, index)
    return SiteConfig(
        urls=[str(u) for u in urls], name=entry.get("name") or site_of(str(urls[0])) or str(urls[0]),
        profile=profile, since=entry.get("since"), max_articles=entry.get("max_articles", 0),
        max_pages=entry.get("max_pages", 0), depth=entry.get("depth"), delay=entry.get("delay"),
        concurrency=entry.get("concurrency"),
    )


def _check_types(table: dict[str, Any], allowed: dict[str, type], where: str, locate: _Locator,
                 index: int | None = None) -> None:
    for key, value in table.items():
        line = locate.site_key(index, key) if index is not None else locate.key(key, "run")
        if key not in allowed:
            raise SitesFileError(f"{line}: unknown key {key!r} in {where}; allowed: {', '.join(sorted(allowed))}")
        expected = allowed[key]
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if expected is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok:
            raise SitesFileError(f"{line}: {where}.{key} must be {_kind(expected)}, got {value!r}")
        if expected in (int, float) and not math.isfinite(value):
            raise SitesFileError(f"{line}: {where}.{key} must be a finite number, got {value!r}")
        low, high = RANGES.get(key, (0, None))
        if expected in (int, float) and value < low:
            raise SitesFileError(f"{line}: {where}.{key} must be >= {low}, got {value!r}")
        if expected in (int, float) and high is not None and value > high:
            raise SitesFileError(f"{line}: {where}.{key} must be <= {high}, got {value!r}")


def _check_since(value: str | None, where: str, key: str, locate: _Locator, index: int | None = None) -> None:
    try:
        parse_since(value)
    except ValueError as exc:
        line = locate.site_key(index, key) if index is not None else locate.key(key, "run")
        raise SitesFileError(f"{line}: {where}.{key}: {exc}") from None


def _kind(expected: type) -> str:
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false",
            dict: "a table", list: "a list"}[expected]


class _Locator:
    """Finds the line of a key in the raw text (tomllib reports no positions for valid TOML)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def key(self, key: str, table: str | None = None) -> str:
        start = self._table_start(table, 0) if table else 0
        return self._find(key, start)

    def site_key(self, index: int | None, key: str | None) -> str:
        start = self._table_start("site", index or 0)
        return self._find(key, start) if key else f"{self.path}:{start + 1}"

    def _table_start(self, table: str, nth: int) -> int:
        pattern = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?")
        hits = [i for i, line in enumerate(self.lines) if pattern.match(line)]
        return hits[nth] if nth < len(hits) else 0

    def _find(self, key: str, start: int) -> str:
        pattern = re.compile(rf"^\s*(?:\[\[?\s*)?{re.escape(key)}\b")
        for i in range(start, len(self.lines)):
            if i > start and self.lines[i].lstrip().startswith("["):
                break
            if pattern.match(self.lines[i]) or re.search(rf"[{{,]\s*{re.escape(key)}\s*=", self.lines[i]):
                return f"{self.path}:{i + 1}"
        return f"{self.path}:{start + 1}"
