"""Streamlit glue for the trade series: cached series and official statistics per view, pairs compared, loading a
reference file from a page.

Every result is cached per view and store state (``ui.memo``), so a click on a chart redraws without computing
a series again; the official figures are read once per store state.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import queries, series, ui
from datastore import store


@st.cache_data(show_spinner=False, max_entries=32)
def _official(db: str, token: tuple[int, ...], pairs: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    return series.official_figures(store.official_frame(db, pairs))


def official_figures(view: ui.View) -> pd.DataFrame:
    """The official figures of the view's pair (``series.official_figures``: from the pair's side, mirrors marked,
    totals of the two flows added) whose period overlaps the view's."""
    if view.pair is None:
        return series.official_figures(pd.DataFrame())
    frame = ui._guard(lambda: _official(view.db, ui.db_token(view.db), (view.pair,)), "official statistics")
    if view.start:
        frame = frame[frame["period_end"] >= view.start]
    if view.end:
        frame = frame[frame["period_start"] <= view.end]
    return frame.reset_index(drop=True)


def official_series(view: ui.View) -> pd.DataFrame:
    """The official statistics covering whole years on the view's basis, one series per reporter and source."""
    return ui.memo(view, "official_series", lambda: series.official_series(official_figures(view), view.basis),
                   view.basis)


def trade_series(view: ui.View) -> pd.DataFrame:
    """The view's series (``series.trade_series`` on its basis), each year set against the official figure of the
    same period where one is loaded (``official_note`` is the hover line)."""
    return ui.memo(view, "trade_series", lambda: _trade_series(view), view.basis)


def _trade_series(view: ui.View) -> pd.DataFrame:
    canonical = ui.canonical_trade(view)
    if canonical is None:
        return series.trade_series(pd.DataFrame(), pd.DataFrame(), view.basis)
    points = series.trade_series(canonical, ui.facts(view, subset=ui.TRADE_FACTS), view.basis)
    return _noted(series.against_official(points, official_figures(view)))


def _noted(rows: pd.DataFrame) -> pd.DataFrame:
    rows["official_note"] = queries.map_unique(series.official_note, rows["official_usd"], rows["official_by"],
                                               rows["vs_official"])
    return rows


def with_official(view: ui.View, trade: pd.DataFrame) -> pd.DataFrame:
    """Trade reports (``queries.trade_figures`` rows) with the official figure of their exact period beside each
    (``official_usd``, ``vs_official``, ``off_official``, ``official_note``); unchanged when none is loaded."""
    official = official_figures(view)
    if official.empty:
        return trade
    compared = series.against_official(trade, official, start="effective_period_start", end="effective_period_end",
                                       value="effective_value_usd")
    return _noted(compared)


def latest_trade(view: ui.View) -> tuple[pd.Series, str] | None:
    """The latest whole year of total trade on either basis, and that basis: India's trade is mostly reported
    by fiscal year and Russia's or China's by calendar year, so a headline on one basis alone would often be
    stale. The view's own basis wins when both end on the same day."""
    found = []
    for basis in (view.basis, *(b for b in queries.BASES if b != view.basis)):
        point = series.latest_point(trade_series(replace(view, basis=basis)))
        if point is not None:
            found.append((point, basis))
    if not found:
        return None
    return max(found, key=lambda pb: pb[0]["period_end"])  # max keeps the first of equals: the view's basis


def compared_views(view: ui.View, labels: list[str]) -> list[ui.View]:
    """The view for each named pair: same store, period and basis."""
    out = []
    for label in labels:
        pair = queries.parse_pair(label)
        if pair is not None:
            out.append(replace(view, pair=pair))
    return out


def compare_series(view: ui.View, labels: list[str]) -> pd.DataFrame:
    """The series of the view's pair and of each named pair, in one frame (``pair`` tells them apart)."""
    frames = [trade_series(v) for v in [view, *compared_views(view, labels)]]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return trade_series(view)
    return pd.concat(frames, ignore_index=True)


def pair_labels(view: ui.View) -> list[str]:
    """Every pair with figures in the store, most-reported first, as the sidebar lists them."""
    return [queries.pair_label(p) for p in ui._guard(lambda: ui._pairs(view.db, ui.db_token(view.db)),
                                                     "the list of country pairs")]


def series_sources(view: ui.View, points: pd.DataFrame) -> pd.DataFrame:
    """Every document behind the series points (all their reports, not only the canonical one), as the briefing
    pack lists them: title, source, published, url."""
    ids = [int(i) for ids in points["fact_ids"] for i in ids] if not points.empty else []
    everyone = ui.facts(replace(view, pair=None) if points["pair"].nunique() > 1 else view, subset=ui.TRADE_FACTS)
    return queries.facts_by_id(everyone, ids).reindex(columns=["title", "source", "published", "url"])


def official_sources(official: pd.DataFrame) -> pd.DataFrame:
    """Each official series shown, as a source: which country's statistics, who publishes them, where."""
    if official.empty:
        return pd.DataFrame(columns=["title", "source", "published", "url"])
    stated = official.drop_duplicates(["label", "url"])
    return pd.DataFrame({"title": "Official statistics: " + stated["label"], "source": stated["source"],
                         "published": None, "url": stated["url"]}).reset_index(drop=True)


def trade_pack(view: ui.View, figures: list[tuple[str, Any]], points: pd.DataFrame, official: pd.DataFrame) -> str:
    """The Trade page's briefing pack: its chart, the series year by year (against official figures where loaded),
    the official series, and every report behind the series and every official source."""
    table = series.series_table(points, with_pair=points["pair"].nunique() > 1)
    tables = [("Official statistics", series.official_table(official))] if not official.empty else []
    return ui.page_pack(view, figures, table.drop(columns=["fact_ids"]), series_sources(view, points),
                        key_title="Trade series, year by year", tables=tables,
                        official_sources=official_sources(official))


def official_table_of(view: ui.View, *, all_pairs: bool = False) -> pd.DataFrame:
    """The official figures stored for the view's pair (or every pair) as loaded, reporter's side and all."""
    pairs = None if all_pairs or view.pair is None else [view.pair]
    frame = ui._guard(lambda: store.official_frame(view.db, pairs), "official statistics")
    return frame[["pair", "reporter", "partner", "flow", "period_start", "period_end", "value", "currency",
                  "value_usd", "source", "url", "file", "loaded_at"]]


def load_reference_files(view: ui.View, files: list[tuple[str, bytes]]) -> Any:
    """Store official statistics uploaded on a page (``reference.load_files``); the cached reads are cleared."""
    from datastore import reference

    try:
        return reference.load_files(files, view.db)
    finally:
        ui.clear_caches()
        _official.clear()
