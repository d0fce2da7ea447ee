"""NEWSCRAWL_REFUSE_PRIVATE: never fetch from private, loopback, link-local, multicast or reserved
addresses, so a sites file, a sitemap or a redirect cannot make the crawler probe an
internal network (cloud metadata at 169.254.169.254, admin pages on 10.x, localhost).

IP literals are checked as they are; host names are resolved through the reactor's
resolver, the one Scrapy connects with (DNS_RESOLVER, cached), so the address checked is
the address used, and through getaddrinfo for every other answer, IPv6 included: any
non-public one refuses the host. One verdict per host per crawl. A name that does not
resolve is refused as `dns` (not remembered: the next request asks again), since an answer
at connect time would go unchecked. Redirect targets come through here too.
Off by default (`newscrawl crawl` and `url` fetch what the user names, local test
servers included); `newscrawl run` turns it on unless the sites file says
`allow_private = true`.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import Any, cast

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from .refusal import refuse

logger = logging.getLogger(__name__)
_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def non_public(address: _Address) -> str | None:
    """What kind of non-public address this is; None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    if not address.is_global:  # shared (100.64/10), documentation and other special ranges
        return "non-global"
    return None


def ip_literal(host: str) -> _Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class PrivateAddressMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.verdicts: dict[str, tuple[str, str] | None] = {}  # host -> (reason, why) it is refused, or None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressMiddleware:
        if not crawler.settings.getbool("NEWSCRAWL_REFUSE_PRIVATE"):
            raise NotConfigured("NEWSCRAWL_REFUSE_PRIVATE is off")
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").rstrip(".").lower()
        if not host:
            return
        if host not in self.verdicts:
            verdict = await self._verdict(host)
            if verdict is not None and verdict[0] == "dns":
                raise refuse(self.crawler, request, *verdict)  # not kept: the next request asks again
            self.verdicts[host] = verdict
        why = self.verdicts[host]
        if why is not None:
            raise refuse(self.crawler, request, *why)

    async def _verdict(self, host: str) -> tuple[str, str] | None:
        """(reason, detail) when the host must not be fetched, else None."""
        literal = ip_literal(host)
        if literal is not None:
            kind = non_public(literal)
            return ("private_address", f"{host} is a {kind} address") if kind else None
        from twisted.internet import reactor  # the installed reactor, after Scrapy chose it
        from twisted.internet.threads import deferToThread

        addresses: list[str] = []
        try:  # the address Scrapy connects to (DNS_RESOLVER, cached)
            addresses.append(str(await maybe_deferred_to_future(cast(Any, reactor).resolve(host))))
        except Exception as exc:  # an IPv6-only name, or none at all: see below
            logger.debug("the crawl's resolver has no address for %s: %s", host, exc)
        try:  # every answer, IPv6 included: a resolver that prefers IPv6 would connect there
            lookup = deferToThread(socket.getaddrinfo, host, None, 0, socket.SOCK_STREAM)
            found = await maybe_deferred_to_future(lookup)
            addresses += [str(info[4][0]).split("%")[0] for info in found]
        except OSError as exc:
            logger.debug("could not resolve %s for the private-address check: %s", host, exc)
        if not addresses:  # refused rather than passed: an answer at connect time would go unchecked
            return "dns", f"{host} does not resolve"
        for address in dict.fromkeys(addresses):
            parsed = ip_literal(address)
            kind = non_public(parsed) if parsed is not None else None
            if kind:
                return "private_address", f"{host} resolves to {address}, a {kind} address"
        return None
