"""A scheduled run's state directory belongs to one run at a time, and is sound.

* Lock: `STATE/run.lock` is held (flock) for the whole run, so two runs of the same sites
  file cannot both crawl and write the same articles; the second one stops before any work
  (`newscrawl run` takes it first, for a one-line error and exit status 2; under scrapy or
  scrapyd this extension takes it). The kernel drops the lock when the process dies, kill -9
  included: there is never a stale lock to delete.
* Integrity: the SQLite files of the state (`state.sqlite`, `neardup.sqlite`) are checked
  (`PRAGMA quick_check`) before any component opens them. A damaged one is set aside as
  `NAME.damaged-TIMESTAMP` and started afresh. The output parts are the source of truth:
  the part writer marks, at the start, every complete part the state does not know
  (pipelines/output.py), so nothing already written is fetched or written again.

Settings read: NEWSCRAWL_STATE_DIR (enables it), NEWSCRAWL_RUN_ID, NEWSCRAWL_SEED (a worker
joining a distributed run neither locks nor checks), REDIS_URL (the state is in Redis then).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from pipelines.output import lock_held

logger = logging.getLogger(__name__)
LOCK_NAME = "run.lock"
CHECKED_FILES = ("state.sqlite", "neardup.sqlite")


class StateLocked(RuntimeError):
    """Another live process runs on this state directory."""


def acquire(state_dir: Path, run_id: str | None) -> IO[str]:
    """Take the state directory's run lock, or raise StateLocked naming who holds it."""
    state_dir.mkdir(parents=True, exist_ok=True)
    handle = (state_dir / LOCK_NAME).open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _read_holder(handle)
        handle.close()
        raise StateLocked(f"another run is using the state directory {str(state_dir)!r} ({holder}); "
                          "this one did not start") from None
    handle.seek(0)
    handle.truncate()
    handle.write(json.dumps({"pid": os.getpid(), "run_id": run_id, "started_at": _now()}) + "\n")
    handle.flush()
    return handle


def held_by_this_process(state_dir: Path) -> bool:
    """True when this very process took the lock (`newscrawl run` does, before the crawl)."""
    try:
        info = json.loads((state_dir / LOCK_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(info, dict) or info.get("pid") != os.getpid():
        return False
    return lock_held(state_dir / LOCK_NAME)  # our pid, but a dead run of ours could have written it


def damage(path: Path) -> str | None:
    """What is wrong with an SQLite file (None when it is sound or absent)."""
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            rows = [row[0] for row in db.execute("PRAGMA quick_check(5)")]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(str(r) for r in rows)


def set_aside(path: Path) -> Path:
    """Move a damaged SQLite file (and its journal files) out of the way."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("-wal", "-shm", "-journal", ""):
        source = path.with_name(path.name + suffix)
        if source.exists():
            os.replace(source, aside.with_name(aside.name + suffix))
    return aside


class StateGuard:
    def __init__(self, lock: IO[str] | None) -> None:
        self.lock = lock

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StateGuard:
        settings = crawler.settings
        directory = settings.get("NEWSCRAWL_STATE_DIR")
        if not directory or not settings.getbool("NEWSCRAWL_SEED", True):
            raise NotConfigured("no state directory, or a worker of a distributed run")
        state_dir = Path(directory)
        lock = None if held_by_this_process(state_dir) else acquire(state_dir, settings.get("NEWSCRAWL_RUN_ID"))
        guard = cls(lock)
        crawler.signals.connect(guard.release, signal=signals.engine_stopped)
        if not settings.get("REDIS_URL"):
            for name in CHECKED_FILES:
                why = damage(state_dir / name)
                if why is not None:
                    aside = set_aside(state_dir / name)
                    logger.error("the state file %s is damaged (%s): set aside as %s and started afresh; "
                                 "the articles written are re-learned from the output parts", state_dir / name,
                                 why, aside.name)
                    if crawler.stats is not None:
                        crawler.stats.set_value(f"newscrawl/state/rebuilt/{name}", why)
        return guard

    def release(self) -> None:
        if self.lock is not None:
            self.lock.close()
            self.lock = None


def _read_holder(handle: IO[str], patience: float = 2.0) -> str:
    """Who holds the lock. The holder writes its line just after taking the lock, so a run
    started at the same moment can find the file empty: it waits briefly for the line."""
    deadline = time.monotonic() + patience
    while True:
        handle.seek(0)
        text = handle.read()
        if text.endswith("\n") or time.monotonic() >= deadline:
            return _holder(text)
        time.sleep(0.02)


def _holder(text: str) -> str:
    try:
        info = json.loads(text)
        return f"pid {info['pid']}, run {info.get('run_id')}, started {info.get('started_at')}"
    except (ValueError, KeyError, TypeError):
        return "lock held"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
