"""Preloaded by the extraction pool's fork server: import and exercise the extraction stack
once (trafilatura, readability, dateparser's English and Vietnamese data, the language model,
the schema), so every worker forked from it starts warm instead of paying this per process.

What the fork server builds, its workers share (copy-on-write) for as long as nothing writes
to those pages; so the big tables are built here, and the garbage collector is told to leave
them alone (gc.freeze), since a full collection writes to every object it scans.
"""

from __future__ import annotations

import contextlib
import gc

from crawler.items import RawPage

from .errors import PageRejected
from .process import process_page

_PARAGRAPH = ("The council approved the budget on Tuesday after a long debate about buses, bridges "
              "and the schools that need repairs before the winter comes to the northern districts. ")
_SAMPLE = (
    '<html lang="en"><head><title>Warm-up | Site</title>'
    '<meta property="article:published_time" content="2024-03-05T10:00:00+01:00"></head><body>'
    "<article><h1>Warm-up</h1><p class='date'>Thứ năm, 28/12/2023 - 09:47</p>"
    f"<p>{_PARAGRAPH * 3}</p><p>{_PARAGRAPH * 2}</p></article></body></html>"
)


def justext_stoplist() -> None:
    """trafilatura's justext fallback builds, on its first use, one stop list of all languages
    (154,000 words) and justext keeps a lower-cased copy of it: ~28 MiB that each worker would
    otherwise build for itself on the first page that needs the fallback."""
    with contextlib.suppress(ImportError, AttributeError):  # another trafilatura: warming only
        from justext.core import define_stoplist
        from trafilatura import external

        define_stoplist(external.JT_STOPLIST or external.jt_stoplist_init())


def warm_up() -> None:
    with contextlib.suppress(PageRejected):  # warming, not judging
        process_page(RawPage(url="https://example.com/warm-up-page-1", html=_SAMPLE,
                             fetched_at="2024-03-06T00:00:00+00:00"))
    justext_stoplist()
    gc.collect()
    gc.freeze()  # what exists now stays shared with the workers: no collection rewrites it


warm_up()
