"""A fetched page as a Document: decoded as its server declared, read as HTML or text, named by its story's URL.

The reading itself (main text, title, date, outlet) is the extractor's, as for an uploaded .html file
(`extractors.reading.read_bytes`); this module adds what only a fetched page has: the Content-Type's charset,
the address it came from, and the canonical address that makes two links to one story one document.
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from datastore.fetching import Fetched, FetchError, HostPacer, Limits, codec_for, fetch
from extractors.model import Document
from extractors.reading import dateline_date, read_bytes

HTML_TYPES = ("text/html", "application/xhtml+xml")
# Query parameters that say how a reader arrived, not which story it is.
TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|at_medium|at_campaign)$", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def read_page(fetched: Fetched, published: str | None = None, fallback_published: str | None = None) -> Document:
    """The Document of a fetched page. ``path`` is the address asked for, ``url`` the story's address (see
    :func:`story_address`); raises InputError (FetchError for a bad encoding) naming the address asked for.

    The date: ``published`` if given; else the one an HTML page states in its markup or address, else a
    dateline in its text; else ``fallback_published`` (a feed entry's date); else none. Not the reader's last
    resort for HTML files, a guess from any year in the text: "a deal signed in 2018" is no publication date,
    and a wrong date misplaces every "last year" in the story."""
    name = fetched.url
    data, encoding = _as_utf8(fetched)
    html = None if fetched.content_type is None else fetched.content_type in HTML_TYPES
    doc = read_bytes(data, name, published=published, html=html)
    if encoding:
        doc.encoding = encoding
    doc.path = name
    doc.url = story_address(doc.url, fetched.final_url)
    if not doc.source:
        doc.source = _host(fetched.final_url)
    if published is None and (html if html is not None else data.lstrip()[:1] == b"<"):
        doc.published = _marked_date(data, fetched) or dateline_date(doc.text[:800])
    if doc.published is None:
        doc.published = fallback_published
    return doc


def _marked_date(html: bytes, fetched: Fetched) -> str | None:
    """The date a page states in its markup or address (meta tags, ``<time>``, JSON-LD, /2025/06/12/), without
    the guessing from the text the reader falls back on: a year named in the story ("a deal signed in 2018")
    must not stand in for a date when the feed entry has a real one."""
    try:
        import htmldate

        return htmldate.find_date(html, extensive_search=False, original_date=True, url=fetched.final_url)
    except Exception:  # a date finder's failure on a hostile page is no reason to lose the story
        return None


def _as_utf8(fetched: Fetched) -> tuple[bytes, str | None]:
    """The body as UTF-8 bytes for the reader, decoded with the charset the server (else the page's <meta>)
    declared, and that charset's name; a body whose bytes break its declared charset is refused, not guessed
    at. Without a declaration (or with a byte-order mark, which wins) the reader's own decoding applies."""
    body = fetched.body
    if body.startswith(_BOMS):
        return body, None
    label = fetched.charset
    if label is None and (fetched.content_type is None or fetched.content_type in HTML_TYPES):
        found = _META_CHARSET.search(body, 0, 4096)
        label = found.group(1).decode("ascii") if found else None
    if label is None:
        return body, None
    codec = codec_for(label)
    if codec is None:
        raise FetchError(fetched.url, f"bad encoding (unknown character set '{label[:40]}')")
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        raise FetchError(fetched.url, f"bad encoding (not valid {label} as declared: byte 0x{body[exc.start]:02x} "
                                      f"at position {exc.start})") from None
    return text.encode("utf-8"), codec


def story_address(named: str | None, final_url: str) -> str:
    """The address that names a story: the page's canonical URL (``<link rel=canonical>``, else ``og:url``, as
    the reader found it) when it is a web address other than a site's home page, else the address the page was
    fetched from; tidied by :func:`tidy_address`.

    >>> story_address("/news/a?utm_source=x", "https://www.example.org/amp/news/a#top")
    'https://www.example.org/news/a'
    >>> story_address("https://www.example.org/", "https://www.example.org/news/b")
    'https://www.example.org/news/b'
    """
    if named:
        candidate = urljoin(final_url, named.strip())
        parts = urlsplit(candidate)
        if parts.scheme.lower() in ("http", "https") and parts.hostname and parts.path.strip("/"):
            return tidy_address(candidate)
    return tidy_address(final_url)


def tidy_address(url: str) -> str:
    """One spelling per address: scheme and host in lower case, no default port, no fragment, no tracking
    parameters (``utm_*``, ``fbclid``…); the path and the other parameters are kept as they are.

    >>> tidy_address("HTTPS://Example.ORG:443/a/B?id=7&utm_medium=feed#comments")
    'https://example.org/a/B?id=7'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _host(url: str) -> str | None:
    """An outlet's name when its page gives none: the host without "www." (better than "outlet unknown")."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def read_url(url: str, published: str | None = None, fallback_published: str | None = None,
             limits: Limits | None = None, pacer: HostPacer | None = None) -> Document:
    """Fetch an article page and read it (:func:`datastore.fetching.fetch`, then :func:`read_page`)."""
    return read_page(fetch(url, limits=limits, pacer=pacer), published, fallback_published)
