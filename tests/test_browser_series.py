"""Issue 16 in a real browser: `streamlit run app.py` over the sample corpus (data/corpus), driven by Chromium.

The series is read back from the Trade page's own CSV download (a canvas grid cannot be read), on both bases,
against the rows of the hand-written table that the extractor reads as written (tests/test_series_acceptance.py);
then three pairs compared, official statistics uploaded on the Data page and drawn on the Trade page, the packs
of Trade and Defence, and the screenshot the README shows (docs/trade.png is a copy of it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from dashboard import exports
from datastore.ingest import ingest_paths
from tests.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, START_TIMEOUT_S, TIMEOUT_MS, _free_port, _require_chromium
from tests.test_series_acceptance import CORPUS, SERIES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = Path(__file__).resolve().parent / "fixtures" / "official" / "reference-india-russia-fiscal-made-up.csv"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the app over a copy of the sample store; the server's output is in any failure message."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("browser-series")
    db = folder / "facts.db"
    assert ingest_paths([str(CORPUS)], db).failed == []
    port = _free_port()
    log = (folder / "server.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env={**os.environ, "FACTS_DB": str(db)}, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read()}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"streamlit did not become healthy in {START_TIMEOUT_S}s:\n{log.read()}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1100}, accept_downloads=True)
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        yield tab
        context.close()
        browser.close()


def download(page, name: str, tmp_path: Path) -> bytes:  # noqa: ANN001 - playwright's Page
    from playwright.sync_api import expect

    button = page.get_by_role("button", name=name)
    expect(button).to_be_enabled()
    with page.expect_download() as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def open_trade(page, server: str, query: str) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page.goto(f"{server}/trade?{query}")
    expect(page.get_by_role("heading", name="India–Russia: trade", exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible()


@pytest.mark.parametrize("basis", ["calendar", "fiscal"])
def test_series_csv_holds_the_years_of_the_hand_written_table(server: str, page, tmp_path: Path,  # noqa: ANN001
                                                              basis: str) -> None:
    open_trade(page, server, f"basis={basis}")
    frame = exports.read_export(download(page, "Download CSV of the series", tmp_path))
    assert frame.attrs["header"]["filter basis"] == ("Indian fiscal year (Apr–Mar)" if basis == "fiscal"
                                                     else "Calendar year")
    found = {(r.Figure, str(r.Year)): r._3 for r in frame.itertuples()}  # _3: "US$ bn"
    read_as_written = [row for row in SERIES if row[0] == basis and row[5] is None]
    assert read_as_written
    for _, figure, year, bn, *_ in read_as_written:
        assert found.get((figure, year)) == bn, (figure, year, found)
    assert "canonical fact_id" in frame.columns and "link" in frame.columns  # provenance travels with each year


def test_three_pairs_on_one_chart(server: str, page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    compare = "&".join(f"compare={quote(p)}" for p in ("India–United States", "China–India"))
    page.goto(f"{server}/trade?basis=fiscal&metric=trade_total&{compare}")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart.get_by_text("Trade compared: India–Russia, India–United States, China–India")).to_be_visible()
    legend = chart.locator(".legendtext").all_text_contents()  # SVG text has no innerText
    assert {"India–Russia · Total trade", "India–United States · Total trade", "China–India · Total trade"} <= \
        set(legend)
    assert "compare=India" in page.url


def test_official_statistics_uploaded_on_the_data_page_are_drawn(server: str, page, tmp_path: Path) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    page.goto(f"{server}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(OFFICIAL))
    page.get_by_role("button", name="Load official statistics").click()
    expect(page.get_by_text("Loaded 6 official figures (6 new, 0 unchanged, 0 updated).")).to_be_visible()
    open_trade(page, server, "basis=fiscal")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart.get_by_text("Total trade, official: India")).to_be_visible()
    expect(chart.get_by_text("Imports, official: Russia (mirror)")).to_be_visible()
    frame = exports.read_export(download(page, "Download CSV of the series", tmp_path))
    total = frame[frame["Figure"].eq("Total trade")].set_index("Year")
    assert bool(total.loc["2022-23", "More than 5 % off"])  # the stored $44.4 bn against a made-up $48 bn
    assert not bool(total.loc["2023-24", "More than 5 % off"])  # $65.70 bn against a made-up $64 bn


@pytest.mark.parametrize("path, heading, holds", [
    ("trade?basis=fiscal", "India–Russia: trade",
     ["Trade series, year by year", "https://tradestat.commerce.gov.in/eidb/default.asp"]),
    ("defence", "India–Russia: defence", ["<h2>Register</h2>", "https://www.mea.gov.in/bilateral-documents.htm"]),
])
def test_chart_pages_give_their_briefing_pack(server: str, page, tmp_path: Path, path: str, heading: str,  # noqa: ANN001
                                              holds: list[str]) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server}/{path}")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    pack = download(page, "Download briefing pack (HTML)", tmp_path).decode("utf-8")
    assert pack.startswith("<!DOCTYPE html>")
    for text in holds:
        assert text in pack


def test_trade_page_screenshot_with_series_reports_and_official(server: str, page) -> None:  # noqa: ANN001
    """The README's picture: run after the official figures were loaded above (docs/trade.png is a copy)."""
    from playwright.sync_api import expect

    open_trade(page, server, "basis=fiscal&metric=trade_total&metric=imports&metric=exports")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart.get_by_text("Total trade, official: India")).to_be_visible()
    page.wait_for_timeout(500)  # let plotly finish its transition before the picture
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "trade-series.png"), full_page=False)
    assert (ARTIFACTS / "trade-series.png").stat().st_size > 10_000
