"""State kept between runs: articles written (with content hash and listed lastmod),
complete output parts already applied, per-site watermarks.

`StateStore` is the protocol; NEWSCRAWL_STATE_STORE names the class (a `from_settings(settings)`
returning a store, or None when the run keeps no state). Embedded by default: one SQLite file
(WAL) in NEWSCRAWL_STATE_DIR; distributed runs use crawler.distributed.state.RedisStateStore.
Each component that needs it opens its own through `open_state_store(settings)`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    key TEXT PRIMARY KEY, url TEXT NOT NULL, content_hash TEXT NOT NULL,
    lastmod TEXT, written_at TEXT NOT NULL, part TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parts (path TEXT PRIMARY KEY, records INTEGER NOT NULL, applied_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS watermarks (site TEXT PRIMARY KEY, newest_published TEXT, last_run TEXT);
"""


@dataclass(frozen=True)
class Written:
    key: str
    url: str
    content_hash: str
    lastmod: str | None


class StateStore(Protocol):
    """Seen articles, applied parts and watermarks of a run's history."""

    def close(self) -> None: ...

    def article(self, key: str) -> Written | None:
        """What an earlier run wrote under a dedup key, if anything."""

    def articles(self, keys: Sequence[str]) -> dict[str, Written]:
        """`article` for many keys at once (one query, one round trip): the keys written before."""

    def count_articles(self) -> int: ...

    def part_applied(self, part: str) -> bool: ...

    def apply_part(self, part: str, written: Iterable[Written], when: str) -> None:
        """Mark a complete part's articles as written, atomically with the part itself."""

    def forget_part(self, part: str) -> int:
        """Unmark the articles whose latest record is in `part` (found damaged); how many."""

    def update_watermark(self, site: str, newest_published: str | None, when: str) -> None: ...

    def watermark(self, site: str) -> tuple[str | None, str | None]:
        """(newest published date written, last run) of a site."""


def open_state_store(settings: BaseSettings) -> StateStore | None:
    """The run's store, of the class NEWSCRAWL_STATE_STORE names; None for runs without state."""
    store_class = load_object(settings.get("NEWSCRAWL_STATE_STORE") or SqliteStateStore)
    store: StateStore | None = store_class.from_settings(settings)
    return store


class SqliteStateStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")  # a marked URL must survive power loss
        self.db.executescript(_SCHEMA)

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> SqliteStateStore | None:
        """state.sqlite in NEWSCRAWL_STATE_DIR; None without one (one-off crawls)."""
        directory = settings.get("NEWSCRAWL_STATE_DIR")
        return cls(Path(directory) / "state.sqlite") if directory else None

    def close(self) -> None:
        self.db.close()

    def article(self, key: str) -> Written | None:
        row = self.db.execute("SELECT key, url, content_hash, lastmod FROM articles WHERE key = ?", (key,)).fetchone()
        return Written(*row) if row else None

    def articles(self, keys: Sequence[str]) -> dict[str, Written]:
        found: dict[str, Written] = {}
        for start in range(0, len(keys), 500):  # SQLite's bound on parameters
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            found.update((row[0], Written(*row)) for row in self.db.execute(
                f"SELECT key, url, content_hash, lastmod FROM articles WHERE key IN ({marks})", chunk))
        return found

    def count_articles(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def part_applied(self, part: str) -> bool:
        return self.db.execute("SELECT 1 FROM parts WHERE path = ?", (part,)).fetchone() is not None

    def apply_part(self, part: str, written: Iterable[Written], when: str) -> None:
        rows = [(w.key, w.url, w.content_hash, w.lastmod, when, part) for w in written]
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany(
                "INSERT INTO articles (key, url, content_hash, lastmod, written_at, part) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET url=excluded.url, content_hash=excluded.content_hash, "
                "lastmod=excluded.lastmod, written_at=excluded.written_at, part=excluded.part", rows)
            self.db.execute("INSERT OR IGNORE INTO parts (path, records, applied_at) VALUES (?, ?, ?)",
                            (part, len(rows), when))

    def forget_part(self, part: str) -> int:
        """Unmark the articles whose latest record is in `part` (found damaged): they are
        fetched again. Returns how many."""
        with self.db:
            self.db.execute("BEGIN IMMEDIATE")
            forgotten = self.db.execute("DELETE FROM articles WHERE part = ?", (part,)).rowcount
            self.db.execute("DELETE FROM parts WHERE path = ?", (part,))
        return int(forgotten)

    def update_watermark(self, site: str, newest_published: str | None, when: str) -> None:
        self.db.execute(
            "INSERT INTO watermarks (site, newest_published, last_run) VALUES (?, ?, ?) ON CONFLICT(site) DO UPDATE "
            "SET newest_published = max(coalesce(watermarks.newest_published, ''), coalesce(excluded.newest_published, "
            "'')), last_run = excluded.last_run", (site, newest_published, when))

    def watermark(self, site: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT newest_published, last_run FROM watermarks WHERE site = ?", (site,)).fetchone()
        return (row[0], row[1]) if row else (None, None)
