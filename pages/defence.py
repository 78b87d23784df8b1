"""Defence: a SIPRI-style register of systems ordered and delivered, deliveries over time, deal values."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, queries, ui

view = ui.view()
st.title(f"{view.pair_label}: defence")
ui.intro("A register in the spirit of SIPRI's arms-transfer database, built only from news reports: supplier, "
         "recipient, system, numbers ordered and delivered, deal value and sources. Counts are as reported; "
         "deal values are converted to US dollars at the deal's date and never added to trade totals.")

register = ui.defence_register(view)
if register.empty:
    ui.no_data(view, "defence orders or deliveries")
    st.stop()

systems = ui.choose_many("Systems", list(register["System"]), key="defence_systems", param="system",
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

delivered = ui.derived(view, queries.deliveries, subset=ui.DEFENCE_FACTS)
deals = ui.defence_deals(view)
if systems:
    delivered = delivered[delivered["system"].isin(systems)]
    deals = deals[deals["system"].isin(systems)]

selections: list[list[int] | None] = [register_ids or None]
figures = []
if delivered.empty:
    st.caption("No deliveries reported for these systems yet.")
else:
    figure = ui.figure(view, "deliveries_chart", lambda: charts.deliveries_chart(
        delivered, register, pair_label=view.pair_label, as_of=view.as_of), tuple(systems))
    selections.append(ui.chart(figure, key="defence_deliveries", name="defence deliveries by system",
                               pair_label=view.pair_label))
    figures.append((f"{view.pair_label} defence deliveries by system", figure))
if deals.empty:
    st.caption("No deal values reported for these systems yet.")
else:
    figure = ui.figure(view, "deal_values_chart", lambda: charts.deal_values_chart(
        deals, pair_label=view.pair_label, as_of=view.as_of), tuple(systems))
    selections.append(ui.chart(figure, key="defence_deals", name="defence deal values",
                               pair_label=view.pair_label))
    figures.append((f"{view.pair_label} defence deal values", figure))
ui.figures_behind(view, ui.selected_ids(*selections))
ui.briefing_download(view, figures, key="defence_briefing",
                     build=lambda: ui.defence_pack(view, figures, register, delivered, deals))


def _n_reports() -> int:
    """Articles behind the register rows, deliveries and deals shown."""
    register_facts = queries.facts_by_id(ui.facts(view, subset=ui.DEFENCE_FACTS),
                                         [i for ids in register["fact_ids"] for i in ids])
    return ui.n_reports(register_facts, delivered, deals)


ui.cite_this_view(view, f"{view.pair_label}: defence", ui.memo(view, "defence_n_reports", _n_reports, tuple(systems)))
