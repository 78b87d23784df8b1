"""The feeds list (feeds.yaml) and feed documents, without a network: what is read, and what is refused in one
line naming the file, the line and the feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from datastore.feeds import Entry, Feed, FeedsFileError, add_feed, load_feeds, parse_feed
from datastore.fetching import FetchError
from tests.webserver import WEB_FIXTURES

LISTS = [
    # (id, file text, the feeds read)
    ("one feed with a pair", "- name: Meridian\n  url: https://example.org/rss.xml\n  pair: India–Russia\n",
     [Feed("Meridian", "https://example.org/rss.xml", ("India", "Russia"))]),
    ("pair as a list, hyphen and slash", "- {name: A, url: 'https://a.example/f', pair: [India, Russia]}\n"
     "- {name: B, url: 'https://b.example/f', pair: India - United States}\n"
     "- {name: C, url: 'https://c.example/f', pair: India/France}\n",
     [Feed("A", "https://a.example/f", ("India", "Russia")), Feed("B", "https://b.example/f", ("India", "United States")),
      Feed("C", "https://c.example/f", ("India", "France"))]),
    ("no name: the address names it", "- url: https://example.org/rss.xml\n",
     [Feed("https://example.org/rss.xml", "https://example.org/rss.xml")]),
    ("only comments", "# nothing yet\n", []),
    ("empty list", "[]\n", []),
]


@pytest.mark.parametrize("text, feeds", [c[1:] for c in LISTS], ids=[c[0] for c in LISTS])
def test_feeds_lists_are_read(tmp_path: Path, text: str, feeds: list[Feed]) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_feeds(path) == feeds


def test_a_missing_list_is_no_feeds(tmp_path: Path) -> None:
    assert load_feeds(tmp_path / "feeds.yaml") == []


BROKEN = [
    ("not a list", "name: Meridian\nurl: https://example.org/rss.xml\n",
     "expected a list of feeds (lines starting with '- name:')"),
    ("bad YAML", "- name: [Meridian\n", "line 2: not valid YAML (expected ',' or ']', but got '<stream end>')"),
    ("misspelt key", "- name: A\n  url: https://a.example/f\n- name: B\n  adress: https://b.example/f\n",
     "line 3: feed 2: unknown key 'adress' (a feed has name, url, pair)"),
    ("no url", "- name: A\n", "line 1: feed 1: no url"),
    ("not a web address", "- name: A\n  url: file:///etc/passwd\n",
     "line 1: feed 1: file:///etc/passwd: not a web address (only http:// and https:// are fetched)"),
    ("listed twice", "- url: https://a.example/f\n- url: https://a.example/f\n",
     "line 2: feed 2: https://a.example/f is listed twice"),
    ("one country", "- url: https://a.example/f\n  pair: India\n",
     "line 1: feed 1: pair 'India' is not two country names (e.g. India–Russia)"),
    ("a bare string", "- https://a.example/f\n", "line 1: feed 1: expected 'name:' and 'url:', got 'https://a.example/f'"),
]


@pytest.mark.parametrize("text, message", [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_broken_lists_are_one_line_naming_file_line_and_feed(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FeedsFileError) as caught:
        load_feeds(path)
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.parametrize("before", ["", "[]\n", "# my feeds\n",
                                    "# my feeds\n- name: Old\n  url: https://old.example/f  # keep me\n"],
                         ids=["no file", "empty list", "only a comment", "a feed and comments"])
def test_adding_a_feed_keeps_what_the_file_had(tmp_path: Path, before: str) -> None:
    path = tmp_path / "feeds.yaml"
    if before:
        path.write_text(before, encoding="utf-8")
    new = Feed("Meridian Post", "https://example.org/rss.xml", ("India", "Russia"))
    feeds = add_feed(path, new)
    assert feeds[-1] == new and load_feeds(path) == feeds
    text = path.read_text(encoding="utf-8")
    for line in before.splitlines():
        if line.startswith("#") or "keep me" in line:
            assert line in text
    assert text.endswith("- name: Meridian Post\n  url: https://example.org/rss.xml\n  pair: India–Russia\n")


def test_adding_a_feed_already_listed_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("- url: https://example.org/rss.xml\n", encoding="utf-8")
    with pytest.raises(FeedsFileError, match="already in"):
        add_feed(path, Feed("Again", "https://example.org/rss.xml"))
    assert path.read_text(encoding="utf-8") == "- url: https://example.org/rss.xml\n"


# --------------------------------------------------------------------------- feed documents

BASE = "http://news.example"


def fixture_feed(name: str) -> bytes:
    text = (WEB_FIXTURES / name).read_text(encoding="utf-8").replace("{base}", BASE).replace("{later}", "")
    return text.encode("utf-8")


def test_rss_entries_keep_their_guid_link_and_date() -> None:
    entries = parse_feed(fixture_feed("meridian-rss.xml"), f"{BASE}/feeds/meridian.xml", "application/rss+xml")
    assert entries == [
        Entry("meridian-88213", f"{BASE}/business/2025/06/12/india-russia-trade-slips?utm_source=rss&utm_medium=feed",
              "India–Russia trade slips as oil purchases cool", "2025-06-12"),
        Entry("meridian-88190", f"{BASE}/defence/second-frigate-handed-over",
              "Second stealth frigate handed over to Indian Navy at Kaliningrad", "2025-06-10"),
    ]


def test_atom_entries_resolve_relative_links_against_the_feed() -> None:
    entries = parse_feed(fixture_feed("harbour-atom.xml"), f"{BASE}/feeds/harbour.atom", "application/atom+xml")
    assert entries == [Entry("tag:harbour-ledger.example,2025-05-30:fertiliser",
                             f"{BASE}/markets/russian-fertiliser-shipments-climb",
                             "Russian fertiliser shipments to India climb", "2025-05-30")]


@pytest.mark.parametrize("body, kept", [
    (b'<rss version="2.0"><channel><item><title>t</title><link>mailto:desk@example.org</link></item>'
     b"<item><title>u</title><link>https://a.example/u</link></item></channel></rss>", ["https://a.example/u"]),
    (b'<rss version="2.0"><channel><item><title>no link</title></item></channel></rss>', []),
    (b'<rss version="2.0"><channel><title>quiet</title></channel></rss>', []),
], ids=["a mail link is skipped", "an entry without a link is skipped", "a feed with no entries"])
def test_entries_without_a_web_link_are_left_out(body: bytes, kept: list[str]) -> None:
    assert [e.url for e in parse_feed(body, f"{BASE}/f.xml")] == kept


def test_a_body_that_is_no_feed_is_refused_by_name() -> None:
    with pytest.raises(FetchError) as caught:
        parse_feed(b"<html><body><p>Subscribe!</p></body></html>", f"{BASE}/f.xml", "application/xml")
    assert str(caught.value) == f"{BASE}/f.xml: not an RSS or Atom feed"
