"""Trade: reported trade values over time, every report visible, on a calendar or Indian fiscal-year basis."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, ui

SERIES = queries.TRADE_FIGURE_METRICS
BASIS_NAMES = {"calendar": "Calendar year", "fiscal": "Indian fiscal year (Apr–Mar)"}

view = ui.view()
st.title(f"{view.pair_label}: trade")
ui.intro("Merchandise trade values as news reports state them, converted to US dollars at the rate of the "
         "period. Exports and imports are from the first-named country's side. Reports that cover the same "
         "period are all shown; the Review page decides which one is canonical.")

left, right = st.columns([3, 2])
with left:
    series = ui.choose_many("Figures", SERIES, key="trade_series", param="metric", default=SERIES,
                            format_func=queries.metric_label, placeholder="Choose figures to draw")
with right:
    basis = ui.choose_one("Year basis", queries.BASES, key="trade_basis", param="basis", default="calendar",
                          widget=st.segmented_control, format_func=BASIS_NAMES.get,
                          help="Indian fiscal years run 1 April – 31 March. A figure that covers exactly one "
                               "year of the chosen kind is drawn with a solid line, any other span dotted.")

trade = ui.trade_figures(view, basis)
trade = trade[trade["metric"].isin(series)]
dated = trade[trade["coverage"].ne("none")]
canonical = ui.canonical_trade(view) if not dated.empty else None
canonical_ids: set[int] = set()
if canonical is not None:
    canonical_ids = {int(i) for i in canonical["canonical_fact_id"]}
    disputed = queries.disputed(canonical, series)
    if not disputed.empty:
        st.warning(f"Outlets disagree on {len(disputed)} figure{'s' if len(disputed) != 1 else ''} for the "
                   "same metric and period (more than 5% apart). All reports are drawn; the table below marks "
                   "the canonical one.", icon=":material/compare_arrows:")

if dated.empty:
    ui.no_data(view, "trade figures" if series else "figures of the chosen kinds")
    selection = None
else:
    figure = ui.figure(view, "trade_chart", lambda: charts.trade_chart(
        dated, pair_label=view.pair_label, basis=basis, as_of=view.as_of), basis, tuple(series))
    selection = ui.chart(figure, key="trade_chart", name=f"trade over time ({basis} years)",
                         pair_label=view.pair_label)
ui.figures_behind(view, ui.selected_ids(selection))

if not dated.empty:
    st.markdown(f"#### Every report, by {BASIS_NAMES[basis].lower()}")
    table = ui.memo(view, "trade_table", lambda: queries.trade_table(dated, canonical_ids), basis, tuple(series))
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "US$ bn": st.column_config.NumberColumn(format="%.2f"),
        "Canonical": st.column_config.CheckboxColumn(help="The report the canonical rule picks for its period"),
        "fact_id": st.column_config.NumberColumn("Fact", format="%d"),
    })

undated = trade[trade["coverage"].eq("none")]
if not undated.empty:
    with st.expander(f"{len(undated)} trade figure{'s' if len(undated) != 1 else ''} without a stated period "
                     "(not drawn)"):
        st.dataframe(queries.undated_table(undated), hide_index=True, width="stretch")

ui.cite_this_view(view, f"{view.pair_label}: trade", ui.n_reports(trade))
