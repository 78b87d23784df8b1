"""Figure Desk: the entry point. Page config, explicit routing over pages/, and the sidebar every page shares.

Run with `streamlit run app.py` (the store is `$FACTS_DB`, else data/facts.db).
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from dashboard import ui
from extractors.errors import RulesError

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"

st.set_page_config(page_title="Figure Desk", page_icon="📊", layout="wide",
                   initial_sidebar_state="expanded")

pages = [
    st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", url_path="overview",
            default=True),
    st.Page(PAGES / "trade.py", title="Trade", icon=":material/show_chart:", url_path="trade"),
    st.Page(PAGES / "defence.py", title="Defence", icon=":material/shield:", url_path="defence"),
    st.Page(PAGES / "documents.py", title="Documents", icon=":material/article:", url_path="documents"),
    st.Page(PAGES / "data.py", title="Data", icon=":material/table:", url_path="data"),
]
if (PAGES / "review.py").exists():  # written by the review engineer; routed only once it exists
    pages.append(st.Page(PAGES / "review.py", title="Review", icon=":material/fact_check:", url_path="review"))

page = st.navigation(pages)
try:
    ui.sidebar()
    ui.rules_panel()
    try:
        page.run()
    except RulesError:  # a part of a page that needs the rules: the panel above says why, the rest stays
        logging.getLogger(__name__).warning("a page stopped at broken extraction rules", exc_info=True)
finally:
    ui.freeze_long_lived_objects()  # once per process, after the first run has loaded everything
