"""The review queue: every figure in the order an analyst works through it (unreviewed first, then conflicts, then
the newest articles), its evidence marked in its sentence, a page at a time, and what an edit in the table becomes
as a review to save. Pure pandas: the Review page (through ``dashboard.ui.review``) draws it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

import pandas as pd

from dashboard.labels import MISSING_OUTLET, format_amount, outlet_column
from dashboard.queries import map_unique
from datastore.store import is_blank

EDITABLE_COLUMNS: tuple[str, ...] = (
    "status", "corrected_value", "corrected_period_start", "corrected_period_end", "corrected_item", "note",
)
# How save_reviews finds a figure; the queue carries these even though the page hides them.
FIGURE_IDENTITY: tuple[str, ...] = ("doc_id", "start", "end", "surface", "value")
MARK_OPEN, MARK_CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧: plain characters, safe in any table cell


def marked_sentence(sentence: str, surface: str, occurrence: int = 0) -> str:
    """The sentence with the figure between ⟦ ⟧, as plain text (never Markdown or HTML).

    `occurrence` picks which appearance of the surface to mark when the sentence repeats it.

    >>> marked_sentence("Trade was $5 billion, not $5 billion.", "$5 billion", 1)
    'Trade was $5 billion, not ⟦$5 billion⟧.'
    """
    position = -1
    for _ in range(occurrence + 1):
        position = sentence.find(surface, position + 1)
        if position < 0:
            return f"{sentence} {MARK_OPEN}{surface}{MARK_CLOSE}"
    end = position + len(surface)
    return f"{sentence[:position]}{MARK_OPEN}{surface}{MARK_CLOSE}{sentence[end:]}"


def _figure_text(value: Any, unit: Any, value_low: Any, value_high: Any, qualifier: Any, status: Any) -> str:
    """What the extractor read, e.g. "49.36 billion USD · trade_total" or "5 · ordered"."""
    if pd.notna(value):
        text = format_amount(value, unit)
    else:
        text = f"{format_amount(value_low, None)}–{format_amount(value_high, unit)}"
    if qualifier not in ("exact", "range"):
        text = f"{qualifier} {text}"
    return text if pd.isna(status) else f"{text} · {status}"


# India–Russia's 19,530 facts at 100,000: 56 ms a text per row, 21 ms once per distinct reading (timeit)
def _figure_texts(frame: pd.DataFrame) -> list[str]:
    """:func:`_figure_text` of each row, once per distinct reading."""
    return map_unique(_figure_text, *(frame[c] for c in ("value", "unit", "value_low", "value_high", "qualifier",
                                                          "status")))


def _period_text(label: Any, start: Any, end: Any) -> str | None:
    """The period label, else "start – end", else None (no period found)."""
    if not is_blank(label):
        return str(label)
    if is_blank(start) and is_blank(end):
        return None
    return f"{start} – {end}"



# What review_order, conflicts, filter_queue and document_choices read: a page that orders 100,000 facts reads
# these (store.facts_frame(columns=...)) and the sentences, links and notes of the rows it shows only.
REVIEW_ORDER_INPUT: tuple[str, ...] = (
    "fact_id", "doc_id", "published", "source", "title", "surface", "kind", "unit", "value_low", "value_high",
    "metric", "status", "figure", "start", "end", "plausible", "period_label",
)


# The display text of all 101,246 facts of the store: 709 ms; of a page of 100, 11 ms (timeit)
def review_order(facts: pd.DataFrame, conflict_fact_ids: Collection[int] = ()) -> pd.DataFrame:
    """The queue's rows in order, with `conflict`, from whole columns only (:func:`dress_queue` makes the display
    text for the rows a page shows). Needs only :data:`REVIEW_ORDER_INPUT` of the facts."""
    frame = facts.assign(
        conflict=facts["fact_id"].isin(set(conflict_fact_ids)),
        _reviewed=facts["review_status"].notna(),
        _published=facts["published"].fillna(""),
    )
    frame = frame.sort_values(["_reviewed", "conflict", "_published", "doc_id", "start", "fact_id"],
                              ascending=[True, False, False, True, True, True])
    return frame.drop(columns=["_reviewed", "_published"]).reset_index(drop=True)


def with_text(rows: pd.DataFrame, document_facts: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`review_order` (any slice, in its order) as whole fact rows taken from `document_facts`,
    with their `conflict` and `occurrence`: which appearance of its surface in its sentence the figure is.

    `document_facts` holds every fact (rejected and implausible ones too) of the rows' documents, with every
    column: a figure's twins in its sentence decide its occurrence, wherever the queue puts them. Rows whose
    fact is not there (deleted since the queue was built) are left out.
    """
    facts = document_facts.sort_values(["doc_id", "start", "fact_id"])
    facts = facts.assign(occurrence=facts.groupby(["doc_id", "sentence", "surface"], sort=False).cumcount())
    by_id = facts.set_index("fact_id", drop=False)
    wanted = rows.loc[rows["fact_id"].isin(by_id.index).to_numpy(), ["fact_id", "conflict"]]
    out = by_id.loc[wanted["fact_id"].to_numpy()].reset_index(drop=True)
    out["conflict"] = wanted["conflict"].to_numpy()
    return out


def dress_queue(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`with_text` as the editor shows them: evidence, what was read,
    the period as text, and the review columns under the names the editor edits."""
    return pd.DataFrame({
        "fact_id": rows["fact_id"],
        "evidence": [marked_sentence(s, f, int(k)) for s, f, k in zip(rows["sentence"], rows["surface"],
                                                                      rows["occurrence"], strict=True)],
        "figure_text": _figure_texts(rows),
        "metric": rows["metric"], "item": rows["item"],
        "period": [_period_text(*p) for p in zip(rows["period_label"], rows["period_start"], rows["period_end"],
                                                 strict=True)],
        "pair": rows["pair"], "title": rows["title"], "source": outlet_column(rows["source"]),
        "published": rows["published"],
        "url": rows["url"], "conflict": rows["conflict"],
        "status": rows["review_status"], "corrected_value": rows["corrected_value"],
        "corrected_period_start": pd.to_datetime(rows["corrected_period_start"], errors="coerce"),
        "corrected_period_end": pd.to_datetime(rows["corrected_period_end"], errors="coerce"),
        "corrected_item": rows["corrected_item"], "note": rows["note"],
        **{column: rows[column] for column in FIGURE_IDENTITY},
    }).reset_index(drop=True)


def filter_queue(queue: pd.DataFrame, pair: str | None = None, metric: str | None = None,
                 doc_id: str | None = None, conflicts_only: bool = False) -> pd.DataFrame:
    """The queue rows a person asked for; None means "any"."""
    keep = pd.Series(True, index=queue.index)
    for column, wanted in (("pair", pair), ("metric", metric), ("doc_id", doc_id)):
        if wanted is not None:
            keep &= queue[column].eq(wanted)
    if conflicts_only:
        keep &= queue["conflict"]
    return queue[keep.to_numpy()].reset_index(drop=True)


# The 7,440 documents of the 100,000-fact store: 228 ms a label per document, 24 ms from whole columns (timeit)
def document_choices(queue: pd.DataFrame) -> dict[str, str]:
    """The queue's documents, newest first, as doc_id → "published · outlet · title" (blank parts named), built
    from whole columns."""
    docs = queue.drop_duplicates("doc_id").sort_values("published", ascending=False)

    def text(column: str, blank: pd.Series | str) -> pd.Series:
        values = docs[column]
        return values.where(values.notna() & values.ne(""), blank).astype(str)

    labels = text("published", "undated") + " · " + text("source", MISSING_OUTLET) + " · " + \
        text("title", docs["doc_id"])
    return dict(zip(docs["doc_id"], labels, strict=True))


def page_count(n_rows: int, page_size: int) -> int:
    """Pages needed for `n_rows` (at least one, so an empty queue still has a page 1).

    >>> page_count(0, 100), page_count(100, 100), page_count(101, 100)
    (1, 1, 2)
    """
    return max(1, -(-n_rows // page_size))


def queue_page(queue: pd.DataFrame, page: int, page_size: int) -> pd.DataFrame:
    """Page `page` (from 1) of the queue; a page past the end gives the last one, so a queue that shrank after
    a save never shows an empty table while figures remain."""
    page = min(max(1, page), page_count(len(queue), page_size))
    return queue.iloc[(page - 1) * page_size: page * page_size]


def _iso_day(value: Any) -> str | None:
    """A date cell (date, Timestamp, or the ISO string an edit comes back as) as YYYY-MM-DD."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return pd.Timestamp(str(value)).date().isoformat()


def review_rows(shown: pd.DataFrame, edited_rows: Mapping[Any, Mapping[str, Any]],
                reviewer: str | None = None) -> tuple[list[dict[str, Any]], list[int]]:
    """Turn a data editor's `edited_rows` (positions in `shown`) into save_reviews rows.

    Each edit is laid over the row's current review, so editing only the note keeps the status. A row that
    gets a corrected value, period or item but no status is a correction. Returns the rows and the positions
    that still have no status (nothing to save for them).
    """
    rows: list[dict[str, Any]] = []
    missing_status: list[int] = []
    for position, edits in sorted((int(k), v) for k, v in edited_rows.items()):
        if not 0 <= position < len(shown):
            continue  # an edit of a row that is no longer shown
        current = shown.iloc[position]
        merged = {column: current[column] for column in EDITABLE_COLUMNS} | dict(edits)
        corrections = ("corrected_value", "corrected_period_start", "corrected_period_end", "corrected_item")
        if is_blank(merged["status"]) and any(not is_blank(merged[c]) for c in corrections):
            merged["status"] = "correct"
        if is_blank(merged["status"]):
            missing_status.append(position)
            continue
        row = {column: current[column] for column in FIGURE_IDENTITY}
        row.update(
            status=merged["status"],
            corrected_value=None if is_blank(merged["corrected_value"]) else float(merged["corrected_value"]),
            corrected_period_start=_iso_day(merged["corrected_period_start"]),
            corrected_period_end=_iso_day(merged["corrected_period_end"]),
            corrected_item=None if is_blank(merged["corrected_item"]) else str(merged["corrected_item"]).strip(),
            note=None if is_blank(merged["note"]) else str(merged["note"]),
            reviewer=reviewer or None,
        )
        rows.append(row)
    return rows, missing_status
