"""Data: every stored figure with its provenance, filtered, and a CSV of exactly the rows shown."""

from __future__ import annotations

import streamlit as st

from dashboard import queries, ui

view = ui.view()
st.title("Data")
ui.intro("One row per figure: what was found, how it was read (value, unit, qualifier, period, rule) and where "
         "it came from (outlet, title, URL, sentence, character offsets). The download holds exactly these rows.")

scope = ui.choose_one("Pairs", ["pair", "all"], key="data_scope", param="scope", default="pair",
                      widget=st.segmented_control,
                      format_func={"pair": f"{view.pair_label}", "all": "All pairs"}.get)
facts = ui.facts(view, all_pairs=scope == "all" or view.pair is None)
if facts.empty:
    ui.no_data(view, "figures")
    st.stop()

c1, c2, c3, c4 = st.columns(4)
with c1:
    metrics = ui.choose_many("Metric", sorted(facts["metric"].unique()), key="data_metric", param="metric",
                             format_func=queries.metric_label, placeholder="All metrics")
with c2:
    kinds = ui.choose_many("Kind", sorted(facts["kind"].unique()), key="data_kind", param="kind",
                           placeholder="All kinds")
with c3:
    sources = ui.choose_many("Outlet", queries.outlets(facts), key="data_source", param="source",
                             placeholder="All outlets")
with c4:
    present = set(facts["qualifier"].unique())
    qualifiers = ui.choose_many("Qualifier", [q for q in queries.QUALIFIER_LABELS if q in present],
                                key="data_qualifier", param="qualifier",
                                format_func=queries.QUALIFIER_LABELS.get, placeholder="All qualifiers")

shown = queries.filter_facts(facts, metrics=metrics, kinds=kinds, sources=sources, qualifiers=qualifiers)
st.caption(f"{len(shown)} of {len(facts)} figures · "
           f"{'all pairs' if scope == 'all' else view.pair_label} · {view.period_label}")
table = shown.assign(source=queries.outlet_column(shown["source"]))  # the CSV keeps a missing outlet empty
picked = st.dataframe(table, hide_index=True, width="stretch", key="data_table", on_select="rerun",
                      selection_mode="multi-row", column_config={
                          "fact_id": st.column_config.NumberColumn("Fact", format="%d"),
                          "value": st.column_config.NumberColumn(format="localized"),
                          "value_usd": st.column_config.NumberColumn("value_usd", format="localized"),
                          "effective_value_usd": st.column_config.NumberColumn(format="localized"),
                          "sentence": st.column_config.TextColumn(width="large"),
                      })

exports = ui.optional("dashboard.exports")
if exports is None:
    st.caption("CSV download is unavailable until dashboard/exports.py is installed.")
else:
    filters = {"pair": "all" if scope == "all" else view.pair_label, "period": view.period_label,
               "metric": metrics, "kind": kinds, "source": sources, "qualifier": qualifiers}
    st.download_button(
        "Download CSV of these rows", data=lambda: exports.csv_bytes(shown, filters),
        file_name=exports.chart_file_name("figures", "all pairs" if scope == "all" else view.pair_label, "csv"),
        mime="text/csv", key="data_csv", icon=":material/download:", on_click="ignore",
        disabled=shown.empty,
    )

ui.figures_behind(facts, [int(shown.iloc[i]["fact_id"]) for i in picked.selection.rows],
                  hint="Select rows to read the sentence and the article behind each figure.")

ui.cite_this_view(view, "Data" if scope == "all" else f"{view.pair_label}: data", ui.n_reports(shown))
