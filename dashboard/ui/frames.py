"""What each page draws for its view, computed once per view and store state (``reads.memo``/``reads.derived``), so
that a click on a chart — a rerun — redraws without computing again: trade reports and their canonical figures,
the trade series on either basis and official statistics beside it, the defence register, deals and timeline, the
Overview's headlines.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from dashboard import corroboration, queries, series
from dashboard.labels import BASES, parse_pair
from dashboard.ui.reads import View, derived, facts, memo, official_figures

# --------------------------------------------------------------------------- trade


def trade_figures(view: View, basis: str = "calendar") -> pd.DataFrame:
    """:func:`queries.trade_figures` for the view (the Trade page and the Overview share it)."""
    return derived(view, queries.trade_figures, basis, subset=queries.TRADE_FACTS)


def _canonical_trade(facts_frame: pd.DataFrame) -> pd.DataFrame:
    return corroboration.canonical_figures(queries.trade_facts(facts_frame))


def canonical_trade(view: View) -> pd.DataFrame:
    """One canonical figure per trade metric and period (the corroboration rule)."""
    return derived(view, _canonical_trade, subset=queries.TRADE_FACTS)


def trade_series(view: View) -> pd.DataFrame:
    """The view's series (``series.trade_series`` on its basis), each year set against the official figure of the
    same period where one is loaded (``official_note`` is the hover line)."""
    return memo(view, "trade_series", lambda: _trade_series(view), view.basis)


def _trade_series(view: View) -> pd.DataFrame:
    points = series.trade_series(canonical_trade(view), facts(view, subset=queries.TRADE_FACTS), view.basis)
    return _noted(series.against_official(points, official_figures(view)))


def _noted(rows: pd.DataFrame) -> pd.DataFrame:
    rows["official_note"] = queries.map_unique(series.official_note, rows["official_usd"], rows["official_by"],
                                               rows["vs_official"])
    return rows


def official_series(view: View) -> pd.DataFrame:
    """The official statistics covering whole years on the view's basis, one series per reporter and source."""
    return memo(view, "official_series", lambda: series.official_series(official_figures(view), view.basis),
                view.basis)


def with_official(view: View, trade: pd.DataFrame) -> pd.DataFrame:
    """Trade reports (``queries.trade_figures`` rows) with the official figure of their exact period beside each
    (``official_usd``, ``vs_official``, ``off_official``, ``official_note``); unchanged when none is loaded."""
    official = official_figures(view)
    if official.empty:
        return trade
    compared = series.against_official(trade, official, start="effective_period_start", end="effective_period_end",
                                       value="effective_value_usd")
    return _noted(compared)


def compare_series(view: View, labels: list[str]) -> pd.DataFrame:
    """The series of the view's pair and of each named pair (same store, period and basis), in one frame (``pair``
    tells them apart)."""
    views = [view, *(replace(view, pair=pair) for pair in map(parse_pair, labels) if pair is not None)]
    frames = [f for f in map(trade_series, views) if not f.empty]
    if not frames:
        return trade_series(view)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------- defence

def defence_deals(view: View) -> pd.DataFrame:
    return derived(view, queries.defence_deals, subset=queries.DEFENCE_FACTS)


def defence_register(view: View) -> pd.DataFrame:
    """The register for the view, its ordered/delivered/remaining balanced by the corroboration rule (the Overview
    and Defence pages must agree on what is pending)."""
    balance = derived(view, corroboration.defence_balance, subset=queries.DEFENCE_FACTS)
    deals = defence_deals(view)
    return memo(view, "defence_register", lambda: queries.defence_register(
        facts(view, subset=queries.DEFENCE_FACTS), view.pair, balance, deals))


def deliveries(view: View) -> pd.DataFrame:
    return derived(view, queries.deliveries, subset=queries.DEFENCE_FACTS)


# --------------------------------------------------------------------------- the Overview

def timeline_events(view: View) -> pd.DataFrame:
    """The Overview's trade and defence events, from the view's cached trade figures and deals."""
    return memo(view, "timeline_events", lambda: queries.timeline_events(
        facts(view, subset=queries.DEFENCE_FACTS), trade_figures(view), defence_deals(view)))


def headlines(view: View) -> queries.Headlines:
    """The Overview's headlines (``queries.headlines``): the latest whole year of trade on either basis (the view's
    first), a newer part-year report, the largest deals and the deliveries pending."""
    return memo(view, "headlines", lambda: _headlines(view), view.basis)


def _headlines(view: View) -> queries.Headlines:
    bases = (view.basis, *(b for b in BASES if b != view.basis))
    latest = queries.latest_whole_year((series.latest_point(trade_series(replace(view, basis=b))), b) for b in bases)
    return queries.headlines(latest, trade_figures(view), defence_deals(view), defence_register(view))


def overview_key_figures(view: View) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(key figures, facts behind them) for the Overview's briefing pack: its headlines as a table."""
    return memo(view, "overview_key_figures", lambda: _overview_key_figures(view), view.basis)


def _overview_key_figures(view: View) -> tuple[pd.DataFrame, pd.DataFrame]:
    table, ids = queries.key_figures(headlines(view), facts(view, subset=queries.DEFENCE_FACTS))
    return table, queries.facts_by_id(_trade_and_defence_facts(view), ids)


def _trade_and_defence_facts(view: View) -> pd.DataFrame:
    """Every fact an Overview headline or timeline mark can be: trade figures, counted systems and deal values
    (the two subsets hold no fact in common)."""
    return pd.concat([facts(view, subset=queries.TRADE_FACTS), facts(view, subset=queries.DEFENCE_FACTS)],
                     ignore_index=True)


def overview_facts(view: View) -> pd.DataFrame:
    """Every fact the Overview shows: its headlines and its timeline's marks."""
    return memo(view, "overview_facts", lambda: _overview_facts(view), view.basis)


def _overview_facts(view: View) -> pd.DataFrame:
    _, headline = overview_key_figures(view)
    events = timeline_events(view)
    ids = [*headline["fact_id"], *(events["fact_id"] if "fact_id" in events.columns else [])]
    return queries.facts_by_id(_trade_and_defence_facts(view), [int(i) for i in dict.fromkeys(ids)])
