"""Figure Desk: the entry point. Page config, explicit routing over pages/, and the sidebar every page shares.

Run with `streamlit run app.py` (the store is `$FACTS_DB`, else data/facts.db).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.ui import runtime, sidebar

PAGES = Path(__file__).resolve().parent / "pages"

runtime.configure_page()
page = st.navigation([
    st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", url_path="overview", default=True),
    st.Page(PAGES / "trade.py", title="Trade", icon=":material/show_chart:", url_path="trade"),
    st.Page(PAGES / "defence.py", title="Defence", icon=":material/shield:", url_path="defence"),
    st.Page(PAGES / "documents.py", title="Documents", icon=":material/article:", url_path="documents"),
    st.Page(PAGES / "data.py", title="Data", icon=":material/table:", url_path="data"),
    st.Page(PAGES / "review.py", title="Review", icon=":material/fact_check:", url_path="review"),
])
try:
    sidebar.sidebar()
    runtime.rules_panel()
    runtime.run_page(page)
finally:
    runtime.freeze_long_lived_objects()  # once per process, after the first run has loaded everything
