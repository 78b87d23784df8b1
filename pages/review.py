"""Review: analysts accept, correct or reject extracted figures, with each figure's evidence beside it; the
conflicts between outlets; reviews whose figure has gone."""

from __future__ import annotations

import streamlit as st

from dashboard.review_queue import EDITABLE_COLUMNS, filter_queue, page_count
from dashboard.ui import reads, review, runtime

runtime.ensure_app_routing()  # runs app.py first when a fresh server is opened at /review
st.title("Review")
db = reads.default_db()
st.caption(
    f"Figures the extractor found in the stored articles ({db}). Accept, correct or reject each one; "
    "a review attaches to the figure in its article, so it survives re-reading the article with new rules. "
    "Charts use corrected values and leave rejected figures out."
)
review.show_flash()

data = reads.review(db)
queue, disputed = data.queue, data.disputed
orphans = reads.orphaned_reviews(db)

if queue.empty:
    st.info(
        "No extracted figures yet. Add articles first, for example with "
        "`python -m extractors ingest data/corpus --db data/facts.db` (or `make store`), "
        "then come back here to review what was found."
    )
else:
    choices = review.filter_choices(data)

    def document_label(doc_id: str) -> str:
        return "All documents" if doc_id == review.ANY else data.documents[doc_id]

    pair_col, metric_col, doc_col, conflict_col = st.columns([2, 2, 4, 2], vertical_alignment="bottom")
    pair = pair_col.selectbox("Pair", choices["review_pair"], key="review_pair",
                              on_change=review.filters_changed, format_func=lambda v: v or "All pairs")
    metric = metric_col.selectbox("Metric", choices["review_metric"], key="review_metric",
                                  on_change=review.filters_changed, format_func=lambda v: v or "All metrics")
    doc_id = doc_col.selectbox("Document", choices["review_doc"], key="review_doc",
                               on_change=review.filters_changed, format_func=document_label)
    conflicts_only = conflict_col.toggle("Conflicts only", key=review.CONFLICTS_KEY,
                                         on_change=review.filters_changed,
                                         help="Figures whose outlets disagree by more than 5% for the same period")

    matching = filter_queue(queue, pair or None, metric or None, doc_id or None, conflicts_only)
    n_open = int(matching["review_status"].isna().sum())
    count_col, size_col, page_col = st.columns([6, 2, 2], vertical_alignment="bottom")
    page_size = size_col.selectbox("Rows per page", review.PAGE_SIZES, index=review.PAGE_SIZES.index(100),
                                   key=review.PAGE_SIZE_KEY, on_change=review.filters_changed)
    n_pages = page_count(len(matching), page_size)
    if not 1 <= st.session_state.get(review.PAGE_KEY, 1) <= n_pages:  # fewer pages since (a save, another filter)
        st.session_state[review.PAGE_KEY] = min(max(1, st.session_state.get(review.PAGE_KEY, 1)), n_pages)
    page = page_col.number_input(f"Page (of {n_pages:,})", min_value=1, max_value=n_pages, step=1,
                                 key=review.PAGE_KEY, on_change=review.discard_edits, disabled=n_pages == 1)
    shown = review.page_shown(db, matching, int(page), page_size)
    first = (int(page) - 1) * page_size
    where = f" Showing {first + 1:,}–{first + len(shown):,}." if n_pages > 1 else ""
    count_col.write(f"{len(matching):,} figure(s), {n_open:,} not yet reviewed. Unreviewed figures come first."
                    + where)

    if shown.empty:
        st.info("No figures match these filters. Choose 'All' in a filter, or turn off 'Conflicts only'.")
    else:
        st.data_editor(
            shown,
            key=review.EDITOR_KEY,
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
                    "Review", options=review.STATUSES,
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
        save_col.button("Save reviews", key="review_save", type="primary", on_click=review.save_edits, args=(db,))
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

review.publish_filters()
