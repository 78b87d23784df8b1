"""The sidebar every page shares: the country pair, the year basis, the period and the store's freshness, and the
view they make (:class:`reads.View`) for the page to draw."""

from __future__ import annotations

import streamlit as st

from dashboard.labels import BASES, BASIS_WORDS, BRAND, pair_label, parse_pair
from dashboard.ui import reads, runtime
from dashboard.ui.reads import View
from dashboard.ui.widgets import choose_one, md_escape, year_range

DEFAULT_PAIR = ("India", "Russia")
_VIEW = "_view"


def sidebar() -> View:
    """Pair selector, period range and the store's freshness line, drawn on every page (from app.py)."""
    db = reads.default_db()
    available = reads.pairs(db)
    labels = [pair_label(p) for p in available]
    with st.sidebar:
        st.markdown(f"### {BRAND}")
        pair: tuple[str, str] | None = None
        if labels:
            default = pair_label(DEFAULT_PAIR) if DEFAULT_PAIR in available else labels[0]
            asked = st.query_params.get("pair")
            if asked and "sidebar_pair" not in st.session_state:
                parsed = parse_pair(asked)
                if parsed is None or pair_label(parsed) not in labels:
                    st.warning(f"No figures for “{md_escape(asked)}” in the store; showing {default}.")
                else:
                    st.query_params["pair"] = pair_label(parsed)  # accept "India-Russia" too
            label = choose_one("Country pair", labels, key="sidebar_pair", param="pair", default=default,
                               help="Pairs that have figures in the store, most-reported first.")
            pair = available[labels.index(label)]
        else:
            st.info("The store is empty: add articles on the Documents page.")
        basis = choose_one("Year basis", BASES, key="sidebar_basis", param="basis", default="calendar",
                           widget=st.segmented_control, format_func=lambda b: BASIS_WORDS[b].button,
                           help="Indian fiscal years run 1 April – 31 March. The period below, the trade series "
                                "and what counts as a whole year follow this choice.")
        found = reads.year_bounds(db, pair, basis) if pair else None
        start_year = end_year = None
        if found:
            start_year, end_year = year_range(*found, basis)
        info = reads.summary(db, pair)
        st.caption(f"Data as of {info['latest_published'] or '—'} · {info['n_documents']} articles · "
                   f"{info['n_facts']} figures")
    view = View(db=db, pair=pair, start_year=start_year, end_year=end_year, as_of=info["latest_published"],
                n_documents=int(info["n_documents"]), n_facts=int(info["n_facts"]), basis=basis)
    st.session_state[_VIEW] = view
    return view


def current_view() -> View:
    """The sidebar's choices for this run (app.py draws the sidebar before the page)."""
    runtime.ensure_app_routing()
    current = st.session_state.get(_VIEW)
    return current if isinstance(current, View) else sidebar()


def pair_labels(view: View) -> list[str]:
    """Every pair with figures in the store, most-reported first, as the sidebar lists them."""
    return [pair_label(p) for p in reads.pairs(view.db)]
