"""Pages out of WARC archives: ours (`crawl --warc`) and anyone else's (Common Crawl's CC-NEWS).

Reads every record of a `.warc` / `.warc.gz` (one gzip member per record or one for the
file) and yields the HTTP responses as FetchedPage, with the metadata record that follows a
response attached when it is ours (crawler/extensions/warc.py: requested URL, sitemap/feed
date hints, whether the crawl expected an article). Everything else is counted, never
silently lost: request, metadata, warcinfo and resource records; `revisit` records (a
repeat of a payload stored earlier, no body of their own); responses without HTTP (dns:,
whois:). A response cut short by its crawler (`WARC-Truncated`, CC-NEWS cuts at 1 MiB) keeps
the part it has and is flagged. Bodies are the payload with chunking and Content-Encoding
undone (Common Crawl stores them decoded, with `X-Crawler-Content-Encoding`).

Reading can start after a record (resuming: `after=OFFSET`, the byte offset of a record
already handled): the file is read from there, the offset of a gzip member or of an
uncompressed record.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")  # what the spider treats as a page
_KINDS = ("response", "request", "metadata", "warcinfo", "revisit", "resource")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


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
    truncated: str | None = None  # WARC-Truncated reason (length, time...)
    identified_type: str | None = None  # WARC-Identified-Payload-Type (Common Crawl's sniffing)
    language: str | None = None  # Content-Language header
    meta: dict[str, Any] = field(default_factory=dict)
    through: int = -1  # offset of the last record read with this one (its metadata): where to resume

    @property
    def is_html(self) -> bool:
        """HTML by its Content-Type; without one, by the archive's own sniffing or its first bytes."""
        if self.content_type:
            return any(kind in self.content_type for kind in HTML_TYPES)
        if self.identified_type:
            return any(kind in self.identified_type for kind in HTML_TYPES)
        return bool(_HTML_START.match(self.body[:2048]))


def responses(path: Path, max_bytes: int, counts: Counter[str] | None = None,
              after: int | None = None) -> Iterator[FetchedPage]:
    """HTTP responses in file order, each with its metadata record (ours) attached.

    Records are counted into `counts` as they are read, except that a response's own counts
    land only after the page before it was yielded: when a page is yielded, `counts` covers the
    records up to its `through` offset, and resuming `after=through` reads each record once.
    Records at or before offset `after` are passed over."""
    counts = counts if counts is not None else Counter()
    pending: FetchedPage | None = None
    last = after if after is not None else -1  # offset of the last record counted
    with path.open("rb") as stream:
        if after is not None:
            stream.seek(after)
        archive = ArchiveIterator(stream)
        for record in archive:
            kind = record.rec_type
            page = _page(record, max_bytes) if kind == "response" else None
            meta = None
            if kind == "metadata" and pending is not None \
                    and record.rec_headers.get_header("WARC-Concurrent-To") == pending.record_id:
                meta = _json(record.content_stream().read(1 << 20))
            offset = archive.get_record_offset()  # only now: asking first would skip the record
            if after is not None and offset <= after:
                continue  # handled before the run was resumed
            seen: Counter[str] = Counter({"warc_records": 1, f"warc_{kind}" if kind in _KINDS else "warc_other": 1})
            if kind == "response":
                if pending is not None:
                    pending.through = last
                    yield pending
                if page is not None:
                    page.offset = offset
                else:
                    seen["skipped/not_http"] += 1
                pending = page  # yielded once its metadata record had the chance to follow
            elif kind == "revisit":
                seen["skipped/revisit"] += 1  # its payload is an earlier record's
            elif meta is not None and pending is not None:
                pending.meta = meta
            counts.update(seen)
            last = offset
    if pending is not None:
        pending.through = last
        yield pending


def _page(record: Any, max_bytes: int) -> FetchedPage | None:
    http = record.http_headers
    if http is None:  # dns:, whois: ... records carry no HTTP response
        return None
    body = record.content_stream().read(max_bytes + 1)  # decodes chunking and gzip/deflate/br
    headers = record.rec_headers
    return FetchedPage(
        url=headers.get_header("WARC-Target-URI"),
        offset=-1,  # set by the caller once the record is read
        record_id=headers.get_header("WARC-Record-ID") or "",
        warc_date=_fetched_at(headers.get_header("WARC-Date")),
        status=int(http.get_statuscode() or 0),
        content_type=(http.get_header("Content-Type") or "").lower(),
        body=body[:max_bytes],
        too_large=len(body) > max_bytes,
        truncated=headers.get_header("WARC-Truncated"),
        identified_type=(headers.get_header("WARC-Identified-Payload-Type") or "").lower() or None,
        language=http.get_header("Content-Language"),
    )


def _fetched_at(warc_date: str | None) -> str:
    if not warc_date:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")
    moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _json(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}  # another tool's metadata record (Common Crawl's `fetchTimeMs: ...`): not ours to read
    return value if isinstance(value, dict) else {}
