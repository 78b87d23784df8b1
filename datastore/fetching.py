"""One web address fetched safely: http(s) only, timeouts, a size cap, a redirect limit, refusals by name.

Everything Figure Desk sends to a web server is written here: a GET with the headers in :data:`HEADERS`
(our user agent, what we accept) and nothing else — no cookies are kept or sent, no referrer, no credentials,
no query string of our own. Redirects are followed by hand so that each hop is checked like the first.

>>> Limits().max_bytes == MAX_BYTES
True
"""

from __future__ import annotations

import codecs
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from extractors.errors import InputError
from extractors.reading import MAX_BYTES

USER_AGENT = "FigureDesk/1.0 (reads news stories for an analyst's figure table; one request per story)"
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
              "text/plain")
HEADERS = {
    "User-Agent": USER_AGENT,
    "Accept": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
    "Accept-Encoding": "gzip, deflate",
    "Accept-Language": "en",
}
FEED_ACCEPT = "application/rss+xml,application/atom+xml;q=0.9,application/xml;q=0.8,text/xml;q=0.8"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})  # worth asking again on the next check
CHUNK = 64 * 1024


class FetchError(InputError):
    """A web address that gave no usable page; the message is one line naming the address.

    ``retry`` says whether the same request may well work later (a timeout, a server error), so a feed entry
    that failed that way is tried again on the next check rather than forgotten.
    """

    def __init__(self, url: str, reason: str, retry: bool = False) -> None:
        super().__init__(url, reason)
        self.retry = retry


@dataclass(frozen=True)
class Limits:
    """How long to wait and how much to take. Tests shorten the timeouts; nothing else should need to."""

    connect_s: float = 10.0      # to open the connection
    read_s: float = 20.0         # between two pieces of the answer
    total_s: float = 60.0        # for the whole answer, however slowly it trickles in
    max_bytes: int = MAX_BYTES   # of the body, after gzip: the same cap files have
    max_redirects: int = 5


@dataclass(frozen=True)
class Fetched:
    """A page as the server sent it: the body within the cap, and what the headers said about it."""

    url: str                     # the address asked for
    final_url: str               # after redirects
    body: bytes
    content_type: str | None     # the media type alone, lower case ("text/html")
    charset: str | None          # as the Content-Type header declared it, if it did
    seconds: float = 0.0         # from the first request to the last byte, redirects included


@dataclass
class HostPacer:
    """At least ``delay_s`` between two requests to the same host, so a feed of forty stories from one outlet
    is read at a walking pace. ``clock`` and ``sleep`` are replaceable so tests need not wait."""

    delay_s: float = 1.0
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)

    def wait(self, url: str) -> float:
        """Sleep until this host may be asked again; returns the seconds slept."""
        host = (urlsplit(url).hostname or "").lower()
        slept = 0.0
        if host in self._last:
            slept = max(0.0, self._last[host] + self.delay_s - self.clock())
            if slept:
                self.sleep(slept)
        self._last[host] = self.clock()
        return slept


_POOL = urllib3.PoolManager(num_pools=16, maxsize=1, retries=False, headers=HEADERS)


def check_address(url: str) -> str:
    """The address, stripped, if it is an http(s) URL with a host; else a FetchError saying why.

    >>> check_address(" https://example.org/a ")
    'https://example.org/a'
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError as exc:
        raise FetchError(url, f"not a valid web address ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(url, "not a web address (only http:// and https:// are fetched)")
    if not parts.hostname:
        raise FetchError(url, "no host in the address")
    return url


def is_web_address(text: str) -> bool:
    """Whether a command-line argument or a pasted line means a web page rather than a file."""
    return text.strip().lower().startswith(("http://", "https://"))


def fetch(url: str, *, accept: Sequence[str] = PAGE_TYPES, limits: Limits | None = None,
          pacer: HostPacer | None = None, feed: bool = False) -> Fetched:
    """GET ``url`` and return its body, following at most ``limits.max_redirects`` redirects.

    Raises :class:`FetchError` with one line for each way this can fail: an address that is not http(s), a
    status other than 200, a timeout, a body over the cap, a media type not in ``accept``, a redirect loop.
    """
    limits = limits or Limits()
    asked = check_address(url)
    started = time.monotonic()
    seen = [asked]
    current = asked
    while True:
        if pacer is not None:
            pacer.wait(current)
        response = _request(asked, current, limits, feed)
        try:
            if response.status in REDIRECTS:
                current = _next_hop(asked, current, response, seen, limits)
                response.close()  # its body is not wanted: the connection is not reused
                continue
            if response.status != 200:
                raise FetchError(asked, f"HTTP {response.status} ({_phrase(response.status)})",
                                 retry=response.status in RETRY_STATUSES)
            content_type, charset = media_type(response.headers.get("Content-Type"))
            if content_type is not None and content_type not in accept:
                what = "a feed" if feed else "HTML or text"
                raise FetchError(asked, f"not {what} ({content_type})")
            body = _body(asked, response, limits, started)
        except BaseException:
            response.close()  # unread data left on the connection: never hand it back to the pool
            raise
        response.release_conn()
        return Fetched(url=asked, final_url=current, body=body, content_type=content_type, charset=charset,
                       seconds=time.monotonic() - started)


def _request(asked: str, current: str, limits: Limits, feed: bool) -> urllib3.BaseHTTPResponse:
    headers = dict(HEADERS, Accept=FEED_ACCEPT) if feed else HEADERS
    try:
        return _POOL.request("GET", current, headers=headers, redirect=False, preload_content=False,
                             timeout=urllib3.Timeout(connect=limits.connect_s, read=limits.read_s))
    except NameResolutionError:  # before its base classes: NewConnectionError, then ConnectTimeoutError
        raise FetchError(asked, f"cannot find the host {urlsplit(current).hostname}", retry=True) from None
    except NewConnectionError as exc:
        raise FetchError(asked, f"cannot connect ({_last_words(exc)})", retry=True) from None
    except ConnectTimeoutError:
        raise FetchError(asked, f"timed out connecting (no connection in {limits.connect_s:g} s)", retry=True) from None
    except ReadTimeoutError:
        raise FetchError(asked, f"timed out (no answer in {limits.read_s:g} s)", retry=True) from None
    except SSLError as exc:
        raise FetchError(asked, f"secure connection failed ({_last_words(exc)})") from None
    except (ProtocolError, HTTPError) as exc:
        raise FetchError(asked, f"connection failed ({_last_words(exc)})", retry=True) from None


def _next_hop(asked: str, current: str, response: urllib3.BaseHTTPResponse, seen: list[str], limits: Limits) -> str:
    location = response.headers.get("Location")
    if not location:
        raise FetchError(asked, f"HTTP {response.status} redirect without a Location")
    target = urljoin(current, location.strip())
    if urlsplit(target).scheme.lower() not in ("http", "https"):
        raise FetchError(asked, f"redirected to a non-web address ({target[:80]})")
    if target in seen:
        raise FetchError(asked, f"redirect loop (back to {target})")
    if len(seen) > limits.max_redirects:
        raise FetchError(asked, f"too many redirects (more than {limits.max_redirects})")
    seen.append(target)
    return target


def _body(asked: str, response: urllib3.BaseHTTPResponse, limits: Limits, started: float) -> bytes:
    """The body, read a piece at a time so the cap holds without reading what is over it."""
    cap = limits.max_bytes
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FetchError(asked, f"too large ({int(declared) / 1e6:.1f} MB declared; the limit is {cap / 1e6:.0f} MB)")
    pieces: list[bytes] = []
    size = 0
    try:
        while piece := response.read1(CHUNK):
            size += len(piece)
            if size > cap:
                raise FetchError(asked, f"too large (more than {cap / 1e6:.0f} MB; the limit is {cap / 1e6:.0f} MB)")
            if time.monotonic() - started > limits.total_s:
                raise FetchError(asked, f"timed out (the page took longer than {limits.total_s:g} s)", retry=True)
            pieces.append(piece)
    except ReadTimeoutError:
        raise FetchError(asked, f"timed out (no answer in {limits.read_s:g} s)", retry=True) from None
    except DecodeError:
        raise FetchError(asked, "bad encoding (the compressed body is damaged)") from None
    except (ProtocolError, HTTPError) as exc:
        raise FetchError(asked, f"connection broke off ({_last_words(exc)})", retry=True) from None
    return b"".join(pieces)


def media_type(header: str | None) -> tuple[str | None, str | None]:
    """(media type, charset) from a Content-Type header.

    >>> media_type('text/html; Charset="ISO-8859-1"')
    ('text/html', 'ISO-8859-1')
    """
    if not header or not header.strip():
        return None, None
    kind, *params = header.split(";")
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip().strip("\"'"):
            charset = value.strip().strip("\"'")
    return kind.strip().lower() or None, charset


def codec_for(label: str) -> str | None:
    """Python's codec for a declared charset, as browsers read labels (latin-1 and ASCII mean Windows-1252);
    None when Python knows no such encoding.

    >>> codec_for("ISO-8859-1"), codec_for("utf8"), codec_for("x-no-such")
    ('cp1252', 'utf-8', None)
    """
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "unknown status"


def _last_words(exc: BaseException) -> str:
    """The useful end of a urllib3 message ("… Connection refused"), without the connection object's repr."""
    text = str(exc.args[-1] if exc.args else exc)
    return (text.rsplit(": ", 1)[-1] or type(exc).__name__)[:120]
