"""Trade: the pair's trade year by year (one canonical value a year), every report around it, official statistics
beside it, and other pairs on the same chart."""

from __future__ import annotations

from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, queries, series
from dashboard.labels import BASIS_WORDS, metric_label, pair_side
from dashboard.ui import downloads, evidence, frames, packs, reads, sidebar, widgets

SERIES = queries.TRADE_FIGURE_METRICS

view = sidebar.current_view()
basis = view.basis
words = BASIS_WORDS[basis]
st.title(f"{view.pair_label}: trade")
side = f"{pair_side(view.pair_label)}'s" if view.pair else "the first-named country's"
widgets.intro(f"Merchandise trade as news reports state it, in US dollars at the rate of the period; exports and "
              f"imports are {side}. The line is one value per {words.intro} year: the canonical report of that year "
              "(reviewed first, then what most outlets agree with, then the latest); a report for part of a year never "
              "stands in for the year. Official statistics, where loaded on the Data page, are drawn beside the news.")

left, right = st.columns([3, 2])
with left:
    chosen = widgets.choose_many("Figures", SERIES, key="trade_series", param="metric", default=SERIES,
                                 format_func=metric_label, placeholder="Choose figures to draw")
with right:
    compared = widgets.choose_many("Compare with", [p for p in sidebar.pair_labels(view) if p != view.pair_label],
                                   key="trade_compare", param="compare",
                                   placeholder="Other pairs (one chart, one table)")

trade = frames.trade_figures(view, basis)
trade = trade[trade["metric"].isin(chosen)]
dated = trade[trade["coverage"].ne("none")]
points = frames.trade_series(view)
points = points[points["metric"].isin(chosen)]
official = frames.official_series(view)
official = official[official["metric"].isin(chosen)]
canonical = frames.canonical_trade(view) if not dated.empty else None
canonical_ids: set[int] = set()
if canonical is not None:
    canonical_ids = {int(i) for i in canonical["canonical_fact_id"]}
    disputed = queries.disputed(canonical, chosen)
    if not disputed.empty and not compared:
        st.warning(f"Outlets disagree on {len(disputed)} figure{'s' if len(disputed) != 1 else ''} for the "
                   "same metric and period (more than 5% apart). All reports are drawn; the tables mark the "
                   "canonical one.", icon=":material/compare_arrows:")

figures: list[tuple[str, go.Figure]] = []
if compared:
    pairs = [view.pair_label, *compared]
    points = frames.compare_series(view, compared)
    points = points[points["metric"].isin(chosen)]
    official = official.iloc[0:0]  # official lines belong to one pair's chart
    figure = reads.figure(view, "compare_chart", lambda: charts.compare_chart(
        points, pairs=pairs, basis=basis, as_of=view.as_of), basis, tuple(chosen), tuple(compared))
    selection = evidence.chart(figure, key="trade_compare_chart", name=f"trade compared ({basis} years)",
                               pair_label=" vs ".join(pairs))
    figures.append((f"Trade compared: {', '.join(pairs)}", figure))
    behind = replace(view, pair=None)  # a click may pick another pair's report
elif dated.empty and points.empty:
    widgets.no_data(view, "trade figures" if chosen else "figures of the chosen kinds")
    selection, behind = None, view
else:
    figure = reads.figure(view, "trade_chart", lambda: charts.trade_chart(
        frames.with_official(view, dated), pair_label=view.pair_label, basis=basis, as_of=view.as_of,
        series=points, official=official), basis, tuple(chosen))
    selection = evidence.chart(figure, key="trade_chart", name=f"trade over time ({basis} years)",
                               pair_label=view.pair_label)
    figures.append((f"{view.pair_label} trade", figure))
    behind = view
evidence.figures_behind(behind, evidence.selected_ids(selection))

if not points.empty:
    st.markdown(f"#### Year by year ({words.adjective} years)")
    table = series.series_table(points, with_pair=bool(compared))
    st.dataframe(table, hide_index=True, width="stretch", column_order=[c for c in table.columns if c not in (
        "canonical fact_id", "link", "fact_ids")], column_config={
        "US$ bn": st.column_config.NumberColumn(format="%.2f"),
        "Change (%)": st.column_config.NumberColumn(format="%+.1f", help="On the year before, when it has a value"),
        "Official US$ bn": st.column_config.NumberColumn(format="%.2f"),
        "vs official (%)": st.column_config.NumberColumn(format="%+.1f"),
    })
    filters = {"pair": [view.pair_label, *compared], "period": view.period_label, "basis": words.name,
               "metric": chosen,
               "value": "canonical report of each year (reviewed first, then most outlets within 5%, then latest)"}
    downloads.csv_download("Download CSV of the series", table, filters, title="trade series",
                           pair=" vs ".join([view.pair_label, *compared]), key="trade_series_csv")
if not official.empty:
    with st.expander(f"Official statistics ({', '.join(sorted(set(official['label'])))})"):
        st.dataframe(series.official_table(official), hide_index=True, width="stretch")

if not dated.empty and not compared:
    other_spans = dated[~dated["full_year"].astype(bool) & dated["coverage"].ne("target")]
    if not other_spans.empty:
        st.caption(f"{len(other_spans)} report{'s' if len(other_spans) != 1 else ''} cover part of a year or another "
                   "span: drawn as reports (dotted), listed below, never a year's value.")
    st.markdown(f"#### Every report, by {words.name.lower()}")
    reports = reads.memo(view, "trade_table", lambda: queries.trade_table(frames.with_official(view, dated),
                                                                          canonical_ids), basis, tuple(chosen))
    st.dataframe(reports, hide_index=True, width="stretch", column_config={
        "US$ bn": st.column_config.NumberColumn(format="%.2f"),
        "Official US$ bn": st.column_config.NumberColumn(format="%.2f"),
        "vs official (%)": st.column_config.NumberColumn(format="%+.1f"),
        "Canonical": st.column_config.CheckboxColumn(help="The report the canonical rule picks for its period"),
        "fact_id": st.column_config.NumberColumn("Fact", format="%d"),
    })

undated = trade[trade["coverage"].eq("none")]
if not undated.empty and not compared:
    with st.expander(f"{len(undated)} trade figure{'s' if len(undated) != 1 else ''} without a stated period "
                     "(not drawn)"):
        st.dataframe(queries.undated_table(undated), hide_index=True, width="stretch")

if figures:
    downloads.briefing_download(view, lambda: packs.trade_pack(view, figures, points, official), key="trade_briefing")
title = f"Trade compared: {', '.join([view.pair_label, *compared])}" if compared else f"{view.pair_label}: trade"
evidence.cite_this_view(title, queries.n_reports(trade) if not compared else
                        len({doc for docs in points["report_docs"] for doc, _ in docs}))
