"""Hostile and broken input: bytes that are not what they claim, text that is not what it looks like.

Each table row is one input a reader, an upload or a crawler has produced (or could); the row's id says what
the defence is. Rows that found a bug say so in their id ("bug: ...") and stay. Known gaps are strict xfails.
"""

from __future__ import annotations

import codecs
import gzip
import io
import math
import signal
import sys
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from extractors import Document, InputError, extract, extract_text
from extractors.model import Fact
from extractors.reading import MAX_BYTES, read_bytes, read_document
from tests.checks import assert_fields

PUB = "2023-11-13"
# Windows-1252 needs "€" (byte 0x80) and curly quotes (0x93, 0x94) to be told apart from Latin-1.
ARTICLE = "India and Russia signed a \u201c€44 billion\u201d deal in 2023, officials said.\n"


def finite_or_none(fact: Fact) -> bool:
    return all(v is None or math.isfinite(v) for v in (fact.value, fact.value_low, fact.value_high, fact.value_usd))


def assert_sound(text: str, facts: list[Fact]) -> None:
    """What every fact promises whatever the input: its span is its surface, its numbers are numbers."""
    for fact in facts:
        assert 0 <= fact.start < fact.end <= len(text), fact
        assert text[fact.start:fact.end] == fact.surface
        assert finite_or_none(fact), fact


# --------------------------------------------------------------------------- encodings

ENCODINGS = [
    pytest.param(ARTICLE.encode("utf-8"), "utf-8", id="utf-8"),
    pytest.param(codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), "utf-8", id="utf-8 with BOM: BOM dropped from the text"),
    pytest.param(codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), "utf-16", id="utf-16 LE with BOM"),
    pytest.param(codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "utf-16", id="utf-16 BE with BOM"),
    pytest.param(codecs.BOM_UTF32_LE + ARTICLE.encode("utf-32-le"), "utf-32", id="utf-32 LE with BOM"),
    pytest.param(ARTICLE.encode("cp1252"), "cp1252", id="windows-1252: euro byte 0x80 and curly quotes"),
]


@pytest.mark.parametrize(("data", "encoding"), ENCODINGS)
def test_encoding_decoded_and_recorded(data: bytes, encoding: str) -> None:
    doc = read_bytes(data, "article.txt")
    assert doc.text == ARTICLE
    assert doc.encoding == encoding
    facts = extract(doc)
    assert [(f.surface, f.value, f.unit) for f in facts] == [("€44 billion", 44e9, "EUR")]


def test_windows_1252_row_really_is_not_utf8() -> None:
    """Guard for the table above: the cp1252 bytes must be undecodable as UTF-8 and differ from Latin-1."""
    data = ARTICLE.encode("cp1252")
    assert b"\x80" in data and b"\x93" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("latin-1") != ARTICLE


def _zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:t>India paid $44 billion</w:t>")
    return buffer.getvalue()


BINARIES = [
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n", "PDF", id="pdf header"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG", id="png"),
    pytest.param(_zip_bytes(), "ZIP", id="zip (a .docx is one)"),
    pytest.param(gzip.compress(ARTICLE.encode()), "gzip", id="gzip"),
    pytest.param(b"India paid \x00$44\x00 billion\x00", "NUL", id="NUL bytes inside text"),
    pytest.param(codecs.BOM_UTF8 + b"\x00\x01binary", "NUL", id="bug: a UTF-8 BOM let NUL bytes through"),
    pytest.param(ARTICLE.encode() * 200 + b"\x00", "NUL", id="bug: a NUL byte after the first 8 KB was let through"),
    pytest.param(bytes(range(1, 9)) * 8 + b" India paid $44 billion", "control characters",
                 id="control characters without NULs"),
    pytest.param(codecs.BOM_UTF16_LE + "India".encode("utf-16-le") + b"\x00", "byte-order mark",
                 id="utf-16 BOM with an odd number of bytes"),
    pytest.param(codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", "byte-order mark", id="utf-16 BOM with a lone surrogate"),
]


@pytest.mark.parametrize(("data", "what"), BINARIES)
def test_binary_rejected_by_name_with_reason(data: bytes, what: str) -> None:
    with pytest.raises(InputError) as caught:
        read_bytes(data, "upload.txt")
    assert caught.value.name == "upload.txt"
    assert str(caught.value).startswith("upload.txt: ")
    assert what in caught.value.reason


def test_binary_file_on_disk_rejected_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)))
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert caught.value.name == str(path)
    assert caught.value.reason == "not a text document (a PDF file)"


# --------------------------------------------------------------------------- empty documents

EMPTY = [
    pytest.param(b"", id="zero bytes"),
    pytest.param(b" \n\t\r\n  \r\n", id="whitespace only"),
    pytest.param(codecs.BOM_UTF8, id="utf-8 BOM only"),
    pytest.param(codecs.BOM_UTF8 + b" \r\n", id="utf-8 BOM and whitespace"),
    pytest.param(codecs.BOM_UTF16_LE + " \n \n".encode("utf-16-le"), id="utf-16 whitespace"),
    pytest.param(b"\xa0\xa0\n", id="cp1252 no-break spaces only"),
    pytest.param(b"---\ntitle: Trade record\npublished: 2024-05-20\n---\n", id="front matter only"),
    pytest.param(b"---\r\ntitle: Trade record\r\n---\r\n\r\n  \r\n", id="front matter and blank CRLF lines"),
    pytest.param(b"---\ntitle: Trade record\n---", id="front matter without a final newline"),
    pytest.param(b"---\n---\n", id="bug: empty front matter block was taken for text"),
    pytest.param(b"---\n# draft, no fields yet\n---\n", id="bug: comment-only front matter was taken for text"),
]


@pytest.mark.parametrize("data", EMPTY)
def test_empty_document_refused(data: bytes) -> None:
    with pytest.raises(InputError) as caught:
        read_bytes(data, "empty.md")
    assert caught.value.reason.startswith("empty document")  # the status the app shows


def test_html_without_article_text_refused() -> None:
    page = b"<html><head><script>var x = '$44 billion';</script></head><body><!-- nothing --></body></html>"
    with pytest.raises(InputError) as caught:
        read_bytes(page, "page.html")
    assert caught.value.reason == "no article text found in the HTML"


# --------------------------------------------------------------------------- front matter is data, not code

DEEP = "[" * 5000 + "]" * 5000
BOMB = "\n".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    + [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
)
BODY = "India and Russia traded nearly $65.7 billion in 2023-24."


@dataclass
class FrontMatter:
    block: str
    title: str | None
    published: str | None
    front_matter_is_body: bool = False  # not valid front matter: the block stays part of the text
    id: str = ""


FRONT_MATTER = [
    FrontMatter("title: Trade record\npublished: 2024-05-20", "Trade record", "2024-05-20", id="plain"),
    FrontMatter("title: Trade record\npublished: 2024-05-20 10:30:00", "Trade record", "2024-05-20",
                id="bug: a datetime published was kept with its time"),
    FrontMatter(f"{BOMB}\ntitle: *a9", BODY, None,
                id="bug: YAML alias bomb as title hung the reader (str() of 9**9 items)"),
    FrontMatter(f"title: {DEEP}", BODY, None,  # libyaml parses it; a title that is not plain text is dropped
                id="bug: deeply nested YAML raised RecursionError"),
    FrontMatter("title: !!python/object/apply:os.system ['echo unsafe']", "---", None, front_matter_is_body=True,
                id="python tag refused by safe loading"),
    FrontMatter("title: [unclosed", "---", None, front_matter_is_body=True, id="broken YAML is text"),
    FrontMatter("- a list\n- not a mapping", "---", None, front_matter_is_body=True, id="a list is text"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in FRONT_MATTER])
def test_front_matter_is_read_safely(case: FrontMatter) -> None:
    data = f"---\n{case.block}\n---\n{BODY}\n".encode()
    doc = read_bytes(data, "article.md")
    assert doc.title == case.title
    assert doc.published == case.published
    assert (doc.body_start == 0) == case.front_matter_is_body
    facts = extract(doc)
    assert [f.surface for f in facts] == ["nearly $65.7 billion"]
    assert_sound(doc.text, facts)


# --------------------------------------------------------------------------- size

def test_larger_than_the_documented_maximum_refused_naming_the_size() -> None:
    assert MAX_BYTES == 5 * 1024 * 1024  # documented in reading.py and the README: change both or neither
    with pytest.raises(InputError) as caught:
        read_bytes(b"a" * (MAX_BYTES + 1), "huge.txt")
    assert caught.value.reason == "too large (5.2 MB; the limit is 5 MB)"


def test_large_file_on_disk_refused_naming_its_size(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(MAX_BYTES + 4096)  # sparse: no need to write 5 MB
    with pytest.raises(InputError) as caught:
        read_document(path)
    assert "too large (5.2 MB" in caught.value.reason


def test_document_at_the_maximum_is_read() -> None:
    line = ("no figures here at all " * (MAX_BYTES // 23 + 1))[:MAX_BYTES - 1] + "\n"
    assert len(line.encode()) == MAX_BYTES
    assert len(read_bytes(line.encode(), "big.txt").text) == MAX_BYTES


@contextmanager
def hang_guard(seconds: int) -> Iterator[None]:
    """Turn a hang into a failure. Not a measurement: the limit is many times what the test needs."""
    def fail(*_: object) -> None:
        raise AssertionError(f"still running after {seconds} s: something is quadratic again")

    previous = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


NEAR_MAX = 4_900_000
FILLER = "the delegation discussed shipping insurance and payment channels without reaching any agreement "
TAIL = " and in the end India paid Russia $44 billion"


def one_line(unit: str, tail: str = "") -> str:
    body = (unit * (NEAR_MAX // len(unit) + 1))[:NEAR_MAX - len(tail)]
    return body + tail


LONG_LINES = [
    pytest.param(one_line(FILLER, TAIL), ["$44 billion"], id="4.9 MB of prose without a full stop, a figure at the end"),
    pytest.param(one_line("."), [], id="bug: 4.9 MB of dots (leaders) made the sentence splitter quadratic"),
    pytest.param(one_line("?!"), [], id="bug: 4.9 MB of ?! made the sentence splitter quadratic"),
    pytest.param(one_line("9"), [], id="4.9 MB of one number"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "surfaces"), LONG_LINES)
def test_single_line_near_the_maximum_finishes(text: str, surfaces: list[str]) -> None:
    assert "\n" not in text and len(text) == NEAR_MAX
    with hang_guard(300):
        facts = extract(Document(text=text, published=PUB), budget_s=600)
    assert [f.surface for f in facts] == surfaces
    assert_sound(text, facts)


# --------------------------------------------------------------------------- unicode in numbers

@dataclass
class Case:
    text: str
    expect: list[dict] = field(default_factory=list)
    id: str = ""


def money(surface: str, value: float | None, unit: str, **more: object) -> dict:
    return {"kind": "money", "surface": surface, "value": value, "unit": unit, **more}


def check(case: Case) -> None:
    facts = extract_text(case.text, published=PUB)
    assert [f.surface for f in facts] == [e["surface"] for e in case.expect]
    for fact, expected in zip(facts, case.expect, strict=True):
        assert_fields(fact, expected)
    assert_sound(case.text, facts)


UNICODE_NUMBERS = [
    Case("Trade was €44\u2009000 million.", [money("€44\u2009000 million", 4.4e10, "EUR")], id="thin space U+2009"),
    Case("Trade was €44\u202f000 million.", [money("€44\u202f000 million", 4.4e10, "EUR")],
         id="narrow no-break space U+202F"),
    Case("Trade was €44\u00a0000 million.", [money("€44\u00a0000 million", 4.4e10, "EUR")], id="no-break space U+00A0"),
    Case("Trade was €44\u2007000 million.", [money("€44\u2007000 million", 4.4e10, "EUR")], id="figure space U+2007"),
    Case("A deal worth Rs 1,23,456 crore.", [money("Rs 1,23,456 crore", 1.23456e12, "INR")], id="indian grouping"),
    Case("A $3–5 billion deal.", [money("$3–5 billion", None, "USD", value_low=3e9, value_high=5e9,
                                        qualifier="range")], id="en dash range"),
    Case("A $3—5 billion deal.", [money("$3—5 billion", None, "USD", value_low=3e9, value_high=5e9)],
         id="em dash range"),
    Case("Exports fell −12% last year.", [{"surface": "−12%", "value": -12.0, "unit": "percent"}],
         id="minus sign U+2212"),
    Case("Trade hit ＄４４ billion.", [money("＄４４ billion", 44e9, "USD")], id="full-width dollar and digits"),
    Case("Trade hit ＵＳ＄４４ ｂｎ.", [money("ＵＳ＄４４ ｂｎ", 44e9, "USD")], id="full-width US$ and scale"),
    Case("Exports rose １２．５％.", [{"surface": "１２．５％", "value": 12.5, "unit": "percent"}],
         id="full-width decimal point and percent"),
    Case("A $３–５ billion deal.", [money("$３–５ billion", None, "USD", value_low=3e9, value_high=5e9)],
         id="full-width digits in a range"),
    Case("A deal of Rs ४४ crore.", [], id="devanagari digits ignored (project decision)"),
    Case("Trade hit $٤٤ billion.", [], id="arabic-indic digits ignored (project decision)"),
    Case("Exports rose ٤٤%.", [], id="arabic-indic percent ignored (project decision)"),
    Case("Trade hit $٤4 billion.", [], id="arabic-indic digit before ascii ignored (project decision)"),
    Case("Trade hit $4٤ billion.", [], id="bug: arabic-indic digit after ascii read as $4"),
    Case("A deal of Rs 4४ crore.", [], id="bug: devanagari digit after ascii read as Rs 4"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in UNICODE_NUMBERS])
def test_unicode_in_numbers(case: Case) -> None:
    check(case)


KNOWN_GAPS = [
    (Case("A trade balance of −$3 billion.", [money("−$3 billion", -3e9, "USD")],
          id="minus before the currency symbol"),
     "money rules read a sign only after the symbol ('$-3'); '−$3 billion' comes out as +3e9"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=pytest.mark.xfail(strict=True, reason=r))
                                  for c, r in KNOWN_GAPS])
def test_known_gaps(case: Case) -> None:
    check(case)


# --------------------------------------------------------------------------- absurd numbers

ABSURD = [
    pytest.param("9" * 10_000 + " dollars", id="10,000 nines then dollars"),
    pytest.param("It cost $999,999 trillion crore.", id="dollar trillion crore"),
    pytest.param("It cost Rs 9999999999999999 lakh crore.", id="sixteen nines lakh crore"),
    pytest.param("It cost $999999999999999999.999999999999 trillion.", id="longest number the grammar takes"),
    pytest.param("It cost $9" + ",999" * 200 + " billion.", id="600 grouped digits: past float range"),
    pytest.param("Exports rose 9" + ",999" * 200 + "%.", id="percent past float range"),
    pytest.param("India bought 9" + ",999" * 200 + " frigates.", id="count past float range"),
    pytest.param("India bought 9,999,999,999,999,999 frigates.", id="a quadrillion frigates"),
    pytest.param("Exports rose 5000%.", id="five thousand percent"),
]


@pytest.mark.parametrize("text", ABSURD)
def test_absurd_numbers_are_finite_and_flagged(text: str) -> None:
    facts = extract_text(text, published=PUB)
    assert_sound(text, facts)
    for fact in facts:
        assert fact.plausible is False, (fact.surface, fact.value, fact.value_usd)


def test_absurd_rows_do_yield_facts() -> None:
    """Guard for the table above: all but the first row must produce a fact, or the test proves nothing."""
    found = [bool(extract_text(p.values[0], published=PUB)) for p in ABSURD[1:]]
    assert all(found), found


def test_past_float_range_has_no_value_rather_than_inf() -> None:
    [fact] = extract_text("It cost $9" + ",999" * 200 + " billion.", published=PUB)
    assert (fact.value, fact.value_usd, fact.plausible) == (None, None, False)


# --------------------------------------------------------------------------- HTML

PAGE = b"""<!DOCTYPE html>
<html><head><title>India-Russia trade hits record</title>
<meta property="article:published_time" content="2024-05-20T09:00:00+05:30">
<style>body::after { content: "STYLE $91 billion"; }</style>
<script>var leak = "SCRIPT trade of $77 billion"; document.write("12 SCRIPT frigates");</script>
<script type="application/ld+json">{"headline": "JSONLD $55 billion deal"}</script>
</head><body>
<!-- COMMENT a $66 billion leak -->
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>India-Russia trade hits record</h1>
<p>NEW DELHI, 20 May 2024: India and Russia traded nearly $65.7 billion in 2023-24, officials said on Monday.</p>
<img src="chart.png" alt="chart" onerror="alert('ONERROR $88 billion')">
<p>India's imports from Russia rose 33% as oil purchases grew, the ministry said in its annual trade report.</p>
<noscript>NOSCRIPT enable JavaScript to see $12 billion</noscript>
<p>The two countries aim to reach $100 billion in bilateral trade by 2030, the joint statement said.</p>
</article>
<script>track("SCRIPT $44 trillion")</script>
</body></html>"""
# Unclosed <head>, an inline script between paragraphs, a script that writes closing tags, no <article>.
UNTIDY_PAGE = b"""<html><head><title>India-Russia trade</title>
<style>p:before { content: "STYLE $91 billion" }</style>
<body><div class="story">
<p>India and Russia traded nearly $65.7 billion in 2023-24, officials in New Delhi said on Monday evening.
<script>document.write("</p><p>SCRIPT $77 billion</p>");</script>
<p>India's imports from Russia rose 33% as oil purchases grew, the ministry said in its annual trade report.
<!-- COMMENT <p>$66 billion</p> -->
<style>.chart::after { content: "STYLE $91 billion" }</style><noscript><p>NOSCRIPT $12 billion</p></noscript>
<p>The two countries aim to reach $100 billion in bilateral trade by 2030, the joint statement said.
<img src=x onerror="alert('ONERROR $88 billion')">
</div></body></html>"""
HIDDEN = ("STYLE", "SCRIPT", "JSONLD", "COMMENT", "ONERROR", "NOSCRIPT", "$91", "$77", "$55", "$66", "$88", "$12",
          "$44", "alert", "document.write", "leak")


def _no_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # `import trafilatura` now fails


@pytest.mark.parametrize("page", [pytest.param(PAGE, id="tidy page"), pytest.param(UNTIDY_PAGE, id="untidy page")])
@pytest.mark.parametrize("reader", ["as installed", "lxml fallback (trafilatura cannot be imported)"])
def test_html_keeps_article_text_only(page: bytes, reader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if reader.startswith("lxml"):
        _no_trafilatura(monkeypatch)
    doc = read_bytes(page, "page.html")
    facts = extract(doc)
    leaked = [h for h in HIDDEN if h in doc.text or any(h in f.sentence for f in facts)]
    assert leaked == []
    assert [f.surface for f in facts] == ["nearly $65.7 billion", "33%", "$100 billion"]
    assert doc.title.startswith("India-Russia trade")
    assert_sound(doc.text, facts)


HOSTILE_MARKUP = [
    pytest.param("<a" * 500_000, id="half a million unclosed tags (quadratic in html.parser)"),
    pytest.param("<![" * 300_000, id="marked-section openers (AssertionError in html.parser)"),
    pytest.param("<!--" + "x" * 1_000_000, id="unclosed comment"),
    pytest.param("<script>" + "a<" * 500_000, id="unclosed script"),
    pytest.param("<p " + "a=b " * 250_000, id="a million attributes"),
    pytest.param("<div>" * 100_000 + "India paid $44 billion." + "</div>" * 100_000, id="100,000 nested divs"),
    pytest.param("<p>India paid $44 billion.</p>" + "<" * 1_000_000, id="a million < after the text"),
]


@pytest.mark.slow
@pytest.mark.parametrize("markup", HOSTILE_MARKUP)
@pytest.mark.parametrize("reader", ["as installed", "lxml fallback (trafilatura cannot be imported)"])
def test_hostile_markup_read_or_refused(markup: str, reader: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if reader.startswith("lxml"):
        _no_trafilatura(monkeypatch)
    with hang_guard(120):
        try:
            doc = read_bytes(("<html><body>" + markup).encode(), "page.html")
        except InputError as exc:
            assert exc.reason == "no article text found in the HTML"
            return
        assert_sound(doc.text, extract(doc))


def test_html_fallback_reads_publication_date_from_meta(monkeypatch: pytest.MonkeyPatch) -> None:
    _no_trafilatura(monkeypatch)
    assert read_bytes(PAGE, "page.html").published == "2024-05-20"


# --------------------------------------------------------------------------- quantulum3's crash inputs

QUANTULUM_CRASHES = [
    Case("20/2030 and", [], id="20/2030 and"),
    Case("1 '2", [], id="1 '2"),
    Case("$99(", [money("$99", 99.0, "USD")], id="$99("),
    Case("($99", [money("$99", 99.0, "USD")], id="($99"),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in QUANTULUM_CRASHES])
def test_quantulum_crash_inputs(case: Case) -> None:
    check(case)
