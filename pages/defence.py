"""Defence: a SIPRI-style register of systems ordered and delivered, deliveries over time, deal values."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries
from dashboard.ui import downloads, evidence, frames, packs, reads, sidebar, widgets

view = sidebar.current_view()
st.title(f"{view.pair_label}: defence")
widgets.intro("A register in the spirit of SIPRI's arms-transfer database, built only from news reports: supplier, "
              "recipient, system, numbers ordered and delivered, deal value and sources. Counts are as reported; "
              "deal values are converted to US dollars at the deal's date and never added to trade totals.")

register = frames.defence_register(view)
if register.empty:
    widgets.no_data(view, "defence orders or deliveries")
    st.stop()

systems = widgets.choose_many("Systems", list(register["System"]), key="defence_systems", param="system",
                              placeholder="All systems")
if systems:
    register = register[register["System"].isin(systems)]

st.markdown("#### Register")
shown = register.fillna({c: "—" for c in ("Supplier", "Recipient", "Deal as reported", "Delivery reports",
                                          "Check")})
picked = st.dataframe(
    shown, hide_index=True, width="stretch", key="defence_register", on_select="rerun",
    selection_mode="multi-row", column_order=[c for c in register.columns if c != "fact_ids"],
    column_config={
        "Ordered": st.column_config.NumberColumn(format="localized"),
        "Delivered": st.column_config.NumberColumn(format="localized"),
        "Remaining": st.column_config.NumberColumn(format="localized"),
        "Deal value (US$ bn)": st.column_config.NumberColumn(format="%.2f"),
        "Order year": st.column_config.NumberColumn(format="%d"),
        "Check": st.column_config.TextColumn(help="Where the latest reports do not add up"),
    },
)
st.caption("Select rows to see the sentences behind them. Remaining = ordered − delivered unless a report "
           "states it; a system named only generically (\u201caircraft\u201d) is listed as reported.")
register_ids = [i for row in picked.selection.rows for i in register.iloc[row]["fact_ids"]]

delivered = frames.deliveries(view)
deals = frames.defence_deals(view)
if systems:
    delivered = delivered[delivered["system"].isin(systems)]
    deals = deals[deals["system"].isin(systems)]

selections: list[list[int] | None] = [register_ids or None]
figures = []
if delivered.empty:
    st.caption("No deliveries reported for these systems yet.")
else:
    figure = reads.figure(view, "deliveries_chart", lambda: charts.deliveries_chart(
        delivered, register, pair_label=view.pair_label, as_of=view.as_of), tuple(systems))
    selections.append(evidence.chart(figure, key="defence_deliveries", name="defence deliveries by system",
                                     pair_label=view.pair_label))
    figures.append((f"{view.pair_label} defence deliveries by system", figure))
if deals.empty:
    st.caption("No deal values reported for these systems yet.")
else:
    figure = reads.figure(view, "deal_values_chart", lambda: charts.deal_values_chart(
        deals, pair_label=view.pair_label, as_of=view.as_of), tuple(systems))
    selections.append(evidence.chart(figure, key="defence_deals", name="defence deal values",
                                     pair_label=view.pair_label))
    figures.append((f"{view.pair_label} defence deal values", figure))
evidence.figures_behind(view, evidence.selected_ids(*selections))
downloads.briefing_download(view, lambda: packs.defence_pack(view, figures, register, delivered, deals),
                            key="defence_briefing")


def _n_reports() -> int:
    """Articles behind the register rows, deliveries and deals shown."""
    register_facts = queries.facts_by_id(reads.facts(view, subset=queries.DEFENCE_FACTS),
                                         [i for ids in register["fact_ids"] for i in ids])
    return queries.n_reports(register_facts, delivered, deals)


evidence.cite_this_view(f"{view.pair_label}: defence", reads.memo(view, "defence_n_reports", _n_reports, tuple(systems)))
