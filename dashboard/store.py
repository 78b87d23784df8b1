"""The SQLite store: the only module that writes SQL. Documents, their facts, people's reviews of them, and
official statistics loaded beside them.

Why it is shaped this way (see shared/design/robustness-notes.md):
- Several writers (the CLI, a Streamlit session saving reviews, a batch job) may share one file, so every
  write is one short ``BEGIN IMMEDIATE`` transaction on a short-lived connection in WAL mode with a
  10 s busy timeout. ``IMMEDIATE`` takes the write lock up front: a deferred transaction that reads and then
  writes can fail with "database is locked" without waiting, whatever the timeout.
- One document is one transaction, so a crash (even SIGKILL) loses at most the document being written.
- Reviews point at a figure by ``(doc_id, start, end, surface, value)``, not at a fact row, because facts
  are deleted and re-inserted whenever the rules change; a review stays attached as long as the
  re-extraction still finds the same figure, and shows up in :func:`orphaned_reviews` once it does not.
- Provenance columns (path, title, source, url, published) live once, on the document; :func:`facts_frame`
  joins them back so every row still carries the full fact record.
"""

from __future__ import annotations

import hashlib
import json
import operator
import os
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from extractors.model import Document, Fact

if TYPE_CHECKING:  # pandas is imported in the functions that build frames: writers (ingest workers, the CLI)
    import pandas as pd  # never load it, which saves them a third of a second each

DbPath = str | os.PathLike[str]
SaveOutcome = Literal["new", "unchanged", "updated"]

BUSY_TIMEOUT_S = 10.0
REVIEW_STATUSES = ("accept", "correct", "reject")
PAIR_SEPARATOR = "\u2013"  # en dash: "India–Russia"

# Fact fields stored on the facts row (the provenance fields come from the document, see module docstring).
# Written out rather than derived from extractors.model so that a new extractor field cannot change the
# schema behind our back: tests/test_store.py fails until a migration adds it.
FACT_COLUMNS: tuple[str, ...] = (
    "sentence", "start", "end", "surface", "kind", "value", "value_low", "value_high", "unit", "qualifier",
    "value_usd", "metric", "item", "item_noun", "status", "parties", "supplier", "recipient", "period_start",
    "period_end", "period_label", "rule", "fx_rate", "fx_date", "figure", "plausible",
)
DOCUMENT_PROVENANCE: tuple[str, ...] = ("path", "doc_id", "published", "title", "source", "url")
# What makes two extractions of one document "the same": everything but offsets and sentence text, which
# move when only whitespace or line endings differ (and the document id ignores those).
_DIGEST_FIELDS = tuple(c for c in FACT_COLUMNS if c not in ("sentence", "start", "end"))
_DIGEST_SURFACE = _DIGEST_FIELDS.index("surface")

# Forward migrations, in order; migration N takes a database from user_version N-1 to N.
# Never edit a migration that has shipped: add a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # 1: the tables
        """CREATE TABLE documents (
            doc_id TEXT PRIMARY KEY,              -- content hash, whitespace-insensitive
            path TEXT, title TEXT, source TEXT, url TEXT,
            published TEXT,                       -- ISO date
            retrieved TEXT NOT NULL,              -- UTC ISO timestamp of first storage
            encoding TEXT,
            pair_a TEXT, pair_b TEXT,             -- the document's pair, sorted
            text TEXT NOT NULL,                   -- fact offsets refer to this text
            extractor_version TEXT NOT NULL,
            n_facts INTEGER NOT NULL,
            facts_digest TEXT NOT NULL            -- detects rule changes that keep the version
        )""",
        """CREATE TABLE facts (
            fact_id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            sentence TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
            kind TEXT NOT NULL, value REAL, value_low REAL, value_high REAL, unit TEXT,
            qualifier TEXT NOT NULL, value_usd REAL, metric TEXT NOT NULL, item TEXT, status TEXT,
            parties TEXT NOT NULL DEFAULT '[]',   -- JSON list of country names
            supplier TEXT, recipient TEXT,
            period_start TEXT, period_end TEXT, period_label TEXT,
            rule TEXT NOT NULL, fx_rate REAL, fx_date TEXT,
            figure INTEGER NOT NULL DEFAULT 0, plausible INTEGER NOT NULL DEFAULT 1,
            pair_a TEXT, pair_b TEXT,             -- first two parties, else the document's pair; sorted
            extractor_version TEXT NOT NULL
        )""",
        "CREATE INDEX facts_doc ON facts(doc_id)",
        """CREATE TABLE reviews (
            review_id INTEGER PRIMARY KEY,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
            value REAL,                           -- the extracted value the review was made on
            status TEXT NOT NULL CHECK (status IN ('accept', 'correct', 'reject')),
            corrected_value REAL, corrected_period_start TEXT, corrected_period_end TEXT, corrected_item TEXT,
            note TEXT, reviewer TEXT,
            reviewed_at TEXT NOT NULL
        )""",
        # One current review per figure; ifnull because UNIQUE treats NULLs (range figures) as distinct.
        """CREATE UNIQUE INDEX reviews_figure ON reviews(doc_id, start, "end", surface, ifnull(value, ''))""",
    ),
    (  # 2: indexes for the filters pages apply
        "CREATE INDEX facts_pair ON facts(pair_a, pair_b)",
        "CREATE INDEX facts_metric ON facts(metric)",
        "CREATE INDEX facts_kind ON facts(kind)",
        "CREATE INDEX facts_period ON facts(period_start, period_end)",
        "CREATE INDEX documents_published ON documents(published)",
    ),
    (  # 3: the noun a count counts, beside the system in `item` ("squadron" beside "S-400")
        "ALTER TABLE facts ADD COLUMN item_noun TEXT",
    ),
    (  # 4: a fetched story is found by its address (two links to one story are one document)
        "CREATE INDEX documents_url ON documents(url)",
    ),
    (  # 5: feeds: when each was checked and what it brought, and every entry already read
        """CREATE TABLE feed_checks (
            feed_url TEXT PRIMARY KEY,            -- the feed's address as listed in feeds.yaml
            checked TEXT NOT NULL,                -- UTC ISO timestamp of the last check
            error TEXT,                           -- why the feed itself could not be read then, else NULL
            entries INTEGER NOT NULL DEFAULT 0,   -- entries the feed listed
            new_entries INTEGER NOT NULL DEFAULT 0,  -- entries not read before
            stored INTEGER NOT NULL DEFAULT 0,    -- documents they gave that were new or updated
            failed INTEGER NOT NULL DEFAULT 0     -- new entries that could not be read
        )""",
        """CREATE TABLE feed_entries (
            feed_url TEXT NOT NULL,
            entry_key TEXT NOT NULL,              -- the entry's id (guid), else its link
            url TEXT NOT NULL,                    -- the link followed
            first_seen TEXT NOT NULL,             -- UTC ISO timestamp
            outcome TEXT NOT NULL,                -- new | unchanged | updated | failed | retry (read again next time)
            PRIMARY KEY (feed_url, entry_key)
        )""",
    ),
    (  # 6: official statistics beside the news; its own table only, so it may run before or after any other
        """CREATE TABLE IF NOT EXISTS official_figures (
            official_id INTEGER PRIMARY KEY,
            reporter TEXT NOT NULL,               -- the country whose statistics these are
            partner TEXT NOT NULL,
            flow TEXT NOT NULL CHECK (flow IN ('exports', 'imports', 'trade_total')),  -- the reporter's side
            period_start TEXT NOT NULL, period_end TEXT NOT NULL,   -- ISO dates, both days included
            value REAL NOT NULL, currency TEXT NOT NULL, value_usd REAL,
            source TEXT NOT NULL,                 -- who publishes the figure ("UN Comtrade", a ministry)
            url TEXT,
            file TEXT NOT NULL,                   -- the file it was last loaded from (name only)
            file_format TEXT NOT NULL,            -- comtrade | comtrade_classic | simple
            pair_a TEXT NOT NULL, pair_b TEXT NOT NULL,  -- reporter and partner, sorted
            loaded_at TEXT NOT NULL               -- UTC ISO timestamp of the last change
        )""",
        """CREATE UNIQUE INDEX IF NOT EXISTS official_figures_key
            ON official_figures(source, reporter, partner, flow, period_start, period_end)""",
        "CREATE INDEX IF NOT EXISTS official_figures_pair ON official_figures(pair_a, pair_b)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

# How a review finds its figure among the facts (aliases f, r).
_FIGURE_MATCH = (
    'r.doc_id = f.doc_id AND r.start = f.start AND r."end" = f."end" '
    "AND r.surface = f.surface AND r.value IS f.value"
)


class SchemaError(RuntimeError):
    """The database was written by a newer version of this code; refusing to touch it."""


class DocumentHasReviews(ValueError):
    """Deleting this document would delete people's reviews; pass ``force=True`` to mean it."""


# --------------------------------------------------------------------------- connections and schema

def default_db_path() -> Path:
    """``$FACTS_DB`` if set, else ``<repo>/data/facts.db`` (from ``__file__``, not the working directory)."""
    env = os.environ.get("FACTS_DB")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1] / "data" / "facts.db"


@contextmanager
def connect(db_path: DbPath) -> Iterator[sqlite3.Connection]:
    """A short-lived connection, migrated to :data:`SCHEMA_VERSION`, closed on exit; one thread only.

    Creates the file (and its folder) when missing. Autocommit mode (``isolation_level=None``):
    transactions are explicit, see :func:`write_transaction`.
    """
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("PRAGMA foreign_keys = ON")
        # In WAL mode NORMAL still never corrupts and survives a killed process; only a power cut can
        # lose the last commits. It halves the cost of a one-document transaction.
        conn.execute("PRAGMA synchronous = NORMAL")
        _prepare(conn)
        yield conn
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


# --------------------------------------------------------------------------- writing documents

def _sorted_pair(names: Sequence[str] | None) -> tuple[str | None, str | None]:
    if names is None or len(names) < 2:
        return None, None
    a, b = sorted(names[:2])
    return a, b


def _digest(facts: Iterable[Fact]) -> str:
    """A fingerprint of what the extractor said (fact records), insensitive to offsets, so that a rules change
    that keeps the extractor version and the fact count (user-edited YAML) is still noticed and re-stored."""
    rows = []
    for fact in facts:
        values = list(_DIGEST_VALUES(fact))
        values[_DIGEST_SURFACE] = " ".join(str(values[_DIGEST_SURFACE]).split())
        rows.append(values)
    payload = json.dumps(rows, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _fact_row(fact: Fact, doc: Document, extractor_version: str) -> tuple[Any, ...]:
    """The values of one facts row, in `_FACT_INSERT_COLUMNS` order (binding by position is a third faster
    than by name, and the writer inserts some thousands of rows a second)."""
    values = list(_FACT_VALUES(fact))
    parties = fact.parties
    values[_PARTIES_AT] = json.dumps(parties, ensure_ascii=False)
    values[_PLAUSIBLE_AT] = int(bool(fact.plausible))
    values[_FIGURE_AT] = int(fact.figure)
    return (doc.doc_id, *values, *_sorted_pair(parties if len(parties) >= 2 else doc.pair), extractor_version)


# Fact attributes read straight off the slots, in column order: a record dict per fact cost a fifth of the
# worker's time beside extraction.
_FACT_VALUES = operator.attrgetter(*FACT_COLUMNS)
_DIGEST_VALUES = operator.attrgetter(*_DIGEST_FIELDS)
_PARTIES_AT, _PLAUSIBLE_AT, _FIGURE_AT = (FACT_COLUMNS.index(c) for c in ("parties", "plausible", "figure"))
_FACT_INSERT_COLUMNS = ("doc_id", *FACT_COLUMNS, "pair_a", "pair_b", "extractor_version")
_INSERT_FACT = "INSERT INTO facts ({}) VALUES ({})".format(
    ", ".join(f'"{c}"' for c in _FACT_INSERT_COLUMNS), ", ".join("?" for _ in _FACT_INSERT_COLUMNS)
)
_DOCUMENT_FIELDS = (
    "path", "title", "source", "url", "published", "encoding", "pair_a", "pair_b", "text",
    "extractor_version", "n_facts", "facts_digest",
)


def save_document(
    db_path: DbPath, doc: Document, facts: Sequence[Fact], extractor_version: str, one_per_url: bool = False
) -> SaveOutcome:
    """Store one document and its facts in one transaction; returns 'new', 'unchanged' or 'updated'.

    'unchanged' when the stored extraction has the same extractor version and the same facts (compared
    with a digest of the fact records, so the same article with other whitespace is unchanged); otherwise the
    document's facts are replaced. Reviews are never touched here. ``one_per_url``: see
    :class:`PreparedDocument`.
    """
    return save_prepared(db_path, [prepare_document(doc, facts, extractor_version, one_per_url)])[0]


def save_documents(
    db_path: DbPath, extracted: Sequence[tuple[Document, Sequence[Fact]]], extractor_version: str
) -> list[SaveOutcome]:
    """Store several documents as :func:`save_document` does each, in one transaction (all or none).

    Bulk ingestion saves a few dozen documents at a time: a commit costs as much as a thousand inserted
    rows, so one commit per document would make the store the slowest step of an ingest.
    """
    return save_prepared(db_path, [prepare_document(doc, facts, extractor_version) for doc, facts in extracted])


@dataclass(frozen=True)
class PreparedDocument:
    """A document and its facts as the rows to write. Built where the extraction ran (a worker process), so
    that the one process that writes spends its time writing.

    ``one_per_url``: the document was fetched from the web, and a stored document with the same ``url`` (the
    story's canonical address) is the same story, whatever its text now says."""

    values: dict[str, Any]
    rows: list[tuple[Any, ...]]  # facts rows in _FACT_INSERT_COLUMNS order
    one_per_url: bool = False


def prepare_document(doc: Document, facts: Sequence[Fact], extractor_version: str,
                     one_per_url: bool = False) -> PreparedDocument:
    values: dict[str, Any] = {
        "doc_id": doc.doc_id, "path": doc.path, "title": doc.title, "source": doc.source, "url": doc.url,
        "published": doc.published, "encoding": doc.encoding, "text": doc.text,
        "extractor_version": extractor_version, "n_facts": len(facts), "facts_digest": _digest(facts),
        "retrieved": _utc_now(),
    }
    values["pair_a"], values["pair_b"] = _sorted_pair(doc.pair)
    return PreparedDocument(values, [_fact_row(fact, doc, extractor_version) for fact in facts], one_per_url)


def save_prepared(db_path: DbPath, prepared: Sequence[PreparedDocument]) -> list[SaveOutcome]:
    """Write prepared documents in one transaction; outcomes as :func:`save_document` gives them.

    The stored versions are looked up in one query and the new rows go in with one statement per table:
    the one process that writes during an ingest shares the machine with the workers. A document named a
    second time in the batch first flushes what is pending, so it sees the first as saved. A fetched story
    (``one_per_url``) whose address another stored document already has is 'unchanged': that one is kept."""
    with connect(db_path) as conn, write_transaction(conn):
        return _write_prepared(conn, prepared)


def _write_prepared(conn: sqlite3.Connection, prepared: Sequence[PreparedDocument]) -> list[SaveOutcome]:
    """:func:`save_prepared` inside a write transaction the caller holds."""
    stored = _stored_versions(conn, list({p.values["doc_id"] for p in prepared}))
    outcomes: list[SaveOutcome] = []
    pending: set[str] = set()
    pending_urls: set[str] = set()
    new_documents: list[dict[str, Any]] = []
    rows: list[tuple[Any, ...]] = []

    def flush() -> None:
        conn.executemany(_INSERT_DOCUMENT, new_documents)
        conn.executemany(_INSERT_FACT, rows)
        new_documents.clear()
        rows.clear()
        pending.clear()
        pending_urls.clear()

    for p in prepared:
        values = p.values
        doc_id = values["doc_id"]
        if doc_id in pending or (p.one_per_url and values["url"] in pending_urls):
            flush()
        if p.one_per_url and values["url"] and _other_document_at(conn, values["url"], doc_id):
            outcomes.append("unchanged")  # the same story, stored from another link or an earlier text
            continue
        before = stored.get(doc_id)
        now = (values["extractor_version"], values["facts_digest"])
        if before == now:
            outcomes.append("unchanged")
            continue
        if before is None:
            new_documents.append(values)
        else:  # keep `retrieved`: re-extracting is not re-retrieving
            conn.execute(_UPDATE_DOCUMENT, values)
            conn.execute("DELETE FROM facts WHERE doc_id = ?", (doc_id,))
        rows.extend(p.rows)
        stored[doc_id] = now
        pending.add(doc_id)
        if values["url"]:
            pending_urls.add(values["url"])
        outcomes.append("new" if before is None else "updated")
    flush()
    return outcomes


def _other_document_at(conn: sqlite3.Connection, url: str, doc_id: str) -> bool:
    return conn.execute("SELECT 1 FROM documents WHERE url = ? AND doc_id <> ? LIMIT 1", (url, doc_id)).fetchone() \
        is not None


def _stored_versions(conn: sqlite3.Connection, doc_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for i in range(0, len(doc_ids), 500):  # SQLite allows some hundreds of parameters per statement
        chunk = doc_ids[i:i + 500]
        marks = ", ".join("?" * len(chunk))
        query = f"SELECT doc_id, extractor_version, facts_digest FROM documents WHERE doc_id IN ({marks})"  # noqa: S608 - placeholders only
        for doc_id, version, digest in conn.execute(query, chunk):
            found[doc_id] = (version, digest)
    return found


_INSERT_DOCUMENT = "INSERT INTO documents ({}) VALUES ({})".format(
    ", ".join(("doc_id", "retrieved", *_DOCUMENT_FIELDS)),
    ", ".join(f":{c}" for c in ("doc_id", "retrieved", *_DOCUMENT_FIELDS)),
)
_UPDATE_DOCUMENT = "UPDATE documents SET {} WHERE doc_id = :doc_id".format(
    ", ".join(f"{c} = :{c}" for c in _DOCUMENT_FIELDS))


def delete_document(db_path: DbPath, doc_id: str, force: bool = False) -> bool:
    """Delete a document and its facts; True if it existed. Refuses (:class:`DocumentHasReviews`) when people
    have reviewed its figures, unless ``force`` — then the reviews go too."""
    with connect(db_path) as conn, write_transaction(conn):
        n_reviews = conn.execute("SELECT count(*) FROM reviews WHERE doc_id = ?", (doc_id,)).fetchone()[0]
        if n_reviews and not force:
            raise DocumentHasReviews(
                f"document {doc_id} has {n_reviews} review(s); pass force=True to delete them too"
            )
        return conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,)).rowcount > 0


# --------------------------------------------------------------------------- feeds

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
        outcome: FeedEntryOutcome = result if isinstance(result, str) else _write_prepared(conn, [result])[0]
        conn.execute(
            "INSERT INTO feed_entries (feed_url, entry_key, url, first_seen, outcome) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(feed_url, entry_key) DO UPDATE SET url = excluded.url, outcome = excluded.outcome",
            (feed_url, entry_key, url, _utc_now(), outcome))
    return outcome


def record_feed_check(db_path: DbPath, feed_url: str, *, error: str | None = None, entries: int = 0,
                      new_entries: int = 0, stored: int = 0, failed: int = 0) -> None:
    """What the latest check of a feed found (replacing the one before)."""
    with connect(db_path) as conn, write_transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO feed_checks (feed_url, checked, error, entries, new_entries, stored, failed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", (feed_url, _utc_now(), error, entries, new_entries, stored, failed))


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


# --------------------------------------------------------------------------- reviews

_REVIEW_FIELDS = (
    "doc_id", "start", "end", "surface", "value", "status", "corrected_value", "corrected_period_start",
    "corrected_period_end", "corrected_item", "note", "reviewer",
)
_CORRECTIONS = ("corrected_value", "corrected_period_start", "corrected_period_end", "corrected_item")
_UPSERT_REVIEW = """
    INSERT INTO reviews ({cols}, reviewed_at) VALUES ({params}, :reviewed_at)
    ON CONFLICT(doc_id, start, "end", surface, ifnull(value, '')) DO UPDATE SET
        {updates}, reviewed_at = excluded.reviewed_at
""".format(
    cols=", ".join(f'"{c}"' for c in _REVIEW_FIELDS),
    params=", ".join(f":{c}" for c in _REVIEW_FIELDS),
    updates=", ".join(f"{c} = excluded.{c}" for c in _REVIEW_FIELDS[5:]),
)


def is_blank(value: Any) -> bool:
    """None, NaN/NaT (what a DataFrame row gives for a missing value) or an empty string."""
    import pandas as pd
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _review_row(row: Mapping[str, Any], reviewed_at: str) -> dict[str, Any]:
    """Validate one review and coerce numpy scalars (which sqlite3 cannot bind) to plain Python."""
    status = row.get("status")
    if status not in REVIEW_STATUSES:
        raise ValueError(f"review status must be one of {REVIEW_STATUSES}, got {status!r}")
    clean: dict[str, Any] = {key: (None if is_blank(row.get(key)) else row.get(key)) for key in _REVIEW_FIELDS}
    for key in ("doc_id", "start", "end", "surface"):
        if clean[key] is None:
            raise ValueError(f"a review needs {key!r} to find its figure: {dict(row)!r}")
    clean["start"], clean["end"] = int(clean["start"]), int(clean["end"])
    for key in ("value", "corrected_value"):
        if clean[key] is not None:
            clean[key] = float(clean[key])
    for key in ("corrected_period_start", "corrected_period_end"):
        if clean[key] is not None:
            clean[key] = _iso_date(clean[key])
    if status == "correct":
        if all(clean[key] is None for key in _CORRECTIONS):
            raise ValueError(f"a 'correct' review needs a corrected value, period or item: {dict(row)!r}")
    else:  # corrections only mean something on a 'correct' review; drop stale ones from an edited row
        clean.update(dict.fromkeys(_CORRECTIONS))
    clean["reviewed_at"] = reviewed_at
    return clean


def save_reviews(db_path: DbPath, rows: Sequence[Mapping[str, Any]]) -> int:
    """Upsert reviews, one current review per figure, all in one transaction; returns how many were saved.

    Each row names its figure by doc_id, start, end, surface and value (as shown in :func:`facts_frame`)
    and carries status (accept | correct | reject), the corrected_* fields, note and reviewer.
    Raises ValueError on an invalid row and ``sqlite3.IntegrityError`` for an unknown doc_id; nothing is
    saved then.
    """
    now = _utc_now()
    clean = [_review_row(row, now) for row in rows]
    if not clean:
        return 0
    with connect(db_path) as conn, write_transaction(conn):
        conn.executemany(_UPSERT_REVIEW, clean)
    return len(clean)


# --------------------------------------------------------------------------- queries

def _pair_string(frame: pd.DataFrame) -> pd.Series:
    """"A–B" for rows that have a pair, else missing (whole columns at once: a store holds 100,000 facts)."""
    import pandas as pd
    pair = frame["pair_a"].astype("str") + PAIR_SEPARATOR + frame["pair_b"].astype("str")
    return pd.Series(pair, index=frame.index, dtype="str", name=None)


def _parties(texts: pd.Series) -> list[list[str]]:
    """The JSON party lists, each distinct text parsed once (most facts name the same two countries)."""
    parsed: dict[str, list[str]] = {}
    out = []
    for text in texts.tolist():
        if text not in parsed:
            parsed[text] = json.loads(text)
        out.append(list(parsed[text]))  # a list of its own per row, as before
    return out


def _in_list(column: str, values: Iterable[Any] | None, params: list[Any]) -> str:
    """``column IN (?, ?, …)`` with the values appended to params; '' when no filter is asked for."""
    if values is None:
        return ""
    values = list(values)
    params.extend(values)
    return f" AND {column} IN ({', '.join('?' * len(values))})"


_FACTS_FROM = f"""
FROM facts f
JOIN documents d ON d.doc_id = f.doc_id
LEFT JOIN reviews r ON {_FIGURE_MATCH}
WHERE 1 = 1"""
# Every column a facts frame reads, and the SQL that gives it.
_FRAME_SQL: dict[str, str] = {
    "fact_id": "f.fact_id", "path": "d.path", "doc_id": "f.doc_id",
    **{c: f"d.{c}" for c in ("published", "title", "source", "url")},
    **{c: f'f."{c}"' for c in FACT_COLUMNS}, "pair_a": "f.pair_a", "pair_b": "f.pair_b",
    "extractor_version": "f.extractor_version", "review_status": "r.status", "corrected_value": "r.corrected_value",
    "corrected_period_start": "r.corrected_period_start", "corrected_period_end": "r.corrected_period_end",
    "corrected_item": "r.corrected_item", "note": "r.note",
}
# What the added columns (pair, effective_*) are made from: read whatever columns are asked for.
_ALWAYS_READ = ("fact_id", "value", "value_low", "value_high", "value_usd", "item", "period_start", "period_end",
                "pair_a", "pair_b", "review_status", "corrected_value", "corrected_period_start",
                "corrected_period_end", "corrected_item")


def _facts_select(columns: Iterable[str] | None) -> str:
    if columns is None:
        names = list(_FRAME_SQL)
    else:
        wanted = set(columns) | set(_ALWAYS_READ)
        unknown = wanted - set(_FRAME_SQL)
        if unknown:
            raise ValueError(f"not a stored fact column: {', '.join(sorted(unknown))}")
        names = [c for c in _FRAME_SQL if c in wanted]
    return "SELECT " + ", ".join(f'{_FRAME_SQL[c]} AS "{c}"' for c in names) + _FACTS_FROM


_FLOAT_COLUMNS = ("value", "value_low", "value_high", "value_usd", "fx_rate", "corrected_value")
_INT_COLUMNS = ("fact_id", "start", "end", "figure")
_NUMBER_TYPES = {c: "float64" for c in _FLOAT_COLUMNS} | {c: "int64" for c in _INT_COLUMNS}
_NOT_TEXT_COLUMNS = frozenset({*_NUMBER_TYPES, "plausible", "parties"})


def facts_frame(
    db_path: DbPath,
    pair: tuple[str, str] | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    include_rejected: bool = False,
    plausible_only: bool = True,
    fact_ids: Iterable[int] | None = None,
    any_of: Iterable[tuple[Iterable[str] | None, Iterable[str] | None]] = (),
    doc_ids: Iterable[str] | None = None,
    columns: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One row per fact: the whole fact record, its document's provenance, its review, and effective values.

    Filters run in SQL. ``start``/``end`` (ISO dates) keep facts whose period — as corrected by a review, else
    as extracted, else the document's publication day — overlaps ``[start, end]``. ``plausible_only`` drops
    facts the extractor flagged implausible unless a person accepted or corrected them. ``fact_ids`` keeps only
    those facts (the few a person clicked), still subject to the other filters. ``any_of`` keeps the facts that
    match at least one of its ``(metrics, kinds)`` clauses (None in a clause: any): ``[(["exports"], None)]``
    reads one metric, ``[(None, ["count"]), (["deal_value"], ["money"])]`` every count and the deal values.
    ``doc_ids`` keeps the facts of those documents. ``columns`` reads only those columns (and what the added
    ones are made from): a reader of 100,000 facts that needs no sentence, title or URL reads them in about
    half the time.

    Added columns: ``pair`` ("A–B"), ``review_status`` (missing if unreviewed), the ``corrected_*`` fields,
    ``note``, ``effective_value`` (the corrected value if there is one, else the value),
    ``effective_value_usd`` (value_usd scaled by the correction), ``effective_period_start``,
    ``effective_period_end`` and ``effective_item``. Dates stay ISO strings; ``parties`` is a list.
    """
    import pandas as pd
    where, params = _facts_where(pair, start, end, include_rejected, plausible_only, fact_ids, any_of, doc_ids)
    sql = _facts_select(columns) + where + " ORDER BY d.published, f.doc_id, f.start, f.fact_id"
    with connect(db_path) as conn:
        frame = pd.read_sql_query(sql, conn, params=params)
    # Text columns are always pandas' str (missing = NaN): read_sql leaves a column with no value in the rows
    # read as object (None), so a frame's dtypes would depend on which facts it holds.
    untyped_text = [c for c in frame.columns if c not in _NOT_TEXT_COLUMNS and frame[c].dtype == object]
    frame = frame.astype({c: t for c, t in _NUMBER_TYPES.items() if c in frame.columns}
                         | {c: "str" for c in untyped_text})
    if "plausible" in frame.columns:
        frame["plausible"] = frame["plausible"].astype(bool)
    if "parties" in frame.columns:  # object even with no row
        frame["parties"] = pd.Series(_parties(frame["parties"]), index=frame.index, dtype=object)
    frame["pair"] = _pair_string(frame)
    return _add_effective_values(frame)


def _facts_where(
    pair: tuple[str, str] | None = None,
    start: str | date | None = None,
    end: str | date | None = None,
    include_rejected: bool = False,
    plausible_only: bool = True,
    fact_ids: Iterable[int] | None = None,
    any_of: Iterable[tuple[Iterable[str] | None, Iterable[str] | None]] = (),
    doc_ids: Iterable[str] | None = None,
) -> tuple[str, list[Any]]:
    """The ``AND …`` conditions (and their parameters) of :func:`facts_frame`'s filters, for any read that must
    see exactly the facts it sees."""
    sql, params = "", []
    if pair is not None:
        sql += " AND f.pair_a = ? AND f.pair_b = ?"
        params.extend(_sorted_pair(pair))
    sql += _in_list("f.fact_id", None if fact_ids is None else [int(i) for i in fact_ids], params)
    sql += _in_list("f.doc_id", None if doc_ids is None else [str(d) for d in doc_ids], params)
    clauses = ["1 = 1" + _in_list("f.metric", clause_metrics, params) + _in_list("f.kind", clause_kinds, params)
               for clause_metrics, clause_kinds in any_of]
    if clauses:
        sql += " AND ((" + ") OR (".join(clauses) + "))"
    if start is not None:
        sql += " AND coalesce(r.corrected_period_end, f.period_end, d.published) >= ?"
        params.append(_iso_date(start))
    if end is not None:
        sql += " AND coalesce(r.corrected_period_start, f.period_start, d.published) <= ?"
        params.append(_iso_date(end))
    if not include_rejected:
        sql += " AND (r.status IS NULL OR r.status <> 'reject')"
    if plausible_only:
        sql += " AND (f.plausible = 1 OR r.status IN ('accept', 'correct'))"
    return sql, params


def counted(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a ``facts_frame(include_rejected=True, plausible_only=False)`` that the default filters keep
    (the same rule as :func:`_facts_where`), so a page that needs both need not read the store twice. Same rows
    and values as the default read; a column left without any value keeps its dtype from the full read."""
    status = frame["review_status"]
    keep = status.ne("reject") & (frame["plausible"].astype(bool) | status.isin(["accept", "correct"]))
    return frame[keep.to_numpy()].reset_index(drop=True)


def count_facts(db_path: DbPath, pair: tuple[str, str] | None = None, start: str | date | None = None,
                end: str | date | None = None) -> int:
    """How many facts :func:`facts_frame` would return for this pair and period (its default filters), without
    reading them: enough for a page to decide it has nothing to show."""
    where, params = _facts_where(pair, start=start, end=end)
    with connect(db_path) as conn:
        return int(conn.execute("SELECT count(*)" + _FACTS_FROM + where, params).fetchone()[0])


def fact_periods(db_path: DbPath, pair: tuple[str, str] | None = None,
                 any_of: Iterable[tuple[Iterable[str] | None, Iterable[str] | None]] = ()) -> pd.DataFrame:
    """The distinct ``effective_period_start``, ``effective_period_end`` and ``published`` of the facts
    :func:`facts_frame` returns by default (``any_of`` as there): what a period slider needs, without reading
    every fact."""
    import pandas as pd
    where, params = _facts_where(pair, any_of=any_of)
    sql = ("SELECT DISTINCT coalesce(r.corrected_period_start, f.period_start) AS effective_period_start, "
           "coalesce(r.corrected_period_end, f.period_end) AS effective_period_end, d.published"
           + _FACTS_FROM + where)
    with connect(db_path) as conn:
        return pd.read_sql_query(sql, conn, params=params)


def _add_effective_values(frame: pd.DataFrame) -> pd.DataFrame:
    """What a chart should plot: the reviewer's correction where there is one.

    A corrected value rescales value_usd by corrected/original (the FX rate is unchanged); for a range the
    original is its midpoint. Without an original to scale from, the USD value is unknown (NaN), not stale.
    """
    corrected = frame["review_status"].eq("correct") & frame["corrected_value"].notna()
    original = frame["value"].fillna((frame["value_low"] + frame["value_high"]) / 2)
    scale = (frame["corrected_value"] / original.where(original != 0)).where(corrected, 1.0)
    frame["effective_value"] = frame["corrected_value"].where(corrected, frame["value"])
    frame["effective_value_usd"] = frame["value_usd"] * scale
    frame["effective_period_start"] = frame["corrected_period_start"].fillna(frame["period_start"])
    frame["effective_period_end"] = frame["corrected_period_end"].fillna(frame["period_end"])
    frame["effective_item"] = frame["corrected_item"].fillna(frame["item"])
    return frame


def documents_frame(db_path: DbPath) -> pd.DataFrame:
    """One row per document (without its text), newest publication first, with fact and review counts."""
    import pandas as pd
    sql = """
        SELECT d.doc_id, d.path, d.title, d.source, d.url, d.published, d.retrieved, d.encoding,
               d.pair_a, d.pair_b, d.extractor_version, d.n_facts,
               (SELECT count(*) FROM reviews r WHERE r.doc_id = d.doc_id) AS n_reviews
        FROM documents d
        ORDER BY d.published DESC NULLS LAST, d.retrieved DESC, d.doc_id
    """
    with connect(db_path) as conn:
        frame = pd.read_sql_query(sql, conn)
    frame = frame.astype({"n_facts": "int64", "n_reviews": "int64"})
    frame.insert(frame.columns.get_loc("pair_b") + 1, "pair", _pair_string(frame))
    return frame


def document_text(db_path: DbPath, doc_id: str) -> str | None:
    """The stored text of one document (fact offsets refer to it), or None if there is no such document."""
    with connect(db_path) as conn:
        row = conn.execute("SELECT text FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
    return None if row is None else row[0]


def pairs(db_path: DbPath) -> list[tuple[str, str]]:
    """Country pairs that have facts, the most-reported first (ties alphabetical)."""
    sql = """
        SELECT pair_a, pair_b FROM facts WHERE pair_a IS NOT NULL AND pair_b IS NOT NULL
        GROUP BY pair_a, pair_b ORDER BY count(*) DESC, pair_a, pair_b
    """
    with connect(db_path) as conn:
        return [(a, b) for a, b in conn.execute(sql)]


def summary(db_path: DbPath, pair: tuple[str, str] | None = None) -> dict[str, Any]:
    """``latest_published`` (ISO date or None), ``n_documents`` and ``n_facts`` — for all, or for one pair.

    A document belongs to a pair if it is about that pair or has a fact about it. ``n_facts`` counts every
    stored fact, before reviews and plausibility filter them.
    """
    a, b = _sorted_pair(pair)
    sql = """
        WITH docs AS (
            SELECT published FROM documents
            WHERE :a IS NULL OR (pair_a = :a AND pair_b = :b)
               OR doc_id IN (SELECT doc_id FROM facts WHERE pair_a = :a AND pair_b = :b)
        )
        SELECT (SELECT max(published) FROM docs), (SELECT count(*) FROM docs),
               (SELECT count(*) FROM facts WHERE :a IS NULL OR (pair_a = :a AND pair_b = :b))
    """
    with connect(db_path) as conn:
        latest, n_documents, n_facts = conn.execute(sql, {"a": a, "b": b}).fetchone()
    return {"latest_published": latest, "n_documents": n_documents, "n_facts": n_facts}


def orphaned_reviews(db_path: DbPath) -> pd.DataFrame:
    """Reviews whose figure (span, surface and value) the current extraction no longer produces."""
    import pandas as pd
    sql = f"""
        SELECT r.review_id, r.doc_id, d.title, r.start, r."end", r.surface, r.value, r.status,
               r.corrected_value, r.corrected_period_start, r.corrected_period_end, r.corrected_item,
               r.note, r.reviewer, r.reviewed_at
        FROM reviews r JOIN documents d ON d.doc_id = r.doc_id
        WHERE NOT EXISTS (SELECT 1 FROM facts f WHERE {_FIGURE_MATCH})
        ORDER BY r.doc_id, r.start, r.review_id
    """
    with connect(db_path) as conn:
        frame = pd.read_sql_query(sql, conn)
    return frame.astype({"review_id": "int64", "start": "int64", "end": "int64", "value": "float64",
                         "corrected_value": "float64"})


# --------------------------------------------------------------------------- official statistics

OFFICIAL_FIELDS: tuple[str, ...] = (
    "reporter", "partner", "flow", "period_start", "period_end", "value", "currency", "value_usd", "source", "url",
    "file", "file_format",
)
OFFICIAL_FLOWS = ("exports", "imports", "trade_total")
_OFFICIAL_KEY = ("source", "reporter", "partner", "flow", "period_start", "period_end")
_OFFICIAL_COMPARED = ("value", "currency", "value_usd", "url")  # a change in any of these is a revision


def save_official(db_path: DbPath, rows: Sequence[Mapping[str, Any]]) -> list[SaveOutcome]:
    """Store official figures in one transaction; one outcome per row: 'new', 'unchanged' or 'updated'.

    A figure is the same figure when source, reporter, partner, flow and period are the same, so loading a
    file twice changes nothing, and loading a revised file replaces the revised values (and names that file).
    """
    now = _utc_now()
    outcomes: list[SaveOutcome] = []
    with connect(db_path) as conn, write_transaction(conn):
        for row in rows:
            clean = _official_row(row)
            key = [clean[c] for c in _OFFICIAL_KEY]
            found = conn.execute(
                "SELECT official_id, value, currency, value_usd, url FROM official_figures WHERE source = ? "
                "AND reporter = ? AND partner = ? AND flow = ? AND period_start = ? AND period_end = ?", key,
            ).fetchone()
            if found is not None and tuple(found[1:]) == tuple(clean[c] for c in _OFFICIAL_COMPARED):
                outcomes.append("unchanged")
                continue
            clean["loaded_at"] = now
            clean["pair_a"], clean["pair_b"] = sorted((clean["reporter"], clean["partner"]))
            if found is None:
                columns = (*OFFICIAL_FIELDS, "pair_a", "pair_b", "loaded_at")
                conn.execute(f"INSERT INTO official_figures ({', '.join(columns)}) "  # noqa: S608 - our own names
                             f"VALUES ({', '.join(':' + c for c in columns)})", clean)
                outcomes.append("new")
            else:
                conn.execute("UPDATE official_figures SET value = :value, currency = :currency, "
                             "value_usd = :value_usd, url = :url, file = :file, file_format = :file_format, "
                             "loaded_at = :loaded_at WHERE official_id = :official_id",
                             clean | {"official_id": found[0]})
                outcomes.append("updated")
    return outcomes


def _official_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """One official figure checked for what the table needs (the readers check the rest, with line numbers)."""
    clean = {field: (None if is_blank(row.get(field)) else row.get(field)) for field in OFFICIAL_FIELDS}
    for field in ("reporter", "partner", "flow", "period_start", "period_end", "value", "currency", "source",
                  "file", "file_format"):
        if clean[field] is None:
            raise ValueError(f"an official figure needs {field!r}: {dict(row)!r}")
    if clean["flow"] not in OFFICIAL_FLOWS:
        raise ValueError(f"flow must be one of {OFFICIAL_FLOWS}, got {clean['flow']!r}")
    clean["period_start"], clean["period_end"] = _iso_date(clean["period_start"]), _iso_date(clean["period_end"])
    clean["value"] = float(clean["value"])
    clean["value_usd"] = None if clean["value_usd"] is None else float(clean["value_usd"])
    return clean


def official_frame(db_path: DbPath, pairs: Iterable[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Official figures, for these pairs (either order) or all, by pair, period, flow and reporter.

    Added column: ``pair`` ("A–B", sorted, as facts name pairs). Dates stay ISO strings.
    """
    import pandas as pd
    sql = ("SELECT official_id, reporter, partner, flow, period_start, period_end, value, currency, value_usd, "
           "source, url, file, file_format, pair_a, pair_b, loaded_at FROM official_figures")
    params: list[str] = []
    if pairs is not None:
        wanted = [_sorted_pair(list(p)) for p in pairs]
        if not wanted:
            sql += " WHERE 0"
        else:
            sql += " WHERE " + " OR ".join("(pair_a = ? AND pair_b = ?)" for _ in wanted)
            params = [name for pair in wanted for name in pair]
    sql += " ORDER BY pair_a, pair_b, period_start, period_end, flow, reporter, source"
    with connect(db_path) as conn:
        frame = pd.read_sql_query(sql, conn, params=params)
    frame = frame.astype({"official_id": "int64", "value": "float64", "value_usd": "float64"})
    frame["pair"] = _pair_string(frame)
    return frame


# --------------------------------------------------------------------------- small helpers

def _utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso_date(value: str | date) -> str:
    """Dates are compared as ISO strings in SQL, so refuse anything else rather than filter silently wrong."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)).isoformat()
