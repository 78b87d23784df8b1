"""In a real browser: a story added by its address on the Documents page (served from 127.0.0.1 by the test)
turns up, figures and address, on the Data page. Same shape as tests/test_browser.py, whose server it reuses;
skips without /usr/bin/chromium (fails in CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import test_browser
from tests.test_web_ingest import TRADE, serve_outlets
from tests.webserver import FixtureWeb

pytestmark = [pytest.mark.browser, pytest.mark.slow]

server = test_browser.server
browser_page = test_browser.browser_page


@pytest.fixture(scope="module")
def outlets() -> Iterator[FixtureWeb]:
    test_browser._require_chromium()
    web = FixtureWeb().start()
    serve_outlets(web)
    try:
        yield web
    finally:
        web.stop()


def test_a_story_added_by_url_shows_its_figures_on_the_data_page(server: str, browser_page, outlets: FixtureWeb,
                                                                 tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser_page
    page.goto(f"{server}/documents")
    expect(page.get_by_role("heading", name="Documents", exact=True)).to_be_visible()
    page.get_by_role("tab", name="Add by URL").click()
    page.get_by_label("Article addresses, one per line").fill(outlets.url(TRADE))
    page.get_by_role("button", name="Fetch and read").click()
    expect(page.locator("mark", has_text="$63.8 billion")).to_be_visible()
    expect(page.locator("mark", has_text="$4.9 billion")).to_be_visible()
    page.get_by_role("button", name="Save 1 article to the store").click()
    expect(page.get_by_text("India–Russia trade slips as oil purchases cool: saved")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)

    page.goto(f"{server}/data?source=The%20Meridian%20Post")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    button = page.get_by_role("button", name="Download CSV of these rows")
    expect(button).to_be_enabled()
    with page.expect_download() as info:
        button.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    text = target.read_text(encoding="utf-8-sig")
    for surface in ("$63.8 billion", "$58.9 billion", "$4.9 billion", "$100 billion"):
        assert surface in text
    assert outlets.url(TRADE) in text and "The Meridian Post" in text
