"""Opening the store: short-lived connections in WAL mode, migrated on open, and the store's own errors.

Why it is shaped this way:
- Several writers (the CLI, a Streamlit session saving reviews, a batch job) may share one file, so every
  write is one short ``BEGIN IMMEDIATE`` transaction on a short-lived connection in WAL mode with a
  10 s busy timeout. ``IMMEDIATE`` takes the write lock up front: a deferred transaction that reads and then
  writes can fail with "database is locked" without waiting, whatever the timeout.
- A transaction holds one batch of documents (ingest writes 64 at a time), so a crash (even SIGKILL) loses at
  most the batch being written, and running the same ingest again completes it.
- Reviews point at a figure by ``(doc_id, start, end, surface, value)``, not at a fact row, because facts
  are deleted and re-inserted whenever the rules change; a review stays attached as long as the
  re-extraction still finds the same figure, and shows up in ``orphaned_reviews`` once it does not.
- Provenance columns (path, title, source, url, published) live once, on the document; ``facts_frame``
  joins them back so every row still carries the full fact record.
- What goes wrong down here reaches callers as a :class:`StoreError` naming the reason (and the file), never as
  a bare ``sqlite3`` error: a page shows it, the command line prints it.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datastore.sql.migrations import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    import pandas as pd

DbPath = str | os.PathLike[str]
BUSY_TIMEOUT_S = 10.0
REVIEW_STATUSES = ("accept", "correct", "reject")

# Fact fields stored on the facts row (the provenance fields come from the document, see module docstring).
# Written out rather than derived from extractors.model so that a new extractor field cannot change the
# schema behind our back: tests/test_store.py fails until a migration adds it.
FACT_COLUMNS: tuple[str, ...] = (
    "sentence", "start", "end", "surface", "kind", "value", "value_low", "value_high", "unit", "qualifier",
    "value_usd", "metric", "item", "item_noun", "status", "parties", "supplier", "recipient", "period_start",
    "period_end", "period_label", "rule", "fx_rate", "fx_date", "figure", "plausible",
)
DOCUMENT_PROVENANCE: tuple[str, ...] = ("path", "doc_id", "published", "title", "source", "url")

# How a review finds its figure among the facts (aliases f, r).
FIGURE_MATCH = (
    'r.doc_id = f.doc_id AND r.start = f.start AND r."end" = f."end" '
    "AND r.surface = f.surface AND r.value IS f.value"
)


class StoreError(Exception):
    """The store could not be opened, read or written. ``str()`` is the reason as SQLite or the system gave it;
    ``path`` names the file."""

    def __init__(self, reason: str, path: DbPath | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = None if path is None else Path(path)


class StoreRefused(StoreError, sqlite3.IntegrityError):
    """A write the store's constraints refuse (a review of an unknown document, a fact without its rule);
    nothing of that transaction was saved."""


class SchemaError(StoreError):
    """The database was written by a newer version of this code; refusing to touch it."""


class DocumentHasReviews(StoreError, ValueError):
    """Deleting this document would delete people's reviews; pass ``force=True`` to mean it."""


def store_error(exc: sqlite3.Error | OSError, path: DbPath) -> StoreError:
    """The store's error for what SQLite or the system raised."""
    kind = StoreRefused if isinstance(exc, sqlite3.IntegrityError) else StoreError
    return kind(str(exc), path)


# --------------------------------------------------------------------------- connections and schema

def default_db_path() -> Path:
    """``$FACTS_DB`` if set, else ``<repo>/data/facts.db`` (from ``__file__``, not the working directory)."""
    env = os.environ.get("FACTS_DB")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "data" / "facts.db"


@contextmanager
def connect(db_path: DbPath) -> Iterator[sqlite3.Connection]:
    """A short-lived connection, migrated to :data:`SCHEMA_VERSION`, closed on exit; one thread only.

    Creates the file (and its folder) when missing. Autocommit mode (``isolation_level=None``):
    transactions are explicit, see :func:`write_transaction`. An SQLite error inside the block (and a file
    that cannot be opened) leaves as a :class:`StoreError`.
    """
    path = Path(db_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (sqlite3.Error, OSError) as exc:
        raise store_error(exc, path) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # In WAL mode NORMAL still never corrupts and survives a killed process; only a power cut can
        # lose the last commits. It halves the cost of a one-document transaction.
        conn.execute("PRAGMA synchronous = NORMAL")
        _prepare(conn)
        yield conn
    except StoreError as exc:  # from a connection opened inside this one, or a schema too new
        exc.path = exc.path or path
        raise
    except sqlite3.Error as exc:
        raise store_error(exc, path) from exc
    finally:
        conn.close()


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception (including KeyboardInterrupt)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _prepare(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL (persistent, so once per file) and migrate it.

    Retried with jitter until the busy timeout: switching to WAL while another connection writes in rollback
    mode (two processes creating the store together) fails with SQLITE_BUSY at once, without calling the
    busy handler (test_opening_waits_out_a_writer_on_a_file_not_yet_in_wal_mode). Once set up, this is two
    cheap reads.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            _migrate(conn)
            return
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
            time.sleep(random.uniform(0.005, 0.05))


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the missing migrations in one transaction; re-checks the version under the write lock
    because another process may have migrated between our read and our lock."""
    if schema_version(conn) == SCHEMA_VERSION:
        return
    with write_transaction(conn):
        current = schema_version(conn)
        if current > SCHEMA_VERSION:
            raise SchemaError(
                f"database schema version {current} is newer than this code's {SCHEMA_VERSION}; "
                "upgrade the app"
            )
        for migration in MIGRATIONS[current:]:
            for statement in migration:  # not executescript(): it would COMMIT half-way
                conn.execute(statement)
        # PRAGMA takes no parameters; the value is our own integer constant.
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def read_frame(db_path: DbPath, sql: str, params: Sequence[Any] | Mapping[str, Any] = (),
               types: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A query's rows as a frame, its columns cast to ``types``. pandas is imported here, by the readers that
    build frames: writers (ingest workers, the command line) never load it, which saves each a third of a second.
    """
    import pandas as pd

    with connect(db_path) as conn:
        try:
            frame = pd.read_sql_query(sql, conn, params=params)
        except pd.errors.DatabaseError as exc:  # pandas' wrapping of an SQLite error
            raise StoreError(str(exc.__cause__ or exc), db_path) from exc
    return frame.astype(dict(types)) if types else frame
