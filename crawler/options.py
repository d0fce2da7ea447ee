"""One table: which command-line flag and which sites-file key gives which Scrapy setting.

Settings are the only configuration (crawler/settings.py holds every default); the CLI
(crawler/cli/) and the sites file (crawler/addon.py) only fill them in. tests/test_options.py
checks that every flag of `newscrawl crawl`/`run` and every sites-file key is here, that the
add-on sets what this table says, and that docs/operations.md shows this table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    setting: str
    flag: str | None = None  # `newscrawl crawl` / `newscrawl run` option
    run_key: str | None = None  # sites file, [run] table
    site_key: str | None = None  # sites file, [[site]] table: the same for one site
    note: str = ""


OPTIONS: tuple[Option, ...] = (
    Option("NEWSCRAWL_SITES", site_key="url, urls, name, profile",
           note="the sites, with their own since/depth/profile; crawl: SITE_URL arguments"),
    Option("NEWSCRAWL_SINCE", flag="--since", run_key="since", site_key="since"),
    Option("NEWSCRAWL_MAX_ARTICLES", flag="--max-articles", run_key="max_articles", site_key="max_articles",
           note="per site: NEWSCRAWL_SITE_LIMITS"),
    Option("NEWSCRAWL_MAX_PAGES", flag="--max-pages", run_key="max_pages", site_key="max_pages",
           note="per site: NEWSCRAWL_SITE_LIMITS"),
    Option("NEWSCRAWL_DEPTH", flag="--depth", run_key="depth", site_key="depth"),
    Option("DOWNLOAD_SLOTS", site_key="delay, concurrency", note="Scrapy's per-host delay and concurrency"),
    Option("NEWSCRAWL_OUTPUT_DIR", run_key="output", note="crawl: -o PATH writes FEEDS instead"),
    Option("NEWSCRAWL_STATE_DIR", run_key="state", note="also HTTPCACHE_DIR (STATE/httpcache)"),
    Option("NEWSCRAWL_STATS_FILE", flag="--stats", note="run: STATE/runs/RUN_ID.json; --report copies it"),
    Option("NEWSCRAWL_WARC_DIR", flag="--warc", run_key="warc"),
    Option("USER_AGENT", run_key="user_agent"),
    Option("NEWSCRAWL_REFUSE_PRIVATE", run_key="allow_private", note="run: on unless allow_private = true"),
    Option("NEWSCRAWL_WORKERS", run_key="workers", note="extraction processes; 0 = in the crawl process"),
    Option("NEWSCRAWL_PROGRESS_INTERVAL", flag="--progress"),
    Option("REDIS_URL", flag="--redis", note="run and worker: distributed mode (crawler/distributed/addon.py)"),
    Option("any setting", flag="-s NAME=VALUE", run_key="settings", note="-s wins over the sites file"),
)


def options_table() -> str:
    """The table as Markdown (docs/operations.md shows it)."""
    rows = ["| setting | command-line flag | `[run]` key | `[[site]]` key | note |", "| --- | --- | --- | --- | --- |"]
    for o in OPTIONS:
        cells = [f"`{o.setting}`" if o.setting.isupper() else o.setting,
                 *(f"`{v}`" if v else "" for v in (o.flag, o.run_key, o.site_key)), o.note]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)
