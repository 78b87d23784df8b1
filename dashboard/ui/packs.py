"""Each page's briefing pack (``briefing.briefing_pack_html``) for its view: the Overview's key figures, the Trade
page's series against official statistics, the Defence page's register; each with the source of every figure."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dashboard import queries, series
from dashboard.briefing import briefing_pack_html
from dashboard.labels import BASIS_WORDS
from dashboard.ui.frames import overview_facts, overview_key_figures
from dashboard.ui.reads import View, facts

SOURCE_COLUMNS = ["title", "source", "published", "url"]
Figures = list[tuple[str, go.Figure]]


def page_pack(view: View, figures: Figures, key_figures: pd.DataFrame, sources: pd.DataFrame, **options: Any) -> str:
    """A page's briefing pack (HTML) for the view: ``briefing_pack_html`` with the pair, period and basis
    (``options``: its key_title, tables and official_sources)."""
    period = view.period_label + BASIS_WORDS[view.basis].pack
    return briefing_pack_html(view.pair_label, period, figures, key_figures, sources, datetime.now().astimezone(),
                              **options)


def briefing_pack(view: View, figures: Figures) -> str:
    """The Overview's briefing pack: its charts, its key figures and the source of every fact shown."""
    key_figures, _ = overview_key_figures(view)
    return page_pack(view, figures, key_figures, overview_facts(view).reindex(columns=SOURCE_COLUMNS))


def defence_pack(view: View, figures: Figures, register: pd.DataFrame, *shown: pd.DataFrame) -> str:
    """The Defence page's pack: its charts, the register as shown, and the source of every figure behind the
    register rows and the deliveries and deals drawn (``shown``)."""
    behind = queries.facts_by_id(facts(view, subset=queries.DEFENCE_FACTS),
                                 [i for ids in register["fact_ids"] for i in ids])
    sources = pd.concat([f.reindex(columns=SOURCE_COLUMNS) for f in (behind, *shown)], ignore_index=True)
    return page_pack(view, figures, register.drop(columns=["fact_ids"]), sources, key_title="Register")


def trade_pack(view: View, figures: Figures, points: pd.DataFrame, official: pd.DataFrame) -> str:
    """The Trade page's pack: its chart, the series year by year (against official figures where loaded), the
    official series, and every report behind the series and every official source."""
    table = series.series_table(points, with_pair=points["pair"].nunique() > 1)
    tables = [("Official statistics", series.official_table(official))] if not official.empty else []
    return page_pack(view, figures, table.drop(columns=["fact_ids"]), _series_sources(view, points),
                     key_title="Trade series, year by year", tables=tables, official_sources=_official_sources(official))


def _series_sources(view: View, points: pd.DataFrame) -> pd.DataFrame:
    """Every document behind the series points (all their reports, not only the canonical one)."""
    ids = [int(i) for ids in points["fact_ids"] for i in ids] if not points.empty else []
    everyone = facts(replace(view, pair=None) if points["pair"].nunique() > 1 else view, subset=queries.TRADE_FACTS)
    return queries.facts_by_id(everyone, ids).reindex(columns=SOURCE_COLUMNS)


def _official_sources(official: pd.DataFrame) -> pd.DataFrame:
    """Each official series shown, as a source: which country's statistics, who publishes them, where."""
    if official.empty:
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    stated = official.drop_duplicates(["label", "url"])
    return pd.DataFrame({"title": "Official statistics: " + stated["label"], "source": stated["source"],
                         "published": None, "url": stated["url"]}).reset_index(drop=True)
