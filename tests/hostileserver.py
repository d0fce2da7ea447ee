"""A raw-socket HTTP/1.1 server on 127.0.0.1 for hostile-web tests.

http.server cannot misbehave on purpose: reset a connection mid-body, never answer,
drip a byte at a time, or stream a gigabyte lazily. Here every route is a function
that gets the request and the raw socket and may do any of that. It also answers the
MockServer interface (`route`, `redirect`, `dynamic`, `base`, `url`, `hits`,
`request_log`), so the ordinary test site builders work on it, and it serves
absolute-form request targets (`GET http://host/path`) so it can stand in for an
HTTP proxy.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from tests.mockserver import Route


@dataclass
class Exchange:
    """One request and the socket to answer it on."""

    method: str
    path: str
    headers: dict[str, str]
    sock: socket.socket
    stopping: threading.Event
    hit: int = 1  # how many requests for this path so far, this one included
    sent: int = 0  # body bytes written so far

    def send_head(self, status: int, headers: dict[str, str]) -> None:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def send_body(self, data: bytes) -> None:
        self.sock.sendall(data)
        self.sent += len(data)


Handler = Callable[[Exchange], None]
_REASONS = {200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
            404: "Not Found", 429: "Too Many Requests", 500: "Internal Server Error",
            503: "Service Unavailable"}


@dataclass
class Stats:
    """What the server saw: per path hits, every request's headers, body bytes sent."""

    hits: dict[str, int] = field(default_factory=dict)
    request_log: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)


class HostileServer:
    def __init__(self, host: str = "127.0.0.1", name: str | None = None) -> None:
        self.routes: dict[str, Handler] = {}
        self.dynamic: Callable[[str, int], Route | None] | None = None
        self.stats = Stats()
        self.name = name or host  # the host name URLs use (e.g. `localhost` for a second site)
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._listener = socket.create_server((host, 0), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
        self._listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._serve, daemon=True)

    # MockServer interface -------------------------------------------------------------
    @property
    def hits(self) -> dict[str, int]:
        return self.stats.hits

    @property
    def request_log(self) -> list[tuple[str, dict[str, str]]]:
        return self.stats.request_log

    @property
    def base(self) -> str:
        return f"http://{self.name}:{self._listener.getsockname()[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, body: str | bytes = b"", status: int = 200, **headers: str) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        hdrs = {"Content-Type": "text/html; charset=utf-8"}
        hdrs.update({k.replace("_", "-"): v for k, v in headers.items()})
        self.routes[path] = answer(data, status, hdrs)

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        self.routes[path] = answer(b"", status, {"Location": target})

    def behave(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    # Serving --------------------------------------------------------------------------
    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._connection, args=(conn,), daemon=True).start()

    def _connection(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            request = _read_head(conn)
            if request is None:
                return
            method, target, headers = request
            path = _origin_form(target)
            with self._lock:
                self.stats.hits[path] = hit = self.stats.hits.get(path, 0) + 1
                self.stats.request_log.append((path, headers))
            handler = self.routes.get(path) or self.routes.get(path.split("?")[0])
            if handler is None and self.dynamic is not None:
                route = self.dynamic(path, hit)
                handler = answer(route.body, route.status, route.headers) if route is not None else None
            exchange = Exchange(method, path, headers, conn, self._stopping, hit)
            try:
                (handler or answer(b"<html><body>not found</body></html>", 404))(exchange)
            except OSError:
                pass  # the client hung up: exactly what several tests want
            finally:
                with self._lock:
                    self.stats.sent[path] = self.stats.sent.get(path, 0) + exchange.sent


def _origin_form(target: str) -> str:
    """`/path?q` from a proxy-style absolute target (`http://host/path?q`)."""
    if not target.startswith(("http://", "https://")):
        return target
    parts = urlsplit(target)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _read_head(conn: socket.socket) -> tuple[str, str, dict[str, str]] | None:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk or len(data) > 65536:
                return None
            data += chunk
    except OSError:
        return None
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    first, *lines = head.split("\r\n")
    parts = first.split()
    if len(parts) != 3:
        return None
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    return parts[0], parts[1], headers


# Behaviours -----------------------------------------------------------------------------

def answer(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    """A well-formed response."""

    def handle(ex: Exchange) -> None:
        ex.send_head(status, {**(headers or {}), "Content-Length": str(len(body)), "Connection": "close"})
        if ex.method != "HEAD":
            ex.send_body(body)
    return handle


def reset_mid_body(body: bytes, after: int, content_type: str = "text/html; charset=utf-8") -> Handler:
    """Announce the whole body, send `after` bytes, then reset the connection (RST, not FIN)."""

    def handle(ex: Exchange) -> None:
        ex.send_head(200, {"Content-Type": content_type, "Content-Length": str(len(body)),
                           "Connection": "close"})
        ex.send_body(body[:after])
        time.sleep(0.05)
        ex.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return handle


def never_answer(ex: Exchange) -> None:
    """Read the request, then say nothing until the client gives up (or the server stops)."""
    ex.sock.settimeout(0.2)
    while not ex.stopping.is_set():
        try:
            if not ex.sock.recv(1024):
                return  # the client closed the connection
        except TimeoutError:
            continue


def drip(body: bytes, interval: float, chunk: int = 1,
         content_type: str = "text/html; charset=utf-8") -> Handler:
    """Send the body `chunk` bytes at a time, `interval` seconds apart."""

    def handle(ex: Exchange) -> None:
        ex.send_head(200, {"Content-Type": content_type, "Content-Length": str(len(body)),
                           "Connection": "close"})
        for start in range(0, len(body), chunk):
            if ex.stopping.is_set():
                return
            ex.send_body(body[start:start + chunk])
            time.sleep(interval)
    return handle


def stream(chunks: Callable[[], Iterator[bytes]], content_type: str, **headers: str) -> Handler:
    """A chunked body produced lazily: generated only as fast as the client reads it."""

    def handle(ex: Exchange) -> None:
        ex.send_head(200, {"Content-Type": content_type, "Transfer-Encoding": "chunked",
                           "Connection": "close",
                           **{k.replace("_", "-"): v for k, v in headers.items()}})
        for data in chunks():
            if ex.stopping.is_set():
                return
            ex.sock.sendall(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            ex.sent += len(data)
        ex.sock.sendall(b"0\r\n\r\n")
    return handle
