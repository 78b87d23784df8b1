"""The Review page's state: its filters (kept in the URL), the page of the queue shown, and saving the edits made
in the table.

The editor's edits are read from session state on Save (never fed back into it: that makes every second edit
vanish), turned into reviews (``review_queue.review_rows``) and saved; then the caches are cleared and the store
read again. Ordering, evidence marking and edit parsing are :mod:`dashboard.review_queue`, tested without
Streamlit.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.review_queue import queue_page, review_rows
from dashboard.ui.reads import ReviewData, clear_caches, review_rows_shown
from dashboard.ui.widgets import seed_filter, seed_flag, set_url
from datastore import store

EDITOR_KEY = "review_editor"
SHOWN_KEY = "review_shown"  # the rows the editor showed, so Save maps edited positions to the right figures
FLASH_KEY = "review_flash"
PAGE_KEY, PAGE_SIZE_KEY = "review_page", "review_page_size"
PAGE_SIZES = (50, 100, 250, 500)  # the editor shows one page: a browser table of 100,000 rows is unusable
ANY = ""  # the "no filter" choice of every selectbox
# Filter widget key → (query parameter, default)
FILTERS = {"review_pair": ("pair", ANY), "review_metric": ("metric", ANY), "review_doc": ("doc", ANY)}
CONFLICTS_KEY, CONFLICTS_PARAM = "review_conflicts", "conflicts"
STATUSES = list(store.REVIEW_STATUSES)  # the editor's choices in the Review column


def filter_choices(review: ReviewData) -> dict[str, list[str]]:
    """Each filter's choices ("any" first), its value seeded from the URL on arrival."""
    choices = {"review_pair": [ANY, *review.pairs], "review_metric": [ANY, *review.metrics],
               "review_doc": [ANY, *review.documents]}
    for key, (param, default) in FILTERS.items():
        seed_filter(key, param, choices[key], default)
    seed_flag(CONFLICTS_KEY, CONFLICTS_PARAM)
    return choices


def publish_filters() -> None:
    """The URL names the filters chosen, and nothing else ("all" leaves it)."""
    params = {param: st.session_state.get(key, default) for key, (param, default) in FILTERS.items()}
    params[CONFLICTS_PARAM] = "1" if st.session_state.get(CONFLICTS_KEY) else ""
    set_url(params)


def page_shown(db: str, matching: pd.DataFrame, page: int, page_size: int) -> pd.DataFrame:
    """The editor's rows for one page of the matching queue, remembered so that Save finds the figures edited."""
    shown = review_rows_shown(db, queue_page(matching, page, page_size))
    st.session_state[SHOWN_KEY] = shown
    return shown


def discard_edits() -> None:
    """Unsaved edits are positions in the table shown; once the filter or page changes they would hit other
    rows."""
    st.session_state.pop(EDITOR_KEY, None)


def filters_changed() -> None:
    """Other figures match now: drop the edits and start again at their first page."""
    discard_edits()
    st.session_state[PAGE_KEY] = 1


def save_edits(db: str) -> None:
    """Save button callback: runs before the page is redrawn, so the edits still match the rows shown."""
    edited = (st.session_state.get(EDITOR_KEY) or {}).get("edited_rows") or {}
    shown = st.session_state.get(SHOWN_KEY)
    if not edited or shown is None:
        st.session_state[FLASH_KEY] = ("info", "Nothing to save yet: edit a row's Review, Corrected … or Note.", None)
        return
    rows, missing = review_rows(shown, edited, reviewer=st.session_state.get("review_reviewer"))
    try:
        saved = store.save_reviews(db, rows)
    except (ValueError, store.StoreError) as err:  # nothing was saved; keep the edits so they can be fixed
        # The store's message quotes the row, article text included: shown as plain text, never Markdown.
        st.session_state[FLASH_KEY] = ("error", "Nothing saved: the store refused a row (details below).", str(err))
        return
    clear_caches()  # every page's numbers may have changed, not only this page's
    discard_edits()
    message = f"Saved {saved} review(s)."
    if missing:
        message += f" {len(missing)} edited row(s) had no review status and were left as they were."
    st.session_state[FLASH_KEY] = ("success", message, None)


def show_flash() -> None:
    """What the last Save did, once."""
    flash = st.session_state.pop(FLASH_KEY, None)
    if flash is not None:
        kind, message, detail = flash
        getattr(st, kind)(message)
        if detail:
            st.text(detail)
