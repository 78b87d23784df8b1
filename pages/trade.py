"""Trade: the pair's trade year by year (one canonical value a year), every report around it, official statistics
beside it, and other pairs on the same chart."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from dashboard import charts, queries, series, series_ui, ui

SERIES = queries.TRADE_FIGURE_METRICS

view = ui.view()
basis = view.basis
st.title(f"{view.pair_label}: trade")
side = f"{series.pair_side(view.pair_label)}'s" if view.pair else "the first-named country's"
ui.intro(f"Merchandise trade as news reports state it, in US dollars at the rate of the period; exports and imports "
         f"are {side}. The line is one value per "
         f"{'Indian fiscal' if basis == 'fiscal' else 'calendar'} year: the canonical report of that year (reviewed "
         "first, then what most outlets agree with, then the latest); a report for part of a year never stands in "
         "for the year. Official statistics, where loaded on the Data page, are drawn beside the news.")

left, right = st.columns([3, 2])
with left:
    chosen = ui.choose_many("Figures", SERIES, key="trade_series", param="metric", default=SERIES,
                            format_func=queries.metric_label, placeholder="Choose figures to draw")
with right:
    compared = ui.choose_many("Compare with", [p for p in series_ui.pair_labels(view) if p != view.pair_label],
                              key="trade_compare", param="compare", placeholder="Other pairs (one chart, one table)")

trade = ui.trade_figures(view, basis)
trade = trade[trade["metric"].isin(chosen)]
dated = trade[trade["coverage"].ne("none")]
points = series_ui.trade_series(view)
points = points[points["metric"].isin(chosen)]
official = series_ui.official_series(view)
official = official[official["metric"].isin(chosen)]
canonical = ui.canonical_trade(view) if not dated.empty else None
canonical_ids: set[int] = set()
if canonical is not None:
    canonical_ids = {int(i) for i in canonical["canonical_fact_id"]}
    disputed = queries.disputed(canonical, chosen)
    if not disputed.empty and not compared:
        st.warning(f"Outlets disagree on {len(disputed)} figure{'s' if len(disputed) != 1 else ''} for the "
                   "same metric and period (more than 5% apart). All reports are drawn; the tables mark the "
                   "canonical one.", icon=":material/compare_arrows:")

figures: list[tuple[str, charts.go.Figure]] = []
if compared:
    pairs = [view.pair_label, *compared]
    points = series_ui.compare_series(view, compared)
    points = points[points["metric"].isin(chosen)]
    official = official.iloc[0:0]  # official lines belong to one pair's chart
    figure = ui.figure(view, "compare_chart", lambda: charts.compare_chart(
        points, pairs=pairs, basis=basis, as_of=view.as_of), basis, tuple(chosen), tuple(compared))
    selection = ui.chart(figure, key="trade_compare_chart", name=f"trade compared ({basis} years)",
                         pair_label=" vs ".join(pairs))
    figures.append((f"Trade compared: {', '.join(pairs)}", figure))
    behind = replace(view, pair=None)  # a click may pick another pair's report
elif dated.empty and points.empty:
    ui.no_data(view, "trade figures" if chosen else "figures of the chosen kinds")
    selection, behind = None, view
else:
    figure = ui.figure(view, "trade_chart", lambda: charts.trade_chart(
        series_ui.with_official(view, dated), pair_label=view.pair_label, basis=basis, as_of=view.as_of,
        series=points, official=official), basis, tuple(chosen))
    selection = ui.chart(figure, key="trade_chart", name=f"trade over time ({basis} years)",
                         pair_label=view.pair_label)
    figures.append((f"{view.pair_label} trade", figure))
    behind = view
ui.figures_behind(behind, ui.selected_ids(selection))

if not points.empty:
    year = "fiscal year" if basis == "fiscal" else "calendar year"
    st.markdown(f"#### Year by year ({year}s)")
    table = series.series_table(points, with_pair=bool(compared))
    st.dataframe(table, hide_index=True, width="stretch", column_order=[c for c in table.columns if c not in (
        "canonical fact_id", "link", "fact_ids")], column_config={
        "US$ bn": st.column_config.NumberColumn(format="%.2f"),
        "Change (%)": st.column_config.NumberColumn(format="%+.1f", help="On the year before, when it has a value"),
        "Official US$ bn": st.column_config.NumberColumn(format="%.2f"),
        "vs official (%)": st.column_config.NumberColumn(format="%+.1f"),
    })
    exports = ui.optional("dashboard.exports")
    if exports is not None:
        filters = {"pair": [view.pair_label, *compared], "period": view.period_label,
                   "basis": ui.BASIS_NAMES[basis], "metric": chosen,
                   "value": "canonical report of each year (reviewed first, then most outlets within 5%, then latest)"}
        st.download_button("Download CSV of the series", data=lambda: exports.csv_bytes(table, filters),
                           file_name=exports.chart_file_name("trade series", " vs ".join([view.pair_label, *compared]),
                                                             "csv"),
                           mime="text/csv", key="trade_series_csv", icon=":material/download:", on_click="ignore")
if not official.empty:
    with st.expander(f"Official statistics ({', '.join(sorted(set(official['label'])))})"):
        st.dataframe(series.official_table(official), hide_index=True, width="stretch")

if not dated.empty and not compared:
    other_spans = dated[~dated["full_year"].astype(bool) & dated["coverage"].ne("target")]
    if not other_spans.empty:
        st.caption(f"{len(other_spans)} report{'s' if len(other_spans) != 1 else ''} cover part of a year or another "
                   "span: drawn as reports (dotted), listed below, never a year's value.")
    st.markdown(f"#### Every report, by {ui.BASIS_NAMES[basis].lower()}")
    reports = ui.memo(view, "trade_table", lambda: queries.trade_table(series_ui.with_official(view, dated),
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
    ui.briefing_download(view, figures, key="trade_briefing",
                         build=lambda: series_ui.trade_pack(view, figures, points, official))
title = f"Trade compared: {', '.join([view.pair_label, *compared])}" if compared else f"{view.pair_label}: trade"
ui.cite_this_view(view, title, ui.n_reports(trade) if not compared else
                  len({doc for docs in points["report_docs"] for doc, _ in docs}))
