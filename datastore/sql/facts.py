"""Reading the store: facts (with their document's provenance and their review applied), documents, pairs and the
store's summary, as the frames every page works from."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from datastore.countries import PAIR_SEPARATOR
from datastore.sql.schema import FACT_COLUMNS, FIGURE_MATCH, DbPath, connect, read_frame
from datastore.sql.values import iso_date, sorted_pair

if TYPE_CHECKING:
    import pandas as pd

Clauses = Iterable[tuple[Iterable[str] | None, Iterable[str] | None]]  # (metrics, kinds); None in a clause: any


def pair_string(frame: pd.DataFrame) -> pd.Series:
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
LEFT JOIN reviews r ON {FIGURE_MATCH}
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
    any_of: Clauses = (),
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
    where, params = _facts_where(pair, start, end, any_of, include_rejected=include_rejected,
                                 plausible_only=plausible_only, fact_ids=fact_ids, doc_ids=doc_ids)
    frame = read_frame(db_path, _facts_select(columns) + where + " ORDER BY d.published, f.doc_id, f.start, f.fact_id",
                       params)
    # Text columns are always pandas' str (missing = NaN): read_sql leaves a column with no value in the rows
    # read as object (None), so a frame's dtypes would depend on which facts it holds.
    untyped_text = [c for c in frame.columns if c not in _NOT_TEXT_COLUMNS and frame[c].dtype == object]
    frame = frame.astype({c: t for c, t in _NUMBER_TYPES.items() if c in frame.columns}
                         | {c: "str" for c in untyped_text})
    if "plausible" in frame.columns:
        frame["plausible"] = frame["plausible"].astype(bool)
    if "parties" in frame.columns:  # object even with no row
        frame["parties"] = pd.Series(_parties(frame["parties"]), index=frame.index, dtype=object)
    frame["pair"] = pair_string(frame)
    return _add_effective_values(frame)


def _facts_where(pair: tuple[str, str] | None, start: str | date | None = None, end: str | date | None = None,
                 any_of: Clauses = (), *, include_rejected: bool = False, plausible_only: bool = True,
                 fact_ids: Iterable[int] | None = None, doc_ids: Iterable[str] | None = None) -> tuple[str, list[Any]]:
    """The ``AND …`` conditions (and their parameters) of :func:`facts_frame`'s filters, for any read that must
    see exactly the facts it sees."""
    sql, params = "", []
    if pair is not None:
        sql += " AND f.pair_a = ? AND f.pair_b = ?"
        params.extend(sorted_pair(pair))
    sql += _in_list("f.fact_id", None if fact_ids is None else [int(i) for i in fact_ids], params)
    sql += _in_list("f.doc_id", None if doc_ids is None else [str(d) for d in doc_ids], params)
    clauses = ["1 = 1" + _in_list("f.metric", clause_metrics, params) + _in_list("f.kind", clause_kinds, params)
               for clause_metrics, clause_kinds in any_of]
    if clauses:
        sql += " AND ((" + ") OR (".join(clauses) + "))"
    if start is not None:
        sql += " AND coalesce(r.corrected_period_end, f.period_end, d.published) >= ?"
        params.append(iso_date(start))
    if end is not None:
        sql += " AND coalesce(r.corrected_period_start, f.period_start, d.published) <= ?"
        params.append(iso_date(end))
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
    where, params = _facts_where(pair, start, end)
    with connect(db_path) as conn:
        return int(conn.execute("SELECT count(*)" + _FACTS_FROM + where, params).fetchone()[0])


def fact_periods(db_path: DbPath, pair: tuple[str, str] | None = None, any_of: Clauses = ()) -> pd.DataFrame:
    """The distinct ``effective_period_start``, ``effective_period_end`` and ``published`` of the facts
    :func:`facts_frame` returns by default (``any_of`` as there): what a period slider needs, without reading
    every fact."""
    where, params = _facts_where(pair, any_of=any_of)
    sql = ("SELECT DISTINCT coalesce(r.corrected_period_start, f.period_start) AS effective_period_start, "
           "coalesce(r.corrected_period_end, f.period_end) AS effective_period_end, d.published"
           + _FACTS_FROM + where)
    return read_frame(db_path, sql, params)


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
    sql = """
        SELECT d.doc_id, d.path, d.title, d.source, d.url, d.published, d.retrieved, d.encoding,
               d.pair_a, d.pair_b, d.extractor_version, d.n_facts,
               (SELECT count(*) FROM reviews r WHERE r.doc_id = d.doc_id) AS n_reviews
        FROM documents d
        ORDER BY d.published DESC NULLS LAST, d.retrieved DESC, d.doc_id
    """
    frame = read_frame(db_path, sql, types={"n_facts": "int64", "n_reviews": "int64"})
    frame.insert(frame.columns.get_loc("pair_b") + 1, "pair", pair_string(frame))
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
    a, b = sorted_pair(pair)
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

