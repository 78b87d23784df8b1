"""The real thing: `streamlit run app.py` on a free port, driven by Chromium through playwright.

Needs Debian's chromium at /usr/bin/chromium (`apt-get install -y chromium`); without it the test skips
locally and fails in CI (env CI set), where the browser is part of the contract.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.test_pages import FIXTURES, build_store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARTIFACTS = HERE / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
START_TIMEOUT_S = 60
TIMEOUT_MS = 60_000


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} not found: install it with `apt-get install -y chromium`"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (required in CI)")
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a running app over a fixture store; the server's output is in the failure message."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "facts.db"
    build_store(db, sorted(FIXTURES.glob("*.md")))
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
def browser_page(server: str) -> Iterator[object]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)  # the first run of a page loads the extraction rules
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        context.close()
        browser.close()


@pytest.mark.parametrize("path, heading, charts", [
    ("overview", "India–Russia: overview", True),
    ("trade", "India–Russia: trade", True),
    ("defence", "India–Russia: defence", True),
    ("documents", "Documents", False),
    ("data", "Data", False),
])
def test_each_page_opens_and_draws(server: str, browser_page, path: str, heading: str, charts: bool) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{server}/{path}")
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    # routed by app.py (titled pages), not Streamlit's legacy pages/ listing, even on a fresh server
    expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Overview", exact=True)).to_be_visible()
    if charts:
        expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
        expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_url_reopens_the_same_view(server: str, browser_page) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{server}/trade?pair=India%E2%80%93United%20States&basis=fiscal&metric=trade_total")
    expect(page.get_by_role("heading", name="India–United States: trade", exact=True)).to_be_visible()
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
    expect(page.get_by_text("Indian fiscal year (April–March)").first).to_be_visible()
    assert "basis=fiscal" in page.url and "pair=India" in page.url


def test_clicking_a_mark_shows_the_sentence_behind_it(server: str, browser_page) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{server}/trade?metric=exports")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    point = chart.locator(".scatterlayer .points path").first
    expect(point).to_be_visible()
    point.click(force=True)
    sentence = page.get_by_test_id("stText").filter(has_text="India's exports to Russia came to $4.26 billion")
    expect(sentence).to_be_visible()
    expect(page).to_have_url(re.compile(r"facts=\d+"))


def test_data_page_downloads_the_rows_shown(server: str, browser_page, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{server}/data?metric=trade_total")
    button = page.get_by_role("button", name="Download CSV of these rows")
    expect(button).to_be_enabled()
    with page.expect_download() as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, for spreadsheets"
    text = data.decode("utf-8-sig")
    assert "$65.70 billion" in text and "$49.36 billion" in text and "five S-400 squadrons" not in text
    assert "https://example.org/fixture-wire/india-russia-trade-fy24" in text  # provenance travels along


def test_trade_page_screenshot(server: str, browser_page) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{server}/trade")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(chart.locator(".main-svg").first).to_be_visible()
    expect(chart.get_by_text("Data as of 20 May 2024")).to_be_visible()
    page.wait_for_timeout(500)  # let plotly finish its transition before the picture
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "trade.png"), full_page=False)
    assert (ARTIFACTS / "trade.png").stat().st_size > 10_000


EVERY_PAGE = [("overview", "India–Russia: overview"), ("trade", "India–Russia: trade"),
              ("defence", "India–Russia: defence"), ("documents", "Documents"), ("data", "Data"),
              ("review", "Review")]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _leaves_the_machine(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.hostname not in LOCAL_HOSTS


def test_no_page_contacts_another_host(server: str, browser_page) -> None:
    """A local analyst tool must not call out (networks log it, some have none): every request of a visit to
    every page stays on 127.0.0.1, and so does every address the page itself names for the browser to fetch
    (the page icon included: Chromium fetches that outside what Playwright sees). Outside requests are
    recorded and refused, never sent."""
    from playwright.sync_api import expect

    outside: list[str] = []

    def screen(route) -> None:  # noqa: ANN001 - playwright's Route
        if _leaves_the_machine(route.request.url):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    named: list[str] = []
    context = browser_page.context.browser.new_context(viewport={"width": 1440, "height": 1000})  # a clean one
    try:
        context.route("**/*", screen)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        for path, heading in EVERY_PAGE:
            page.goto(f"{server}/{path}")
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            page.wait_for_load_state("networkidle")
            icons = page.eval_on_selector_all("link[rel~='icon']", "els => els.map(e => e.href)")
            assert icons, f"{path}: no page icon to check"  # what the browser fetches by itself
            named += page.eval_on_selector_all(
                "link[href], script[src], img[src], iframe[src], source[src], video[src], audio[src]",
                "els => els.map(e => e.href || e.src)")
    finally:
        context.close()
    assert outside == []
    assert [url for url in named if _leaves_the_machine(url)] == []
