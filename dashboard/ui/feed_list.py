"""The feeds the Documents page follows: the list in feeds.yaml beside the store, what each check brought, checking
them now, adding one. Reading feeds and their entries is the data layer's (``datastore.feeds``,
``datastore.ingest.ingest_feeds``); this module words its results for the page.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard.labels import format_utc_minute
from dashboard.ui.reads import View, clear_caches, feed_checks
from datastore import feeds
from datastore.ingest import ingest_feeds

LISTING_COLUMNS = ["Feed", "Address", "Pair", "Last checked", "Entries", "New", "Stored", "Failed", "Stored in all",
                   "Problem"]


def feeds_file(view: View) -> str:
    return str(feeds.feeds_path(view.db))


def listed_feeds(view: View) -> tuple[list[feeds.Feed], str | None]:
    """The feeds in feeds.yaml beside the store, or ([], the one-line reason it cannot be read)."""
    try:
        return feeds.load_feeds(feeds.feeds_path(view.db)), None
    except feeds.FeedsFileError as exc:
        return [], str(exc)


def feeds_listing(view: View, listed: list[feeds.Feed]) -> pd.DataFrame:
    """One row per feed: when it was last checked and what that check brought (blank until the first check)."""
    checks = feed_checks(view)
    rows = []
    for feed in listed:
        check: dict[str, Any] = checks.get(feed.url, {})
        checked = check.get("checked")
        rows.append({
            "Feed": feed.name, "Address": feed.url, "Pair": feed.pair_label,
            "Last checked": format_utc_minute(checked) if checked else "not yet",
            "Entries": check.get("entries"), "New": check.get("new_entries"), "Stored": check.get("stored"),
            "Failed": check.get("failed"), "Stored in all": check.get("stored_ever"), "Problem": check.get("error") or "",
        })
    return pd.DataFrame(rows, columns=LISTING_COLUMNS)


def check_feeds(view: View, listed: list[feeds.Feed]) -> list[str]:
    """Check every listed feed now, with a progress bar; returns the lines to show (a line per feed, one per
    failure, the summary). Clears the cached reads, since new stories may have been stored."""
    bar = st.progress(0.0, text="Reading the feeds…")

    def progress(done: int, total: int, name: str) -> None:
        bar.progress(done / total, text=f"{done} of {total}: {name}")

    try:
        summary, reports = ingest_feeds(listed, view.db, progress=progress)
    finally:
        bar.empty()
        clear_caches()
    failures = [f"failed: {url}: {reason}" for url, reason in summary.failed]
    return [*map(str, reports), *failures, str(summary)]


def add_feed(view: View, name: str, url: str, pair: str) -> str | None:
    """Append a feed to feeds.yaml beside the store; None when done, else the one-line reason it was not."""
    try:
        feeds.add_feed(feeds.feeds_path(view.db), feeds.make_feed(name, url, pair))
    except (feeds.FeedsFileError, OSError) as exc:
        return str(exc)
    return None
