"""Bytes or a file in, a `Document` out: decoding, front matter, HTML main text, dateline date.

Bad input is refused with an `InputError` that names the file and says why; nothing is decoded
with `errors="ignore"`.
"""

from __future__ import annotations

import codecs
import re
from datetime import date
from pathlib import Path

import regex
import yaml

from extractors.errors import InputError
from extractors.model import Document

MAX_BYTES = 5 * 1024 * 1024  # documented limit: 5 MB of text per document
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"%PDF", "a PDF file"), (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (e.g. .docx/.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"), (b"\x1f\x8b", "a gzip archive"),
    (b"SQLite format 3", "an SQLite database"), (b"\x7fELF", "a program"),
)
# libyaml when the wheel has it (ten times faster; the same safe constructor), else pure Python.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:(?P<yaml>.*?)\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HTML_SNIFF = re.compile(r"\A\s*(?:<!doctype\s+html|<html|<head|<body|<article|<div|<p[\s>])", re.IGNORECASE)
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:(?:Mon|Tue|Tues|Wed|Thu|Thurs|Fri|Sat|Sun)[a-z]*,?\s+)?"
_DATELINE = regex.compile(
    rf"\b(?:{_WEEKDAY}(?P<dmy>\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?:19|20)\d\d)"
    rf"|{_WEEKDAY}(?P<mdy>{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d)"
    r"|(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)"
    r"|(?P<ymd>(?:19|20)\d\d/[01]\d/[0-3]\d)"
    r"|(?P<dotted>[0-3]\d\.[01]\d\.(?:19|20)\d\d))\b"
)
# "NEW DELHI, April 16" / "SEOUL, July 4 (UPI)": a dateline that leaves the year out.
_DATELINE_NO_YEAR = regex.compile(
    r"^[^\n]{0,60}?\b(?P<md>(?-i:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2})\b"
    r"(?!\s*,?\s*(?:19|20)\d\d)", regex.MULTILINE)
_YEARS = regex.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)(?:[-–/](?P<end>\d\d)(?!\d))?")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as text, honouring BOMs, falling back to Windows-1252; refuse binaries."""
    if not data or data.isspace():
        raise InputError(name, "empty document")
    if len(data) > MAX_BYTES:
        raise InputError(name, f"too large ({len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB)")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(name, f"not valid {encoding} despite its byte-order mark ({exc.reason})") from exc
            return _checked(text.lstrip("\ufeff"), name), encoding.replace("-sig", "")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(name, f"not a text document ({what})")
    if b"\x00" in data[:8192]:
        raise InputError(name, "not a text document (contains NUL bytes)")
    try:
        return _checked(data.decode("utf-8"), name), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("cp1252"), name), "cp1252"
    except UnicodeDecodeError:
        return _checked(data.decode("latin-1"), name), "latin-1"


_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")  # C0 controls other than tab, newlines, form feed


def _checked(text: str, name: str) -> str:
    if not text or text.isspace():
        raise InputError(name, "empty document")
    if "\x00" in text:  # after any BOM too: "\xef\xbb\xbf" then binary is still binary
        raise InputError(name, "not a text document (contains NUL bytes)")
    if len(_CONTROLS.findall(text, 0, 8192)) > 8:
        raise InputError(name, "not a text document (control characters)")
    return text


def read_bytes(data: bytes, name: str, published: str | None = None, html: bool | None = None) -> Document:
    """A document from raw bytes (an upload, stdin, a fetched page); `name` is only used in messages and `path`.

    ``html`` says whether the bytes are HTML when something else knows (a server's Content-Type); None decides
    by the name's suffix and the first tag."""
    text, encoding = decode(data, name)
    if html is None:
        html = name.lower().endswith((".html", ".htm")) or bool(_HTML_SNIFF.match(text))
    if html:
        doc = _from_html(text, name, encoding)
    else:
        doc = _from_text(text, name, encoding)
    if published:
        doc.published = _iso(published, name)
    if not doc.text[doc.body_start:].strip():
        raise InputError(name, "empty document (no text after the front matter)")
    return doc


def read_document(path: str | Path, published: str | None = None) -> Document:
    """A document from a file on disk; `-` reads standard input."""
    name = str(path)
    if name == "-":
        import sys

        return read_bytes(sys.stdin.buffer.read(), "-", published)
    p = Path(path)
    if not p.exists():
        raise InputError(name, "no such file")
    if p.is_dir():
        raise InputError(name, "is a folder (use `ingest` for folders)")
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            raise InputError(name, f"too large ({size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB)")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(name, f"cannot read: {exc.strerror or exc}") from exc
    return read_bytes(data, name, published)


def _iso(value: object, name: str) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]  # a datetime too
    try:
        return date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError as exc:
        raise InputError(name, f"published date '{str(value)[:40]}' is not YYYY-MM-DD") from exc


def _from_text(text: str, name: str, encoding: str) -> Document:
    meta: dict = {}
    body_start = 0
    m = _FRONT_MATTER.match(text)
    if m:
        try:
            loaded = yaml.load(m.group("yaml") or "", Loader=_YAML_LOADER)
        except (yaml.YAMLError, RecursionError):
            loaded = False  # not front matter after all: the block stays part of the body
        if loaded is None or isinstance(loaded, dict):  # None: an empty block, or only comments
            # Only plain values: str() of a list built from YAML aliases can be exponentially long.
            meta = {k: v for k, v in (loaded or {}).items() if isinstance(v, (str, int, float, date))}
            body_start = m.end()
    title = _clean(meta.get("title")) or _first_line(text, body_start)
    published = _iso(meta["published"], name) if meta.get("published") else None
    if published is None and meta.get("date"):
        published = _iso(meta["date"], name)
    if published is None:
        published = dateline_date(text[body_start: body_start + 800])
    return Document(
        text=text, path=name, title=title, published=published,
        source=_clean(meta.get("source") or meta.get("outlet")), url=_clean(meta.get("url")),
        encoding=encoding, body_start=body_start,
    )


def _from_html(html: str, name: str, encoding: str) -> Document:
    """Main text and metadata of a page: trafilatura when it loads, else lxml alone.

    Script, style and comment text and attribute values never reach the text either way.
    """
    page = _trafilatura_page(html) or _lxml_page(html)
    text = page.get("text") or ""
    if not text.strip():
        raise InputError(name, "no article text found in the HTML")
    published = None
    if page.get("date"):
        try:
            published = _iso(page["date"], name)
        except InputError:
            published = None
    if published is None:
        published = dateline_date(text[:800])
    return Document(text=text, path=name, title=_clean(page.get("title")) or _first_line(text, 0), published=published,
                    source=_clean(page.get("sitename")), url=_clean(page.get("url")), encoding=encoding)


def _trafilatura_page(html: str) -> dict[str, str | None] | None:
    """None when trafilatura cannot be imported (e.g. lxml without `lxml_html_clean`) or fails on the page."""
    try:
        import trafilatura

        result = trafilatura.bare_extraction(
            html, include_comments=False, include_tables=False, with_metadata=True, favor_precision=False,
        )
        text = (result.text if result is not None else None) or trafilatura.html2txt(html) or ""
    except Exception:  # an import error, or any parser error on a hostile page: the fallback still reads it
        return None
    if result is None:
        return {"text": text}
    return {"text": text, "date": result.date, "title": result.title, "sitename": result.sitename, "url": result.url}


# Elements whose content is never article text, and elements that end a line.
_HIDDEN = ("head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas",
           "nav", "footer", "aside", "form", "button", "select", "textarea", "dialog")
_BLOCKS = frozenset("p div br hr li ul ol dl dt dd h1 h2 h3 h4 h5 h6 article main section header blockquote pre "
                    "table tr td th figcaption figure address".split())
_META = {"article:published_time": "date", "date": "date", "pubdate": "date", "og:site_name": "sitename",
         "og:url": "url", "og:title": "title"}


def _lxml_page(html: str) -> dict[str, str | None]:
    """Visible text of <article> (else <main>, else the page) with lxml, which trafilatura brings along.

    Not the standard library's html.parser: on Python 3.11 it is quadratic on "<a<a<a..." and raises
    AssertionError on "<![<![".
    """
    from lxml import etree
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml_html.document_fromstring(html.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):  # nothing but markup, or nothing at all
        return {"text": ""}
    meta: dict[str, str | None] = {"title": root.findtext(".//title")}
    for element in root.iter("meta"):
        key = _META.get((element.get("property") or element.get("name") or "").lower())
        if key and element.get("content") and not meta.get(key):
            meta[key] = element.get("content")
    etree.strip_elements(root, *_HIDDEN, with_tail=False)
    for element in root.iter(*_BLOCKS):
        element.text = "\n" + (element.text or "")
        element.tail = "\n" + (element.tail or "")
    found = root.xpath("(//article | //main)[1]")
    lines = (" ".join(line.split()) for line in (found[0] if found else root).text_content().splitlines())
    return {**meta, "text": "\n".join(line for line in lines if line)}


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _first_line(text: str, start: int) -> str | None:
    for line in text[start:].splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:200] or None
    return None


def dateline_date(head: str) -> str | None:
    """The first full date written near the top of an article, in common outlet styles.

    >>> dateline_date("13 Nov, 2023 13:53 / Updated 1 year ago")
    '2023-11-13'
    """
    lines = head.splitlines()
    top = "\n".join(line[:80] for line in lines[:3])  # where a dateline stands: the start of the first lines
    return _full_date(top) or _date_without_year(top, head) or _full_date(head)


def _full_date(head: str) -> str | None:
    import dateparser

    for m in _DATELINE.finditer(head):
        candidate = m.group(0)
        if m.group("ymd") or m.group("dotted"):  # 2023/05/03, 27.03.2017
            parts = [int(x) for x in regex.split(r"[/.]", candidate)]
            y, mo, d = parts if m.group("ymd") else parts[::-1]
            try:
                return date(y, mo, d).isoformat()
            except ValueError:
                continue
        order = "DMY" if m.group("dmy") else ("MDY" if m.group("mdy") else "YMD")
        parsed = dateparser.parse(candidate, languages=["en"],
                                  settings={"DATE_ORDER": order, "PREFER_DAY_OF_MONTH": "first",
                                            "REQUIRE_PARTS": ["day", "month", "year"]})
        if parsed is not None:
            return parsed.date().isoformat()
    return None


def _date_without_year(top: str, head: str) -> str | None:
    """A dateline's month and day in the first lines, dated in the latest year the text mentions ("2022-23"
    counts as 2023): a wire story that writes "April 16" is usually about the year its figures reach. None
    when no year is mentioned."""
    m = _DATELINE_NO_YEAR.search(top)
    years = [int(y.group(0)[:4]) + (1 if y.group("end") else 0) for y in _YEARS.finditer(head)]
    if not m or not years:
        return None
    import dateparser

    parsed = dateparser.parse(f"{m.group('md')} {max(years)}", languages=["en"],
                              settings={"DATE_ORDER": "MDY", "REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date().isoformat() if parsed is not None else None
