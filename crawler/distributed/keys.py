"""Redis key names. All defaults in one place: a crawl is named after its sites file,
a run is one pass over it; every key of a run expires NEWSCRAWL_REDIS_TTL seconds
after its last write."""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "newscrawl"
DEFAULT_TTL = 7 * 24 * 3600


@dataclass(frozen=True)
class RunKeys:
    crawl: str
    run: str

    @property
    def base(self) -> str:
        return f"{PREFIX}:{self.crawl}:{self.run}"

    @property
    def requests(self) -> str:
        return f"{self.base}:requests"  # ZSET, score -priority (scrapy-redis PriorityQueue)

    @property
    def dupefilter(self) -> str:
        return f"{self.base}:dupefilter"  # SET of request fingerprints

    @property
    def processing(self) -> str:
        return f"{self.base}:processing"  # HASH url -> worker id + encoded request

    @property
    def marker(self) -> str:
        return f"{self.base}:started"  # STRING set when the run starts: gone means Redis lost the run

    @property
    def workers(self) -> str:
        return f"{self.base}:workers"  # SET of the ids of every worker that joined the run

    def heartbeat(self, worker: str) -> str:
        return f"{self.base}:worker:{worker}"  # STRING with a short TTL while the worker lives

    def last_exchange(self, worker: str) -> str:
        return f"{self.base}:exchange:{worker}"  # STRING: the worker's last exchange and its reply

    @property
    def reports(self) -> str:
        return f"{self.base}:reports"  # HASH worker -> its run summary (JSON)


def current_run_key(crawl: str) -> str:
    return f"{PREFIX}:{crawl}:current-run"  # the run id workers join


def state_key(crawl: str, name: str) -> str:
    return f"{PREFIX}:{crawl}:state:{name}"  # seen-article state, shared by all runs of a crawl
