"""A real HTTP server on 127.0.0.1 for crawl tests: routes are plain data."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


class MockServer:
    """`with MockServer() as s: s.route("/a", html)`; `s.url("/a")`; `s.hits` counts requests per path.

    `dynamic(path, hit_number)` may answer paths that have no fixed route (traps, flaky pages).
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.dynamic: Callable[[str, int], Route | None] | None = None
        self.hits: dict[str, int] = {}
        self.request_log: list[tuple[str, dict[str, str]]] = []
        self.request_times: list[tuple[str, float]] = []
        self.conditional = True  # ETag on 200s, 304 for a matching If-None-Match
        self.not_modified = 0
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> MockServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, body: str | bytes = b"", status: int = 200, **headers: str) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        hdrs = {"Content-Type": "text/html; charset=utf-8"}
        hdrs.update({k.replace("_", "-"): v for k, v in headers.items()})
        self.routes[path] = Route(data, status, hdrs)

    def redirect(self, path: str, target: str, status: int = 301) -> None:
        self.routes[path] = Route(b"", status, {"Location": target})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path
                server.hits[path] = server.hits.get(path, 0) + 1
                server.request_log.append((path, dict(self.headers)))
                server.request_times.append((path, time.monotonic()))
                route = server.routes.get(path) or server.routes.get(path.split("?")[0])
                if route is None and server.dynamic is not None:
                    route = server.dynamic(path, server.hits[path])
                if route is None:
                    route = Route(b"<html><body>not found</body></html>", 404)
                etag = f'"{hashlib.sha1(route.body).hexdigest()[:16]}"'
                if route.status == 200 and server.conditional and self.headers.get("If-None-Match") == etag:
                    server.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                if route.status == 200 and server.conditional:
                    self.send_header("ETag", etag)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler
