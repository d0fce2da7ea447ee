"""Every number newscrawl reads from its settings has a range, and its default is in it."""

from __future__ import annotations

import pytest
from scrapy.settings import Settings

from crawler import settings as defaults
from crawler.settingranges import RANGES, CheckedSettingsAddon, range_problem


def numeric_defaults() -> dict[str, float]:
    return {name: value for name, value in vars(defaults).items()
            if name.startswith("NEWSCRAWL_") and isinstance(value, int | float) and not isinstance(value, bool)}


def test_every_numeric_setting_has_a_range_its_default_is_in() -> None:
    numbers = numeric_defaults()
    assert set(numbers) <= set(RANGES), sorted(set(numbers) - set(RANGES))
    assert {name: range_problem(name, value) for name, value in numbers.items() if range_problem(name, value)} == {}
    assert set(RANGES) <= set(vars(defaults)), sorted(set(RANGES) - set(vars(defaults)))


@pytest.mark.parametrize(("name", "value", "problem"), [
    ("NEWSCRAWL_DEPTH", -1, "must be at least 0"),
    ("NEWSCRAWL_DEPTH", 0, None),
    ("NEWSCRAWL_NEARDUP_THRESHOLD", 0.0, "must be above 0 and at most 1"),
    ("NEWSCRAWL_NEARDUP_THRESHOLD", 1.0, None),
    ("NEWSCRAWL_REDIS_POP_BATCH", 2.5, "must be a whole number at least 1"),
    ("NEWSCRAWL_PART_SECONDS", float("inf"), "must be a finite number"),
    ("NEWSCRAWL_PART_SECONDS", 0.5, None),
    ("DOWNLOAD_DELAY", -1, None),  # Scrapy's own: checked elsewhere (crawler/cli/checks.py)
])
def test_range_problem(name: str, value: float, problem: str | None) -> None:
    assert range_problem(name, value) == problem


def test_the_addon_refuses_what_is_out_of_range_and_passes_the_rest() -> None:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    CheckedSettingsAddon().update_settings(settings)  # the defaults
    settings.set("NEWSCRAWL_WORKERS", "-2", priority="cmdline")
    with pytest.raises(ValueError, match=r"setting NEWSCRAWL_WORKERS must be at least 0, got '-2'"):
        CheckedSettingsAddon().update_settings(settings)
    settings.set("NEWSCRAWL_WORKERS", "two", priority="cmdline")
    with pytest.raises(ValueError, match=r"setting NEWSCRAWL_WORKERS must be a number, got 'two'"):
        CheckedSettingsAddon().update_settings(settings)
