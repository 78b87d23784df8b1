"""Overview: the pair's headline figures and one timeline of trade and defence events."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, queries
from dashboard.labels import QUALIFIER_LABELS, cited, format_usd, text_or, year_name
from dashboard.ui import downloads, evidence, frames, packs, reads, sidebar, widgets

view = sidebar.current_view()
st.title(f"{view.pair_label}: overview")
widgets.intro("Every number here was extracted from news reports and keeps a link to its sentence. "
              "Official trade data is provisional and outlets quote different figures; all of them are kept. "
              "Defence deals are outside merchandise-trade statistics and never added to trade totals.")

if not reads.has_facts(view):
    widgets.no_data(view, "figures")
    st.stop()

found = frames.headlines(view)

trade_col, deals_col, pending_col = st.columns(3, border=True)
with trade_col:
    if found.latest is None:
        st.metric("Latest annual trade figure", "—")
        st.caption("No whole-year trade figure reported yet.")
    else:
        point, basis = found.latest, found.basis
        change = (f"{point['change'] * 100:+.1f} % on {year_name(point['previous_year'], basis)}"
                  if pd.notna(point["change"]) else None)
        st.metric(f"Total trade, {year_name(point['year'], basis)}", format_usd(point["value_usd"]),
                  delta=change, delta_color="off",
                  help="The latest whole calendar or Indian fiscal year of the trade series (Trade page): the "
                       "canonical value of that year's reports.")
        st.text(f"{QUALIFIER_LABELS.get(point['qualifier'], point['qualifier'])} · "
                f"{point['canonical_source']}, {text_or(point['canonical_published'], 'undated')} · "
                f"{point['n_reports']} report{'s' if point['n_reports'] != 1 else ''}")
    if found.since is not None:
        st.caption("Since then, for part of a year:")
        st.text(f"{text_or(found.since['period_label'], 'period not stated')}: "
                f"{format_usd(found.since['effective_value_usd'])} ({cited(found.since)})")
with deals_col:
    deals = found.deals
    st.metric("Largest defence deal", format_usd(deals["effective_value_usd"].iloc[0]) if not deals.empty else "—")
    if deals.empty:
        st.caption("No defence deal values reported for this pair.")
    for deal in deals.head(queries.SHOWN).itertuples():
        st.text(f"{deal.system}: {format_usd(deal.effective_value_usd)} ({cited(deal)})")
with pending_col:
    pending = found.pending
    st.metric("Deliveries pending", f"{len(pending)} system{'s' if len(pending) != 1 else ''}")
    if pending.empty:
        st.caption("No order with units still to deliver has been reported.")
    for row in pending.head(queries.SHOWN).itertuples():
        st.text(f"{row.System}: {queries.still_to_come(row)}")

events = frames.timeline_events(view)
if events.empty:
    st.info("No dated trade totals or defence events for this selection yet; the Data page lists every figure.")
    selection = None
    figures = []
else:
    figure = reads.figure(view, "timeline_chart",
                          lambda: charts.timeline_chart(events, pair_label=view.pair_label, as_of=view.as_of))
    selection = evidence.chart(figure, key="overview_timeline", name="trade and defence timeline",
                               pair_label=view.pair_label)
    figures = [("Trade and defence timeline", figure)]
evidence.figures_behind(view, evidence.selected_ids(selection))

downloads.briefing_download(view, lambda: packs.briefing_pack(view, figures), key="overview_briefing")
evidence.cite_this_view(f"{view.pair_label}: overview", queries.n_reports(frames.overview_facts(view)))
