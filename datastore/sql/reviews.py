"""People's reviews of figures: saved one current review per figure, and those whose figure has gone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from datastore.sql.schema import FIGURE_MATCH, REVIEW_STATUSES, DbPath, connect, read_frame, write_transaction
from datastore.sql.values import is_blank, iso_date, utc_now

if TYPE_CHECKING:
    import pandas as pd

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
            clean[key] = iso_date(clean[key])
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
    now = utc_now()
    clean = [_review_row(row, now) for row in rows]
    if not clean:
        return 0
    with connect(db_path) as conn, write_transaction(conn):
        conn.executemany(_UPSERT_REVIEW, clean)
    return len(clean)


def orphaned_reviews(db_path: DbPath) -> pd.DataFrame:
    """Reviews whose figure (span, surface and value) the current extraction no longer produces."""
    sql = f"""
        SELECT r.review_id, r.doc_id, d.title, r.start, r."end", r.surface, r.value, r.status,
               r.corrected_value, r.corrected_period_start, r.corrected_period_end, r.corrected_item,
               r.note, r.reviewer, r.reviewed_at
        FROM reviews r JOIN documents d ON d.doc_id = r.doc_id
        WHERE NOT EXISTS (SELECT 1 FROM facts f WHERE {FIGURE_MATCH})
        ORDER BY r.doc_id, r.start, r.review_id
    """
    return read_frame(db_path, sql, types={"review_id": "int64", "start": "int64", "end": "int64",
                                           "value": "float64", "corrected_value": "float64"})
