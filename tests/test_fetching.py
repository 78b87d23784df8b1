"""Fetching and reading web pages from a server the test starts on 127.0.0.1: what is read, what is refused
(each in one line naming the address), and what is sent."""

from __future__ import annotations

import gzip
import socket
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from datastore import fetching
from datastore.fetching import FetchError, HostPacer, Limits
from datastore.webpage import read_url
from extractors import extract
from tests.webserver import Route

QUICK = Limits(connect_s=2, read_s=0.5)  # a server that never answers is given up on quickly


# --------------------------------------------------------------------------- an outlet's article page

def test_an_outlet_page_gives_its_story_title_date_and_outlet(web) -> None:
    url = web.page("/business/2025/06/12/india-russia-trade-slips", "meridian-trade.html")
    doc = read_url(url + "?utm_source=newsletter", limits=QUICK)
    assert doc.title == "India–Russia trade slips as oil purchases cool"
    assert doc.published == "2025-06-12"
    assert doc.source == "The Meridian Post"
    assert doc.url == url  # the canonical address, tracking parameters gone
    assert doc.path == url + "?utm_source=newsletter"  # where it was fetched from
    assert doc.text.startswith("India's trade with Russia fell to $63.8 billion in 2024-25")
    assert "auto parts who asked not to be named" in doc.text  # the last paragraph of the story
    for furniture in ("We use cookies", "Subscribe for $1 a week", "Skip to content", "More on this story",
                      "Urals discount", "morning briefing", "All rights reserved", "dataLayer", "Photo:"):
        assert furniture not in doc.text
    assert [(f.surface, f.metric) for f in extract(doc)] == [
        ("$63.8 billion", "trade_total"), ("$58.9 billion", "energy_imports"), ("$4.9 billion", "exports"),
        ("$100 billion", "target")]


# --------------------------------------------------------------------------- pages that are read

@dataclass(frozen=True)
class Served:
    """A page served some way, and what reading it must give."""

    id: str
    serve: Callable  # (web) -> the address to read
    expected: dict


def _harbour_in_windows_1252(web) -> str:
    """The outlet declares windows-1252 in a <meta> tag only; its curly quotes must survive."""
    web.page("/markets/russian-fertiliser-shipments-climb", "harbour-fertiliser.html", encoding="cp1252",
             content_type="text/html")
    return web.url("/markets/russian-fertiliser-shipments-climb")


def _gzipped(web) -> str:
    web.page("/plain", "meridian-trade.html")
    route = web.routes["/plain"]
    web.routes["/zipped"] = Route(gzip.compress(route.body), route.content_type, headers={"Content-Encoding": "gzip"})
    return web.url("/zipped")


def _moved(web) -> str:
    web.page("/business/2025/06/12/india-russia-trade-slips", "meridian-trade.html")
    web.routes["/s/8f3k"] = Route(status=301, headers={"Location": "/business/2025/06/12/india-russia-trade-slips"})
    return web.url("/s/8f3k")


def _plain_text(web) -> str:
    web.routes["/wire.txt"] = Route(b"India and Russia traded $65.70 billion in 2023-24.\n", "text/plain")
    return web.url("/wire.txt")


def _no_canonical(web) -> str:
    web.routes["/story"] = Route(b"<html><head><title>Trade note</title></head><body><article><p>India and Russia "
                                 b"traded $65.70 billion in 2023-24.</p></article></body></html>")
    return web.url("/story#comments")


def _undated(web) -> str:
    """No date in the markup, the address or a dateline; only "a deal signed in 2018" in the text."""
    return web.page("/defence/second-frigate-handed-over", "meridian-frigate.html")


READ = [
    Served("meta charset windows-1252", _harbour_in_windows_1252,
           {"encoding": "cp1252", "source": "Harbour Ledger", "published": "2025-05-30",
            "contains": "the price of Russian urea “hard to beat”"}),
    Served("gzip body", _gzipped, {"title": "India–Russia trade slips as oil purchases cool"}),
    Served("short link redirects to the story", _moved,
           {"url": "/business/2025/06/12/india-russia-trade-slips", "published": "2025-06-12"}),
    Served("text/plain page", _plain_text, {"contains": "$65.70 billion", "source": "127.0.0.1"}),
    Served("no canonical: the address fetched, without its fragment", _no_canonical, {"url": "/story"}),
    Served("no date stated: undated, not a year guessed from the text", _undated,
           {"published": None, "title": "Second stealth frigate handed over to Indian Navy at Kaliningrad"}),
]


@pytest.mark.parametrize("case", READ, ids=[c.id for c in READ])
def test_pages_are_read(web, case: Served) -> None:
    doc = read_url(case.serve(web), limits=QUICK)
    for key, value in case.expected.items():
        if key == "contains":
            assert value in doc.text
        elif key == "url":
            assert doc.url == web.url(value)
        else:
            assert getattr(doc, key) == value, key


# --------------------------------------------------------------------------- pages that are refused

@dataclass(frozen=True)
class Refused:
    id: str
    path: str
    route: Route | None  # None: nothing at that path (the server's 404)
    reason: str          # the whole message after "<address>: "
    retry: bool = False


def _redirect(to: str) -> Route:
    return Route(status=302, headers={"Location": to})


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"
REFUSED = [
    Refused("404", "/gone", None, "HTTP 404 (Not Found)"),
    Refused("server error is worth a retry", "/busy", Route(b"busy", status=503), "HTTP 503 (Service Unavailable)",
            retry=True),
    Refused("server never answers", "/silent", Route(behaviour="silent"), "timed out (no answer in 0.5 s)", retry=True),
    Refused("declared over the size cap", "/big", Route(b"<p>x</p>", headers={"Content-Length": "6000000"}),
            "too large (6.0 MB declared; the limit is 5 MB)"),
    Refused("streamed over the size cap", "/endless", Route(behaviour="stream", stream_bytes=6_000_000),
            "too large (more than 5 MB; the limit is 5 MB)"),
    Refused("gzip that swells over the cap", "/bomb",
            Route(gzip.compress(b"<p>" + b"a" * 6_000_000), headers={"Content-Encoding": "gzip"}),
            "too large (more than 5 MB; the limit is 5 MB)"),
    Refused("PDF", "/report.pdf", Route(PDF, "application/pdf"), "not HTML or text (application/pdf)"),
    Refused("image", "/chart.png", Route(b"\x89PNG\r\n", "image/png"), "not HTML or text (image/png)"),
    Refused("PDF sent as HTML", "/report", Route(PDF, "text/html"), "not a text document (a PDF file)"),
    Refused("redirect loop", "/loop-a", _redirect("/loop-b"), "redirect loop (back to {base}/loop-a)"),
    Refused("too many redirects", "/hop/0", _redirect("/hop/1"), "too many redirects (more than 5)"),
    Refused("redirect to another scheme", "/away", _redirect("ftp://127.0.0.1/file"),
            "redirected to a non-web address (ftp://127.0.0.1/file)"),
    Refused("wrong charset", "/latin",
            Route("<html><body><p>Café exports to Russia rose to $2 billion.</p></body></html>".encode("latin-1")),
            "bad encoding (not valid utf-8 as declared: byte 0xe9 at position 18)"),
    Refused("unknown charset", "/klingon", Route(b"<p>Trade rose.</p>", "text/html; charset=x-klingon"),
            "bad encoding (unknown character set 'x-klingon')"),
    Refused("an empty answer", "/blank", Route(b""), "empty document"),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c.id for c in REFUSED])
def test_each_failure_is_one_line_naming_the_address(web, case: Refused) -> None:
    web.routes["/loop-b"] = _redirect("/loop-a")
    for hop in range(1, 9):
        web.routes[f"/hop/{hop}"] = _redirect(f"/hop/{hop + 1}")
    if case.route is not None:
        web.routes[case.path] = case.route
    url = web.url(case.path)
    with pytest.raises(Exception) as caught:
        read_url(url, limits=QUICK)
    assert str(caught.value) == f"{url}: {case.reason.format(base=web.base)}"
    assert getattr(caught.value, "retry", False) == case.retry


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "not a web address (only http:// and https:// are fetched)"),
    ("javascript:alert(1)", "not a web address (only http:// and https:// are fetched)"),
    ("http:///no-host", "no host in the address"),
    ("http://127.0.0.1:99999/", "not a valid web address (Port out of range 0-65535)"),
], ids=["file", "javascript", "no host", "bad port"])
def test_addresses_that_are_not_fetched_at_all(url: str, reason: str) -> None:
    with pytest.raises(FetchError) as caught:
        fetching.fetch(url, limits=QUICK)
    assert caught.value.reason == reason


def test_a_host_with_nothing_listening_is_a_retry() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/story"
    with pytest.raises(FetchError) as caught:
        fetching.fetch(url, limits=QUICK)
    assert caught.value.reason.startswith("cannot connect (") and caught.value.retry


# --------------------------------------------------------------------------- what is sent

def test_requests_carry_our_user_agent_and_never_a_cookie(web) -> None:
    web.routes["/first"] = Route(status=302, headers={"Location": "/second", "Set-Cookie": "session=abc; Path=/"})
    web.page("/second", "meridian-trade.html")
    fetching.fetch(web.url("/first"), limits=QUICK)
    fetching.fetch(web.url("/second"), limits=QUICK)
    assert [r.path for r in web.requests] == ["/first", "/second", "/second"]
    for sent in web.requests:
        headers = {k.lower(): v for k, v in sent.headers.items()}
        assert headers["user-agent"] == fetching.USER_AGENT
        assert "FigureDesk/" in headers["user-agent"]
        assert "cookie" not in headers and "referer" not in headers and "authorization" not in headers
        assert headers["accept-encoding"] == "gzip, deflate"


# --------------------------------------------------------------------------- a polite pace

class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


@pytest.mark.parametrize("visits, steps, slept", [
    (["https://a.example/1", "https://a.example/2"], [0.0], [1.5]),
    (["https://a.example/1", "https://b.example/1", "https://A.example/2"], [0.0, 0.5], [1.0]),
    (["https://a.example/1", "https://a.example/2"], [2.0], []),
    (["https://a.example/1", "http://a.example:8080/2"], [0.25], [1.25]),
], ids=["same host waits", "other hosts do not, host case ignored", "time already passed", "same host, any port"])
def test_the_pacer_spaces_requests_to_one_host(visits: list[str], steps: list[float], slept: list[float]) -> None:
    clock = FakeClock()
    pacer = HostPacer(delay_s=1.5, clock=clock, sleep=clock.sleep)
    for index, url in enumerate(visits):
        if index:
            clock.now += steps[min(index - 1, len(steps) - 1)]
        pacer.wait(url)
    assert clock.slept == slept
