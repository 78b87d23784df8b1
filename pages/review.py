"""Review page: analysts accept, correct or reject extracted figures, with each figure's evidence beside it.

Reads and writes only through dashboard.store; ordering, evidence marking and edit handling live in
dashboard.corroboration so they are tested without Streamlit. The editor's edits are read from session state
on Save (never fed back into it: that makes every second edit vanish), then the caches are cleared and the
store re-read.
"""

from __future__ import annotations

import re
import sqlite3
from typing import NamedTuple

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.corroboration import (
    EDITABLE_COLUMNS,
    REVIEW_ORDER_INPUT,
    conflicts,
    document_choices,
    dress_queue,
    filter_queue,
    page_count,
    queue_page,
    review_order,
    review_rows,
    with_text,
)
from datastore import store

EDITOR_KEY = "review_editor"
SHOWN_KEY = "review_shown"  # the rows the editor showed, so Save maps edited positions to the right figures
FLASH_KEY = "review_flash"
PAGE_KEY, PAGE_SIZE_KEY = "review_page", "review_page_size"
PAGE_SIZES = (50, 100, 250, 500)  # the editor shows one page: a browser table of 100,000 rows is unusable
ANY = ""  # the "no filter" choice of every selectbox
READ_ERRORS = (sqlite3.Error, OSError, store.SchemaError)

# Filter widget key → (query parameter, default)
FILTERS = {"review_pair": ("pair", ANY), "review_metric": ("metric", ANY), "review_doc": ("doc", ANY)}
CONFLICTS_KEY, CONFLICTS_PARAM = "review_conflicts", "conflicts"
_PLAIN = re.compile(r"[^\w\s\-\u2013.,]")


class ReviewData(NamedTuple):
    queue: pd.DataFrame      # every fact, in review order (review_order)
    disputed: pd.DataFrame   # conflicts between outlets (conflicts)
    pairs: list[str]
    metrics: list[str]
    documents: dict[str, str]  # doc_id → label, newest first


@st.cache_resource(show_spinner="Building the review queue…", max_entries=2)
def load_review(db_path: str, token: tuple[int, ...]) -> ReviewData:
    """The whole review queue in order, the conflicts between outlets and the filters' choices, once per store
    state (`token`).

    Shared, not copied, on every rerun: copying 100,000 rows took seconds per click. Nothing on this page
    changes these frames (filters, pages and display text make new ones). The queue holds every fact, rejected
    and implausible ones too, so a person can undo a rejection; conflicts are computed on the facts charts
    count. Only the columns ordering and conflicts need are read here; sentences, links and display text are
    read and made for the page shown (page_rows).
    """
    all_facts = store.facts_frame(db_path, include_rejected=True, plausible_only=False, columns=REVIEW_ORDER_INPUT)
    disputed = conflicts(store.counted(all_facts))
    queue = review_order(all_facts, {int(i) for ids in disputed["fact_ids"] for i in ids})
    return ReviewData(queue, disputed, sorted(queue["pair"].dropna().unique()),
                      sorted(queue["metric"].dropna().unique()), document_choices(queue))


@st.cache_resource(show_spinner=False, max_entries=8)
def _document_facts(db_path: str, token: tuple[int, ...], doc_ids: tuple[str, ...]) -> pd.DataFrame:
    return store.facts_frame(db_path, include_rejected=True, plausible_only=False, doc_ids=doc_ids)


def page_rows(db_path: str, rows: pd.DataFrame) -> pd.DataFrame:
    """The editor's rows for one page of the queue: every column of their facts, read for their documents only
    (once per page and store state: a rerun of the same page reads nothing)."""
    doc_ids = tuple(sorted(set(rows["doc_id"])))
    return dress_queue(with_text(rows, _document_facts(db_path, ui.db_token(db_path), doc_ids)))


@st.cache_data(show_spinner=False)
def load_orphans(db_path: str) -> pd.DataFrame:
    return store.orphaned_reviews(db_path)


def discard_edits() -> None:
    """Unsaved edits are positions in the table shown; once the filter or page changes they would hit other
    rows."""
    st.session_state.pop(EDITOR_KEY, None)


def filters_changed() -> None:
    """Other figures match now: drop the edits and start again at their first page."""
    discard_edits()
    st.session_state[PAGE_KEY] = 1


def save_edits(db_path: str) -> None:
    """Save button callback: runs before the page is redrawn, so the edits still match the rows shown."""
    edited = (st.session_state.get(EDITOR_KEY) or {}).get("edited_rows") or {}
    shown = st.session_state.get(SHOWN_KEY)
    if not edited or shown is None:
        st.session_state[FLASH_KEY] = ("info", "Nothing to save yet: edit a row's Review, Corrected … or Note.", None)
        return
    rows, missing = review_rows(shown, edited, reviewer=st.session_state.get("review_reviewer"))
    try:
        saved = store.save_reviews(db_path, rows)
    except (ValueError, sqlite3.Error) as err:  # nothing was saved; keep the edits so they can be fixed
        # The store's message quotes the row, article text included: shown as plain text, never Markdown.
        st.session_state[FLASH_KEY] = ("error", "Nothing saved: the store refused a row (details below).", str(err))
        return
    st.cache_data.clear()  # every page's numbers may have changed, not only this page's
    discard_edits()
    message = f"Saved {saved} review(s)."
    if missing:
        message += f" {len(missing)} edited row(s) had no review status and were left as they were."
    st.session_state[FLASH_KEY] = ("success", message, None)


def init_filter(key: str, param: str, options: list[str], default: str) -> None:
    """Seed a filter from the URL once per session, and fall back to the default when its choice has gone."""
    if key not in st.session_state:
        wanted = st.query_params.get(param, default)
        if wanted not in options:
            wanted = wanted.replace("-", "\u2013")  # "India-Russia" typed into a URL means "India–Russia"
        if wanted not in options:
            if wanted != default:  # echo the URL's value without anything Markdown could act on
                st.warning(f"No {param} called '{_PLAIN.sub('', wanted)[:80]}' in the store; showing all.")
            wanted = default
        st.session_state[key] = wanted
    elif st.session_state[key] not in options:
        st.session_state[key] = default


ui.ensure_app_routing()  # runs app.py first when a fresh server is opened at /review
st.title("Review")
db_path = str(store.default_db_path())
st.caption(
    f"Figures the extractor found in the stored articles ({db_path}). Accept, correct or reject each one; "
    "a review attaches to the figure in its article, so it survives re-reading the article with new rules. "
    "Charts use corrected values and leave rejected figures out."
)

flash = st.session_state.pop(FLASH_KEY, None)
if flash is not None:
    kind, message, detail = flash
    getattr(st, kind)(message)
    if detail:
        st.text(detail)

try:
    review = load_review(db_path, ui.db_token(db_path))
    queue, disputed = review.queue, review.disputed
    orphans = load_orphans(db_path)
except READ_ERRORS as err:
    st.error(f"Could not read the fact store at {db_path}: {err}")
    st.stop()

if queue.empty:
    st.info(
        "No extracted figures yet. Add articles first, for example with "
        "`python -m extractors ingest data/corpus --db data/facts.db` (or `make store`), "
        "then come back here to review what was found."
    )
else:
    choices = {
        "review_pair": [ANY, *review.pairs],
        "review_metric": [ANY, *review.metrics],
        "review_doc": [ANY, *review.documents],
    }
    for key, (param, default) in FILTERS.items():
        init_filter(key, param, choices[key], default)
    if CONFLICTS_KEY not in st.session_state:
        st.session_state[CONFLICTS_KEY] = st.query_params.get(CONFLICTS_PARAM) == "1"

    def document_label(doc_id: str) -> str:
        return "All documents" if doc_id == ANY else review.documents[doc_id]

    pair_col, metric_col, doc_col, conflict_col = st.columns([2, 2, 4, 2], vertical_alignment="bottom")
    pair = pair_col.selectbox("Pair", choices["review_pair"], key="review_pair", on_change=filters_changed,
                              format_func=lambda v: v or "All pairs")
    metric = metric_col.selectbox("Metric", choices["review_metric"], key="review_metric",
                                  on_change=filters_changed, format_func=lambda v: v or "All metrics")
    doc_id = doc_col.selectbox("Document", choices["review_doc"], key="review_doc", on_change=filters_changed,
                               format_func=document_label)
    conflicts_only = conflict_col.toggle("Conflicts only", key=CONFLICTS_KEY, on_change=filters_changed,
                                         help="Figures whose outlets disagree by more than 5% for the same period")

    matching = filter_queue(queue, pair or None, metric or None, doc_id or None, conflicts_only)
    n_open = int(matching["review_status"].isna().sum())
    count_col, size_col, page_col = st.columns([6, 2, 2], vertical_alignment="bottom")
    page_size = size_col.selectbox("Rows per page", PAGE_SIZES, index=PAGE_SIZES.index(100), key=PAGE_SIZE_KEY,
                                   on_change=filters_changed)
    n_pages = page_count(len(matching), page_size)
    if not 1 <= st.session_state.get(PAGE_KEY, 1) <= n_pages:  # fewer pages since (a save, another filter)
        st.session_state[PAGE_KEY] = min(max(1, st.session_state.get(PAGE_KEY, 1)), n_pages)
    page = page_col.number_input(f"Page (of {n_pages:,})", min_value=1, max_value=n_pages, step=1, key=PAGE_KEY,
                                 on_change=discard_edits, disabled=n_pages == 1)
    shown = page_rows(db_path, queue_page(matching, int(page), page_size))
    st.session_state[SHOWN_KEY] = shown
    first = (int(page) - 1) * page_size
    where = f" Showing {first + 1:,}–{first + len(shown):,}." if n_pages > 1 else ""
    count_col.write(f"{len(matching):,} figure(s), {n_open:,} not yet reviewed. Unreviewed figures come first."
                    + where)

    if shown.empty:
        st.info("No figures match these filters. Choose 'All' in a filter, or turn off 'Conflicts only'.")
    else:
        st.data_editor(
            shown,
            key=EDITOR_KEY,
            hide_index=True,
            num_rows="fixed",
            disabled=[c for c in shown.columns if c not in EDITABLE_COLUMNS],
            column_order=[
                "status", "evidence", "figure_text", "corrected_value", "corrected_period_start",
                "corrected_period_end", "corrected_item", "note", "conflict", "metric", "item", "period", "pair",
                "title", "source", "published", "url", "fact_id",
            ],
            column_config={
                "status": st.column_config.SelectboxColumn(
                    "Review", options=list(store.REVIEW_STATUSES),
                    help="accept: read correctly · correct: fill a corrected field · reject: not a real figure"),
                "evidence": st.column_config.TextColumn("Evidence (figure between ⟦ ⟧)", width="large"),
                "figure_text": st.column_config.TextColumn("Read as"),
                "corrected_value": st.column_config.NumberColumn(
                    "Corrected value", help="In the figure's own unit (rupees stay rupees); USD follows"),
                "corrected_period_start": st.column_config.DateColumn("Corrected from", format="YYYY-MM-DD"),
                "corrected_period_end": st.column_config.DateColumn("Corrected to", format="YYYY-MM-DD"),
                "corrected_item": st.column_config.TextColumn("Corrected item"),
                "note": st.column_config.TextColumn("Note"),
                "conflict": st.column_config.CheckboxColumn("Conflict"),
                "period": st.column_config.TextColumn("Period"),
                "title": st.column_config.TextColumn("Document"),
                "source": st.column_config.TextColumn("Outlet"),
                "published": st.column_config.TextColumn("Date"),
                "url": st.column_config.LinkColumn("Link", display_text="open"),
                "fact_id": st.column_config.NumberColumn("Fact", format="%d"),
            },
        )
        save_col, name_col = st.columns([1, 3], vertical_alignment="bottom")
        name_col.text_input("Reviewer (optional)", key="review_reviewer")
        save_col.button("Save reviews", key="review_save", type="primary", on_click=save_edits, args=(db_path,))
        st.caption("Save before you change a filter or the page: unsaved edits are dropped then.")

    in_view = disputed[disputed["fact_id"].isin(set(shown["fact_id"]))]
    if len(in_view):
        with st.expander(f"Conflicting reports ({in_view['group_id'].nunique()} figure(s) in view)"):
            st.dataframe(
                in_view[["outlet", "published", "surface", "value", "unit", "deviation", "agrees_with_canonical",
                         "period_start", "period_end", "metric", "fact_id", "title"]],
                hide_index=True,
                column_config={
                    "deviation": st.column_config.NumberColumn("From canonical", format="percent"),
                    "agrees_with_canonical": st.column_config.CheckboxColumn("Agrees"),
                    "value": st.column_config.NumberColumn("Value", format="compact"),
                },
            )

st.subheader("Reviews that lost their figure")
if orphans.empty:
    st.caption("None: every saved review still points at a figure the current extraction finds.")
else:
    st.caption(
        "The current extraction no longer finds these figures (the rules or the article changed). "
        "Look at the document again and review its new figures."
    )
    st.dataframe(
        orphans[["title", "surface", "value", "status", "corrected_value", "corrected_period_start",
                 "corrected_period_end", "corrected_item", "note", "reviewer", "reviewed_at"]],
        hide_index=True,
    )

wanted_params = {param: st.session_state.get(key, default) for key, (param, default) in FILTERS.items()}
wanted_params[CONFLICTS_PARAM] = "1" if st.session_state.get(CONFLICTS_KEY) else ""
wanted_params = {k: v for k, v in wanted_params.items() if v}
if dict(st.query_params) != wanted_params:
    st.query_params.from_dict(wanted_params)
