"""The SQLite store, as its callers see it: documents, their facts, people's reviews of them, feed bookkeeping and
official statistics loaded beside them. Every SQL statement lives in :mod:`datastore.sql`, a module per group of
tables; this module names what the rest of the code may use (``from datastore import store``).

What goes wrong in the store leaves it as a :class:`StoreError` (a refused write as :class:`StoreRefused`, a
database from a newer release as :class:`SchemaError`): callers catch that, never ``sqlite3`` errors.
"""

from __future__ import annotations

from datastore.countries import PAIR_SEPARATOR
from datastore.sql.documents import (
    PreparedDocument,
    SaveOutcome,
    delete_document,
    prepare_document,
    save_document,
    save_documents,
    save_prepared,
)
from datastore.sql.facts import (
    count_facts,
    counted,
    document_text,
    documents_frame,
    fact_periods,
    facts_frame,
    pairs,
    summary,
)
from datastore.sql.feed_entries import (
    FeedEntryOutcome,
    feed_checks,
    record_feed_check,
    save_feed_entry,
    unseen_entries,
)
from datastore.sql.migrations import MIGRATIONS, SCHEMA_VERSION
from datastore.sql.official import OFFICIAL_FIELDS, OFFICIAL_FLOWS, official_frame, save_official
from datastore.sql.reviews import orphaned_reviews, save_reviews
from datastore.sql.schema import (
    BUSY_TIMEOUT_S,
    DOCUMENT_PROVENANCE,
    FACT_COLUMNS,
    REVIEW_STATUSES,
    DbPath,
    DocumentHasReviews,
    SchemaError,
    StoreError,
    StoreRefused,
    connect,
    default_db_path,
    schema_version,
    write_transaction,
)
from datastore.sql.values import is_blank

__all__ = [
    "BUSY_TIMEOUT_S", "DOCUMENT_PROVENANCE", "FACT_COLUMNS", "MIGRATIONS", "OFFICIAL_FIELDS", "OFFICIAL_FLOWS",
    "PAIR_SEPARATOR", "REVIEW_STATUSES", "SCHEMA_VERSION", "DbPath", "DocumentHasReviews", "FeedEntryOutcome",
    "PreparedDocument", "SaveOutcome", "SchemaError", "StoreError", "StoreRefused", "connect", "count_facts",
    "counted", "default_db_path", "delete_document", "document_text", "documents_frame", "fact_periods",
    "facts_frame", "feed_checks", "is_blank", "official_frame", "orphaned_reviews", "pairs", "prepare_document",
    "record_feed_check", "save_document", "save_documents", "save_feed_entry", "save_official", "save_prepared",
    "save_reviews", "schema_version", "summary", "unseen_entries", "write_transaction",
]
