"""The Documents page's web sources under AppTest: a story added by its address, and the feeds tab (listing,
"Check feeds now", adding a feed), against a server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.ui import widgets
from datastore import feeds, ingest, store
from tests import test_pages
from tests.test_web_ingest import FRIGATE, TRADE, serve_outlets, write_feeds
from tests.webserver import FixtureWeb

fixture_store = test_pages.fixture_store
facts_db = test_pages.facts_db
fresh_caches = test_pages.fresh_caches


def feeds_table(at: AppTest):
    """The feeds listing as a frame (AppTest finds dataframes by position, not key)."""
    return [d.value for d in at.dataframe if "Feed" in d.value.columns][0]


def texts(at: AppTest) -> list[str]:
    return [str(e.value) for e in at.text]


def test_a_story_added_by_its_address_is_previewed_then_saved(facts_db: Path, web: FixtureWeb) -> None:
    serve_outlets(web)
    at = test_pages.open_page("pages/documents.py")
    at.text_area(key="docs_urls").input(f"{web.url(TRADE)}\nwww.example.org/story\n{web.url('/gone')}\n")
    at.button(key="docs_fetch").click().run()

    assert not at.exception
    assert [e.value for e in at.error] == [
        "www.example.org/story: not a web address (only http:// and https:// are fetched)",
        f"{web.url('/gone')}: HTTP 404 (Not Found)",
    ]
    preview = [h.proto.body for h in at.get("html") if "<mark" in h.proto.body]
    assert len(preview) == 1 and "$63.8 billion</mark>" in preview[0] and "We use cookies" not in preview[0]
    assert any(t.startswith("Published 2025-06-12 · The Meridian Post · pair India – Russia · http://127.0.0.1:")
               for t in texts(at))
    at.button(key="docs_save").click().run()
    assert [s.value for s in at.success] == ["India–Russia trade slips as oil purchases cool: saved"]
    saved = store.documents_frame(facts_db).query("url == @web.url(@TRADE)")
    assert list(saved["path"]) == [web.url(TRADE)]

    at.text_area(key="docs_urls").input(web.url("/amp" + TRADE))  # the same story by another address
    at.button(key="docs_fetch").click().run()
    at.button(key="docs_save").click().run()
    assert [s.value for s in at.success] == ["India–Russia trade slips as oil purchases cool: already stored"]


def test_the_feeds_tab_lists_checks_and_adds_feeds(facts_db: Path, web: FixtureWeb,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "FEED_DELAY_S", 0)  # one local server: no need to pace
    serve_outlets(web)
    listing = write_feeds(feeds.feeds_path(facts_db), web)
    at = test_pages.open_page("pages/documents.py")
    table = feeds_table(at)
    assert list(table["Feed"]) == ["The Meridian Post", "Harbour Ledger"]
    assert list(table["Last checked"]) == ["not yet", "not yet"] and list(table["Pair"]) == ["India–Russia", ""]

    at.button(key="docs_check_feeds").click().run()
    assert not at.exception
    shown = texts(at)
    assert "feed The Meridian Post: 2 entries, 2 new, 2 stored, 0 failed" in shown
    assert "feed Harbour Ledger: 1 entry, 1 new, 1 stored, 0 failed" in shown
    assert any(t.startswith("documents: 3 new, 0 unchanged, 0 updated, 0 failed") for t in shown)
    table = feeds_table(at)
    assert list(table["Stored"]) == [2, 1] and all(t.endswith(" UTC") for t in table["Last checked"])
    assert web.url(FRIGATE) in set(store.documents_frame(facts_db)["url"])

    at.text_input(key="docs_feed_name").input("Desk")
    at.text_input(key="docs_feed_url").input("ftp://example.org/feed")
    [b for b in at.button if b.label == "Add feed"][0].click().run()
    assert [e.value for e in at.error] == [  # escaped: nothing typed in becomes Markdown
        widgets.md_escape("ftp://example.org/feed: not a web address (only http:// and https:// are fetched)")]
    at.text_input(key="docs_feed_name").input("Desk")
    at.text_input(key="docs_feed_url").input(web.url("/feeds/desk.xml"))
    at.text_input(key="docs_feed_pair").input("India–France")
    [b for b in at.button if b.label == "Add feed"][0].click().run()
    assert feeds.load_feeds(listing)[-1] == feeds.Feed("Desk", web.url("/feeds/desk.xml"), ("India", "France"))
    assert list(feeds_table(at)["Feed"]) == ["The Meridian Post", "Harbour Ledger", "Desk"]


def test_a_broken_feeds_list_is_one_line_on_the_page(facts_db: Path) -> None:
    path = feeds.feeds_path(facts_db)
    path.write_text("- name: A\n  adress: https://a.example/f\n", encoding="utf-8")
    at = test_pages.open_page("pages/documents.py")
    assert [e.value for e in at.error] == [
        widgets.md_escape(f"{path}: line 1: feed 1: unknown key 'adress' (a feed has name, url, pair)")]
