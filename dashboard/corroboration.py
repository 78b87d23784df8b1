"""Which reported figure to believe: corroboration groups, canonical values, conflicts, defence balances.

Canonical rule. Reports of the same thing (same pair, metric, item, status and period; one article's figure
given in two currencies is one report; rejected reports never count) are ranked, and the first one is canonical:
(1) reviewed reports (accepted or corrected) beat unreviewed ones;
(2) among those, the value the most distinct outlets in the group agree with, within a tolerance (default 5%);
(3) then the latest publication, then the lowest fact_id. A report further than the tolerance from it is a conflict.

Everything here is pure pandas over frames shaped like ``store.facts_frame`` (it reads the
``effective_*`` columns, so a reviewer's correction of value, period or item is what counts), so it can be
tested, scripted and shown by any page without Streamlit.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from dashboard.labels import MISSING_OUTLET, format_amount, text_or, unnamed

DEFAULT_TOLERANCE = 0.05
REVIEWED = ("accept", "correct")
# What makes two reports "the same thing". `compared_unit` is USD for money with an exchange rate, else the
# figure's own unit, so that a count of jets never corroborates a deal value and percentages stay apart.
GROUP_KEY: tuple[str, ...] = ("pair", "metric", "item", "status", "period_start", "period_end", "compared_unit")
# A count whose extractor gave no status still says something through its metric.
STATUS_FROM_METRIC = {"order": "ordered", "delivery": "delivered"}
BALANCE_STATUSES = ("ordered", "delivered", "remaining")


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


# One pass in Python over India–Russia's trade at 100,000 facts: 1.5 ms; a groupby lambda per report, 25 ms (timeit)
def _fact_ids_by_report(frame: pd.DataFrame) -> pd.Series:
    """report_id → the sorted fact ids of its facts."""
    grouped: dict[int, list[int]] = {}
    for report_id, fact_id in zip(frame["report_id"].tolist(), frame["fact_id"].tolist(), strict=True):
        grouped.setdefault(report_id, []).append(int(fact_id))
    return pd.Series({report_id: tuple(sorted(ids)) for report_id, ids in grouped.items()}, dtype="object")


def _within(a: Any, b: Any, tolerance: float) -> Any:
    """The agreement test, written once: ``a`` and ``b`` differ by at most ``tolerance`` of the larger magnitude (so
    it is symmetric). Numbers give a numpy bool; arrays are compared element by element, broadcast."""
    return np.abs(a - b) <= tolerance * np.maximum(np.abs(a), np.abs(b))


def agrees(a: float, b: float, tolerance: float = DEFAULT_TOLERANCE) -> bool:
    """Whether two values agree (:func:`_within`).

    >>> agrees(49.36e9, 49.4e9), agrees(49.36e9, 39.5e9)
    (True, False)
    """
    return bool(_within(a, b, tolerance))


# A group of 248 reports (India–Russia at 100,000 facts): 77 ms comparing every pair, 0.05 ms (timeit)
def _support(amounts: np.ndarray, outlets: np.ndarray, tolerance: float, block: int = 1024) -> np.ndarray:
    """For each report, how many distinct outlets report a value that agrees with it (itself included).

    Computed over the distinct amounts, not report by report: copies of one figure repeat the same few values.
    Rows are compared in blocks so the agreement matrix stays small even for a large group of all-different values.
    """
    values, value_of = np.unique(amounts, return_inverse=True)
    outlet_of, names = pd.factorize(outlets)
    named = outlet_of >= 0  # a missing outlet is not an outlet (as in nunique)
    present = np.zeros((len(values), len(names)), dtype=np.float32)  # float: counts via BLAS, exact below 2**24
    present[value_of.reshape(-1)[named], outlet_of[named]] = 1.0
    per_value = np.empty(len(values), dtype=np.int64)
    for first in range(0, len(values), block):
        agreeing = _within(values[first:first + block, None], values[None, :], tolerance).astype(np.float32)
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


# India–Russia's trade groups at 100,000 facts: 3.2 ms as slices of whole columns, 10.8 ms as a frame each (timeit)
def _canonical_labels(reports: pd.DataFrame, tolerance: float) -> dict[int, Any]:
    """group_id → the index label of its canonical report, for reports sorted by group_id (as _reports gives
    them): the groups are slices of whole columns, not frames."""
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
    reports["agrees_with_canonical"] = _within(amount, canonical, tolerance)
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
