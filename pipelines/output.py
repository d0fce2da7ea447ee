"""Crash-safe partitioned output: OUT/date=YYYY-MM-DD/run=ID/part-NNNNN.jsonl.gz.

Each part is written under a temporary name, closed, fsynced and renamed; only
then is it listed in the run's `_manifest.jsonl` and are its URLs marked written
in the state store. A kill -9 at any moment leaves complete parts (all parseable)
plus at most one temporary file, which the next run deletes; the URLs of that lost
part were never marked, so the next run fetches them again. Parts renamed but not
yet marked (a kill between the two steps) are found and marked at the next start.

A write error (a full disk) discards the open part: it is deleted, never listed nor
marked, and the run stops with finish reason `output_error` (records still arriving
are dropped with that reason). At the next start, every listed part of an earlier run
is checked against its manifest line (present, same size); a damaged one is set aside
(pipelines/manifest.py) and its records are forgotten by the state, so they are fetched
again.

Settings read: NEWSCRAWL_OUTPUT_DIR (enables this pipeline), NEWSCRAWL_RUN_ID,
NEWSCRAWL_PART_RECORDS, NEWSCRAWL_PART_SECONDS, NEWSCRAWL_STATE_DIR.
"""

from __future__ import annotations

import fcntl
import gzip
import json
import logging
import os
import time
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DropItem, NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet import task

from crawler.items import ArticleRecord
from crawler.signals import part_completed
from crawler.urls import dedup_key, site_of

from . import manifest
from .parts import read_part
from .state import StateStore, Written, open_state_store

logger = logging.getLogger(__name__)
TMP_SUFFIX = ".tmp"
OUTPUT_ERROR = "output_error"  # finish reason and drop reason after a write error


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
        self.pending_newest: dict[str, datetime] = {}  # site -> newest published_at in the open part
        self.newest: dict[str, datetime] = {}  # site -> newest published_at written (watermarks)
        self.opened_at = 0.0
        self.timer: task.LoopingCall | None = None
        self.lock: IO[str] | None = None
        self.error: str | None = None  # set by the first write error: nothing more is written
        self.closing = False

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
        try:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            # Held while this process writes here; the kernel drops it if the process dies,
            # which is how recovery tells a live writer's files from a dead one's.
            self.lock = (self.run_dir / ".lock").open("w")
            fcntl.flock(self.lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self.recover()
        except OSError as exc:
            self.fail(exc, f"preparing the output directory {self.run_dir}", 0, stop=False)
            raise CloseSpider(OUTPUT_ERROR) from None
        self.timer = task.LoopingCall(self.flush_if_old)
        self.timer.start(max(1.0, self.max_seconds / 4), now=False)

    def close_spider(self) -> None:
        self.closing = True
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        self.finish_part()
        # A finished run's folder holds its parts and manifest only; a run that wrote nothing
        # leaves no folder (an empty run=ID/ per cron run would pile up).
        (self.run_dir / ".lock").unlink(missing_ok=True)
        if self.lock is not None:
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
        """Delete temporary parts of killed runs; set aside damaged parts and forget their
        records; mark renamed-but-unmarked parts as written."""
        dead = [d for d in self.root.glob("date=*/run=*") if d != self.run_dir and not _locked(d)]
        for tmp in (t for d in dead for t in d.glob(f".part-*{TMP_SUFFIX}")):
            tmp.unlink()
            logger.warning("removed an incomplete part of an interrupted run: %s", tmp)
        for part, why in (found for d in dead for found in manifest.damaged_parts(d)):
            self.set_aside(part, why)
        if self.state is None:
            return
        for part in sorted(p for d in dead for p in d.glob("part-*.jsonl.gz")):
            name = str(part.relative_to(self.root))
            if self.state.part_applied(name):
                continue
            try:
                records = read_part(part)
            except (OSError, EOFError, ValueError, zlib.error) as exc:
                self.set_aside(part, f"unreadable ({exc})")
                continue
            self.state.apply_part(name, [self._written(r) for r in records], _now())
            if part.name not in manifest.entries(part.parent):  # it may have been listed just before the kill
                manifest.append(part.parent, manifest.describe(part, len(records)))
            logger.warning("marked the %d records of an unrecorded complete part: %s", len(records), part)

    def set_aside(self, part: Path, why: str) -> None:
        """A part that is not what its manifest says: its records are fetched again."""
        manifest.retire(part, why)
        forgotten = self.state.forget_part(str(part.relative_to(self.root))) if self.state is not None else 0
        logger.error("damaged output part %s (%s): set aside as %s%s; its %d records will be fetched again",
                     part, why, part.name, manifest.DAMAGED_SUFFIX, forgotten)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/output/damaged_parts")
            self.crawler.stats.inc_value("newscrawl/output/forgotten_records", forgotten)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleRecord):
            return item
        if self.error is not None:
            raise DropItem(f"{OUTPUT_ERROR}: not written, the output failed: {item.url}")
        line = json.dumps(item.to_dict(), ensure_ascii=False) + "\n"
        try:
            if self.gz is None:
                self.open_part()
            assert self.gz is not None
            self.gz.write(line.encode("utf-8"))
        except OSError as exc:
            self.discard(exc, f"writing the output part .{self._name()}{TMP_SUFFIX}", len(self.pending) + 1)
            raise DropItem(f"{OUTPUT_ERROR}: {exc.strerror or exc}: {item.url}") from None
        self.pending.append(Written(dedup_key(item.url), item.url, item.content_hash, item.lastmod))
        self.requested.append(item.requested_url or item.url)
        if item.published_at and item.site:
            published = datetime.fromisoformat(item.published_at)
            if item.site not in self.pending_newest or published > self.pending_newest[item.site]:
                self.pending_newest[item.site] = published
        if len(self.pending) >= self.max_records and not self.finish_part():
            self._count_discarded(item.requested_url or item.url, -1)  # dropped now: never counted as written
            raise DropItem(f"{OUTPUT_ERROR}: its part could not be completed: {item.url}")
        return item

    def flush_if_old(self) -> None:
        if self.gz is not None and time.monotonic() - self.opened_at >= self.max_seconds:
            self.finish_part()

    def _name(self) -> str:
        return f"part-{self.part_number:05d}.jsonl.gz"

    def open_part(self) -> None:
        name = self._name()
        self.handle = (self.run_dir / f".{name}{TMP_SUFFIX}").open("wb")
        self.gz = gzip.GzipFile(filename=name, mode="wb", fileobj=self.handle, mtime=0)
        self.opened_at = time.monotonic()

    def finish_part(self) -> bool:
        """Make the open part durable, list it, mark its records. False if that failed (the
        part is then discarded and the run stops)."""
        if self.gz is None or self.handle is None:
            return self.error is None
        name = f"part-{self.part_number:05d}.jsonl.gz"
        tmp, final = self.run_dir / f".{name}{TMP_SUFFIX}", self.run_dir / name
        records = len(self.pending)
        try:
            self.gz.close()
            self.handle.flush()
            os.fsync(self.handle.fileno())
            self.handle.close()
            self.gz = self.handle = None
            os.replace(tmp, final)
            fsync_dir(self.run_dir)
        except OSError as exc:
            if final.exists() and not tmp.exists():
                os.replace(final, tmp)  # renamed but not durable: not complete
            self.discard(exc, f"completing the output part {tmp}", records)
            return False
        try:
            manifest.append(self.run_dir, manifest.describe(final, records))
        except OSError as exc:
            os.replace(final, tmp)  # not listed: not complete
            self.discard(exc, f"listing the output part {final} in {manifest.MANIFEST}", records)
            return False
        written, self.pending = self.pending, []
        requested, self.requested = self.requested, []
        for site, newest in self.pending_newest.items():
            if site not in self.newest or newest > self.newest[site]:
                self.newest[site] = newest
        self.pending_newest = {}
        self.part_number += 1
        if self.state is not None:
            try:
                self.state.apply_part(str(final.relative_to(self.root)), written, _now())
            except Exception as exc:
                # The part is complete and listed: the next run marks it (recover). Stop here.
                self.fail(exc, f"recording the output part {final} in the state (the next run does)", 0)
                return False
        # Only now are these requests done for good (distributed mode releases their leases).
        self.crawler.signals.send_catch_log(part_completed, requested_urls=requested)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("newscrawl/output/parts")
        return True

    def discard(self, exc: OSError, doing: str, records: int) -> None:
        """Drop the open part after a write error: deleted, never listed, nothing marked."""
        for closable in (self.gz, self.handle):
            try:
                if closable is not None:
                    closable.close()
            except OSError:
                pass  # the buffered rest cannot be written either: it is being discarded
        self.gz = self.handle = None
        name = f"part-{self.part_number:05d}.jsonl.gz"
        (self.run_dir / f".{name}{TMP_SUFFIX}").unlink(missing_ok=True)
        for url in self.requested:
            self._count_discarded(url, 1)
        self.pending, self.requested, self.pending_newest = [], [], {}
        self.fail(exc, doing, records)

    def _count_discarded(self, url: str, count: int) -> None:
        # Records are counted as their site's articles once they pass here; the run report's `new`
        # takes discarded ones off again (crawler/extensions/summary.py): it says what the parts hold.
        site = site_of(url)
        if site and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/site/{site}/discarded", count)

    def fail(self, exc: BaseException, doing: str, discarded: int, stop: bool = True) -> None:
        """Record the first write error, say it once, and stop the run."""
        why = getattr(exc, "strerror", None) or str(exc)
        lost = (f"; the part's {discarded} records were discarded and are not recorded as written "
                "(the next run fetches them again)") if discarded else ""
        message = f"{doing} failed: {why}{lost}"
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("newscrawl/output/discarded_records", discarded)
        if self.error is not None:
            return
        self.error = message
        logger.error("%s; the run stops", message)
        if stats is not None:
            stats.set_value("newscrawl/output/error", message)
        engine = self.crawler.engine
        if stop and not self.closing and engine is not None and engine.spider is not None:
            # A state that failed for a reason of its own (Redis lost the run) gives that reason.
            reason = getattr(exc, "finish_reason", OUTPUT_ERROR)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    @staticmethod
    def _written(record: dict[str, Any]) -> Written:
        return Written(dedup_key(record["url"]), record["url"], record["content_hash"], None)


def _locked(run_dir: Path) -> bool:
    """Is a live process writing this run directory?"""
    lock = run_dir / ".lock"
    return lock.exists() and lock_held(lock)


def lock_held(lock: Path) -> bool:
    """Does a live process hold an flock on this file? Probed from a descriptor of our own,
    which an flock taken through any other descriptor (this process's too) blocks."""
    with lock.open("a") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(probe, fcntl.LOCK_UN)
    return False


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
