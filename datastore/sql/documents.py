"""Documents and their facts written to the store: one transaction a batch, idempotent, reviews never touched."""

from __future__ import annotations

import hashlib
import json
import operator
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from datastore.sql.schema import FACT_COLUMNS, DbPath, DocumentHasReviews, connect, write_transaction
from datastore.sql.values import sorted_pair, utc_now
from extractors.model import Document, Fact

SaveOutcome = Literal["new", "unchanged", "updated"]

# What makes two extractions of one document "the same": everything but offsets and sentence text, which
# move when only whitespace or line endings differ (and the document id ignores those).
_DIGEST_FIELDS = tuple(c for c in FACT_COLUMNS if c not in ("sentence", "start", "end"))
_DIGEST_SURFACE = _DIGEST_FIELDS.index("surface")


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
    return (doc.doc_id, *values, *sorted_pair(parties if len(parties) >= 2 else doc.pair), extractor_version)


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
        "retrieved": utc_now(),
    }
    values["pair_a"], values["pair_b"] = sorted_pair(doc.pair)
    return PreparedDocument(values, [_fact_row(fact, doc, extractor_version) for fact in facts], one_per_url)


def save_prepared(db_path: DbPath, prepared: Sequence[PreparedDocument]) -> list[SaveOutcome]:
    """Write prepared documents in one transaction; outcomes as :func:`save_document` gives them.

    The stored versions are looked up in one query and the new rows go in with one statement per table:
    the one process that writes during an ingest shares the machine with the workers. A document named a
    second time in the batch first flushes what is pending, so it sees the first as saved. A fetched story
    (``one_per_url``) whose address another stored document already has is 'unchanged': that one is kept."""
    with connect(db_path) as conn, write_transaction(conn):
        return write_prepared(conn, prepared)


def write_prepared(conn: sqlite3.Connection, prepared: Sequence[PreparedDocument]) -> list[SaveOutcome]:
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

