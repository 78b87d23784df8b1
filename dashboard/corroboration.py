"""Which reported figure to believe: corroboration groups, canonical values, conflicts, defence balances, review queue.

Canonical rule. Reports of the same thing (same pair, metric, item, status and period; one article's figure
given in two currencies is one report; rejected reports never count) are ranked, and the first one is canonical:
(1) reviewed reports (accepted or corrected) beat unreviewed ones;
(2) among those, the value the most distinct outlets in the group agree with, within a tolerance (default 5%);
(3) then the latest publication, then the lowest fact_id. A report further than the tolerance from it is a conflict.

Everything here is pure pandas over frames shaped like :func:`dashboard.store.facts_frame` (it reads the
``effective_*`` columns, so a reviewer's correction of value, period or item is what counts), so it can be
tested, scripted and shown by any page without Streamlit.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from dashboard.queries import MISSING_OUTLET, map_unique, outlet_column, text_or, unnamed
from datastore.store import is_blank

DEFAULT_TOLERANCE = 0.05
REVIEWED = ("accept", "correct")
# What makes two reports "the same thing". `compared_unit` is USD for money with an exchange rate, else the
# figure's own unit, so that a count of jets never corroborates a deal value and percentages stay apart.
GROUP_KEY: tuple[str, ...] = ("pair", "metric", "item", "status", "period_start", "period_end", "compared_unit")
# A count whose extractor gave no status still says something through its metric.
STATUS_FROM_METRIC = {"order": "ordered", "delivery": "delivered"}
BALANCE_STATUSES = ("ordered", "delivered", "remaining")

EDITABLE_COLUMNS: tuple[str, ...] = (
    "status", "corrected_value", "corrected_period_start", "corrected_period_end", "corrected_item", "note",
)
# How save_reviews finds a figure; the queue carries these even though the page hides them.
FIGURE_IDENTITY: tuple[str, ...] = ("doc_id", "start", "end", "surface", "value")
MARK_OPEN, MARK_CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧: plain characters, safe in any table cell


# --------------------------------------------------------------------------- reports and groups

def _reports(facts: pd.DataFrame) -> pd.DataFrame:
    """One row per report: facts not rejected, with a comparable `amount`, collapsed over paired currencies.

    A report is one figure of one article (same doc_id and `figure` number; figure 0 means "not numbered",
    so such a fact is a report of its own). Its representative fact is the reviewed one, else the one stated in
    USD (no exchange rate of ours involved), else the first in the text; `fact_ids` lists all of them.
    """
    frame = facts.loc[facts["review_status"].ne("reject").to_numpy(),
                      [c for c in _REPORT_INPUT if c in facts.columns]].copy()  # copy only what is used
    for column in ("item", "period_start", "period_end"):
        frame[column] = frame[f"effective_{column}"]
    value = frame["effective_value"].fillna((frame["value_low"] + frame["value_high"]) / 2)
    value_usd = frame["effective_value_usd"]
    in_usd = frame["kind"].eq("money") & value_usd.notna()
    frame["amount"] = value_usd.where(in_usd, value)
    frame["amount_in_unit"] = value
    frame["amount_usd"] = value_usd.where(frame["kind"].eq("money"))
    frame["compared_unit"] = frame["unit"].where(~in_usd, "USD")
    frame = frame.loc[frame["amount"].notna().to_numpy()]
    is_count = frame["kind"].eq("count")
    frame["status"] = frame["status"].where(~is_count, frame["status"].fillna(frame["metric"].map(STATUS_FROM_METRIC)))
    # a document without a source is an outlet of its own: it counts once towards agreement, never with another
    frame["outlet"] = frame["source"].where(~unnamed(frame["source"]),
                                            MISSING_OUTLET + " (document " + frame["doc_id"].astype(str) + ")")
    frame["reviewed"] = frame["review_status"].isin(REVIEWED)
    frame["report"] = frame["figure"].where(frame["figure"] > 0, -frame["fact_id"])
    frame["stated_in_usd"] = frame["unit"].eq("USD")

    frame = frame.sort_values(["reviewed", "stated_in_usd", "start", "fact_id"], ascending=[False, False, True, True])
    frame["report_id"] = frame.groupby([*GROUP_KEY, "doc_id", "report"], dropna=False, sort=False).ngroup()
    reports = frame.drop_duplicates("report_id").copy()
    reports["fact_ids"] = reports["report_id"].map(_fact_ids_by_report(frame))
    reports["group_id"] = reports.groupby(list(GROUP_KEY), dropna=False, sort=True).ngroup()
    return reports.sort_values(["group_id", "published", "fact_id"], na_position="first").reset_index(drop=True)


# The fact columns reports are made from and what canonical_figures, conflicts and defence_balance show of them.
_REPORT_INPUT: tuple[str, ...] = (
    "fact_id", "doc_id", "title", "url", "source", "published", "surface", "kind", "unit", "value_low", "value_high",
    "metric", "status", "figure", "start", "pair", "period_label", "review_status", "corrected_value",
    "effective_value", "effective_value_usd", "effective_item", "effective_period_start", "effective_period_end",
)


def _fact_ids_by_report(frame: pd.DataFrame) -> pd.Series:
    """report_id → the sorted fact ids of its facts (one pass in Python: a groupby lambda per report was slow)."""
    grouped: dict[int, list[int]] = {}
    for report_id, fact_id in zip(frame["report_id"].tolist(), frame["fact_id"].tolist(), strict=True):
        grouped.setdefault(report_id, []).append(int(fact_id))
    return pd.Series({report_id: tuple(sorted(ids)) for report_id, ids in grouped.items()}, dtype="object")


def agrees(a: float, b: float, tolerance: float = DEFAULT_TOLERANCE) -> bool:
    """Within `tolerance` of the larger magnitude, so the test is symmetric.

    >>> agrees(49.36e9, 49.4e9), agrees(49.36e9, 39.5e9)
    (True, False)
    """
    return abs(a - b) <= tolerance * max(abs(a), abs(b))


def _agree_matrix(a: np.ndarray, b: np.ndarray, tolerance: float) -> np.ndarray:
    """:func:`agrees` for every pair of ``a`` (rows) and ``b`` (columns), with the same float operations."""
    return np.abs(a[:, None] - b[None, :]) <= tolerance * np.maximum(np.abs(a)[:, None], np.abs(b)[None, :])


def _support(amounts: np.ndarray, outlets: np.ndarray, tolerance: float, block: int = 1024) -> np.ndarray:
    """For each report, how many distinct outlets report a value that agrees with it (itself included).

    Computed over the distinct amounts, not report by report: copies of one figure repeat the same few values,
    and comparing every pair of reports was the slowest part of the page. Rows are compared in blocks so the
    agreement matrix stays small even for a large group of all-different values.
    """
    values, value_of = np.unique(amounts, return_inverse=True)
    outlet_of, names = pd.factorize(outlets)
    named = outlet_of >= 0  # a missing outlet is not an outlet (as in nunique)
    present = np.zeros((len(values), len(names)), dtype=np.float32)  # float: counts via BLAS, exact below 2**24
    present[value_of.reshape(-1)[named], outlet_of[named]] = 1.0
    per_value = np.empty(len(values), dtype=np.int64)
    for first in range(0, len(values), block):
        agreeing = _agree_matrix(values[first:first + block], values, tolerance).astype(np.float32)
        per_value[first:first + block] = ((agreeing @ present) > 0).sum(axis=1)
    return per_value[value_of.reshape(-1)]


def _canonical_index(group: pd.DataFrame, tolerance: float) -> Any:
    """The index label of the canonical report of one group (see the module docstring for the rule)."""
    return group.index[_canonical_position(*_ranking_columns(group), tolerance)]


def _ranking_columns(reports: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list[int]]:
    """What the canonical rule looks at, as plain arrays: amount, outlet, reviewed, published ('' if not
    known), fact_id."""
    return (reports["amount"].to_numpy(dtype="float64"), reports["outlet"].to_numpy(),
            reports["reviewed"].to_numpy(dtype=bool),
            [p if isinstance(p, str) else "" for p in reports["published"].tolist()],
            [int(i) for i in reports["fact_id"].tolist()])


def _canonical_position(amounts: np.ndarray, outlets: np.ndarray, reviewed: np.ndarray, published: list[str],
                        fact_ids: list[int], tolerance: float) -> int:
    """Which of one group's reports is canonical, by position."""
    support = _support(amounts, outlets, tolerance)
    candidates = np.flatnonzero(reviewed) if reviewed.any() else range(len(amounts))
    return int(max(candidates, key=lambda i: (support[i], published[i], -fact_ids[i])))


def _canonical_labels(reports: pd.DataFrame, tolerance: float) -> dict[int, Any]:
    """group_id → the index label of its canonical report, for reports sorted by group_id (as _reports gives
    them): the groups are slices of whole columns, not frames (a frame per group was most of the time)."""
    group_ids = reports["group_id"].to_numpy()
    if len(group_ids) == 0:
        return {}
    amounts, outlets, reviewed, published, fact_ids = _ranking_columns(reports)
    edges = [0, *(np.flatnonzero(np.diff(group_ids)) + 1).tolist(), len(group_ids)]
    chosen = {}
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        best = _canonical_position(amounts[a:b], outlets[a:b], reviewed[a:b], published[a:b], fact_ids[a:b],
                                   tolerance)
        chosen[int(group_ids[a])] = reports.index[a + best]
    return chosen


def _spread(amounts: pd.Series, canonical: float) -> float:
    """(max − min) / |canonical|: 0 when all reports agree exactly."""
    width = float(amounts.max() - amounts.min())
    if canonical == 0:
        return 0.0 if width == 0 else math.inf
    return width / abs(canonical)


def format_amount(value: float | None, unit: str | None) -> str:
    """A figure as a person reads it.

    >>> format_amount(65.7e9, "USD"), format_amount(5, "unit"), format_amount(4e11, "INR")
    ('65.7 billion USD', '5', '400 billion INR')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            text = f"{value / scale:,.4g} {word}"
            break
    else:
        text = f"{value:,.6g}"
    return text if unit in (None, "unit") else f"{text} {unit}"


def _said(outlet: Any, published: Any, surface: Any, review_status: Any, corrected_value: Any, unit: Any) -> str:
    """"Outlet (date): surface", plus the correction when a reviewer made one."""
    text = f"{outlet} ({text_or(published, 'undated')}): {surface}"
    if review_status == "correct" and pd.notna(corrected_value):
        text += f" → corrected to {format_amount(corrected_value, unit)}"
    return text


_SAID_COLUMNS = ("outlet", "published", "surface", "review_status", "corrected_value", "unit")


def _who_said_what(reports: pd.DataFrame) -> dict[int, str]:
    """Every report of each group, in the reports' order, as one "; "-separated line per group."""
    columns = [reports[c] if c in reports.columns else pd.Series(None, index=reports.index, dtype="object")
               for c in _SAID_COLUMNS]
    said: dict[int, list[str]] = {}
    for group_id, *fields in zip(reports["group_id"].tolist(), *(c.tolist() for c in columns), strict=True):
        said.setdefault(int(group_id), []).append(_said(*fields))
    return {group_id: "; ".join(lines) for group_id, lines in said.items()}


def _decide(facts: pd.DataFrame, tolerance: float) -> tuple[pd.DataFrame, dict[int, Any]]:
    """Reports with `is_canonical` and `agrees_with_canonical`, and each group's canonical index label."""
    reports = _reports(facts)
    chosen = _canonical_labels(reports, tolerance)
    amount = reports["amount"].to_numpy(dtype="float64")
    canonical = reports["group_id"].map(pd.Series({g: reports.at[label, "amount"] for g, label in chosen.items()},
                                                  dtype="float64")).to_numpy(dtype="float64")
    reports["is_canonical"] = reports.index.isin(list(chosen.values()))
    reports["agrees_with_canonical"] = (
        np.abs(amount - canonical) <= tolerance * np.maximum(np.abs(amount), np.abs(canonical)))
    with np.errstate(divide="ignore", invalid="ignore"):
        deviation = (amount - canonical) / np.abs(canonical)
    reports["deviation"] = np.where(canonical != 0, deviation, 0.0)
    return reports, chosen


CANONICAL_COLUMNS: tuple[str, ...] = (
    "group_id", *GROUP_KEY, "period_label", "canonical_value", "canonical_unit", "canonical_value_usd",
    "canonical_fact_id", "canonical_source", "canonical_published", "canonical_reviewed", "n_reports", "n_sources",
    "n_agreeing", "spread", "conflict", "who_said_what",
)


def canonical_figures(df: pd.DataFrame, tolerance: float = DEFAULT_TOLERANCE) -> pd.DataFrame:
    """One row per group of reports of the same thing, with its canonical value chosen by the module's rule.

    `canonical_value`/`canonical_unit` are as the canonical report stated them (after correction);
    `canonical_value_usd` is NaN for non-money figures. `n_sources` counts distinct outlets, `n_agreeing` those
    within the tolerance of the canonical value; `who_said_what` lists every report, oldest first.
    """
    reports, chosen = _decide(df, tolerance)
    by_group = reports.groupby("group_id", sort=False)
    stats = pd.DataFrame({
        "n_reports": by_group.size(), "n_sources": by_group["outlet"].nunique(),
        "low": by_group["amount"].min(), "high": by_group["amount"].max(),
        "all_agree": by_group["agrees_with_canonical"].all(),
    })
    stats["n_agreeing"] = (reports[reports["agrees_with_canonical"].to_numpy()].groupby("group_id")["outlet"].nunique()
                           .reindex(stats.index, fill_value=0))
    said = _who_said_what(reports)
    rows = []
    for group_id, label in chosen.items():
        best = reports.loc[label]
        group = stats.loc[group_id]
        row = {column: best[column] for column in GROUP_KEY}
        row.update(
            group_id=group_id, period_label=best.get("period_label"),
            canonical_value=best["amount_in_unit"], canonical_unit=best["unit"], canonical_value_usd=best["amount_usd"],
            canonical_fact_id=int(best["fact_id"]), canonical_source=best["outlet"],
            canonical_published=best["published"], canonical_reviewed=bool(best["reviewed"]),
            n_reports=int(group["n_reports"]), n_sources=int(group["n_sources"]), n_agreeing=int(group["n_agreeing"]),
            spread=_spread(pd.Series([group["low"], group["high"]]), best["amount"]),
            conflict=not bool(group["all_agree"]), who_said_what=said[group_id],
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=list(CANONICAL_COLUMNS))


CONFLICT_COLUMNS: tuple[str, ...] = (
    "group_id", *GROUP_KEY, "outlet", "published", "surface", "value", "unit", "value_usd", "deviation",
    "agrees_with_canonical", "is_canonical", "review_status", "fact_id", "fact_ids", "doc_id", "title", "url",
)


def conflicts(df: pd.DataFrame, tolerance: float = DEFAULT_TOLERANCE) -> pd.DataFrame:
    """Every report of each group whose reports disagree by more than the tolerance, so both sides are visible.

    `agrees_with_canonical` is False for the reports that differ; `deviation` is (value − canonical)/canonical in
    the compared unit; `value`/`unit` are as the report stated them (after correction; a range's midpoint),
    `value_usd` in USD; `fact_ids` holds every fact of the report (both currencies of a paired figure).
    """
    reports, _ = _decide(df, tolerance)
    disputed = reports.groupby("group_id")["agrees_with_canonical"].transform("all").eq(False)
    out = reports[disputed.to_numpy()].assign(value=lambda r: r["amount_in_unit"], value_usd=lambda r: r["amount_usd"])
    order = out.sort_values(["group_id", "agrees_with_canonical", "published"], ascending=[True, False, True])
    return order.reindex(columns=list(CONFLICT_COLUMNS)).reset_index(drop=True)


# --------------------------------------------------------------------------- defence balance

BALANCE_COLUMNS: tuple[str, ...] = (
    "pair", "item", "ordered", "delivered", "remaining", "derived", "as_of", "reported", "warning",
)


def defence_balance(df: pd.DataFrame) -> pd.DataFrame:
    """Ordered, delivered and remaining per pair and system (item), as the latest reports have it.

    For each status the latest report counts (several on that day are settled by the canonical rule); periods are
    ignored because delivery totals are cumulative. Two known numbers give the third (`derived` names it);
    `warning` says when the reports do not add up (delivered + remaining ≠ ordered, or more delivered than
    ordered). Counts only; a count without a status takes it from its metric (order → ordered).
    """
    counts = df[df["kind"].eq("count")]
    reports = _reports(counts)
    reports = reports[reports["status"].isin(BALANCE_STATUSES)]
    rows = []
    for (pair, item), system in reports.groupby(["pair", "item"], dropna=False, sort=True):
        latest: dict[str, pd.Series] = {}
        for status, same in system.groupby("status"):
            newest = same[same["published"].fillna("") == same["published"].fillna("").max()]
            latest[str(status)] = newest.loc[_canonical_index(newest, DEFAULT_TOLERANCE)]
        numbers: dict[str, float | None] = {s: (latest[s]["amount"] if s in latest else None) for s in BALANCE_STATUSES}
        derived, warning = _balance(numbers)
        rows.append({
            "pair": pair, "item": item, **numbers, "derived": derived,
            "as_of": max((r["published"] for r in latest.values() if isinstance(r["published"], str)), default=None),
            "reported": "; ".join(
                f"{s} {format_amount(latest[s]['amount'], None)} ({latest[s]['outlet']}, "
                f"{text_or(latest[s]['published'], 'undated')})"
                for s in BALANCE_STATUSES if s in latest
            ),
            "warning": warning,
        })
    frame = pd.DataFrame(rows, columns=list(BALANCE_COLUMNS))
    return frame.astype({s: "Float64" for s in BALANCE_STATUSES})


def _balance(numbers: dict[str, float | None]) -> tuple[str | None, str | None]:
    """Fill the missing one of ordered/delivered/remaining in place; returns (derived name, warning)."""
    ordered, delivered, remaining = (numbers[s] for s in BALANCE_STATUSES)
    known = [s for s in BALANCE_STATUSES if numbers[s] is not None]
    if len(known) == 3:
        if delivered + remaining != ordered:
            return None, (f"delivered {delivered:g} + remaining {remaining:g} = {delivered + remaining:g}, "
                          f"but {ordered:g} ordered")
        return None, None
    if len(known) < 2:
        return None, None
    if ordered is None:
        numbers["ordered"] = delivered + remaining
        return "ordered", None
    reported, missing = ("delivered", "remaining") if remaining is None else ("remaining", "delivered")
    if numbers[reported] > ordered:
        return None, f"{reported} {numbers[reported]:g} exceeds the {ordered:g} ordered"
    numbers[missing] = ordered - numbers[reported]
    return missing, None


# --------------------------------------------------------------------------- the review queue

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


def _figure_texts(frame: pd.DataFrame) -> list[str]:
    """:func:`_figure_text` of each row, once per distinct reading (a per-row iterrows took seconds)."""
    return map_unique(_figure_text, *(frame[c] for c in ("value", "unit", "value_low", "value_high", "qualifier",
                                                          "status")))


def _period_text(label: Any, start: Any, end: Any) -> str | None:
    """The period label, else "start – end", else None (no period found)."""
    if not is_blank(label):
        return str(label)
    if is_blank(start) and is_blank(end):
        return None
    return f"{start} – {end}"


QUEUE_COLUMNS: tuple[str, ...] = (
    "fact_id", "evidence", "figure_text", "metric", "item", "period", "pair", "title", "source", "published", "url",
    "conflict", *EDITABLE_COLUMNS, *FIGURE_IDENTITY,
)


def review_queue(facts: pd.DataFrame, conflict_fact_ids: Collection[int] = ()) -> pd.DataFrame:
    """The facts as a review queue: unreviewed first, then those in a conflict, then newest article first.

    `facts` is the full :func:`facts_frame` (include_rejected=True, so a rejection can be undone). The review
    columns are named as the editor edits them (`status` is the review's, not the count's status, which
    `figure_text` shows); corrected periods are datetimes because that is what a date column edits.
    Equal to :func:`dress_queue` of :func:`with_text` of :func:`review_order`, which is how a page builds only
    the rows it shows.
    """
    return dress_queue(with_text(review_order(facts, conflict_fact_ids), facts))


# What review_order, conflicts, filter_queue and document_choices read: a page that orders 100,000 facts reads
# these (store.facts_frame(columns=...)) and the sentences, links and notes of the rows it shows only.
REVIEW_ORDER_INPUT: tuple[str, ...] = (
    "fact_id", "doc_id", "published", "source", "title", "surface", "kind", "unit", "value_low", "value_high",
    "metric", "status", "figure", "start", "end", "plausible", "period_label",
)


def review_order(facts: pd.DataFrame, conflict_fact_ids: Collection[int] = ()) -> pd.DataFrame:
    """The queue's rows in order, with `conflict`, from whole columns only (at 100,000 facts the per-row display
    text costs seconds, so :func:`dress_queue` makes it for the rows a page shows). Needs only
    :data:`REVIEW_ORDER_INPUT` of the facts."""
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


def document_choices(queue: pd.DataFrame) -> dict[str, str]:
    """The queue's documents, newest first, as doc_id → "published · outlet · title" (blank parts named), built
    from whole columns: a label per document through the page's format function took seconds at 8,000."""
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
