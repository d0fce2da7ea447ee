"""Where the near-duplicate index lives: a small interface and two stores.

The index (pipelines/neardup.py) needs four things from storage: the earliest entry with
a content hash, the entries sharing any LSH band key, adding an entry, closing. Anything
offering them (a Redis store for distributed crawls) plugs in through the setting
NEWSCRAWL_NEARDUP_STORE, a class path whose `from_settings(settings, params)` builds it.

Default: SQLite at NEWSCRAWL_STATE_DIR/neardup.sqlite (a file of its own: the index can be
dropped and rebuilt without touching the crawl state), in memory without a state directory.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object


@dataclass(frozen=True)
class Entry:
    """One indexed copy. `seq` orders copies by when they were seen (the store assigns it)."""

    key: str  # dedup key of the URL: versions of one article share it
    url: str
    root_url: str  # the earliest copy of its group (itself for a first copy)
    root_key: str
    content_hash: str
    signature: bytes  # MinHash values, uint32 little-endian
    seq: int = 0


class NearDupStore(Protocol):
    def first_with_hash(self, content_hash: str, exclude_key: str) -> Entry | None: ...

    def candidates(self, bands: Sequence[int], exclude_key: str, limit: int) -> list[Entry]: ...

    def add(self, entry: Entry, bands: Sequence[int]) -> None: ...

    def close(self) -> None: ...


class MemoryStore:
    """The index of one process (one-off crawls, tests, the benchmark)."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.by_hash: dict[str, list[int]] = {}
        self.by_band: dict[int, list[int]] = {}

    def first_with_hash(self, content_hash: str, exclude_key: str) -> Entry | None:
        return next(
            (
                self.entries[i]
                for i in self.by_hash.get(content_hash, [])
                if self.entries[i].key != exclude_key
            ),
            None,
        )

    def candidates(self, bands: Sequence[int], exclude_key: str, limit: int) -> list[Entry]:
        seqs = sorted({i for band in bands for i in self.by_band.get(band, [])})
        return [self.entries[i] for i in seqs if self.entries[i].key != exclude_key][:limit]

    def add(self, entry: Entry, bands: Sequence[int]) -> None:
        seq = len(self.entries)
        self.entries.append(
            Entry(
                entry.key, entry.url, entry.root_url, entry.root_key, entry.content_hash, entry.signature, seq
            )
        )
        self.by_hash.setdefault(entry.content_hash, []).append(seq)
        for band in bands:
            self.by_band.setdefault(band, []).append(seq)

    def close(self) -> None:
        pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, url TEXT NOT NULL, root_url TEXT NOT NULL,
    root_key TEXT NOT NULL, content_hash TEXT NOT NULL, signature BLOB NOT NULL, added_at TEXT NOT NULL
        DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')));
CREATE INDEX IF NOT EXISTS docs_hash ON docs (content_hash, seq);
CREATE TABLE IF NOT EXISTS bands (
    band INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (band, seq)) WITHOUT ROWID;
"""
_COLUMNS = "key, url, root_url, root_key, content_hash, signature, seq"


class SqliteStore:
    """The index between runs. `params` (shingle size, permutations, bands) is stored with it:
    signatures and band keys made with other parameters cannot be compared, so a mismatch
    stops the crawl instead of silently finding nothing."""

    def __init__(self, path: Path, params: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode survives a killed process; a power cut may lose the last entries,
        # which only means a later copy is not linked to them.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(_SCHEMA)
        self.db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('params', ?)", (params,))
        stored = self.db.execute("SELECT value FROM meta WHERE name = 'params'").fetchone()[0]
        if stored != params:
            self.db.close()
            raise ValueError(
                f"the near-duplicate index {path} was built with {stored}, not {params}: "
                "restore those settings or delete the file to start a new index"
            )

    @classmethod
    def from_settings(cls, settings: BaseSettings, params: str) -> SqliteStore:
        return cls(Path(settings["NEWSCRAWL_STATE_DIR"]) / "neardup.sqlite", params)

    def first_with_hash(self, content_hash: str, exclude_key: str) -> Entry | None:
        row = self.db.execute(
            f"SELECT {_COLUMNS} FROM docs WHERE content_hash = ? AND key != ? ORDER BY seq LIMIT 1",
            (content_hash, exclude_key),
        ).fetchone()
        return Entry(*row) if row else None

    def candidates(self, bands: Sequence[int], exclude_key: str, limit: int) -> list[Entry]:
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM docs WHERE seq IN (SELECT seq FROM bands WHERE band IN ({marks})) "
            "AND key != ? ORDER BY seq LIMIT ?",
            (*bands, exclude_key, limit),
        ).fetchall()
        return [Entry(*row) for row in rows]

    def add(self, entry: Entry, bands: Sequence[int]) -> None:
        with self.db:  # the entry and its bands together, or neither
            self.db.execute("BEGIN IMMEDIATE")
            cursor = self.db.execute(
                "INSERT INTO docs (key, url, root_url, root_key, content_hash, signature) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (entry.key, entry.url, entry.root_url, entry.root_key, entry.content_hash, entry.signature),
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO bands (band, seq) VALUES (?, ?)",
                [(band, cursor.lastrowid) for band in bands],
            )

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM docs").fetchone()[0])

    def close(self) -> None:
        self.db.close()


def open_store(settings: BaseSettings, params: str) -> NearDupStore:
    """NEWSCRAWL_NEARDUP_STORE if set, else SQLite in the state directory, else memory."""
    custom = settings.get("NEWSCRAWL_NEARDUP_STORE")
    if custom:
        store: NearDupStore = load_object(custom).from_settings(settings, params)
        return store
    if settings.get("NEWSCRAWL_STATE_DIR"):
        return SqliteStore.from_settings(settings, params)
    return MemoryStore()
