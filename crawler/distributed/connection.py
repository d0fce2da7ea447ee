"""Redis clients of distributed mode: bounded timeouts, and retries through a restart.

A Redis restart (or a network blip) must not kill a run: every command is retried with
exponential backoff (0.1 s doubling to 2 s) for up to NEWSCRAWL_REDIS_OUTAGE_MAX seconds
(120). Commands are synchronous, so the process waits for Redis, as it would for a slow
answer; a longer outage raises the error, and the scheduler then stops the run with
finish reason `redis_unavailable` (crawler.distributed.scheduler). The retry policy
remembers when the last outage ended: the scheduler gives the other workers time to renew
their heartbeats before it takes their leases for dead. A crawl's clients also check, on
every new connection, that the run's marker key is still there: Redis back without it (no
persistence) raises RunLost from then on, so nothing more is read from or written to an
empty state (the scheduler stops the run as `redis_data_lost`).

Settings read: REDIS_URL, NEWSCRAWL_REDIS_OUTAGE_MAX, NEWSCRAWL_REDIS_CRAWL, NEWSCRAWL_RUN_ID.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from redis import Redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError, RedisError, TimeoutError
from redis.retry import Retry
from scrapy.settings import BaseSettings

from crawler.middlewares.secrets import redact

logger = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_OUTAGE_MAX = 120.0
CONNECT_TIMEOUT = 5.0  # seconds to open a connection (and to finish a TLS handshake)
COMMAND_TIMEOUT = 30.0  # seconds for an answer; none of our commands blocks on the server


class RunLost(RedisError):
    """Redis came back without the run's keys (restarted without persistence): from then on every
    command of this process fails with it, so that nothing is written against an empty state."""

    finish_reason = "redis_data_lost"


class OutageRetry(Retry):
    """Retry a command for up to `patience` seconds of failures in a row, whatever their number.

    Also the client's connect hook (redis_connect_func): every new connection checks that the
    run's marker key is still there. redis-py reconnects on its own, sometimes without a failed
    command to show for it (a pooled socket found closed), so the check sits on connecting, the
    one thing every outage ends with. A reconnect also counts as the end of an outage.
    """

    def __init__(self, patience: float) -> None:
        # OSError: redis-py opens connections through this policy too, and a refused connect is
        # a bare ConnectionRefusedError there.
        super().__init__(ExponentialBackoff(cap=2.0, base=0.1), retries=-1,
                         supported_errors=(ConnectionError, TimeoutError, OSError))
        self.patience = patience
        self.recovered_at: float | None = None  # time.monotonic() when the last outage ended
        self.connects = 0
        self.marker: str | None = None  # a key of the run: absent on a new connection means the run is lost
        self.lost: str | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> OutageRetry:
        return self  # redis-py copies the policy into each connection: one shared record of outages

    def connected(self, conn: Any) -> None:
        conn.on_connect()
        if self.marker:
            conn.send_command("EXISTS", self.marker)
            if not int(conn.read_response()):
                self.lost = ("Redis no longer has this run's keys (it restarted without persistence, or they "
                             "were deleted): the run stops here")
                raise RunLost(self.lost)
        if self.connects:
            self.recovered_at = time.monotonic()
        self.connects += 1

    def call_with_retry(self, do: Callable[[], T], fail: Callable[[Exception], Any]) -> T:
        if self.lost:
            raise RunLost(self.lost)
        failures = 0
        started = 0.0
        while True:
            try:
                result = do()
            except self._supported_errors as error:
                failures += 1
                fail(error)
                now = time.monotonic()
                started = started or now
                if now - started >= self.patience:
                    raise
                if failures == 1:
                    logger.warning("Redis unreachable (%s): retrying for up to %.0f s", error, self.patience)
                time.sleep(min(self._backoff.compute(failures), max(0.0, started + self.patience - now)))
                continue
            if failures:
                self.recovered_at = time.monotonic()
                logger.warning("Redis is back after %.1f s", self.recovered_at - started)
            return result


def redis_client(url: str, patience: float = DEFAULT_OUTAGE_MAX, marker: str | None = None) -> Redis:
    """A client that rides out outages up to `patience` seconds (0: fails at once) and, given a
    run's marker key, raises RunLost on any connection that finds it gone."""
    if patience <= 0:
        return Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=COMMAND_TIMEOUT,
                              retry=Retry(NoBackoff(), 0))
    retry = OutageRetry(patience)
    retry.marker = marker
    return Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=COMMAND_TIMEOUT,
                          retry=retry, health_check_interval=30, redis_connect_func=retry.connected)


def from_settings(settings: BaseSettings) -> Redis:
    """The client of a crawl's component; during a run each of its connections first checks
    that Redis still has the run (RunLost if not)."""
    from .keys import RunKeys

    crawl, run = settings.get("NEWSCRAWL_REDIS_CRAWL"), settings.get("NEWSCRAWL_RUN_ID")
    patience = settings.getfloat("NEWSCRAWL_REDIS_OUTAGE_MAX", DEFAULT_OUTAGE_MAX)
    return redis_client(settings.get("REDIS_URL"), patience, RunKeys(crawl, run).marker if crawl and run else None)


def checked_client(url: str) -> Redis:
    """A client for the commands' start-up checks: one quick PING, no retries. Raises ValueError
    with a one-line reason (the URL's password masked) when Redis cannot be used."""
    shown = redact(url)
    try:
        client = Redis.from_url(url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT,
                                retry=Retry(NoBackoff(), 0))
        client.ping()
    except TimeoutError:
        hint = ": no answer (is this port really TLS? a rediss:// URL needs a TLS port)" \
            if url.lower().startswith("rediss:") else ": no answer"
        raise ValueError(f"cannot use Redis at {shown}{hint}") from None
    except (RedisError, ValueError, OSError) as exc:
        raise ValueError(f"cannot use Redis at {shown}: {redact(str(exc))}") from None
    return client
