"""Streamlit glue for stories from the web: an address read for the preview, the feeds listing, checking feeds.

Fetching, reading and feed logic live in the data layer (fetching.py, webpage.py, feeds.py, ingest.py); this
module caches and words their results for the Documents page.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import ui
from datastore import feeds, store
from datastore.fetching import check_address, is_web_address

FETCH_CACHE_S = 15 * 60  # a page read for the preview is not fetched again on every rerun of the page


def addresses(text: str) -> tuple[list[str], list[str]]:
    """(web addresses, other non-empty lines) of a pasted list, one per line, each address once.

    >>> addresses("https://a.example/1\\n\\n a.example/2 \\nhttps://a.example/1")
    (['https://a.example/1'], ['a.example/2'])
    """
    found: list[str] = []
    others: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if is_web_address(line):
            if line not in found:
                found.append(line)
        else:
            others.append(line)
    return found, others


def read_url(url: str) -> tuple[Any, list[Any], str | None]:
    """(Document, facts, None) for a page that could be fetched and read, else (None, [], why) — the same shape
    as an upload (:func:`ui.extract_upload`)."""
    from extractors import RulesError

    try:
        return _read_url(url)
    except RulesError:
        return None, [], ui.RULES_BROKEN_REASON


@st.cache_data(show_spinner="Fetching and reading the page…", max_entries=64, ttl=FETCH_CACHE_S)
def _read_url(url: str) -> tuple[Any, list[Any], str | None]:
    from datastore.webpage import read_url as fetch_and_read
    from extractors import BudgetExceeded, InputError, extract

    try:
        doc = fetch_and_read(check_address(url))
        found = extract(doc)
    except InputError as exc:  # FetchError too: every refusal is one line
        return None, [], exc.reason
    except BudgetExceeded:
        return None, [], "took too long to read (the time budget per document ran out)"
    return doc, found, None


# --------------------------------------------------------------------------- feeds

LISTING_COLUMNS = ["Feed", "Address", "Pair", "Last checked", "Entries", "New", "Stored", "Failed", "Stored in all",
                   "Problem"]


def feeds_file(view: ui.View) -> str:
    return str(feeds.feeds_path(view.db))


def listed_feeds(view: ui.View) -> tuple[list[feeds.Feed], str | None]:
    """The feeds in feeds.yaml beside the store, or ([], the one-line reason it cannot be read)."""
    try:
        return feeds.load_feeds(feeds.feeds_path(view.db)), None
    except feeds.FeedsFileError as exc:
        return [], str(exc)


def feeds_listing(view: ui.View, listed: list[feeds.Feed]) -> pd.DataFrame:
    """One row per feed: when it was last checked and what that check brought (blank until the first check)."""
    checks = store.feed_checks(view.db)
    rows = []
    for feed in listed:
        check: dict[str, Any] = checks.get(feed.url, {})
        checked = check.get("checked")
        rows.append({
            "Feed": feed.name, "Address": feed.url, "Pair": feed.pair_label,
            "Last checked": _when(checked) if checked else "not yet",
            "Entries": check.get("entries"), "New": check.get("new_entries"), "Stored": check.get("stored"),
            "Failed": check.get("failed"), "Stored in all": check.get("stored_ever"), "Problem": check.get("error") or "",
        })
    return pd.DataFrame(rows, columns=LISTING_COLUMNS)


def _when(utc_iso: str) -> str:
    """A stored UTC timestamp to the minute (the server's clock zone need not be the reader's).

    >>> _when("2025-06-12T09:41:07+00:00")
    '2025-06-12 09:41 UTC'
    """
    return utc_iso[:16].replace("T", " ") + " UTC"


def check_feeds(view: ui.View, listed: list[feeds.Feed]) -> list[str]:
    """Check every listed feed now, with a progress bar; returns the lines to show (a line per feed, one per
    failure, the summary). Clears the cached reads, since new stories may have been stored."""
    from datastore.ingest import ingest_feeds

    bar = st.progress(0.0, text="Reading the feeds…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / total, text=f"{done} of {total}: {name}")

    try:
        summary, reports = ingest_feeds(listed, view.db, progress=progress)
    finally:
        bar.empty()
        ui.clear_caches()
    failures = [f"failed: {url}: {reason}" for url, reason in summary.failed]
    return [*map(str, reports), *failures, str(summary)]


def add_feed(view: ui.View, name: str, url: str, pair: str) -> str | None:
    """Append a feed to feeds.yaml beside the store; None when done, else the one-line reason it was not."""
    try:
        feeds.add_feed(feeds.feeds_path(view.db), feeds.make_feed(name, url, pair))
    except (feeds.FeedsFileError, OSError) as exc:
        return str(exc)
    return None
