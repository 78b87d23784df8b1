"""Trade reports as the Trade page and the Overview draw them: every report in US dollars with the span it covers,
the table beside the chart, the reports without a period, and the latest total."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.labels import QUALIFIER_LABELS, coverage_words, metric_label, outlet_column
from dashboard.queries.facts import (
    TRADE_FIGURE_METRICS,
    TRADE_METRICS,
    from_pair_side,
    map_unique,
    one_row_per_figure,
    originals,
    usd_bounds,
)
from dashboard.queries.periods import basis_year, is_full_year, period_coverage


def trade_figures(facts: pd.DataFrame, basis: str = "calendar") -> pd.DataFrame:
    """Trade values and trade targets in US dollars, one row per report, with the span each covers.

    Nothing is averaged: two outlets quoting the same metric and period stay two rows, numbered by
    ``report_no`` (1..``n_reports``) so a chart can set them side by side. Added columns: series (label),
    coverage, full_year (for the chosen basis), basis_year, usd_bn, usd_low_bn, usd_high_bn, original,
    x_start/x_end (timestamps; end is the day after the period), x_mark (where the report's marker sits).
    """
    money = facts[facts["kind"].eq("money") & facts["metric"].isin(TRADE_FIGURE_METRICS)]
    money = from_pair_side(money[money["effective_value_usd"].notna()])
    if money.empty:
        return _empty_trade()
    rows = one_row_per_figure(money).copy()
    rows["series"] = rows["metric"].map(metric_label)
    rows["coverage"] = map_unique(period_coverage, rows["effective_period_start"], rows["effective_period_end"])
    rows.loc[rows["metric"].eq("target"), "coverage"] = "target"
    rows["full_year"] = map_unique(lambda c: is_full_year(c, basis), rows["coverage"])
    rows["basis_year"] = map_unique(lambda c, e: basis_year(e, basis) if c not in ("none", "target") else None,
                                    rows["coverage"], rows["effective_period_end"])
    rows["usd_bn"] = rows["effective_value_usd"] / 1e9
    low, high = usd_bounds(rows)
    rows["usd_low_bn"], rows["usd_high_bn"] = low / 1e9, high / 1e9
    rows["original"] = originals(rows)
    rows["x_start"] = pd.to_datetime(rows["effective_period_start"], errors="coerce")
    rows["x_end"] = pd.to_datetime(rows["effective_period_end"], errors="coerce") + pd.Timedelta(days=1)
    rows = rows.sort_values(["metric", "x_start", "x_end", "published", "fact_id"], kind="stable")
    keys = ["metric", "effective_period_start", "effective_period_end"]
    grouped = rows.groupby(keys, dropna=False, sort=False)
    rows["report_no"] = grouped.cumcount() + 1
    rows["n_reports"] = grouped["fact_id"].transform("size")
    span = rows["x_end"] - rows["x_start"]
    rows["x_mark"] = rows["x_start"] + span * (rows["report_no"] / (rows["n_reports"] + 1))
    is_target = rows["coverage"].eq("target")
    rows.loc[is_target, "x_mark"] = rows.loc[is_target, "x_end"] - pd.Timedelta(days=1)
    return rows.reset_index(drop=True)


def _empty_trade() -> pd.DataFrame:
    columns = ["fact_id", "metric", "series", "coverage", "full_year", "basis_year", "usd_bn", "usd_low_bn",
               "usd_high_bn", "original", "x_start", "x_end", "x_mark", "report_no", "n_reports", "qualifier",
               "period_label", "source", "published", "title", "doc_id", "reported_as"]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def trade_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """Money facts on trade metrics (no targets), shaped as the store returns them (for corroboration), exports
    and imports read from the pair's side."""
    return from_pair_side(facts[facts["kind"].eq("money") & facts["metric"].isin(TRADE_METRICS)])


def trade_table(trade: pd.DataFrame, canonical_ids: Iterable[int] = ()) -> pd.DataFrame:
    """Every dated trade report, filed under its basis year, for the table beside the chart.

    ``Canonical`` marks the reports the corroboration rule picks (none when that rule is unavailable). Rows set
    against official statistics (``series.against_official``) also show the official figure of their period, the
    difference in percent and whether it is more than 5 %.
    """
    dated = trade[~trade["coverage"].isin(("none", "target"))]
    canonical = set(canonical_ids)
    table = pd.DataFrame({
        "Year": dated["basis_year"],
        "Figure": dated["series"],
        "Period": dated["period_label"].fillna(""),
        "Covers": dated["coverage"].map(coverage_words),
        "US$ bn": dated["usd_bn"].round(2),
        "Qualifier": dated["qualifier"].map(QUALIFIER_LABELS),
        "As reported": dated["original"],
        "Outlet": outlet_column(dated["source"]),
        "Published": dated["published"],
        "Reports for this period": dated["n_reports"],
        "Canonical": dated["fact_id"].isin(canonical),
        "fact_id": dated["fact_id"],
    })
    if "official_usd" in dated.columns and dated["official_usd"].notna().any():  # series.against_official ran
        table.insert(table.columns.get_loc("Canonical"), "Official US$ bn", (dated["official_usd"] / 1e9).round(2))
        table.insert(table.columns.get_loc("Canonical"), "vs official (%)", (dated["vs_official"] * 100).round(1))
        table.insert(table.columns.get_loc("Canonical"), "More than 5 % off official", dated["off_official"])
    return table.sort_values(["Year", "Figure", "Published"], ascending=[False, True, True]).reset_index(drop=True)


def disputed(canonical: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    """Dated figures of these metrics whose reports disagree (corroboration's ``canonical_figures`` rows)."""
    return canonical[canonical["conflict"].astype(bool) & canonical["period_start"].notna()
                     & canonical["metric"].isin(list(metrics))]


def undated_table(trade: pd.DataFrame) -> pd.DataFrame:
    """Trade reports whose period the extractor could not resolve: listed, never drawn at a guessed date."""
    rows = trade[trade["coverage"].eq("none")]
    return pd.DataFrame({
        "Figure": rows["series"], "US$ bn": rows["usd_bn"].round(2),
        "Qualifier": rows["qualifier"].map(QUALIFIER_LABELS), "As reported": rows["original"],
        "Outlet": outlet_column(rows["source"]), "Published": rows["published"],
        "Sentence": rows["sentence"], "fact_id": rows["fact_id"],
    }).reset_index(drop=True)



def latest_trade_figure(facts: pd.DataFrame, full_years_only: bool = True) -> pd.Series | None:
    """The most recent total-trade report: latest period end, then the latest article; None if none.

    By default only whole calendar or fiscal years count, so a headline never sets a four-month figure
    beside annual ones without saying so; pass ``full_years_only=False`` for the latest of any span.
    """
    return latest_of(trade_figures(facts), full_years_only)


def latest_of(trade: pd.DataFrame, full_years_only: bool = True) -> pd.Series | None:
    """:func:`latest_trade_figure` of :func:`trade_figures` rows (calendar basis) a page already has."""
    spans = ("calendar_year", "fiscal_year") if full_years_only else ("calendar_year", "fiscal_year",
                                                                      "part_year", "multi_year")
    trade = trade[trade["metric"].eq("trade_total") & trade["coverage"].isin(spans)]
    if trade.empty:
        return None
    return trade.sort_values(["x_end", "published", "fact_id"]).iloc[-1]
