"""Trade as a series: one canonical value per pair, metric and year, official statistics beside it, and how far
each news report is from the official figure of its period.

The value of a year is the canonical report of that year's reports (``corroboration.canonical_figures``: reviewed
first, then what most outlets agree with, then the latest), so the line and the Review page never disagree. Only a
report covering exactly one year of the chosen basis (1 January – 31 December, or India's 1 April – 31 March) can
be a year's value: a "first ten months" figure is drawn as a report, never as the year. Official figures are kept
apart by reporter: India's imports from Russia and Russia's exports to India (its mirror) are two series, never
averaged. Pure pandas (no SQL, no Streamlit): every function is tested on small hand-made frames.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from dashboard.corroboration import DEFAULT_TOLERANCE
from dashboard.labels import BASES, format_usd, metric_label, outlet_column, pair_side, text_or
from dashboard.queries import OTHER_SIDE, TRADE_METRICS, basis_year, from_pair_side, is_full_year, period_coverage

SERIES_COLUMNS: tuple[str, ...] = (
    "pair", "metric", "series", "year", "period_start", "period_end", "x", "value_usd", "usd_bn", "qualifier",
    "as_reported", "change", "previous_year", "n_reports", "n_outlets", "outlets", "conflict", "canonical_fact_id",
    "canonical_source", "canonical_published", "canonical_url", "fact_ids", "report_docs",
)
OFFICIAL_COLUMNS: tuple[str, ...] = (
    "pair", "metric", "series", "reporter", "mirror", "source", "url", "derived", "period_start", "period_end",
    "year", "x", "value_usd", "usd_bn", "change", "label",
)


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _middle(start: str, end: str) -> pd.Timestamp:
    """Where a year's point sits on a time axis: the middle of the period it covers."""
    s, e = pd.Timestamp(start), pd.Timestamp(end) + pd.Timedelta(days=1)
    return s + (e - s) / 2


def year_on_year(values: list[float], starts: list[str], ends: list[str]) -> tuple[list[float], list[bool]]:
    """Change on the year before, for points sorted by period: only when the previous point's period ends the day
    before this one starts (a missing year breaks the chain rather than stretching a change over two years).

    >>> year_on_year([10.0, 15.0, 9.0], ["2021-01-01", "2022-01-01", "2024-01-01"],
    ...              ["2021-12-31", "2022-12-31", "2024-12-31"])
    ([nan, 0.5, nan], [False, True, False])
    """
    changes, follows = [], []
    for i, (value, start) in enumerate(zip(values, starts, strict=True)):
        previous_end = _day(ends[i - 1]) if i else None
        begins = _day(start)
        joined = previous_end is not None and begins is not None and previous_end + timedelta(days=1) == begins
        ok = joined and values[i - 1] not in (0, None) and not math.isnan(values[i - 1])
        changes.append(value / values[i - 1] - 1 if ok else math.nan)
        follows.append(bool(joined))
    return changes, follows


# --------------------------------------------------------------------------- the news series

def trade_series(canonical: pd.DataFrame, facts: pd.DataFrame, basis: str = "calendar",
                 metrics: Iterable[str] = TRADE_METRICS) -> pd.DataFrame:
    """One row per pair, metric and year on ``basis``: the canonical value of that year's reports.

    ``canonical`` is ``corroboration.canonical_figures`` of ``queries.trade_facts(facts)``; ``facts`` the store's
    trade facts (any pairs), from which the reports behind each point are listed (outlets, fact ids, documents).
    Only the pair's whole trade counts (no item or status) and only groups covering one whole year on the basis.
    ``change`` is the fraction on the year before (NaN without a year just before); ``previous_year`` names it.
    """
    if basis not in BASES:
        raise ValueError(f"basis must be one of {BASES}, got {basis!r}")
    wanted = list(metrics)
    if canonical.empty:
        return _empty(SERIES_COLUMNS)
    groups = canonical[canonical["metric"].isin(wanted) & canonical["item"].isna() & canonical["status"].isna()
                       & canonical["canonical_value_usd"].notna()]
    full = [is_full_year(period_coverage(s, e), basis) for s, e in
            zip(groups["period_start"].tolist(), groups["period_end"].tolist(), strict=True)]
    groups = groups[np.array(full, dtype=bool)] if len(groups) else groups
    if groups.empty:
        return _empty(SERIES_COLUMNS)
    reports = _reports_by_group(facts)
    by_fact = _canonical_facts(facts, groups["canonical_fact_id"])
    rows = []
    for g in groups.itertuples(index=False):
        key = (g.pair, g.metric, g.period_start, g.period_end)
        behind = reports.get(key, _NO_REPORTS)
        fact = by_fact.get(int(g.canonical_fact_id), {})
        rows.append({
            "pair": g.pair, "metric": g.metric, "series": metric_label(g.metric),
            "year": basis_year(g.period_end, basis), "period_start": g.period_start, "period_end": g.period_end,
            "x": _middle(g.period_start, g.period_end), "value_usd": float(g.canonical_value_usd),
            "usd_bn": float(g.canonical_value_usd) / 1e9, "qualifier": fact.get("qualifier", "exact"),
            "as_reported": fact.get("surface"), "n_reports": int(g.n_reports),
            "n_outlets": len(behind["outlets"]), "outlets": behind["outlets"], "conflict": bool(g.conflict),
            "canonical_fact_id": int(g.canonical_fact_id), "canonical_source": g.canonical_source,
            "canonical_published": g.canonical_published, "canonical_url": fact.get("url"),
            "fact_ids": behind["fact_ids"], "report_docs": behind["docs"],
        })
    frame = pd.DataFrame(rows).sort_values(["pair", "metric", "period_start"], kind="stable").reset_index(drop=True)
    return _with_changes(frame).reindex(columns=list(SERIES_COLUMNS)).reset_index(drop=True)


_NO_REPORTS: dict[str, list[Any]] = {"outlets": [], "fact_ids": [], "docs": []}


def _reports_by_group(facts: pd.DataFrame) -> dict[tuple[Any, ...], dict[str, list[Any]]]:
    """(pair, metric, period start, period end) → the outlets (oldest report first), fact ids and (document,
    outlet) of the reports in it, from the pair's side (as the canonical figures are grouped)."""
    trade = from_pair_side(facts[facts["kind"].eq("money") & facts["metric"].isin(TRADE_METRICS)
                                 & facts["effective_item"].isna()])
    if trade.empty:
        return {}
    trade = trade.sort_values(["published", "fact_id"], na_position="first", kind="stable")
    outlets = outlet_column(trade["source"]).tolist()
    out: dict[tuple[Any, ...], dict[str, list[Any]]] = {}
    for pair, metric, start, end, fact_id, doc_id, name in zip(
            trade["pair"].tolist(), trade["metric"].tolist(), trade["effective_period_start"].tolist(),
            trade["effective_period_end"].tolist(), trade["fact_id"].tolist(), trade["doc_id"].tolist(), outlets,
            strict=True):
        entry = out.setdefault((pair, metric, start, end), {"outlets": [], "fact_ids": [], "docs": []})
        if name not in entry["outlets"]:
            entry["outlets"].append(name)
        entry["fact_ids"].append(int(fact_id))
        entry["docs"].append((doc_id, name))
    return out


def _canonical_facts(facts: pd.DataFrame, ids: pd.Series) -> dict[int, dict[str, Any]]:
    wanted = facts[facts["fact_id"].isin(set(int(i) for i in ids))]
    return {int(r.fact_id): {"qualifier": r.qualifier, "surface": r.surface, "url": r.url}
            for r in wanted[["fact_id", "qualifier", "surface", "url"]].itertuples(index=False)}


def _with_changes(frame: pd.DataFrame, keys: tuple[str, ...] = ("pair", "metric")) -> pd.DataFrame:
    """``change`` and ``previous_year`` for each series (rows of one pair and metric, or one official series)."""
    change = pd.Series(np.nan, index=frame.index, dtype="float64")
    previous = pd.Series(None, index=frame.index, dtype="object")
    for _, group in frame.groupby(list(keys), sort=False):
        group = group.sort_values("period_start", kind="stable")
        found, follows = year_on_year(group["value_usd"].tolist(), group["period_start"].tolist(),
                                      group["period_end"].tolist())
        years = group["year"].tolist()
        change.loc[group.index] = found
        previous.loc[group.index] = [years[i - 1] if follow else None for i, follow in enumerate(follows)]
    return frame.assign(change=change, previous_year=previous)


def _empty(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def latest_point(series: pd.DataFrame, metric: str = "trade_total") -> pd.Series | None:
    """The series point whose year ends last (None when there is none): the Overview's headline."""
    rows = series[series["metric"].eq(metric)]
    if rows.empty:
        return None
    return rows.sort_values(["period_end", "period_start"]).iloc[-1]


# --------------------------------------------------------------------------- official statistics

def official_figures(official: pd.DataFrame) -> pd.DataFrame:
    """Official figures as the pair reads them: ``metric`` from the pair's side, ``mirror`` when the other country
    reported it, and a total of exports and imports (``derived``) for each reporter, source and period that gives
    both flows but no total. Every period is kept (the comparison of reports needs them all)."""
    if official.empty:
        return _empty((*OFFICIAL_COLUMNS, "value"))
    frame = official.copy()
    sides = frame["pair"].map(pair_side)
    frame["mirror"] = frame["reporter"].ne(sides)
    frame["metric"] = [flow if flow == "trade_total" or not mirror else OTHER_SIDE[flow]
                       for flow, mirror in zip(frame["flow"], frame["mirror"], strict=True)]
    frame["derived"] = False
    keys = ["pair", "reporter", "source", "period_start", "period_end"]
    totals = []
    for key, group in frame.groupby(keys, sort=False):
        metrics = set(group["metric"])
        if {"exports", "imports"} <= metrics and "trade_total" not in metrics and group["value_usd"].notna().all():
            first = group.iloc[0]
            totals.append({**dict(zip(keys, key, strict=True)), "partner": first["partner"], "flow": "trade_total",
                           "metric": "trade_total", "mirror": bool(first["mirror"]), "derived": True,
                           "value": float(group["value_usd"].sum()), "currency": "USD",
                           "value_usd": float(group["value_usd"].sum()), "url": first["url"]})
    if totals:
        frame = pd.concat([frame, pd.DataFrame(totals)], ignore_index=True)
    frame["series"] = frame["metric"].map(metric_label)
    frame["label"] = [_official_label(*row) for row in
                      frame[["reporter", "source", "mirror", "derived"]].itertuples(index=False, name=None)]
    frame["usd_bn"] = frame["value_usd"] / 1e9
    return frame.sort_values(["pair", "metric", "reporter", "source", "period_start"], kind="stable") \
        .reset_index(drop=True)


def _official_label(reporter: str, source: str, mirror: bool, derived: bool) -> str:
    """"India's statistics · UN Comtrade"; a mirror and a total made of the two flows say so."""
    parts = [f"{reporter}'s statistics{' (mirror)' if mirror else ''}", source]
    if derived:
        parts.append("exports + imports")
    return " · ".join(parts)


def official_series(official: pd.DataFrame, basis: str = "calendar",
                    metrics: Iterable[str] = TRADE_METRICS) -> pd.DataFrame:
    """The official figures covering one whole year on ``basis``: one series per pair, metric, reporter and
    source (``official`` is :func:`official_figures`), with its year-on-year change."""
    wanted = list(metrics)
    if official.empty:
        return _empty(OFFICIAL_COLUMNS)
    rows = official[official["metric"].isin(wanted)]
    full = [is_full_year(period_coverage(s, e), basis) for s, e in
            zip(rows["period_start"].tolist(), rows["period_end"].tolist(), strict=True)]
    rows = rows[np.array(full, dtype=bool)] if len(rows) else rows
    if rows.empty:
        return _empty(OFFICIAL_COLUMNS)
    rows = rows.assign(year=[basis_year(e, basis) for e in rows["period_end"]],
                       x=[_middle(s, e) for s, e in zip(rows["period_start"], rows["period_end"], strict=True)])
    rows = rows.sort_values(["pair", "metric", "reporter", "source", "period_start"], kind="stable")
    rows = _with_changes(rows, ("pair", "metric", "reporter", "source"))
    return rows.reindex(columns=list(OFFICIAL_COLUMNS)).reset_index(drop=True)


def against_official(rows: pd.DataFrame, official: pd.DataFrame, *, start: str = "period_start",
                     end: str = "period_end", value: str = "value_usd",
                     tolerance: float = DEFAULT_TOLERANCE) -> pd.DataFrame:
    """``rows`` (news figures with pair, metric, period and a US-dollar value) with the official figure of the
    same pair, metric and exact period beside each: ``official_usd``, ``official_by`` (its label), ``vs_official``
    ((news − official) / official) and ``off_official`` (further than ``tolerance``, 5 %).

    Where several official figures match, the one the pair's home country reports is used (India's, for
    India–Russia: what Indian outlets quote), else the partner's mirror figure; then by source name. ``official``
    is :func:`official_figures`.
    """
    out = rows.copy()
    out["official_usd"], out["official_by"] = np.nan, None
    if not official.empty and not rows.empty:
        ranked = official.sort_values(["mirror", "derived", "source"], kind="stable")
        best = ranked.drop_duplicates(["pair", "metric", "period_start", "period_end"])
        lookup = {(p, m, s, e): (v, label) for p, m, s, e, v, label in
                  best[["pair", "metric", "period_start", "period_end", "value_usd", "label"]]
                  .itertuples(index=False, name=None)}
        found = [lookup.get(key, (np.nan, None)) for key in
                 zip(out["pair"].tolist(), out["metric"].tolist(), out[start].tolist(), out[end].tolist(),
                     strict=True)]
        out["official_usd"] = [f[0] for f in found]
        out["official_by"] = [f[1] for f in found]
    with np.errstate(divide="ignore", invalid="ignore"):
        out["vs_official"] = (out[value] - out["official_usd"]) / out["official_usd"].abs()
    out["off_official"] = out["vs_official"].abs() > tolerance
    return out


def official_note(official_usd: float, official_by: object, vs_official: float) -> str:
    """One hover line: "Official, India's statistics · UN Comtrade: $54 bn; this figure +5.6 %"."""
    if official_usd is None or pd.isna(official_usd):
        return ""
    flag = " (more than 5 % off)" if abs(vs_official) > DEFAULT_TOLERANCE else ""
    return f"Official, {official_by}: {format_usd(official_usd)}; this figure {vs_official * 100:+.1f} %{flag}"


# --------------------------------------------------------------------------- tables

def series_table(series: pd.DataFrame, *, with_pair: bool = False) -> pd.DataFrame:
    """The series as a person reads it: Year · Figure · US$ bn · Change · Reports · Outlets, then the canonical
    report, and the official figure where one is loaded (columns ``Official US$ bn``, ``vs official`` in percent,
    ``More than 5 % off``), then the provenance a CSV keeps (fact ids, link)."""
    table = pd.DataFrame({
        "Year": series["year"], "Figure": series["series"], "US$ bn": series["usd_bn"].astype(float).round(2),
        "Change (%)": (series["change"].astype(float) * 100).round(1),
        "Reports": series["n_reports"], "Outlets": [", ".join(o) for o in series["outlets"]],
        "Canonical report": [f"{text_or(s, '?')} ({text_or(o, '?')}, {text_or(p, 'undated')})" for s, o, p in
                             zip(series["as_reported"], series["canonical_source"], series["canonical_published"],
                                 strict=True)],
        "Qualifier": series["qualifier"],
    })
    if with_pair:
        table.insert(0, "Pair", series["pair"])
    if "official_usd" in series.columns and series["official_usd"].notna().any():
        table["Official US$ bn"] = (series["official_usd"].astype(float) / 1e9).round(2)
        table["Official figure"] = series["official_by"]
        table["vs official (%)"] = (series["vs_official"].astype(float) * 100).round(1)
        table["More than 5 % off"] = series["off_official"].astype(bool)
    table["canonical fact_id"] = series["canonical_fact_id"]
    table["link"] = series["canonical_url"]
    table["fact_ids"] = [list(ids) for ids in series["fact_ids"]]
    return table.reset_index(drop=True)


def official_table(official: pd.DataFrame) -> pd.DataFrame:
    """The official series as loaded, for the page and the briefing pack."""
    return pd.DataFrame({
        "Year": official["year"], "Figure": official["series"], "US$ bn": official["usd_bn"].astype(float).round(2),
        "Change (%)": (official["change"].astype(float) * 100).round(1), "Statistics": official["label"],
        "link": official["url"],
    }).reset_index(drop=True)
