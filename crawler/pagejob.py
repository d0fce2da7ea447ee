"""What the crawl hands an extraction worker for one page, and what it gets back.

A module of its own, free of the extraction stack: the crawl process builds jobs and reads
results without importing trafilatura and the rest (crawler/pageanalysis.py does the work,
in the workers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler.items import ArticleRecord, RawPage


@dataclass
class PageJob:
    raw: RawPage
    body: bytes = b""  # decoded in the worker when raw.html is empty
    follow: bool = False  # read links, pagination and (homepage) feed links
    homepage: bool = False
    expect_article: bool = True  # listed in a sitemap/feed or asked for; else decided by the page


@dataclass
class PageResult:
    record: ArticleRecord | None = None
    rejected: tuple[str, str] | None = None  # (reason, detail) when the page is not a record
    is_article: bool = False
    links: list[str] = field(default_factory=list)
    following: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
