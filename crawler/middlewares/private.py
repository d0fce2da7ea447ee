"""NEWSCRAWL_REFUSE_PRIVATE: never fetch from private, loopback, link-local, multicast or reserved
addresses, so a sites file, a sitemap or a redirect cannot make the crawler probe an
internal network (cloud metadata at 169.254.169.254, admin pages on 10.x, localhost).

IP literals are checked as they are; host names are resolved through the reactor's
resolver, the one Scrapy connects with (DNS_RESOLVER, cached), so the address checked is
the address used. One verdict per host per crawl. A name that does not resolve passes:
the download fails as `dns` by itself. Redirect targets come through here too.
Off by default (`newscrawl crawl` and `url` fetch what the user names, local test
servers included); `newscrawl run` turns it on unless the sites file says
`allow_private = true`.
"""

from __future__ import annotations

import ipaddress
import logging
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
        self.verdicts: dict[str, str | None] = {}  # host -> why it is refused, or None

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
            self.verdicts[host] = await self._verdict(host)
        why = self.verdicts[host]
        if why is not None:
            raise refuse(self.crawler, request, "private_address", why)

    async def _verdict(self, host: str) -> str | None:
        literal = ip_literal(host)
        if literal is not None:
            kind = non_public(literal)
            return f"{host} is a {kind} address" if kind else None
        from twisted.internet import reactor  # the installed reactor, after Scrapy chose it

        try:
            resolved = await maybe_deferred_to_future(cast(Any, reactor).resolve(host))
        except Exception as exc:
            logger.debug("could not resolve %s for the private-address check: %s", host, exc)
            return None
        address = ip_literal(str(resolved))
        kind = non_public(address) if address is not None else None
        return f"{host} resolves to {resolved}, a {kind} address" if kind else None
