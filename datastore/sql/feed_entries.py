"""Feed bookkeeping in the store: every entry read (with its outcome) and each feed's latest check."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any, Literal

from datastore.sql.documents import PreparedDocument, write_prepared
from datastore.sql.schema import DbPath, connect, write_transaction
from datastore.sql.values import utc_now

FeedEntryOutcome = Literal["new", "unchanged", "updated", "failed", "retry"]


def unseen_entries(db_path: DbPath, feed_url: str, keys: Sequence[str]) -> list[str]:
    """The entry keys of this feed not read before, in the order given; an entry whose last read failed in a
    way worth trying again (outcome 'retry': a timeout, a server error) counts as unseen."""
    seen: set[str] = set()
    with connect(db_path) as conn:
        for i in range(0, len(keys), 500):
            chunk = list(keys[i:i + 500])
            marks = ", ".join("?" * len(chunk))
            query = (f"SELECT entry_key FROM feed_entries WHERE feed_url = ? AND outcome <> 'retry' "  # noqa: S608
                     f"AND entry_key IN ({marks})")
            seen.update(key for (key,) in conn.execute(query, [feed_url, *chunk]))
    return [key for key in dict.fromkeys(keys) if key not in seen]


def save_feed_entry(db_path: DbPath, feed_url: str, entry_key: str, url: str,
                    result: PreparedDocument | Literal["failed", "retry"]) -> FeedEntryOutcome:
    """Store what one feed entry gave (its document, or that it failed) and remember the entry as read, in one
    transaction: a run killed half-way neither loses a stored story's entry nor marks an unread one as read."""
    with connect(db_path) as conn, write_transaction(conn):
        outcome: FeedEntryOutcome = result if isinstance(result, str) else write_prepared(conn, [result])[0]
        conn.execute(
            "INSERT INTO feed_entries (feed_url, entry_key, url, first_seen, outcome) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(feed_url, entry_key) DO UPDATE SET url = excluded.url, outcome = excluded.outcome",
            (feed_url, entry_key, url, utc_now(), outcome))
    return outcome


def record_feed_check(db_path: DbPath, feed_url: str, *, error: str | None = None, entries: int = 0,
                      new_entries: int = 0, stored: int = 0, failed: int = 0) -> None:
    """What the latest check of a feed found (replacing the one before)."""
    with connect(db_path) as conn, write_transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO feed_checks (feed_url, checked, error, entries, new_entries, stored, failed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (feed_url, utc_now(), error, entries, new_entries, stored, failed))


def feed_checks(db_path: DbPath) -> dict[str, dict[str, Any]]:
    """Per feed address: its latest check (``checked``, ``error``, ``entries``, ``new_entries``, ``stored``,
    ``failed``) and ``stored_ever``, the documents its entries have brought in all."""
    sql = """
        SELECT c.feed_url, c.checked, c.error, c.entries, c.new_entries, c.stored, c.failed,
               (SELECT count(*) FROM feed_entries e WHERE e.feed_url = c.feed_url
                  AND e.outcome IN ('new', 'updated')) AS stored_ever
        FROM feed_checks c
    """
    with connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return {row["feed_url"]: dict(row) for row in conn.execute(sql)}

