"""A small web server on 127.0.0.1 for the tests that fetch: fixture pages and feeds, and servers that misbehave.

Started by the test that needs it (the `web` fixture in conftest.py); nothing leaves the machine. Each route says what to
answer; `requests` records what the client sent, so tests can check our user agent and that no cookie went out.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"


@dataclass
class Route:
    """What one path answers. ``behaviour``: 'send' (status, headers, body), 'silent' (accept the request and
    never answer), or 'stream' (``stream_bytes`` of HTML in pieces, with no Content-Length)."""

    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    behaviour: str = "send"
    stream_bytes: int = 0


@dataclass
class SentRequest:
    path: str
    headers: dict[str, str]


class FixtureWeb:
    """The running server: ``base`` is its address; set ``routes[path]`` to change what a path answers."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[SentRequest] = []
        self.released = threading.Event()  # ends every 'silent' answer when the server stops
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="fixture-web", daemon=True)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, fixture: str, *, encoding: str = "utf-8", content_type: str | None = None) -> str:
        """Serve a fixture file (with ``{base}`` filled in) at ``path``; returns its address."""
        text = (WEB_FIXTURES / fixture).read_text(encoding="utf-8").replace("{base}", self.base)
        kind = content_type or ("text/html; charset=utf-8" if fixture.endswith(".html") else "application/rss+xml")
        self.routes[path] = Route(text.encode(encoding), kind)
        return self.url(path)

    def start(self) -> FixtureWeb:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()


def _handler(web: FixtureWeb) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            web.requests.append(SentRequest(self.path, dict(self.headers.items())))
            route = web.routes.get(self.path) or web.routes.get(self.path.split("?")[0])
            if route is None:
                route = Route(b"<html><body><h1>Not found</h1></body></html>", status=404)
            try:
                self._answer(route)
            except (BrokenPipeError, ConnectionResetError):  # the client stopped reading: as it should
                pass

        def _answer(self, route: Route) -> None:
            if route.behaviour == "silent":
                web.released.wait(60)
                return
            self.send_response(route.status)
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            for name, value in route.headers.items():
                if name != "Content-Length":
                    self.send_header(name, value)
            if route.behaviour == "stream":
                self.end_headers()  # HTTP/1.0: the body ends when the connection closes
                piece = b"<p>" + b"filler text " * 5000 + b"</p>\n"
                sent = 0
                while sent < route.stream_bytes:
                    self.wfile.write(piece)
                    sent += len(piece)
                return
            self.send_header("Content-Length", route.headers.get("Content-Length", str(len(route.body))))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test output
            pass

    return Handler
