"""Each worker leaves its run summary in Redis; the coordinator merges them into one report."""

from __future__ import annotations

import json
import time
from typing import Any

from .keys import RunKeys


def publish(server: Any, keys: RunKeys, worker: str, summary: dict[str, Any]) -> None:
    server.hset(keys.reports, worker, json.dumps(summary))
    server.expire(keys.reports, 7 * 24 * 3600)


def live_workers(server: Any, keys: RunKeys) -> list[str]:
    """The workers of the run whose heartbeat is there, found through the run's worker set,
    not a SCAN: the keyspace also holds the crawl's whole near-duplicate index, and a SCAN
    walks it ten keys a round trip."""
    workers = sorted(w.decode() if isinstance(w, bytes) else w for w in server.smembers(keys.workers))
    pipe = server.pipeline(transaction=False)
    for worker in workers:
        pipe.exists(keys.heartbeat(worker))
    return [w for w, live in zip(workers, pipe.execute(), strict=True) if live]


def wait_for_workers(server: Any, keys: RunKeys, timeout: float) -> list[str]:
    """Wait until no worker of the run has a heartbeat; returns those still alive at timeout."""
    deadline = time.monotonic() + timeout
    while True:
        alive = [keys.heartbeat(w) for w in live_workers(server, keys)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(1)


def merged(server: Any, keys: RunKeys) -> dict[str, Any]:
    """All workers' summaries summed: counts add up, nested reason tables too."""
    reports = [json.loads(v) for v in server.hgetall(keys.reports).values()]
    total: dict[str, Any] = {"workers": len(reports), "sites": {}}
    for report in reports:
        for key in ("pages", "redirects", "article_pages", "articles", "dropped", "failed", "failed_links",
                    "skipped", "requests", "robots_forbidden", "retry_after_waits"):
            total[key] = total.get(key, 0) + report.get(key, 0)
        total["elapsed_seconds"] = max(total.get("elapsed_seconds", 0), report.get("elapsed_seconds", 0))
        total["finish_reason"] = report.get("finish_reason") if total.get("finish_reason") in (None, "finished") \
            else total["finish_reason"]
        for site, entry in report.get("sites", {}).items():
            _add(total["sites"].setdefault(site, {}), entry)
    return total


def _add(into: dict[str, Any], entry: dict[str, Any]) -> None:
    for key, value in entry.items():
        if isinstance(value, dict):
            _add(into.setdefault(key, {}), value)
        elif isinstance(value, (int, float)):
            into[key] = into.get(key, 0) + value
