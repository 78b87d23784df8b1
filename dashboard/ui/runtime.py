"""The app around the pages: page config, the routing that makes app.py run first, the panel that says why the
extraction rules cannot be loaded, a page run that survives broken rules, and memory settled after the first run.
"""

from __future__ import annotations

import gc
import logging
import runpy
from pathlib import Path
from typing import Any

import streamlit as st

# Streamlit loads its emoji catalogue (about half a second) the first time a segmented control shows a label
# that is not plain ASCII ("Apr–Mar"): load it with the app rather than inside the first page run showing one.
import streamlit.emojis  # noqa: F401

from dashboard.labels import BRAND
from dashboard.ui.widgets import md_escape
from extractors.errors import RulesError
from extractors.rules import rules_problem

logger = logging.getLogger(__name__)

APP = Path(__file__).resolve().parents[2] / "app.py"


def configure_page() -> None:
    """The browser tab and layout every page shares (the icon is an emoji the browser draws: nothing fetched)."""
    st.set_page_config(page_title=BRAND, page_icon="📊", layout="wide", initial_sidebar_state="expanded")


def rules_panel() -> None:
    """On every page, while the extraction rules cannot be loaded: the one-line reason (file, line, rule), as
    the command line prints it. Pages go on showing what is stored; only reading new articles needs rules."""
    problem = rules_problem()
    if problem:
        logger.error("extraction rules cannot be loaded: %s", problem)
        st.error(f"**The extraction rules cannot be loaded.** {md_escape(problem)}\n\nNew articles cannot be "
                 "read until the file is fixed (reload the page then); the figures already stored are shown as "
                 "usual.", icon=":material/error:")


def run_page(page: Any) -> None:
    """Run the page the navigation chose; a part of a page that needs the rules stops there (the panel above says
    why) and the rest of the page stays."""
    try:
        page.run()
    except RulesError:
        logger.warning("a page stopped at broken extraction rules", exc_info=True)


_settled = False


def freeze_long_lived_objects() -> None:
    """Once per server process, after its first page run: move everything alive by then (Streamlit, plotly's
    validators, pandas, the extraction rules) out of the garbage collector's full passes.

    A page run at 100k facts allocates enough to trigger full passes, and each rescanned all of that: 150–250 ms
    pauses in a run, 30–60 ms once frozen. Objects that die later are still freed by reference counting.
    """
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()  # what is garbage now is not frozen with the rest
    gc.freeze()


def ensure_app_routing() -> None:
    """Make sure app.py runs, even when the first visitor of a fresh server opens a page URL directly.

    Because our pages live in pages/ next to app.py, Streamlit starts in its legacy multipage mode and runs
    pages/trade.py by itself (no page config, shared sidebar or Review page) until some session has called
    st.navigation — which only app.py does. Seen here (before the page has drawn anything), run app.py in
    this same script run: its st.navigation ends legacy mode for good and runs the page the URL names (page
    ids come from the URL path), with the same URL and the same widget events; then stop the legacy run.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without the legacy mode: nothing to leave
        return
    if not getattr(PagesManager, "uses_pages_directory", False):
        return
    PagesManager.uses_pages_directory = False  # what st.navigation sets; also guards against recursion
    runpy.run_path(str(APP), run_name="__main__")
    st.stop()
