"""Briefing exports: chart images (with and without Chromium), CSV round trips, briefing pack, citations."""

from __future__ import annotations

import csv
import html
import io
import logging
import os
import struct
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import briefing, exports
from dashboard.ui import downloads

SOURCE_LINE = "Source: Figure Desk, from 3 news reports (PIB, The Hindu) – ₹ figures converted"
EXPORTED_AT = datetime(2025, 11, 25, 14, 30, tzinfo=UTC)


def trade_chart() -> go.Figure:
    """A small India–Russia trade chart with its source line inside the figure, as the charts module does."""
    fig = go.Figure(go.Bar(x=["FY22", "FY23", "FY24"], y=[13.1, 49.4, 65.7], name="Trade (US$ bn)"))
    fig.update_layout(title="India–Russia trade over time", template="plotly_white")
    fig.add_annotation(text=SOURCE_LINE, xref="paper", yref="paper", x=0, y=-0.15, showarrow=False)
    return fig


def require_chromium() -> None:
    """Skip locally without Chromium; in CI (env CI set) a missing browser is a failure, not a skip."""
    if exports.kaleido_available():
        return
    if os.environ.get("CI"):
        pytest.fail("CI must install Chromium (apt-get install -y chromium): chart image export is untested")
    pytest.skip("no Chromium here (apt-get install -y chromium); chart image export not tested")


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "chromium_path", lambda: None)


# --------------------------------------------------------------------------- chart images

def png_size(data: bytes) -> tuple[int, int]:
    """Pixel width and height from the PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
@pytest.mark.parametrize(
    ("width", "height", "scale"),
    [
        pytest.param(1100, 600, 2, id="defaults"),
        pytest.param(500, 300, 1, id="small-unscaled"),
    ],
)
def test_png_has_the_requested_pixel_size(width: int, height: int, scale: int) -> None:
    require_chromium()
    data = exports.image_bytes(trade_chart(), "png", width=width, height=height, scale=scale)
    assert data is not None
    assert png_size(data) == (width * scale, height * scale)


@pytest.mark.slow
def test_svg_is_xml_and_carries_the_source_line() -> None:
    require_chromium()
    data = exports.image_bytes(trade_chart(), "svg")
    assert data is not None
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert SOURCE_LINE in " ".join("".join(el.itertext()) for el in root.iter())


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_without_chromium_there_is_no_image_and_the_reason_is_logged(
    no_chromium: None, fmt: exports.ImageFormat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=exports.__name__)
    assert exports.kaleido_available() is False
    assert exports.image_bytes(trade_chart(), fmt) is None
    assert "no Chromium" in caplog.text


def test_a_failing_renderer_gives_none_not_an_exception(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))

    def broken(*args: object, **kwargs: object) -> bytes:
        raise RuntimeError("browser crashed")

    fig = trade_chart()
    monkeypatch.setattr(fig, "to_image", broken)
    assert exports.image_bytes(fig, "png") is None


def test_unknown_image_format_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="png"):
        exports.image_bytes(trade_chart(), "jpeg")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        pytest.param("executable", "executable", id="BROWSER_PATH wins"),
        pytest.param("missing", None, id="a bad BROWSER_PATH disables images rather than guessing"),
        pytest.param("not-executable", None, id="non-executable BROWSER_PATH"),
    ],
)
def test_chromium_path_honours_browser_path(
    override: str, expected: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "executable").write_text("#!/bin/sh\n")
    (tmp_path / "executable").chmod(0o755)
    (tmp_path / "not-executable").write_text("")
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / override))
    assert exports.chromium_path() == (None if expected is None else str(tmp_path / expected))


@pytest.mark.parametrize(
    ("title", "pair", "fmt", "expected"),
    [
        pytest.param("Trade over time", "India–Russia", "png", "india-russia_trade-over-time_2025-11-25.png",
                     id="brief example"),
        pytest.param("Arms deliveries: S-400 / Su-30MKI", "India–Russia", "svg",
                     "india-russia_arms-deliveries-s-400-su-30mki_2025-11-25.svg", id="slashes and colons"),
        pytest.param("Côte d'Ivoire exports", "France–Côte d'Ivoire", "png",
                     "france-cote-d-ivoire_cote-d-ivoire-exports_2025-11-25.png", id="accents dropped"),
        pytest.param("../../etc/passwd", "", "png", "etc-passwd_2025-11-25.png", id="path traversal"),
        pytest.param("₹ — ₹", "India–Russia", "PNG", "india-russia_chart_2025-11-25.png", id="no words left"),
        pytest.param("Торговля", "Индия–Россия", "svg", "индия-россия_торговля_2025-11-25.svg",
                     id="cyrillic kept"),
    ],
)
def test_chart_file_name(title: str, pair: str, fmt: str, expected: str) -> None:
    assert exports.chart_file_name(title, pair, fmt, on=date(2025, 11, 25)) == expected


# --------------------------------------------------------------------------- Streamlit helper

def download_page() -> None:
    """The AppTest script: one chart's download buttons (runs in this process, so monkeypatches apply)."""
    import plotly.graph_objects as go

    from dashboard.ui.downloads import download_buttons

    download_buttons(go.Figure(go.Bar(x=["FY24"], y=[65.7])), "india-russia_trade_2025-11-25", key="trade")


def test_download_buttons_show_a_hint_without_chromium(no_chromium: None) -> None:
    at = AppTest.from_function(download_page).run()
    assert not at.exception
    assert [c.value for c in at.caption] == [exports.NO_CHROMIUM_HINT]
    assert len(at.download_button) == 0


def test_download_buttons_offer_png_and_svg_with_chromium(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exports, "chromium_path", lambda: "/usr/bin/chromium")  # only checked, never run
    at = AppTest.from_function(download_page).run()
    assert not at.exception
    assert [b.label for b in at.download_button] == ["Download PNG", "Download SVG"]
    assert len(at.caption) == 0


def test_lazy_download_payload_fails_loudly_rather_than_serving_an_empty_file(no_chromium: None) -> None:
    with pytest.raises(RuntimeError, match="could not be rendered"):
        downloads._render_later(trade_chart(), "png")()


# --------------------------------------------------------------------------- CSV

def facts_like_frame() -> pd.DataFrame:
    """A few rows shaped like store.facts_frame(): provenance, lists, unicode, negatives, missing values."""
    return pd.DataFrame({
        "fact_id": [1, 2, 3],
        "published": ["2023-04-28", "2024-01-15", "2024-07-09"],
        "title": ["India–Russia trade hits $44 billion", "Rupee trade: ₹ 2,000 crore stuck", "Namibia note"],
        "source": ["The Hindu", "Économie & Défense", "Reuters"],
        "url": ["https://example.org/a?x=1&y=2", "https://example.org/ü", "https://example.org/c"],
        "sentence": ["Trade rose to $44 billion, a record.", 'He said "₹2,000 crore" was stuck.',
                     "Line one\nline two"],
        "surface": ["$44 billion", "₹2,000 crore", "8%"],
        "value": [44e9, -12.5, 0.1 + 0.2],
        "value_usd": [44e9, float("nan"), None],
        "figure": [0, 1, 2],
        "plausible": [True, False, True],
        "parties": [["India", "Russia"], ["India"], []],
        "item": ["NA", "S-400 Triumf", "Su-30MKI"],  # "NA" is a code (Namibia), not a missing value
        "rule": ["trade.total", "money.inr", "percent"],
        "review_status": ["accept", "correct", "reject"],
    })


def test_csv_round_trips_with_identical_values() -> None:
    df = facts_like_frame()
    back = exports.read_export(exports.csv_bytes(df, {"pair": "India–Russia"}, EXPORTED_AT))
    expected = df.copy()
    expected["value_usd"] = [44e9, float("nan"), float("nan")]
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)
    assert back["value"].tolist() == [44e9, -12.5, 0.1 + 0.2]  # exact floats, negative stays negative
    assert back["fact_id"].dtype.kind == "i" and back["plausible"].dtype == bool


def test_csv_starts_with_bom_then_the_header_block() -> None:
    filters = {"pair": "India–Russia", "metrics": ["trade", "arms"], "start": date(2014, 1, 1), "end": None}
    data = exports.csv_bytes(facts_like_frame(), filters, EXPORTED_AT)
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[:8] == [
        "# app: Figure Desk",
        "# exported_at: 2025-11-25T14:30:00+00:00",
        "# rows: 3",
        "# list columns: parties (items separated by semicolons)",
        "# filter pair: India–Russia",
        "# filter metrics: trade; arms",
        "# filter start: 2014-01-01",
        "# filter end: all",
    ]
    assert lines[8].startswith("fact_id,published,title,source,url,sentence,")
    assert exports.read_export(data).attrs["header"]["filter metrics"] == "trade; arms"


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        pytest.param(pd.Series([date(2024, 1, 15), None]), ["2024-01-15", ""], id="date objects"),
        pytest.param(pd.to_datetime(pd.Series(["2024-01-15", None])), ["2024-01-15", ""],
                     id="datetime64 dates"),
        pytest.param(pd.Series([datetime(2024, 1, 15, 9, 30)]), ["2024-01-15T09:30:00"],
                     id="timestamps kept"),
        pytest.param(pd.Series([Decimal("-12.50")], dtype=object), ["-12.50"], id="Decimal stays a number"),
        pytest.param(pd.Series([("India", "Russia")]), ["India; Russia"], id="tuple joined"),
    ],
)
def test_csv_cell_formats(column: pd.Series, expected: list[str]) -> None:
    data = exports.csv_bytes(pd.DataFrame({"x": column}), {}, EXPORTED_AT).decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(data)) if not r[0].startswith("#")]
    assert [r[0] for r in rows[1:]] == expected


def test_csv_default_export_time_is_now_in_utc() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    header = exports.read_export(exports.csv_bytes(facts_like_frame(), {})).attrs["header"]
    assert before <= datetime.fromisoformat(header["exported_at"]) <= datetime.now(UTC)


# --------------------------------------------------------------------------- briefing pack

def key_figures_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "metric": ["trade", "arms"],
        "surface": ["$65.7 billion", "₹35,000 crore"],
        "value_usd": [65.7e9, -4.2e9],
        "parties": [["India", "Russia"], ["India", "Russia"]],
        "title": ["FY24 trade record", "<script>alert('x')</script> S-400 deal"],
        "source": ["PIB", "The Hindu"],
        "published": ["2024-05-01", "2018-10-05"],
        "url": ["https://pib.gov.in/a?b=1&c=2", "javascript:alert(1)"],
    })


def sources_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "title": ["FY24 trade record", "Summit coverage"],
        "source": ["PIB", "Reuters"],
        "published": ["2024-05-01", "2021-12-06"],
        "url": ["https://pib.gov.in/a?b=1&c=2", "http://example.org/summit"],
    })


def make_pack() -> str:
    return briefing.briefing_pack_html(
        "India–Russia", "FY2014–FY2024", [("Trade <b>over</b> time", trade_chart())],
        key_figures_frame(), sources_frame(), datetime(2025, 11, 25, 9, 0, tzinfo=UTC),
    )


def test_pack_lists_every_source_of_the_facts_it_shows(no_chromium: None) -> None:
    page = make_pack()
    for frame in (key_figures_frame(), sources_frame()):
        for title, url in zip(frame["title"], frame["url"], strict=True):
            assert html.escape(title) in page
            assert html.escape(url) in page
    assert page.count("<li>") == 3  # the shared PIB report is listed once


@pytest.mark.parametrize(
    ("needle", "present"),
    [
        pytest.param("<script>", False, id="no script tag from a title"),
        pytest.param("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; S-400 deal", True,
                     id="title escaped"),
        pytest.param('href="javascript:', False, id="javascript URL is not a link"),
        pytest.param('<a href="https://pib.gov.in/a?b=1&amp;c=2" rel="noopener noreferrer">', True,
                     id="https link"),
        pytest.param('<a href="http://example.org/summit"', True, id="http link"),
        pytest.param("Trade &lt;b&gt;over&lt;/b&gt; time", True, id="chart title escaped"),
        pytest.param("Content-Security-Policy", True, id="CSP"),
    ],
)
def test_pack_escapes_text_and_links_only_http(no_chromium: None, needle: str, present: bool) -> None:
    assert (needle in make_pack()) is present


@pytest.mark.parametrize(
    "css",
    ["@page { size: A4;", "@media print", "break-before: page", "break-inside: avoid"],
)
def test_pack_has_a_print_stylesheet(no_chromium: None, css: str) -> None:
    assert css in make_pack()


def test_pack_shows_key_figures_and_generation_date(no_chromium: None) -> None:
    page = make_pack()
    assert "<h1>India–Russia — FY2014–FY2024</h1>" in page
    assert "generated 2025-11-25 09:00+00:00" in page
    assert '<td class="num">-4,200,000,000</td>' in page
    assert "<td>India; Russia</td>" in page
    assert "based on 3 news reports" in page


def test_pack_without_chromium_shows_the_chart_data_and_says_so(no_chromium: None) -> None:
    page = make_pack()
    assert "Chart image not available" in page
    assert "<img" not in page
    for cell in ("<td>FY23</td>", '<td class="num">49.4</td>', "<td>Trade (US$ bn)</td>"):
        assert cell in page
    assert html.escape(SOURCE_LINE) in page


@pytest.mark.slow
def test_pack_with_chromium_embeds_the_chart_as_png() -> None:
    require_chromium()
    page = make_pack()
    assert '<img alt="Trade &lt;b&gt;over&lt;/b&gt; time" src="data:image/png;base64,iVBORw0KGgo' in page
    assert "Chart image not available" not in page


# --------------------------------------------------------------------------- citation

@pytest.mark.parametrize(
    ("n_reports", "expected"),
    [
        pytest.param(12, "Figure Desk — India–Russia trade, https://desk.example/trade?pair=India–Russia "
                         "(accessed 2025-11-25; based on 12 news reports).", id="plural"),
        pytest.param(1, "Figure Desk — India–Russia trade, https://desk.example/trade?pair=India–Russia "
                        "(accessed 2025-11-25; based on 1 news report).", id="singular"),
    ],
)
def test_cite_text(n_reports: int, expected: str) -> None:
    url = "https://desk.example/trade?pair=India–Russia"
    assert briefing.cite_text("India–Russia trade", url, date(2025, 11, 25), n_reports) == expected
