"""Stage types: raw page -> extracted article -> normalized record.

Contracts only, no logic. Items never hold a Scrapy Response: a RawPage is the
decoded HTML and the few response facts the later stages need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1


@dataclass
class RawPage:
    """What the network (or a saved file) gave us."""

    url: str  # final URL after redirects (or the URL a saved page came from)
    html: str  # decoded text
    fetched_at: str  # ISO 8601 with offset
    requested_url: str | None = None  # the URL first asked for (before redirects)
    http_status: int | None = None
    content_type: str | None = None
    profile: str | None = None  # SiteProfile name, when one applies
    # Dates known before fetching (sitemap lastmod / news:publication_date, feed item dates).
    hints: dict[str, str] = field(default_factory=dict)
    input: str | None = None  # path of a saved page (extract mode)


@dataclass
class DateCandidate:
    """A publication or modification date as the page states it, before parsing."""

    raw: str
    source: str  # jsonld, meta, time, visible, url, sitemap, feed
    kind: str = "published"  # or "modified"


@dataclass
class ExtractedArticle:
    """Raw strings pulled out of a page; normalization comes later."""

    url: str  # canonical URL as the page states it (or the fetched URL)
    fetched_url: str
    fetched_at: str
    title: str | None = None
    description: str | None = None
    text: str = ""
    authors: list[str] = field(default_factory=list)
    source_credit: str | None = None
    site_name: str | None = None
    dates: list[DateCandidate] = field(default_factory=list)
    html_lang: str | None = None
    tags: list[str] = field(default_factory=list)
    section: str | None = None
    image: str | None = None
    http_status: int | None = None
    profile: str | None = None
    input: str | None = None
    requested_url: str | None = None


@dataclass
class ArticleRecord:
    """The published record, schema version 1 (crawler/record.schema.json)."""

    url: str
    fetched_url: str
    site: str | None
    site_name: str | None
    title: str
    description: str | None
    text: str
    authors: list[str]
    source_credit: str | None
    published_at: str | None
    published_at_raw: str | None
    published_at_source: str | None
    modified_at: str | None
    tz_assumed: bool
    language: str | None
    tags: list[str]
    section: str | None
    image: str | None
    word_count: int
    content_hash: str
    fetched_at: str
    http_status: int | None
    schema_version: int = SCHEMA_VERSION
    input: str | None = None
    # Provenance for run reports and state, never exported: the URL the crawl was asked
    # for, and the sitemap/feed lastmod it was listed with (change detection next run).
    requested_url: str | None = None
    lastmod: str | None = None
    # Set by pipelines/neardup.py: the canonical URL of the earliest copy seen of this text
    # (exact or near duplicate) and the estimated Jaccard similarity to it; null for a first copy.
    duplicate_of: str | None = None
    duplicate_similarity: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict in schema order; `input` only in extract mode."""
        data = {name: getattr(self, name) for name in RECORD_FIELDS}
        if self.input is not None:
            data["input"] = self.input
        return data


# Field order of an exported record (FEED_EXPORT_FIELDS uses it too).
RECORD_FIELDS: tuple[str, ...] = (
    "schema_version", "url", "fetched_url", "site", "site_name", "title", "description",
    "text", "authors", "source_credit", "published_at", "published_at_raw",
    "published_at_source", "modified_at", "tz_assumed", "language", "tags", "section",
    "image", "word_count", "content_hash", "duplicate_of", "duplicate_similarity", "fetched_at",
    "http_status",
)
