"""One fetched page -> everything the crawl needs from it: the record or the reason there is
none, whether it is an article, and the links, pagination and feeds to follow.

This is the function the extraction pool (pipelines/workers.py) runs in its worker processes,
named by NEWSCRAWL_PAGE_FUNCTION; the spider, `newscrawl extract` and WARC re-extraction all
use it, so a page gives the same record whichever way it came in. PageJob and PageResult live
in crawler/pagejob.py, which the crawl process imports without the extraction stack.
"""

from __future__ import annotations

from crawler.discovery.feeds import feed_links
from crawler.discovery.links import page_links
from crawler.pagejob import PageJob, PageResult
from crawler.profiles import PROFILES
from crawler.spiders.pagesignals import looks_like_article
from pipelines.errors import PageRejected
from pipelines.extract import extract_article
from pipelines.extraction.document import decode_html, parse_html
from pipelines.extraction.hugepage import is_big, release_freed_memory
from pipelines.process import finish_record

__all__ = ["PageJob", "PageResult", "analyze_page"]


def analyze_page(job: PageJob) -> PageResult:
    """Everything the crawl needs from one page. Never raises: a failure is a rejection."""
    raw = job.raw
    result = PageResult(is_article=job.expect_article)  # a listed page that fails to parse is still counted
    try:
        if not raw.html:
            raw.html = decode_html(job.body, raw.content_type)
            job.body = b""  # decoded: a 10 MiB page is not held twice while it is extracted
        tree = parse_html(raw.html)
        if job.follow:
            result.links, result.following = page_links(tree, raw.url)
            if job.homepage:
                result.feeds = feed_links(tree, raw.url)
        profile = PROFILES.get(raw.profile or "")
        pattern = profile.article_url if profile else None
        result.is_article = job.expect_article or looks_like_article(tree, raw.url, pattern)
        if result.is_article:
            big = is_big(raw.html)  # read before extraction releases the HTML
            article = extract_article(raw, tree=tree, release_html=True)
            del tree  # process_page in two halves: the tree is freed before the text is normalised
            if big:
                release_freed_memory()  # and a big page's memory handed back to the system
            result.record = finish_record(raw, article)
    except PageRejected as exc:
        result.rejected = (exc.reason, exc.detail)
    except Exception as exc:
        result.rejected = ("internal", f"{type(exc).__name__}: {exc}"[:300])
    return result
