"""What keeps the crawl's memory down (bench/crawl_bench.py --memory measures it): the crawl
process never loads the extraction stack, the extraction side (`newscrawl extract`, the fork
server and its workers) never loads Scrapy, and the fork server builds what its workers share."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.errors import PageRejected
from pipelines.extraction.document import MAX_ELEMENTS, parse_html
from tests.ccnews import Capture, write_warc
from tests.pages import article_html

NOT_IN_THE_CRAWL_PROCESS = (
    "trafilatura", "readability", "justext", "htmldate", "py3langid", "jsonschema", "pipelines.process",
    "crawler.pageanalysis",  # the extraction stack: the workers' business
    "scipy", "datasketch",  # near-duplicates need numpy only (pipelines/minhash.py)
    "aiohttp",  # Scrapy's remote control extension, which is off
    "redis",  # an embedded crawl has no Redis store
)

CRAWL_PROCESS = """
import json, sys
from scrapy.settings import Settings
from scrapy.utils.conf import build_component_list
from scrapy.utils.misc import load_object
from crawler.cli import build_parser
from crawler.items import RawPage
from crawler.pagejob import PageJob
from crawler.settings import NEWSCRAWL_PAGE_FUNCTION
from crawler.spiders.news import NewsSpider
from pipelines.workers import ExtractionWorkers

build_parser()
settings = Settings()
settings.setmodule("crawler.settings")
for name in ("ITEM_PIPELINES", "EXTENSIONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "ADDONS"):
    for path in build_component_list(settings.getwithbase(name)):
        load_object(path)
page = "<html><head><title>T</title></head><body><article><h1>T</h1><p>" + "word " * 300 + "</p></article></body>"
workers = ExtractionWorkers(1, NEWSCRAWL_PAGE_FUNCTION)
[(_, result)] = list(workers.imap([(0, PageJob(RawPage(url="https://example.com/news/a-1", html=page,
                                                       fetched_at="2024-03-06T00:00:00+00:00")))]))
workers.close()
print(json.dumps({"words": result.record.word_count if result.record else None,
                  "loaded": [m for m in %r if m in sys.modules]}))
"""


def test_crawl_process_loads_only_what_it_uses() -> None:
    out = subprocess.run([sys.executable, "-c", CRAWL_PROCESS % (NOT_IN_THE_CRAWL_PROCESS,)], capture_output=True,
                         text=True, check=True, timeout=120).stdout
    found = json.loads(out.splitlines()[-1])
    assert found["words"] == 300  # the worker did extract the page
    assert found["loaded"] == []


FORK_SERVER = """
import gc, json
import pipelines.warm
from justext.core import define_stoplist
from trafilatura import external
print(json.dumps({"stoplist": len(external.JT_STOPLIST or ()), "cached": define_stoplist.cache_info().currsize,
                  "frozen": gc.get_freeze_count()}))
"""


def test_fork_server_builds_what_the_workers_share() -> None:
    out = subprocess.run([sys.executable, "-c", FORK_SERVER], capture_output=True, text=True, check=True,
                         timeout=120).stdout
    found = json.loads(out.splitlines()[-1])
    assert found["stoplist"] > 100_000 and found["cached"] == 1
    assert found["frozen"] > 10_000  # the preloaded modules' objects: no collection in a worker touches them


# Importing anything from scrapy loads Scrapy and Twisted: ~22 MiB in each process.
LOADED_SCRAPY = "sorted(m for m in sys.modules if m.partition('.')[0] in ('scrapy', 'twisted'))"


def test_extraction_stack_loads_no_scrapy() -> None:
    """What the fork server preloads (pipelines/workers.py) and `newscrawl extract -j 0` runs."""
    code = ("import json, sys\nimport pipelines.forkserver_guard, pipelines.warm, pipelines.process, "
            f"crawler.pageanalysis, pipelines.workers\nprint(json.dumps({LOADED_SCRAPY}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120).stdout
    assert json.loads(out.splitlines()[-1]) == []


WORKER = f"""
import json, sys

from crawler.cli import main  # as the `newscrawl` script does: each worker runs this file again as __mp_main__


def loaded(_: object = None) -> list[str]:
    return {LOADED_SCRAPY}


if __name__ == "__main__":
    from crawler.items import RawPage
    from crawler.pagejob import PageJob
    from crawler.settings import NEWSCRAWL_PAGE_FUNCTION
    from pipelines.workers import ExtractionWorkers

    workers = ExtractionWorkers(1, NEWSCRAWL_PAGE_FUNCTION)
    page = PageJob(RawPage(url="https://example.com/news/a-1", html=sys.argv[1],
                           fetched_at="2024-03-06T00:00:00+00:00"))
    [(_, result)] = list(workers.imap([(0, page)]))
    in_worker = workers.executor.submit(loaded).result()  # the one worker, after its page
    workers.close()
    print(json.dumps({{"words": result.record.word_count if result.record else None, "worker": in_worker}}))
"""


def test_extraction_worker_holds_no_scrapy(tmp_path: Path) -> None:
    script = tmp_path / "newscrawl_like.py"
    script.write_text(WORKER, encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, str(script), article_html("Budget approved")], capture_output=True,
                         text=True, check=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)}).stdout
    found = json.loads(out.splitlines()[-1])
    assert found["words"] and found["words"] > 200  # the worker did extract the page
    assert found["worker"] == []


EXTRACT = f"""
import json, sys
from crawler.cli import main
code = main(sys.argv[1:])
print(json.dumps({{"code": code, "loaded": {LOADED_SCRAPY}}}))
"""


@pytest.mark.parametrize("inputs, jobs", [(["page.html"], "0"), (["pages.warc.gz"], "0"),
                                          (["page.html", "pages.warc.gz"], "1")])
def test_extract_command_loads_no_scrapy(tmp_path: Path, inputs: list[str], jobs: str) -> None:
    """`newscrawl extract` builds every command's parser, but only the extraction stack is loaded."""
    (tmp_path / "page.html").write_text(article_html("Budget approved"), encoding="utf-8")
    write_warc(tmp_path / "pages.warc.gz", [Capture(f"https://example.com/news/story-{i}",
                                                    article_html(f"Story {i}").encode()) for i in range(2)])
    out = tmp_path / "records.jsonl"
    result = subprocess.run([sys.executable, "-c", EXTRACT, "extract", "-j", jobs, "-o", str(out),
                             *(str(tmp_path / name) for name in inputs)], capture_output=True, text=True,
                            timeout=120, cwd=Path(__file__).parent.parent)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.splitlines()[-1])
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert found["code"] == 0
    assert len(records) == sum({"page.html": 1, "pages.warc.gz": 2}[name] for name in inputs)
    assert all(record.get("title") for record in records)
    assert found["loaded"] == []


def test_element_limit_is_exact_and_needs_no_tree() -> None:
    """The limit counts what libxml2 builds (html, body and every <i>), without building it."""
    def page(cells: int) -> str:
        return "<html><body>" + "<i>x</i>" * cells + "</body></html>"

    tree = parse_html(page(MAX_ELEMENTS - 2))
    assert int(tree.xpath("count(//*)")) == MAX_ELEMENTS
    with pytest.raises(PageRejected) as refused:
        parse_html(page(MAX_ELEMENTS - 1))
    assert refused.value.reason == "too_complex"
    assert "more than 100,000 elements" in refused.value.detail


HEAP = """
import os
from scrapy.utils.test import get_crawler
from crawler.extensions.heap import FixedMmapThreshold
from pipelines.workers import ExtractionWorkers
heap = FixedMmapThreshold.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_MALLOC_MMAP_THRESHOLD": 131072}))
workers = ExtractionWorkers(1, "os.getenv")  # what a worker sees
[(_, seen)] = list(workers.imap([(0, "MALLOC_MMAP_THRESHOLD_")]))
workers.close()
print(heap.applied, seen)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc")
def test_fixed_mmap_threshold_reaches_the_workers() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_MMAP_THRESHOLD_"}
    out = subprocess.run([sys.executable, "-c", HEAP], capture_output=True, text=True, check=True, timeout=120,
                         env=env).stdout
    assert out.split() == ["True", "131072"]


def test_mmap_threshold_zero_leaves_malloc_alone() -> None:
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    from crawler.extensions.heap import FixedMmapThreshold

    with pytest.raises(NotConfigured):
        FixedMmapThreshold.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_MALLOC_MMAP_THRESHOLD": 0}))
