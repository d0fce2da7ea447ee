"""The numbers newscrawl's own settings may take, checked before a crawl starts.

A number out of range would not fail where it is read: a negative depth, a zero part size or
pop batch, a negative worker count were clamped or taken as "off" without a word, and a
near-duplicate threshold of 7 stopped the run with a traceback half-way through its start.
`newscrawl` checks `-s` and a sites file's settings with `value_problem` (one-line errors,
crawler/cli/checks.py); `CheckedSettingsAddon` checks the same under `scrapy crawl` and scrapyd.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024  # glibc refuses a larger one (HEAP_MAX_SIZE / 2 on 64-bit)

# name: (lowest, highest, lowest allowed only above it); None = no bound. A whole-number
# setting has int bounds, a float one float bounds (2.5 workers is refused, 2.5 seconds is not).
RANGES: dict[str, tuple[int | float | None, int | float | None, bool]] = {
    "NEWSCRAWL_DEPTH": (0, None, False),
    "NEWSCRAWL_MAX_PAGINATION": (0, None, False),
    "NEWSCRAWL_MAX_PAGES": (0, None, False),
    "NEWSCRAWL_MAX_ARTICLES": (0, None, False),
    "NEWSCRAWL_RETRY_AFTER_MAX": (0.0, None, False),
    "NEWSCRAWL_RETRY_AFTER_TIMES": (0, None, False),
    "NEWSCRAWL_MAX_CRAWL_DELAY": (0.0, None, False),
    "NEWSCRAWL_PROGRESS_INTERVAL": (0.0, None, False),
    "NEWSCRAWL_MALLOC_MMAP_THRESHOLD": (0, _MMAP_THRESHOLD_MAX, False),
    "NEWSCRAWL_TRAP_REPEATS": (0, None, False),
    "NEWSCRAWL_TRAP_URL_LENGTH": (0, None, False),
    "NEWSCRAWL_PART_RECORDS": (1, None, False),
    "NEWSCRAWL_PART_SECONDS": (0.0, None, True),
    "NEWSCRAWL_WORKERS": (0, None, False),
    "NEWSCRAWL_MAX_PAGE_BYTES": (1, None, False),
    "NEWSCRAWL_NEARDUP_THRESHOLD": (0.0, 1.0, True),
    "NEWSCRAWL_NEARDUP_SHINGLE": (1, None, False),
    "NEWSCRAWL_NEARDUP_NUM_PERM": (1, None, False),
    "NEWSCRAWL_NEARDUP_MAX_CANDIDATES": (1, None, False),
    "NEWSCRAWL_REDIS_TTL": (1, None, False),
    "NEWSCRAWL_REDIS_HEARTBEAT": (0.0, None, True),
    "NEWSCRAWL_REDIS_IDLE_CLOSE": (0.0, None, False),
    "NEWSCRAWL_REDIS_OUTAGE_MAX": (0.0, None, False),
    "NEWSCRAWL_REDIS_POP_BATCH": (1, None, False),
    "NEWSCRAWL_WARC_MAX_BYTES": (1, None, False),
}


def range_problem(name: str, number: float) -> str | None:
    """What is wrong with `number` for the setting `name` (None: fine, or not one of ours)."""
    if name not in RANGES:
        return None
    low, high, above = RANGES[name]
    number = float(number)
    if not math.isfinite(number):
        return "must be a finite number"
    if isinstance(low, int) and not number.is_integer():
        return f"must be a whole number {_describe(low, high, above)}"
    too_low = low is not None and (number <= low if above else number < low)
    if too_low or (high is not None and number > high):
        return f"must be {_describe(low, high, above)}"
    return None


def value_problem(name: str, value: object) -> str | None:
    """range_problem for a value as settings hold it (a number, or its text)."""
    if name not in RANGES:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]  # what is not a number is the problem
    except (TypeError, ValueError):
        return "must be a number"
    return range_problem(name, number)


def _describe(low: float | None, high: float | None, above: bool) -> str:
    def show(value: float) -> str:
        return str(value) if isinstance(value, int) else f"{value:g}"

    if low is not None and high is not None:
        if above:
            return f"above {show(low)} and at most {show(high)}"
        return f"from {show(low)} to {show(high)}"
    if low is not None:
        return f"{'above' if above else 'at least'} {show(low)}"
    return f"at most {show(high)}" if high is not None else "a number"


class CheckedSettingsAddon:
    """Refuses a crawl whose newscrawl numbers are out of range, naming the setting."""

    def update_settings(self, settings: BaseSettings) -> None:
        for name in RANGES:
            value = settings.get(name)
            if value is None or value == "":
                continue
            problem = value_problem(name, value)
            if problem:
                raise ValueError(f"setting {name} {problem}, got {value!r}")
