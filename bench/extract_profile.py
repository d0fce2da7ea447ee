"""Where `newscrawl extract`'s CPU goes, stage by stage (exclusive CPU time per stage).

    python bench/extract_profile.py DIR_OR_FILE [...]

Runs the extract command's own loop in this process (read, decode, parse, analyze, JSON
line) over the pages, with a CPU timer around each stage function. Timers nest: a stage's
figure is its own time, without the stages it calls (trafilatura's tree cleaning is not
also counted as trafilatura). Wrapping costs ~1 µs per call, a few dozen calls a page.
Used by bench/extract_speed.py for the profile split; works alone too.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

# (module, attribute, stage): every place a stage function is looked up from. Missing
# attributes are skipped (modules move; the table says what was not found).
HOOKS: tuple[tuple[str, str, str], ...] = (
    ("crawler.cli.extract_cmd", "prepare", "read files"),
    ("crawler.backfill", "json.dumps", "JSON lines"),
    ("pipelines.extraction.document", "decode_html", "decode"),
    ("pipelines.extraction.document", "parse_html", "parse"),
    ("pipelines.extract", "parse_html", "parse"),
    ("crawler.pageanalysis", "decode_html", "decode"),
    ("crawler.pageanalysis", "parse_html", "parse"),
    ("crawler.pageanalysis", "page_links", "links"),
    ("crawler.pageanalysis", "looks_like_article", "page signals"),
    ("pipelines.extract", "check_blocked", "classify"),
    ("pipelines.extract", "check_article", "classify"),
    ("pipelines.extract", "link_density", "classify"),
    ("pipelines.extract", "read_structured", "structured data"),
    ("pipelines.extract", "read_facts", "metadata (authors, lead, tags)"),
    ("pipelines.extract", "choose_title", "title"),
    ("pipelines.extract", "find_dates", "dates: find"),
    ("pipelines.extraction.body", "page_noise", "body: noise keys"),
    ("trafilatura", "bare_extraction", "trafilatura: other"),
    ("trafilatura.core", "prune_unwanted_nodes", "trafilatura: pruning"),
    ("trafilatura.core", "tree_cleaning", "trafilatura: tree cleaning"),
    ("trafilatura.core", "convert_tags", "trafilatura: tag conversion"),
    ("trafilatura.core", "extract_content", "trafilatura: main extraction"),
    ("trafilatura.core", "baseline", "trafilatura: baseline/escalation"),
    ("trafilatura.core", "html2txt", "trafilatura: baseline/escalation"),
    ("trafilatura.core", "_recall_retry", "trafilatura: baseline/escalation"),
    ("trafilatura.core", "copy", "trafilatura: tree copies"),
    ("trafilatura.core", "compare_extraction", "trafilatura: fallback choice"),
    ("trafilatura.external", "try_readability", "trafilatura: its readability fallback"),
    ("trafilatura.external", "justext_rescue", "trafilatura: its justext fallback"),
    ("pipelines.extraction.body", "signals.doubt", "second opinion: trigger"),
    ("pipelines.extraction.body", "fallback.readability_text", "second opinion: readability"),
    ("pipelines.extraction.body", "fallback.reconcile", "second opinion: reconcile"),
    ("pipelines.extraction.body", "fallback.expand", "second opinion: reconcile"),
    ("pipelines.extract", "split_run_on", "body: other"),
    ("pipelines.extraction.body", "clean_body", "body: cleaning"),
    ("pipelines.extract", "body_mod.clean_body", "body: cleaning"),
    ("pipelines.extract", "body_mod.page_noise", "body: noise keys"),
    ("pipelines.extract", "body_mod.extract_body", "body: other"),
    ("pipelines.normalize", "detect_language", "language id"),
    ("pipelines.normalize", "choose_dates", "dates: parse and choose"),
    ("pipelines.process", "normalize_article", "normalisation"),
    ("pipelines.process", "schema_errors", "schema validation"),
    ("pipelines.process", "extract_article", "extraction: other"),
)


class StageTimer:
    def __init__(self) -> None:
        self.own: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[list[Any]] = []  # [stage, start, time spent in nested stages]
        self.missing: list[str] = []

    def wrap(self, stage: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [stage, time.process_time(), 0.0]
            self.stack.append(frame)
            try:
                return func(*args, **kwargs)
            finally:
                self.stack.pop()
                spent = time.process_time() - frame[1]
                self.own[stage] += spent - frame[2]
                self.calls[stage] += 1
                if self.stack:
                    self.stack[-1][2] += spent

        timed.__wrapped__ = func  # type: ignore[attr-defined]
        return timed

    def install(self) -> None:
        import importlib

        for module_name, attr, stage in HOOKS:
            try:
                owner: Any = importlib.import_module(module_name)
                *path, name = attr.split(".")
                for part in path:
                    owner = getattr(owner, part)
                func = getattr(owner, name)
            except (ImportError, AttributeError):
                self.missing.append(f"{module_name}.{attr}")
                continue
            if not hasattr(func, "__wrapped__") or not callable(func):
                setattr(owner, name, self.wrap(stage, func))


def run(paths: list[str], timer: StageTimer) -> tuple[int, float]:
    """The extract command's own loop with -j 0 (crawler/backfill.py), output discarded;
    returns (inputs, CPU seconds of the loop)."""
    import io

    from crawler.backfill import Backfill, Filters
    from crawler.cli import extract_cmd
    from crawler.pageanalysis import analyze_page
    from pipelines.workers import ExtractionWorkers

    if hasattr(extract_cmd, "find_inputs"):
        files = list(extract_cmd.find_inputs(paths, extract_cmd.PAGE_SUFFIXES).files)
    else:  # revisions before crawler/cli/inputs.py
        files = list(extract_cmd._inputs(paths))
    backfill = Backfill(files, ExtractionWorkers(0, analyze_page), Filters(), 10 << 20,
                        lambda path: extract_cmd.prepare(path, None, 10 << 20))
    start = time.process_time()
    backfill.run(io.BytesIO())
    return len(files), time.process_time() - start


def split(paths: list[str]) -> tuple[int, float, list[tuple[str, float, int]], list[str]]:
    """(pages, loop CPU s, [(stage, own CPU s, calls)] largest first, hooks not found)."""
    timer = StageTimer()
    timer.install()
    pages, total = run(paths, timer)
    rows = sorted(((s, t, timer.calls[s]) for s, t in timer.own.items()), key=lambda r: -r[1])
    rows.append(("plumbing (the rest of the loop)", total - sum(timer.own.values()), pages))
    return pages, total, rows, timer.missing


def print_split(pages: int, total: float, rows: list[tuple[str, float, int]]) -> None:
    print(f"  {'stage':<38} {'CPU s':>7} {'share':>6} {'ms/page':>8} {'calls':>6}")
    for stage, seconds, calls in rows:
        print(f"  {stage:<38} {seconds:7.2f} {seconds / total:6.1%} {seconds / pages * 1000:8.2f} {calls:6d}")
    print(f"  {'total':<38} {total:7.2f} {1:6.1%} {total / pages * 1000:8.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # as a script: this tree's code (extract_speed.py picks another)
    pages, total, rows, missing = split(args.paths)
    print(f"profile split, {pages} pages, in process (-j 0), exclusive CPU time per stage")
    print_split(pages, total, rows)
    if missing:
        print(f"  (hooks not found: {', '.join(missing)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
