"""Scrapy add-on: REDIS_URL switches a scheduled run to the shared frontier in Redis.

    newscrawl run sites.toml --redis redis://host:6379/0      # sets REDIS_URL
    scrapy crawl news -s NEWSCRAWL_SITES_FILE=sites.toml -s REDIS_URL=redis://host:6379/0

One queue (leased), one dupefilter, one seen-article state and one near-duplicate index for
every worker of the crawl; all at spider priority, so `-s` still overrides each of them.
The crawl is named after the sites file unless NEWSCRAWL_REDIS_CRAWL says otherwise.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings


class RedisAddon:
    def update_settings(self, settings: BaseSettings) -> None:
        if not settings.get("REDIS_URL") or not settings.get("NEWSCRAWL_SITES_FILE"):
            return
        for name, value in distributed_settings(settings).items():
            settings.set(name, value, priority="spider")


def distributed_settings(settings: BaseSettings) -> dict[str, Any]:
    return {
        "SCHEDULER": "crawler.distributed.scheduler.LeasedScheduler",
        "DUPEFILTER_CLASS": "crawler.distributed.dupefilter.FingerprintDupeFilter",
        "NEWSCRAWL_STATE_STORE": "crawler.distributed.state.RedisStateStore",
        "NEWSCRAWL_REDIS_CRAWL": settings.get("NEWSCRAWL_REDIS_CRAWL") or Path(settings["NEWSCRAWL_SITES_FILE"]).stem,
        "NEWSCRAWL_WORKER_ID": settings.get("NEWSCRAWL_WORKER_ID") or f"{socket.gethostname()}-{os.getpid()}",
        "NEWSCRAWL_NEARDUP_STORE": settings.get("NEWSCRAWL_NEARDUP_STORE")
        or "crawler.distributed.neardup.RedisNearDupStore",
    }
