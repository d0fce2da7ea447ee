"""glibc's malloc with a fixed mmap threshold, in the crawl process and its extraction workers.

glibc serves a block larger than the threshold (128 KiB) with its own mmap and gives it back
to the system when freed, but then raises the threshold to that block's size: from there on,
response bodies and the page texts of the workers (100-300 KiB each) come from the heap,
where freed space between live objects is kept, not returned. A fixed threshold keeps them
mmapped: on a crawl of one 5,200-article farm site, the crawler 147 -> 132 MiB PSS and each
worker 90 -> 84 (bench/crawl_bench.py --memory).

Setting read: NEWSCRAWL_MALLOC_MMAP_THRESHOLD (bytes; 0 = glibc's default behaviour). The
extraction workers get it through MALLOC_MMAP_THRESHOLD_ in the environment, which glibc reads
when a process starts (the fork server is started after this); one already there wins.
Elsewhere than glibc (musl, macOS) nothing is changed.
"""

from __future__ import annotations

import ctypes
import os
import sys

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

_M_MMAP_THRESHOLD = -3  # malloc.h
ENVIRONMENT = "MALLOC_MMAP_THRESHOLD_"


def fix_mmap_threshold(size: int) -> bool:
    """mallopt(M_MMAP_THRESHOLD, size) in this process; False where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, size))


class FixedMmapThreshold:
    def __init__(self, size: int) -> None:
        self.size = size
        self.applied = fix_mmap_threshold(size)
        if self.applied:
            os.environ.setdefault(ENVIRONMENT, str(size))  # for the processes started from here

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FixedMmapThreshold:
        size = crawler.settings.getint("NEWSCRAWL_MALLOC_MMAP_THRESHOLD", 0)
        if size <= 0:
            raise NotConfigured("glibc's default mmap threshold")
        return cls(size)
