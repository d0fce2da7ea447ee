"""Crash-safe partitioned output: OUT/date=YYYY-MM-DD/run=ID/part-NNNNN.jsonl.gz.

Each part is written under a temporary name, closed, fsynced and renamed; only
then is it listed in the run's `_manifest.jsonl` and are its URLs marked written
in the state store. A kill -9 at any moment leaves complete parts (all parseable)
plus at most one temporary file, which the next run deletes; the URLs of that lost
part were never marked, so the next run fetches them again. Parts renamed but not
yet marked (a kill between the two steps) are found and marked at the next start.

Settings read: NEWSCRAWL_OUTPUT_DIR (enables this pipeline), NEWSCRAWL_RUN_ID,
NEWSCRAWL_PART_RECORDS, NEWSCRAWL_PART_SECONDS, NEWSCRAWL_STATE_DIR.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import logging
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from pipelines.contracts.items import ArticleRecord
from pipelines.contracts.signals import part_completed
from pipelines.contracts.urls import dedup_key

from .state import StateStore, Written, open_state_store

logger = logging.getLogger(__name__)
TMP_SUFFIX = ".tmp"


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_part(path: Path) -> list[dict[str, Any]]:
    """All records of a complete part; raises (OSError, EOFError, ValueError) if it is not complete."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def complete_parts(root: Path) -> list[Path]:
    return sorted(root.glob("date=*/run=*/part-*.jsonl.gz"))


class PartWriterPipeline:
    def __init__(self, crawler: Crawler, root: Path, run_id: str, state: StateStore | None) -> None:
        self.crawler = crawler
        self.root = root
        self.run_id = run_id
        self.state = state
        self.max_records = crawler.settings.getint("NEWSCRAWL_PART_RECORDS", 500)
        self.max_seconds = crawler.settings.getfloat("NEWSCRAWL_PART_SECONDS", 30.0)
        # Each worker of a distributed run writes its own parts.
        worker = crawler.settings.get("NEWSCRAWL_WORKER_ID")
        run_name = f"{run_id}-{worker}" if worker else run_id
        self.run_dir = root / f"date={datetime.now(timezone.utc):%Y-%m-%d}" / f"run={run_name}"
        self.part_number = 0
        self.handle: IO[bytes] | None = None
        self.gz: gzip.GzipFile | None = None
        self.pending: list[Written] = []
        self.requested: list[str] = []  # the requests behind the records of the open part
        self.newest: dict[str, datetime] = {}  # site -> newest published_at written (watermarks)
        self.opened_at = 0.0
        self.timer: task.LoopingCall | None = None
        self.lock: IO[str]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PartWriterPipeline:
        root = crawler.settings.get("NEWSCRAWL_OUTPUT_DIR")
        if not root:
            raise NotConfigured("NEWSCRAWL_OUTPUT_DIR not set")
        run_id = crawler.settings.get("NEWSCRAWL_RUN_ID") or new_run_id()
        pipeline = cls(crawler, Path(root), run_id, open_state_store(crawler.settings))
        # Nothing to do for now: make what we have durable (and release its leases) at once.
        crawler.signals.connect(pipeline.finish_part, signal=signals.spider_idle)
        return pipeline

    def open_spider(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        # Held while this process writes here; the kernel drops it if the process dies,
        # which is how recovery tells a live writer's files from a dead one's.
        self.lock = (self.run_dir / ".lock").open("w")
        fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.recover()
        self.timer = task.LoopingCall(self.flush_if_old)
        self.timer.start(max(1.0, self.max_seconds / 4), now=False)

    def close_spider(self) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.finish_part()
        # A finished run's folder holds its parts and manifest only; a run that wrote nothing
        # leaves no folder (an empty run=ID/ per cron run would pile up).
        (self.run_dir / ".lock").unlink(missing_ok=True)
        self.lock.close()
        if self.part_number == 0:
            for empty in (self.run_dir, self.run_dir.parent):
                try:
                    empty.rmdir()
                except OSError:  # not empty: another run wrote parts that day
                    break
        if self.state is not None:
            for site, newest in self.newest.items():
                self.state.update_watermark(site, newest.astimezone(timezone.utc).isoformat(), _now())
            self.state.close()

    def recover(self) -> None:
        """Delete temporary parts of killed runs; mark renamed-but-unmarked parts as written."""
        dead = [d for d in self.root.glob("date=*/run=*") if d != self.run_dir and not _locked(d)]
        for tmp in (t for d in dead for t in d.glob(f".part-*{TMP_SUFFIX}")):
            tmp.unlink()
            logger.warning("removed an incomplete part of an interrupted run: %s", tmp)
        if self.state is None:
            return
        for part in sorted(p for d in dead for p in d.glob("part-*.jsonl.gz")):
            name = str(part.relative_to(self.root))
            if self.state.part_applied(name):
                continue
            records = read_part(part)
            self.state.apply_part(name, [self._written(r) for r in records], _now())
            if not _listed(part):  # it may have been listed just before the kill
                self._append_manifest(part, len(records))
            logger.warning("marked the %d records of an unrecorded complete part: %s", len(records), part)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        if self.gz is None:
            self.open_part()
        assert self.gz is not None
        line = json.dumps(item.to_dict(), ensure_ascii=False) + "\n"
        self.gz.write(line.encode("utf-8"))
        self.pending.append(Written(dedup_key(item.url), item.url, item.content_hash, item.lastmod))
        self.requested.append(item.requested_url or item.url)
        if item.published_at and item.site:
            published = datetime.fromisoformat(item.published_at)
            if item.site not in self.newest or published > self.newest[item.site]:
                self.newest[item.site] = published
        if len(self.pending) >= self.max_records:
            self.finish_part()
        return item

    def flush_if_old(self) -> None:
        if self.gz is not None and time.monotonic() - self.opened_at >= self.max_seconds:
            self.finish_part()

    def open_part(self) -> None:
        name = f"part-{self.part_number:05d}.jsonl.gz"
        self.handle = (self.run_dir / f".{name}{TMP_SUFFIX}").open("wb")
        self.gz = gzip.GzipFile(filename=name, mode="wb", fileobj=self.handle, mtime=0)
        self.opened_at = time.monotonic()

    def finish_part(self) -> None:
        if self.gz is None or self.handle is None:
            return
        name = f"part-{self.part_number:05d}.jsonl.gz"
        tmp, final = self.run_dir / f".{name}{TMP_SUFFIX}", self.run_dir / name
        self.gz.close()
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        self.gz = self.handle = None
        os.replace(tmp, final)
        fsync_dir(self.run_dir)
        records, self.pending = self.pending, []
        requested, self.requested = self.requested, []
        self._append_manifest(final, len(records))
        if self.state is not None:
            self.state.apply_part(str(final.relative_to(self.root)), records, _now())
        # Only now are these requests done for good (distributed mode releases their leases).
        self.crawler.signals.send_catch_log(part_completed, requested_urls=requested)
        self.part_number += 1
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/output/parts")

    def _append_manifest(self, part: Path, records: int) -> None:
        manifest = part.parent / "_manifest.jsonl"
        data = part.read_bytes()
        entry = {"part": part.name, "records": records, "bytes": len(data),
                 "sha256": hashlib.sha256(data).hexdigest(), "completed_at": _now()}
        with manifest.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    @staticmethod
    def _written(record: dict[str, Any]) -> Written:
        return Written(dedup_key(record["url"]), record["url"], record["content_hash"], None)


def _listed(part: Path) -> bool:
    """Is this part already in its run's manifest?"""
    manifest = part.parent / "_manifest.jsonl"
    return manifest.exists() and any(json.loads(line).get("part") == part.name
                                     for line in manifest.read_text(encoding="utf-8").splitlines() if line.strip())


def _locked(run_dir: Path) -> bool:
    """Is a live process writing this run directory?"""
    lock = run_dir / ".lock"
    if not lock.exists():
        return False
    with lock.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
