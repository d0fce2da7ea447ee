"""`newscrawl extract FILE.warc.gz`: records rebuilt from a raw archive, as the crawl built them.

Each HTML response with a 2xx status becomes the RawPage the crawl made of it (url,
http_status, Content-Type, body decoded by decode_html with that header) with what the
crawl knew before fetching (requested URL, sitemap/feed date hints: the `metadata` record
crawler/extensions/warc.py writes after it) and fetched_at = the record's WARC-Date. It
then goes through the crawl's own page analysis (crawler/pageanalysis.py): pages the
crawl expected to be articles, or that look like one, give a record; listings, feeds,
robots.txt, redirects, errors and repeats of a URL already extracted from this archive give
nothing, as in the crawl. A WARC without our metadata (another crawler's) works the same,
with no hints and the page's looks alone deciding what is an article.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from crawler.pageanalysis import PageJob, PageResult, analyze_page
from pipelines.contracts.items import RawPage
from pipelines.contracts.urls import dedup_key
from pipelines.workers import ExtractionWorkers

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")  # what the spider treats as a page


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


@dataclass
class FetchedPage:
    url: str
    offset: int
    record_id: str
    warc_date: str
    status: int
    content_type: str
    body: bytes
    too_large: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


def responses(path: Path, max_bytes: int) -> Iterator[FetchedPage]:
    """Response records with their metadata record attached (it follows the response)."""
    pending: FetchedPage | None = None
    with path.open("rb") as stream:
        archive = ArchiveIterator(stream)
        for record in archive:
            if (
                record.rec_type == "metadata"
                and pending is not None
                and record.rec_headers.get_header("WARC-Concurrent-To") == pending.record_id
            ):
                pending.meta = _json(record.content_stream().read(1 << 20))
                continue
            if record.rec_type != "response":
                continue
            if pending is not None:
                yield pending
            pending = _page(record, archive, max_bytes)  # None: not an HTTP response
    if pending is not None:
        yield pending


def _page(record: Any, archive: ArchiveIterator, max_bytes: int) -> FetchedPage | None:
    http = record.http_headers
    if http is None:  # dns:, whois: ... records carry no HTTP response
        return None
    body = record.content_stream().read(max_bytes + 1)  # decodes chunking and gzip/deflate/br
    return FetchedPage(  # the offset only after the body: asking for it first skips the record
        url=record.rec_headers.get_header("WARC-Target-URI"),
        offset=archive.get_record_offset(),
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        warc_date=_fetched_at(record.rec_headers.get_header("WARC-Date")),
        status=int(http.get_statuscode() or 0),
        content_type=(http.get_header("Content-Type") or "").lower(),
        body=body[:max_bytes],
        too_large=len(body) > max_bytes,
    )


def extract_warc(
    path: Path, max_bytes: int, workers: ExtractionWorkers[PageJob, PageResult] | None = None
) -> Iterator[dict[str, Any]]:
    """One dict per article page: its record, or {"input", "error"}; an unreadable archive ends with
    one error line. `workers` (the extract command's pool) analyzes pages in parallel."""
    seen: set[str] = set()
    pool = workers or ExtractionWorkers(0, analyze_page)
    entries = ((job, job if isinstance(job, PageJob) else None) for job in _jobs(path, max_bytes))
    for job, result in pool.imap(entries):
        if isinstance(job, dict):
            yield job
        elif result is None:
            continue  # not reached: every PageJob gets a result
        elif result.record is not None:
            key = dedup_key(result.record.url)
            if key not in seen:  # as in the crawl: one record per canonical URL
                seen.add(key)
                yield result.record.to_dict()
        elif result.is_article and result.rejected is not None:
            yield {
                "input": job.raw.input,
                "url": job.raw.url,
                "error": f"{result.rejected[0]}: {result.rejected[1]}",
            }


def _jobs(path: Path, max_bytes: int) -> Iterator[PageJob | dict[str, Any]]:
    """A PageJob per HTML page the spider would have seen; errors as lines (never raised: the
    pages already in the workers' hands must still come out)."""
    try:
        for page in responses(path, max_bytes):
            if not 200 <= page.status < 300 or not any(t in page.content_type for t in HTML_TYPES):
                continue  # the spider never sees these (redirects, errors, feeds, robots.txt)
            where = f"{path}#{page.offset}"
            if page.too_large:
                yield {
                    "input": where,
                    "url": page.url,
                    "error": f"too_large: over the limit of {max_bytes} bytes",
                }
                continue
            raw = RawPage(
                url=page.url,
                html="",
                fetched_at=page.warc_date,
                http_status=page.status,
                content_type=page.content_type,
                requested_url=page.meta.get("requested_url"),
                hints=dict(page.meta.get("date_hints") or {}),
                input=where,
            )
            yield PageJob(raw, body=page.body, expect_article=bool(page.meta.get("article")))
    except Exception as exc:
        yield {"input": str(path), "error": f"unreadable: {type(exc).__name__}: {exc}"}


def _fetched_at(warc_date: str | None) -> str:
    if not warc_date:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")
    moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _json(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}  # another tool's metadata record: not ours to read
    return value if isinstance(value, dict) else {}
