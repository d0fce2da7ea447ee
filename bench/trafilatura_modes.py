"""What trafilatura's fast mode would save us, and what a safe "fast first" would cost.

    python bench/trafilatura_modes.py [--limit N]

Runs trafilatura's body extraction as `pipelines/extraction/body.py` calls it (no metadata,
tables kept, comments left out) in full mode and in fast mode on the same parsed pages (AEB
plus the WCXB articles), CPU time per call, and prints:

- the CPU per page of each mode, and on how many pages their texts are identical;
- "fast first, full when it could differ": fast mode on every page, full mode again on the
  pages where full mode's comparison could pick readability's text. readability's text is
  chosen when it is over twice trafilatura's; the page's visible text bounds it, so a page
  whose fast text is at least half its visible text cannot change by that rule. The share of
  pages left to escalate and the CPU per page that follows from it, against full mode alone.

This is the measurement behind issue 15's extraction figure: whether full mode (which our
text quality relies on: WCXB body 0.917 in fast mode, 0.932 in full) can be run on fewer pages.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import resource
import sys
from pathlib import Path

import trafilatura
from lxml.html import HtmlElement, fromstring

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from extract_speed import page_sets  # noqa: E402

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
_INVISIBLE = {"script", "style", "noscript", "template"}


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def body_text(tree: HtmlElement, fast: bool) -> tuple[str, float]:
    start = cpu()
    doc = trafilatura.bare_extraction(tree, include_comments=False, include_tables=True,
                                      with_metadata=False, fast=fast)
    return (getattr(doc, "text", None) or "") if doc is not None else "", cpu() - start


def visible_chars(tree: HtmlElement) -> int:
    body = tree.find("body")
    if body is None:
        return 0
    total = 0
    for node in body.iter():
        if isinstance(node.tag, str) and node.tag not in _INVISIBLE:
            total += len((node.text or "").strip())
        total += len((node.tail or "").strip())
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, help="pages per set")
    args = parser.parse_args()
    pages = identical = escalated = 0
    full_cpu = fast_cpu = escalated_cpu = 0.0
    for _, paths in page_sets(args.limit):
        for path in paths:
            raw = path.read_bytes()
            tree = fromstring(gzip.decompress(raw) if path.name.endswith(".gz") else raw)
            full, full_s = body_text(tree, fast=False)
            fast, fast_s = body_text(tree, fast=True)
            pages += 1
            full_cpu += full_s
            fast_cpu += fast_s
            identical += full == fast
            if not fast or 2 * len(fast) < visible_chars(tree):
                escalated += 1
                escalated_cpu += full_s
    if not pages:
        print("no pages found")
        return 1
    ms = 1000 / pages
    first = fast_cpu + escalated_cpu
    print(f"{pages} pages (AEB + WCXB articles), trafilatura {trafilatura.__version__}, CPU ms per page")
    print(f"  full mode (what we run)              {full_cpu * ms:6.1f}")
    print(f"  fast mode                            {fast_cpu * ms:6.1f}   "
          f"same text as full mode on {identical}/{pages} pages ({identical / pages:.0%})")
    print(f"  fast first, full where it could differ {first * ms:5.1f}   "
          f"escalated {escalated}/{pages} pages ({escalated / pages:.0%}); {first / full_cpu:.2f}x full mode's CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
