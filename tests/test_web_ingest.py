"""`ingest` of web addresses and feeds, against a server the test starts on 127.0.0.1 (no outside network):
what is stored, what is one document, what a second feed check brings, and each failure as one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from datastore import cli, ingest, store
from datastore.feeds import Feed
from datastore.fetching import HostPacer, Limits
from tests.test_ingest import article, inconsistent_documents
from tests.webserver import WEB_FIXTURES, FixtureWeb, Route

TRADE = "/business/2025/06/12/india-russia-trade-slips"
FRIGATE = "/defence/second-frigate-handed-over"
S400 = "/defence/2025/06/20/s400-last-squadrons"
FERTILISER = "/markets/russian-fertiliser-shipments-climb"


def run_main(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.ingest_main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def serve_outlets(web: FixtureWeb) -> None:
    """Four stories from two invented outlets, an AMP copy of one, and each outlet's feed."""
    web.page(TRADE, "meridian-trade.html")
    web.page("/amp" + TRADE, "meridian-trade-amp.html")
    web.page(FRIGATE, "meridian-frigate.html")
    web.page(S400, "meridian-s400.html")
    web.page(FERTILISER, "harbour-fertiliser.html", encoding="cp1252", content_type="text/html")
    serve_rss(web, later=False)
    web.page("/feeds/harbour.atom", "harbour-atom.xml", content_type="application/atom+xml; charset=utf-8")


def serve_rss(web: FixtureWeb, later: bool) -> None:
    """The Meridian Post's RSS 2.0 feed; ``later`` adds the story published after the first check."""
    item = (WEB_FIXTURES / "meridian-rss-later-item.xml").read_text(encoding="utf-8") if later else ""
    text = (WEB_FIXTURES / "meridian-rss.xml").read_text(encoding="utf-8").replace("{later}", item)
    web.routes["/feeds/meridian.xml"] = Route(text.replace("{base}", web.base).encode("utf-8"),
                                              "application/rss+xml; charset=utf-8")


def facts_in(db: Path) -> int:
    """Facts stored: the summaries must say as many (counted here so a rules change moves both)."""
    return int(store.documents_frame(db)["n_facts"].sum())


def documents(db: Path) -> dict[str, dict]:
    """Stored documents by their story address."""
    frame = store.documents_frame(db)
    return {row["url"]: row for row in frame.to_dict("records")}


# --------------------------------------------------------------------------- add by URL


def test_cli_ingests_web_addresses_beside_files_and_names_each_failure_in_one_line(web, tmp_path, db_path, capsys):
    serve_outlets(web)
    web.routes["/silent"] = Route(behaviour="silent")
    web.routes["/endless"] = Route(behaviour="stream", stream_bytes=6_000_000)
    web.routes["/report.pdf"] = Route(b"%PDF-1.7\n", "application/pdf")
    web.routes["/loop-a"] = Route(status=302, headers={"Location": "/loop-b"})
    web.routes["/loop-b"] = Route(status=302, headers={"Location": "/loop-a"})
    web.routes["/latin"] = Route("<p>Café exports rose to $2 billion.</p>".encode("latin-1"))
    local = tmp_path / "note.md"
    local.write_text(article(1), encoding="utf-8")
    failing = {
        "/gone": "HTTP 404 (Not Found)",
        "/silent": "timed out (no answer in 0.5 s)",
        "/endless": "too large (more than 5 MB; the limit is 5 MB)",
        "/report.pdf": "not HTML or text (application/pdf)",
        "/loop-a": f"redirect loop (back to {web.url('/loop-a')})",
        "/latin": "bad encoding (not valid utf-8 as declared: byte 0xe9 at position 6)",
    }
    given = [web.url("/gone"), web.url(TRADE), web.url("/silent"), str(local), web.url("/endless"),
             web.url("/report.pdf"), web.url(FRIGATE), web.url("/loop-a"), web.url("/latin")]

    code, out, err = run_main([*given, "--db", str(db_path), "--timeout", "0.5"], capsys)

    assert code == 0
    assert out == f"documents: 3 new, 0 unchanged, 0 updated, 6 failed; facts stored: {facts_in(db_path)}\n"
    assert err.splitlines() == [f"failed: {web.url(path)}: {reason}" for path, reason in failing.items()]
    stored = documents(db_path)
    trade = stored[web.url(TRADE)]
    assert (trade["title"], trade["published"], trade["source"], trade["path"]) == (
        "India–Russia trade slips as oil purchases cool", "2025-06-12", "The Meridian Post", web.url(TRADE))
    assert pd.isna(stored[web.url(FRIGATE)]["published"])  # the page states no date (and no feed gave one)
    assert len(stored) == 3 and inconsistent_documents(db_path) == []  # nothing half-saved


SAME_STORY = [
    # (id, address read first, address read second): the second is the same story, so 'unchanged'
    ("fetched twice", TRADE, TRADE),
    ("with tracking parameters", TRADE, TRADE + "?utm_source=newsletter&utm_campaign=june"),
    ("through a short link", TRADE, "/s/8f3k"),
    ("its AMP copy (other text, same canonical address)", TRADE, "/amp" + TRADE),
    ("the AMP copy first", "/amp" + TRADE, TRADE),
    ("a mirror without a canonical address (same text)", "/mirror-a", "/mirror-b"),
]


@pytest.mark.parametrize("first, second", [c[1:] for c in SAME_STORY], ids=[c[0] for c in SAME_STORY])
def test_the_same_story_reached_twice_is_one_document(web, db_path, first: str, second: str):
    serve_outlets(web)
    web.routes["/s/8f3k"] = Route(status=301, headers={"Location": TRADE})
    mirrored = b"<html><body><article><p>India and Russia traded $65.70 billion in 2023-24.</p></article></body></html>"
    web.routes["/mirror-a"] = web.routes["/mirror-b"] = Route(mirrored)

    once = ingest.ingest_paths([web.url(first)], db_path)
    again = ingest.ingest_paths([web.url(second)], db_path)

    assert (once.new, again.unchanged, again.new, again.failed) == (1, 1, 0, [])
    assert len(store.documents_frame(db_path)) == 1


def test_two_links_to_one_story_in_one_run_store_it_once(web, db_path):
    serve_outlets(web)
    summary = ingest.ingest_paths([web.url("/amp" + TRADE), web.url(TRADE), web.url(TRADE + "#comments")], db_path)
    assert (summary.new, summary.unchanged) == (1, 2)


# --------------------------------------------------------------------------- feeds


def write_feeds(path: Path, web: FixtureWeb, extra: str = "") -> Path:
    path.write_text(
        "# the feeds this analyst follows\n"
        f"- name: The Meridian Post\n  url: {web.url('/feeds/meridian.xml')}\n  pair: India–Russia\n"
        f"- name: Harbour Ledger\n  url: {web.url('/feeds/harbour.atom')}\n" + extra, encoding="utf-8")
    return path


def test_feeds_bring_new_entries_only(web, tmp_path, db_path, capsys):
    serve_outlets(web)
    feeds = write_feeds(tmp_path / "feeds.yaml", web)
    argv = ["--feeds", str(feeds), "--db", str(db_path), "--feed-delay", "0"]

    first = run_main(argv, capsys)
    assert first == (0, "feed The Meridian Post: 2 entries, 2 new, 2 stored, 0 failed\n"
                        "feed Harbour Ledger: 1 entry, 1 new, 1 stored, 0 failed\n"
                        f"documents: 3 new, 0 unchanged, 0 updated, 0 failed; facts stored: {facts_in(db_path)}\n", "")
    before = facts_in(db_path)
    stored = documents(db_path)
    assert stored[web.url(TRADE)]["published"] == "2025-06-12"     # the page's own date
    assert stored[web.url(FRIGATE)]["published"] == "2025-06-10"   # no date on the page: the entry's
    assert stored[web.url(FERTILISER)]["source"] == "Harbour Ledger"

    serve_rss(web, later=True)
    web.requests.clear()
    second = run_main(argv, capsys)
    assert second == (0, "feed The Meridian Post: 3 entries, 1 new, 1 stored, 0 failed\n"
                         "feed Harbour Ledger: 1 entry, 0 new, 0 stored, 0 failed\n"
                         "documents: 1 new, 0 unchanged, 0 updated, 0 failed; "
                         f"facts stored: {facts_in(db_path) - before}\n", "")
    assert [r.path for r in web.requests] == ["/feeds/meridian.xml", "/feeds/harbour.atom", S400]

    third = run_main(argv, capsys)
    assert third == (0, "feed The Meridian Post: 3 entries, 0 new, 0 stored, 0 failed\n"
                        "feed Harbour Ledger: 1 entry, 0 new, 0 stored, 0 failed\n"
                        "documents: 0 new, 0 unchanged, 0 updated, 0 failed; facts stored: 0\n", "")
    checks = store.feed_checks(db_path)
    assert {url: (c["entries"], c["new_entries"], c["stored_ever"], c["error"]) for url, c in checks.items()} == {
        web.url("/feeds/meridian.xml"): (3, 0, 3, None), web.url("/feeds/harbour.atom"): (1, 0, 1, None)}


def test_a_feed_that_cannot_be_read_is_one_line_and_the_others_are_read(web, tmp_path, db_path, capsys):
    serve_outlets(web)
    web.page("/feeds/a-page.xml", "meridian-s400.html")  # an article page where a feed should be
    web.routes["/feeds/broken.xml"] = Route(b'{"items": []}', "application/rss+xml")  # JSON, not XML
    feeds = write_feeds(tmp_path / "feeds.yaml", web, extra=(
        f"- name: Gone\n  url: {web.url('/feeds/gone.xml')}\n"
        f"- name: A page\n  url: {web.url('/feeds/a-page.xml')}\n"
        f"- name: Broken\n  url: {web.url('/feeds/broken.xml')}\n"))

    code, out, err = run_main(["--feeds", str(feeds), "--db", str(db_path), "--feed-delay", "0"], capsys)

    assert code == 0
    assert out.splitlines()[2:] == [
        "feed Gone: not read: HTTP 404 (Not Found)",
        "feed A page: not read: not a feed (text/html)",
        "feed Broken: not read: not an RSS or Atom feed (not well-formed (invalid token) at line 2)",
        f"documents: 3 new, 0 unchanged, 0 updated, 3 failed; facts stored: {facts_in(db_path)}",
    ]
    assert err.splitlines() == [
        f"failed: {web.url('/feeds/gone.xml')}: HTTP 404 (Not Found)",
        f"failed: {web.url('/feeds/a-page.xml')}: not a feed (text/html)",
        f"failed: {web.url('/feeds/broken.xml')}: not an RSS or Atom feed (not well-formed (invalid token) at line 2)",
    ]
    assert store.feed_checks(db_path)[web.url("/feeds/gone.xml")]["error"] == "HTTP 404 (Not Found)"


def one_item_feed(web: FixtureWeb, links: list[str]) -> Feed:
    items = "".join(f"<item><title>{link}</title><link>{web.url(link)}</link><guid>{link}</guid>"
                    "<pubDate>Mon, 02 Jun 2025 08:00:00 GMT</pubDate></item>" for link in links)
    web.routes["/feeds/desk.xml"] = Route(f'<rss version="2.0"><channel><title>Desk</title>{items}</channel></rss>'
                                          .encode(), "application/rss+xml")
    return Feed("Desk", web.url("/feeds/desk.xml"), ("India", "Russia"))


def test_an_entry_that_timed_out_is_tried_again_and_one_that_is_gone_is_not(web, db_path):
    web.routes["/slow"] = Route(behaviour="silent")
    web.routes["/note"] = Route(b"Exports rose to $2 billion in 2024, the ministry said.\n", "text/plain")
    feed = one_item_feed(web, ["/slow", "/gone", "/note"])
    quick = Limits(connect_s=2, read_s=0.5)

    summary, reports = ingest.ingest_feeds([feed], db_path, pacer=HostPacer(0), limits=quick)
    assert [(url.removeprefix(web.base), reason) for url, reason in summary.failed] == [
        ("/slow", "timed out (no answer in 0.5 s)"), ("/gone", "HTTP 404 (Not Found)")]
    assert (summary.new, str(reports[0])) == (1, "feed Desk: 3 entries, 3 new, 1 stored, 2 failed")
    note = documents(db_path)[web.url("/note")]
    assert (note["pair"], note["published"]) == ("India–Russia", "2025-06-02")  # the feed's pair, the entry's date

    web.routes["/slow"] = Route(b"Imports rose to $3 billion in 2024, the ministry said.\n", "text/plain")
    web.requests.clear()
    summary, reports = ingest.ingest_feeds([feed], db_path, pacer=HostPacer(0), limits=quick)
    assert (summary.new, summary.failed, str(reports[0])) == (1, [], "feed Desk: 3 entries, 1 new, 1 stored, 0 failed")
    assert [r.path for r in web.requests] == ["/feeds/desk.xml", "/slow"]


def test_a_killed_check_keeps_each_stored_entry_with_its_mark(web, db_path, monkeypatch):
    """Each entry's document and its 'read' mark are one transaction: a run stopped after the first entry
    has stored that one and marked only it, so the next run fetches the rest."""
    web.routes["/one"] = Route(b"Exports rose to $2 billion in 2024, the ministry said.\n", "text/plain")
    web.routes["/two"] = Route(b"Imports rose to $3 billion in 2024, the ministry said.\n", "text/plain")
    feed = one_item_feed(web, ["/one", "/two"])
    real = store.save_feed_entry
    calls = []

    def stop_after_one(*args, **kwargs):
        if calls:
            raise KeyboardInterrupt
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(store, "save_feed_entry", stop_after_one)
    with pytest.raises(KeyboardInterrupt):
        ingest.ingest_feeds([feed], db_path, pacer=HostPacer(0))
    monkeypatch.setattr(store, "save_feed_entry", real)
    assert list(documents(db_path)) == [web.url("/one")]
    summary, _ = ingest.ingest_feeds([feed], db_path, pacer=HostPacer(0))
    assert summary.new == 1 and len(documents(db_path)) == 2


def test_feed_state_survives_in_the_store_file(web, db_path):
    feed = one_item_feed(web, [])
    ingest.ingest_feeds([feed], db_path, pacer=HostPacer(0))
    with sqlite3.connect(db_path) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"feed_checks", "feed_entries"} <= tables


# --------------------------------------------------------------------------- the command line


@pytest.mark.parametrize("argv, words", [
    ([], "nothing to ingest"),
    (["--feeds", "missing.yaml"], "missing.yaml: no such feeds list"),
    (["--engine", "dask", "https://example.org/story"], "--engine dask reads files only"),
    (["--timeout", "soon", "x.md"], "'soon' is not a number of seconds"),
], ids=["nothing given", "missing feeds list", "dask with addresses", "bad timeout"])
def test_cli_usage_errors(tmp_path, db_path, capsys, monkeypatch, argv: list[str], words: str):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_main([*argv, "--db", str(db_path)], capsys)
    assert code == 2 and words in err


def test_a_broken_feeds_list_stops_before_anything_is_fetched(web, tmp_path, db_path, capsys):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"- name: Meridian\n  url: {web.url('/feeds/meridian.xml')}\n  pairs: India–Russia\n")
    code, out, err = run_main(["--feeds", str(feeds), "--db", str(db_path)], capsys)
    assert (code, out) == (2, "")
    assert err == f"error: {feeds}: line 1: feed 1: unknown key 'pairs' (a feed has name, url, pair)\n"
    assert web.requests == []
