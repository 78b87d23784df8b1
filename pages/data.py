"""Data: every stored figure with its provenance, filtered, and a CSV of exactly the rows shown."""

from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.labels import QUALIFIER_LABELS, metric_label, outlet_column
from dashboard.ui import downloads, evidence, reads, sidebar, uploads, widgets

view = sidebar.current_view()
st.title("Data")
widgets.intro("One row per figure: what was found, how it was read (value, unit, qualifier, period, rule) and where "
              "it came from (outlet, title, URL, sentence, character offsets). The download holds exactly these "
              "rows.")

scope = widgets.choose_one("Pairs", ["pair", "all"], key="data_scope", param="scope", default="pair",
                           widget=st.segmented_control,
                           format_func={"pair": f"{view.pair_label}", "all": "All pairs"}.get)
facts = reads.facts(view, all_pairs=scope == "all" or view.pair is None)
if facts.empty:
    widgets.no_data(view, "figures")
    st.stop()

c1, c2, c3, c4 = st.columns(4)
with c1:
    metrics = widgets.choose_many("Metric", sorted(facts["metric"].unique()), key="data_metric", param="metric",
                                  format_func=metric_label, placeholder="All metrics")
with c2:
    kinds = widgets.choose_many("Kind", sorted(facts["kind"].unique()), key="data_kind", param="kind",
                                placeholder="All kinds")
with c3:
    sources = widgets.choose_many("Outlet", queries.outlets(facts), key="data_source", param="source",
                                  placeholder="All outlets")
with c4:
    present = set(facts["qualifier"].unique())
    qualifiers = widgets.choose_many("Qualifier", [q for q in QUALIFIER_LABELS if q in present],
                                     key="data_qualifier", param="qualifier",
                                     format_func=QUALIFIER_LABELS.get, placeholder="All qualifiers")

shown = queries.filter_facts(facts, metrics=metrics, kinds=kinds, sources=sources, qualifiers=qualifiers)
st.caption(f"{len(shown)} of {len(facts)} figures · "
           f"{'all pairs' if scope == 'all' else view.pair_label} · {view.period_label}")
table = shown.assign(source=outlet_column(shown["source"]))  # the CSV keeps a missing outlet empty
picked = st.dataframe(table, hide_index=True, width="stretch", key="data_table", on_select="rerun",
                      selection_mode="multi-row", column_config={
                          "value": st.column_config.NumberColumn(format="localized"),
                          "value_usd": st.column_config.NumberColumn("USD", format="localized"),
                          "effective_value_usd": st.column_config.NumberColumn("USD (as reviewed)",
                                                                               format="localized"),
                          "period_label": st.column_config.TextColumn("period"),
                          "sentence": st.column_config.TextColumn(width="large"),
                          "source": st.column_config.TextColumn("outlet"),
                          "url": st.column_config.LinkColumn("link"),
                          "fact_id": st.column_config.NumberColumn("Fact", format="%d"),
                      })

filters = {"pair": "all" if scope == "all" else view.pair_label, "period": view.period_label,
           "metric": metrics, "kind": kinds, "source": sources, "qualifier": qualifiers}
downloads.csv_download("Download CSV of these rows", shown, filters, title="figures",
                       pair="all pairs" if scope == "all" else view.pair_label, key="data_csv", disabled=shown.empty)

evidence.figures_behind(facts, [int(shown.iloc[i]["fact_id"]) for i in picked.selection.rows],
                  hint="Select rows to read the sentence and the article behind each figure.")

st.markdown("#### Official statistics")
st.caption("Load official trade figures to draw beside the news on the Trade page: a UN Comtrade CSV export "
           "(the data site's or the API's download, or the earlier site's), or a CSV of your own with the columns "
           "pair, flow, period_start, period_end, value, currency, source, url (see the README). Only a pair's "
           "whole goods trade is kept; loading a file again changes nothing.")
files = st.file_uploader("Official statistics (CSV)", type=["csv"], accept_multiple_files=True,
                         key="data_reference", max_upload_size=50)
if st.button("Load official statistics", key="data_reference_load", disabled=not files,
             icon=":material/upload_file:"):
    loaded = uploads.load_reference_files(view, [(u.name, u.getvalue()) for u in files or []])
    for name, reason in loaded.failed:
        st.error(f"{widgets.md_escape(name)}: not loaded: {widgets.md_escape(reason)}")
    if loaded.files:
        st.success(f"Loaded {len(loaded.loaded)} official figures ({loaded.outcomes['new']} new, "
                   f"{loaded.outcomes['unchanged']} unchanged, {loaded.outcomes['updated']} updated).")
    for line in loaded.lines():
        st.text(line)
official = reads.official_as_loaded(view, all_pairs=scope == "all" or view.pair is None)
if official.empty:
    st.caption("No official statistics loaded for this selection yet.")
else:
    st.dataframe(official, hide_index=True, width="stretch", column_config={
        "value": st.column_config.NumberColumn(format="localized"),
        "value_usd": st.column_config.NumberColumn("USD", format="localized"),
        "url": st.column_config.LinkColumn("link"),
    })

evidence.cite_this_view("Data" if scope == "all" else f"{view.pair_label}: data", queries.n_reports(shown))
