"""`newscrawl extract` over saved pages and WARC archives: filters, ordered output, resuming.

Inputs are read in order (a WARC archive record by record, crawler/warcinput.py) and every
page that can become a record goes to the extraction workers; their lines come back in
input order. Filters that the archive alone can decide run before extraction (the fetched
URL's site and pattern, the fetch date against --since, a declared language); the record's
own fields are checked after it (canonical URL, publication date, detected language).

With an output file, progress is saved next to it (`.OUT.progress`, every --checkpoint
seconds): the input and WARC record offset up to which every line is in `.OUT.part`, with
the counts so far. Run the same command again after a kill and it goes on from there: the
part file is cut back to the saved length, finished inputs are skipped and an archive is
read from the saved offset. The output is renamed into place and the progress file removed
only when everything is done.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from crawler.items import RawPage
from crawler.pagejob import PageJob, PageResult
from crawler.urls import dedup_key, host_of
from crawler.warcinput import FetchedPage, is_warc, responses
from pipelines.workers import ExtractionWorkers

# (input index, WARC record offset): everything up to and including it is written. A page
# file is one record at offset 0.
Position = tuple[int, int]
Tag = tuple[Position, "Counter[str]", "PageJob | dict[str, Any]"]
_JSON = json.JSONEncoder(ensure_ascii=False)
_SLICE = 1 << 16


def write_json_line(out: IO[bytes], record: Mapping[str, Any]) -> int:
    """`record` as one JSON line, its long strings (the text) escaped and encoded a slice at a
    time: json.dumps(...).encode() held the text four times over (its escaped copy, the line,
    the bytes and the encoder's worst-case buffer: 160 MB for 10 MB of text with one emoji).
    The same bytes as json.dumps(record, ensure_ascii=False) + newline; returns their count."""
    size = 0
    for i, (key, value) in enumerate(record.items()):
        size += _write(out, ("{" if i == 0 else ", ") + _JSON.encode(key) + ": ")
        if isinstance(value, str) and len(value) > _SLICE:
            size += _write(out, '"')
            for start in range(0, len(value), _SLICE):  # escaping slices = slicing the escaped
                size += _write(out, _JSON.encode(value[start:start + _SLICE])[1:-1])
            size += _write(out, '"')
        else:
            size += _write(out, _JSON.encode(value))
    return size + _write(out, "}\n" if record else "{}\n")


def _write(out: IO[bytes], text: str) -> int:
    data = text.encode("utf-8")
    out.write(data)
    return len(data)


_DECLARED_LANG = re.compile(rb"<html\b[^>]*?\slang\s*=\s*[\"']?\s*([A-Za-z]{2,3})\b", re.I)


@dataclass(frozen=True)
class Filters:
    sites: tuple[str, ...] = ()  # hosts, `www.` ignored; their subdomains count
    url_pattern: re.Pattern[str] | None = None
    since: datetime | None = None
    language: str | None = None  # ISO 639-1

    def describe(self) -> dict[str, Any]:
        return {"sites": list(self.sites), "url": self.url_pattern.pattern if self.url_pattern else None,
                "since": self.since.isoformat() if self.since else None, "language": self.language}

    def before(self, page: FetchedPage) -> str | None:
        """Why an archived page is not worth extracting, from what the archive says of it."""
        if self.sites and not on_sites(page.url, self.sites):
            return "filtered/site"
        if self.url_pattern and not self.url_pattern.search(page.url):
            return "filtered/url"
        if self.since and datetime.fromisoformat(page.warc_date) < self.since:
            return "filtered/since"  # fetched before it: cannot have been published after it
        if self.language:
            declared = declared_language(page.body, page.language)
            if declared and declared != self.language:
                return "filtered/language"
        return None

    def after(self, record: dict[str, Any]) -> str | None:
        """Why an extracted record is not kept, from its own fields."""
        if self.sites and not on_sites(record["url"], self.sites):
            return "dropped/site"
        if self.url_pattern and not self.url_pattern.search(record["url"]):
            return "dropped/url"
        published = record.get("published_at")
        if self.since and published and datetime.fromisoformat(published) < self.since:
            return "dropped/older_than_since"
        if self.language and record.get("language") != self.language:
            return "dropped/language"
        return None


def on_sites(url: str, sites: tuple[str, ...]) -> bool:
    host = (host_of(url) or "").removeprefix("www.")
    return any(host == site or host.endswith("." + site) for site in sites)


def declared_language(body: bytes, header: str | None) -> str | None:
    """The language a page declares (Content-Language, else <html lang>), two letters."""
    value = (header or "").split(",")[0].strip()
    if not value:
        match = _DECLARED_LANG.search(body[:16384])
        value = match.group(1).decode("ascii") if match else ""
    return value.split("-")[0].split("_")[0].lower()[:3] or None


class Progress:
    """`.OUT.progress`: where a run stands, for the next run of the same command."""

    def __init__(self, part: Path, signature: dict[str, Any], every: float) -> None:
        self.part = part
        self.path = part.with_name(part.name.removesuffix(".part") + ".progress")
        # The command it belongs to (inputs with their sizes, options), as a digest: a list of a
        # million input files is not rewritten at every save.
        self.signature = hashlib.sha256(json.dumps(signature, sort_keys=True).encode("utf-8")).hexdigest()
        self.every = every
        self.saved_at = 0.0

    def resume(self) -> tuple[Position, int, Counter[str]] | None:
        """(position, bytes of output, counts) of an interrupted run of the same command, the
        part file cut back to what the position covers; None to start afresh."""
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            size = self.part.stat().st_size
        except (OSError, ValueError):
            return None
        if state.get("signature") != self.signature or size < state["bytes"]:
            return None  # another command, or lines lost (the part file is older than the progress)
        with self.part.open("r+b") as handle:
            handle.truncate(state["bytes"])
        return (state["position"][0], state["position"][1]), state["bytes"], Counter(state["counts"])

    def save(self, position: Position, size: int, counts: Counter[str], *, now: bool = False) -> None:
        moment = time.monotonic()
        if not now and moment - self.saved_at < self.every:
            return
        self.saved_at = moment
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"signature": self.signature, "position": list(position), "bytes": size,
                                   "counts": dict(counts)}), encoding="utf-8")
        os.replace(tmp, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


class Backfill:
    """Runs the inputs through the workers and writes one JSON line per record or error."""

    def __init__(self, inputs: list[Path], workers: ExtractionWorkers[PageJob, PageResult], filters: Filters,
                 max_bytes: int,
                 read_page: Callable[[Path], PageJob | dict[str, Any]],
                 unreadable: Mapping[Path, str] | None = None) -> None:
        self.inputs = inputs
        self.unreadable = unreadable or {}  # input -> its error, said without opening it (a FIFO blocks)
        self.workers = workers
        self.filters = filters
        self.max_bytes = max_bytes
        self.read_page = read_page
        self.counts: Counter[str] = Counter()
        self.seen: dict[int, set[str]] = {}  # per archive: canonical URLs already written

    def run(self, out: IO[bytes], progress: Progress | None = None,
            resumed: tuple[Position, int, Counter[str]] | None = None) -> Counter[str]:
        """`resumed`: what Progress.resume() gave, the part file already cut back (`out` appends)."""
        start: Position | None = None
        size = 0
        if resumed is not None and progress is not None:
            start, size, self.counts = resumed
            self.counts["resumed"] += 1
            self._rebuild_seen(progress.part, start[0])
        for (position, delta, job), result in self.workers.imap(self._jobs(start)):
            self.counts.update(delta)
            line = self._line(position, job, result)
            if line is not None:
                size += write_json_line(out, line)
                out.flush()
                self.counts["lines"] += 1
            if progress is not None:
                progress.save(position, size, self.counts)
        return self.counts

    def _jobs(self, start: Position | None) -> Iterator[tuple[Tag, PageJob | None]]:
        """(tag, job) in input order for the pool; the tag holds the job's position, the counts
        since the previous job (records skipped on the way) and the job itself or the line to
        write in its place (the pool passes None jobs through in order)."""
        for index, path in enumerate(self.inputs):
            whole = not is_warc(path) or path in self.unreadable  # one line, no records inside
            if start is not None and index < start[0] or start is not None and index == start[0] and whole:
                continue
            delta: Counter[str] = Counter()
            if path in self.unreadable:
                delta["inputs"] += 1
                error = {"input": str(path), "error": self.unreadable[path]}
                yield ((index, 0), delta, error), None
                continue
            if not is_warc(path):
                delta["inputs"] += 1
                item = self.read_page(path)
                yield ((index, 0), delta, item), item if isinstance(item, PageJob) else None
                continue
            delta["inputs"] += start is None or index != start[0]
            after = start[1] if start is not None and index == start[0] else None
            try:
                for page in responses(path, self.max_bytes, delta, after=after):
                    job = self._job(path, page, delta)
                    if job is not None:
                        tag: Tag = ((index, page.through), Counter(delta), job)
                        delta.clear()  # the same object responses() counts into
                        yield tag, job if isinstance(job, PageJob) else None
            except Exception as exc:
                delta["errors/unreadable_archive"] += 1
                error = {"input": str(path), "error": f"unreadable: {type(exc).__name__}: {exc}"}
                yield ((index, 1 << 62), Counter(delta), error), None
                continue
            yield ((index, 1 << 62), Counter(delta), {}), None  # the archive is done: only its counts

    def _job(self, path: Path, page: FetchedPage, counts: Counter[str]) -> PageJob | dict[str, Any] | None:
        """The job for one archived response; None when it is skipped (and counted)."""
        if not 200 <= page.status < 300:
            counts["skipped/status"] += 1  # the spider never sees these (redirects, errors)
            return None
        if not page.is_html:
            counts["skipped/not_html"] += 1  # feeds, robots.txt, images, PDFs
            return None
        reason = self.filters.before(page)
        if reason:
            counts[reason] += 1
            return None
        where = f"{path}#{page.offset}"
        if page.too_large:
            counts["errors/too_large"] += 1
            return {"input": where, "url": page.url, "error": f"too_large: over the limit of {self.max_bytes} bytes"}
        counts["extracted"] += 1
        counts["truncated"] += page.truncated is not None
        raw = RawPage(url=page.url, html="", fetched_at=page.warc_date, http_status=page.status,
                      content_type=page.content_type, requested_url=page.meta.get("requested_url"),
                      hints=dict(page.meta.get("date_hints") or {}), input=where)
        # Our archives say whether the crawl expected an article (listed in a sitemap or feed);
        # otherwise the page's own signals decide, as for a page the crawl reached by a link, so
        # homepages and section listings in another crawler's archive never become records.
        return PageJob(raw, body=page.body, expect_article=bool(page.meta.get("article")))

    def _line(self, position: Position, job: PageJob | dict[str, Any], result: PageResult | None
              ) -> dict[str, Any] | None:
        if isinstance(job, dict):
            if not job:
                return None  # the end-of-archive marker
            self.counts["errors"] += 1  # an input that cannot be read, a page over the size limit
            return job
        if result is None:
            return None  # not reached: the pool gives every job its result
        warc = is_warc(self.inputs[position[0]])
        if result.record is not None:
            record = result.record.to_dict()
            reason = self.filters.after(record)
            if reason:
                self.counts[reason] += 1
                return None
            if warc:  # as in the crawl: one record per canonical URL (of each archive)
                seen = self.seen.setdefault(position[0], set())
                key = dedup_key(record["url"])
                if key in seen:
                    self.counts["skipped/duplicate_url"] += 1
                    return None
                seen.add(key)
            self.counts["records"] += 1
            return record
        reason, detail = result.rejected or ("not_article", "no article found")
        if warc:  # as in the crawl: a page that is no record is counted (by reason), not written
            self.counts[f"rejected/{reason}" if result.is_article else "skipped/not_article"] += 1
            return None
        self.counts["errors"] += 1
        return {"input": job.raw.input, "error": f"{reason}: {detail}"}

    def _rebuild_seen(self, part: Path, index: int) -> None:
        """The canonical URLs already written from the archive being resumed."""
        prefix = f"{self.inputs[index]}#"
        seen = self.seen.setdefault(index, set())
        with part.open(encoding="utf-8") as lines:
            for text in lines:
                line = json.loads(text)
                if "error" not in line and str(line.get("input", "")).startswith(prefix):
                    seen.add(dedup_key(line["url"]))
