"""Overview: the pair's headline figures and one timeline of trade and defence events."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, queries, series_ui, ui

view = ui.view()
st.title(f"{view.pair_label}: overview")
ui.intro("Every number here was extracted from news reports and keeps a link to its sentence. "
         "Official trade data is provisional and outlets quote different figures; all of them are kept. "
         "Defence deals are outside merchandise-trade statistics and never added to trade totals.")

if not ui.has_facts(view):
    ui.no_data(view, "figures")
    st.stop()

trade = ui.trade_figures(view)
latest = series_ui.latest_trade(view)
newest_any = queries.latest_of(trade, False)
deals = ui.defence_deals(view).sort_values("effective_value_usd", ascending=False)
pending = queries.pending_deliveries(ui.defence_register(view))

trade_col, deals_col, pending_col = st.columns(3, border=True)
with trade_col:
    if latest is None:
        st.metric("Latest annual trade figure", "—")
        st.caption("No whole-year trade figure reported yet.")
    else:
        point, basis = latest
        change = (f"{point['change'] * 100:+.1f} % on {queries.year_name(point['previous_year'], basis)}"
                  if pd.notna(point["change"]) else None)
        st.metric(f"Total trade, {queries.year_name(point['year'], basis)}", queries.format_usd(point["value_usd"]),
                  delta=change, delta_color="off",
                  help="The latest whole calendar or Indian fiscal year of the trade series (Trade page): the "
                       "canonical value of that year's reports.")
        st.text(f"{queries.QUALIFIER_LABELS.get(point['qualifier'], point['qualifier'])} · "
                f"{point['canonical_source']}, {queries.text_or(point['canonical_published'], 'undated')} · "
                f"{point['n_reports']} report{'s' if point['n_reports'] != 1 else ''}")
    if newest_any is not None and (latest is None or str(newest_any["effective_period_end"]) > latest[0]["period_end"]):
        st.caption("Since then, for part of a year:")
        st.text(f"{queries.text_or(newest_any['period_label'], 'period not stated')}: "
                f"{queries.format_usd(newest_any['effective_value_usd'])} ({queries.cited(newest_any)})")
with deals_col:
    st.metric("Largest defence deal", queries.format_usd(deals["effective_value_usd"].iloc[0])
              if not deals.empty else "—")
    if deals.empty:
        st.caption("No defence deal values reported for this pair.")
    for deal in deals.head(3).itertuples():
        st.text(f"{deal.system}: {queries.format_usd(deal.effective_value_usd)} ({queries.cited(deal)})")
with pending_col:
    st.metric("Deliveries pending", f"{len(pending)} system{'s' if len(pending) != 1 else ''}")
    if pending.empty:
        st.caption("No order with units still to deliver has been reported.")
    for row in pending.head(3).itertuples():
        ordered = f" of {row.Ordered:,.0f}" if pd.notna(row.Ordered) else ""
        st.text(f"{row.System}: {row.Remaining:,.0f}{ordered} still to come")

events = ui.timeline_events(view)
if events.empty:
    st.info("No dated trade totals or defence events for this selection yet; the Data page lists every figure.")
    selection = None
    figures = []
else:
    figure = ui.figure(view, "timeline_chart",
                       lambda: charts.timeline_chart(events, pair_label=view.pair_label, as_of=view.as_of))
    selection = ui.chart(figure, key="overview_timeline", name="trade and defence timeline",
                         pair_label=view.pair_label)
    figures = [("Trade and defence timeline", figure)]
ui.figures_behind(view, ui.selected_ids(selection))

ui.briefing_download(view, figures, key="overview_briefing")
ui.cite_this_view(view, f"{view.pair_label}: overview", ui.n_reports(ui.overview_facts(view)))
