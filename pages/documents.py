"""Documents: paste, upload or fetch articles, see every figure found in them, save them; follow feeds; browse
what is stored."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.labels import SAVE_OUTCOME_WORDS, cited, outlet, outlet_column, safe_url, text_or
from dashboard.ui import evidence, feed_list, reads, sidebar, uploads, widgets

UPLOAD_TYPES = ["txt", "md", "markdown", "html", "htm"]

view = sidebar.current_view()
st.title("Documents")
widgets.intro("Add news articles: each figure found is highlighted in the text, with the table of what was read "
              "beside it; saving stores the article with its figures. The text is shown exactly as read: nothing in "
              "it is run, formatted or turned into a link.")

# --------------------------------------------------------------------------- add articles
paste_tab, upload_tab, url_tab, feeds_tab = st.tabs(["Paste text", "Upload files", "Add by URL", "Feeds"])
with paste_tab:
    pasted = st.text_area("Article text", key="docs_paste", height=200,
                          placeholder="Paste a news article. A first line of title helps; a dateline "
                                      "(e.g. “New Delhi, 12 March 2024”) dates it.")
    c1, c2 = st.columns(2)
    pasted_title = c1.text_input("Title (optional)", key="docs_paste_title")
    pasted_day = c2.date_input("Publication date (optional)", value=None, key="docs_paste_date",
                               help="Dates relative periods such as “last year”; overrides a dateline.")
with upload_tab:
    files = st.file_uploader("Articles (.txt, .md, .html)", type=UPLOAD_TYPES, accept_multiple_files=True,
                             key="docs_upload", help="Several files at once; each is read and checked.")

with url_tab:
    typed = st.text_area("Article addresses, one per line", key="docs_urls", height=110,
                         placeholder="https://www.example.com/business/2025/06/12/a-story")
    if st.button("Fetch and read", key="docs_fetch", icon=":material/download:"):
        st.session_state["docs_fetched"] = uploads.addresses(typed)
    st.caption("Each page is fetched once, with Figure Desk's user agent and no cookies; its main text, title, date "
               "and outlet are read as for an uploaded .html file. Only http(s) pages of HTML or text, up to 5 MB.")
with feeds_tab:
    listed, feeds_problem = feed_list.listed_feeds(view)
    if feeds_problem:
        st.error(widgets.md_escape(feeds_problem), icon=":material/error:")
    elif listed:
        st.dataframe(feed_list.feeds_listing(view, listed), hide_index=True, width="stretch",
                     key="docs_feeds_table", column_config={"Address": st.column_config.LinkColumn()})
    else:
        st.caption("No feeds yet. Add one below, or list them in feeds.yaml beside the store.")
    if st.button("Check feeds now", key="docs_check_feeds", icon=":material/sync:", disabled=not listed):
        st.session_state["docs_feeds_checked"] = feed_list.check_feeds(view, listed)
        st.rerun()  # the listing, the sidebar's counts and every cached view include what was stored
    for line in st.session_state.pop("docs_feeds_checked", []):
        st.text(line)
    st.caption(f"The list is {feed_list.feeds_file(view)}. New entries only are read; a terminal or cron line does "
               "the same: `python -m extractors ingest --feeds` with that file.")
    with st.form("docs_add_feed", clear_on_submit=True, border=True):
        c1, c2, c3 = st.columns([2, 3, 2])
        feed_name = c1.text_input("Name", key="docs_feed_name")
        feed_url = c2.text_input("Feed address (RSS or Atom)", key="docs_feed_url")
        feed_pair = c3.text_input("Pair (optional)", key="docs_feed_pair", placeholder="India–Russia",
                                  help="Stories that name no two countries are filed under this pair.")
        if st.form_submit_button("Add feed", icon=":material/add:"):
            refused = feed_list.add_feed(view, feed_name, feed_url, feed_pair)
            if refused:
                st.error(widgets.md_escape(refused), icon=":material/block:")
            else:
                st.rerun()

inputs: list[tuple[str, bytes, str | None]] = []
if pasted and pasted.strip():
    inputs.append(("pasted text", pasted.encode("utf-8"), pasted_day.isoformat() if pasted_day else None))
for upload in files or []:
    inputs.append((upload.name, upload.getvalue(), None))

ready = []
for name, data, published in inputs:
    doc, found, reason = uploads.extract_upload(data, name, published)
    if doc is None:
        st.error(f"{widgets.md_escape(name)}: {reason}", icon=":material/block:")
        continue
    if name == "pasted text" and pasted_title.strip():
        doc.title = pasted_title.strip()
    ready.append((doc, found))
fetched, not_addresses = st.session_state.get("docs_fetched", ([], []))
for line in not_addresses:
    st.error(f"{widgets.md_escape(line)}: not a web address (only http:// and https:// are fetched)",
             icon=":material/block:")
for address in fetched:
    doc, found, reason = uploads.read_url(address)
    if doc is None:
        st.error(f"{widgets.md_escape(address)}: {reason}", icon=":material/block:")
    else:
        ready.append((doc, found))

if ready:
    st.markdown(f"#### {len(ready)} article{'s' if len(ready) != 1 else ''} read")
    for index, (doc, found) in enumerate(ready):
        rows = pd.DataFrame([fact.as_record() for fact in found])
        label = f"{widgets.md_escape(doc.title or doc.path)} — {len(found)} figure{'s' if len(found) != 1 else ''}"
        with st.expander(label, expanded=index == 0):
            st.text(f"Published {doc.published or 'date unknown'} · {outlet(doc.source)} · "
                    f"pair {' – '.join(doc.pair) if doc.pair else 'not recognised'}"
                    + (f" · {doc.url}" if safe_url(doc.url) else ""))
            text_col, table_col = st.columns([3, 2])
            with text_col:
                st.html(evidence.highlight_html(doc.text, queries.document_spans(rows) if found else [],
                                                offset=doc.body_start))
            with table_col:
                if found:
                    st.dataframe(queries.document_facts_table(rows), hide_index=True, width="stretch")
                else:
                    st.caption("No figures found. The extractor looks for money, counts, percentages and "
                               "volumes next to words it knows (trade, deal, delivered, …).")
    if st.button(f"Save {len(ready)} article{'s' if len(ready) != 1 else ''} to the store", type="primary",
                 key="docs_save", icon=":material/save:"):
        saved = uploads.save_documents(view, ready)  # None: the store refused, and the page says why
        if saved is not None:
            st.session_state["docs_saved"] = saved
            st.rerun()  # so the sidebar's counts and every cached view include the new figures
elif not inputs and not fetched:
    st.caption("Paste an article, upload files or give addresses to see their figures before saving them.")

for title, outcome in st.session_state.pop("docs_saved", []):
    st.success(f"{widgets.md_escape(title)}: {SAVE_OUTCOME_WORDS.get(outcome, outcome)}", icon=":material/check:")

# --------------------------------------------------------------------------- stored documents
st.divider()
st.markdown("#### Stored documents")
stored = reads.documents(view)
if stored.empty:
    st.info("Nothing is stored yet. Paste or upload an article above, or load the sample corpus from a terminal: "
            "`python -m extractors ingest data/corpus --db data/facts.db`.", icon=":material/info:")
    st.stop()

only_pair = widgets.choose_one("Show", ["pair", "all"], key="docs_scope", param="docs",
                               default="pair" if view.pair else "all", widget=st.segmented_control,
                               format_func={"pair": f"{view.pair_label} only", "all": "All documents"}.get)
if only_pair == "pair" and view.pair:
    stored = stored[stored["pair"].eq(view.pair_label)]
listing = stored[["published", "title", "source", "pair", "n_facts", "n_reviews", "path", "doc_id"]].assign(
    published=stored["published"].fillna(""), source=outlet_column(stored["source"]))
arriving = "docs_table" not in st.session_state  # first draw: the URL may name a document
picked = st.dataframe(listing, hide_index=True, width="stretch", key="docs_table", on_select="rerun",
                      selection_mode="single-row", column_config={
                          "n_facts": st.column_config.NumberColumn("Figures"),
                          "n_reviews": st.column_config.NumberColumn("Reviewed"),
                      })
rows_picked = picked.selection.rows
if rows_picked:
    doc_id = str(listing.iloc[rows_picked[0]]["doc_id"])
    st.query_params["doc"] = doc_id
else:
    doc_id = st.query_params.get("doc") if arriving else None
    if doc_id is None:
        st.query_params.pop("doc", None)

if not doc_id:
    st.caption("Select a document to read it with its figures highlighted.")
    st.stop()
text = reads.document_text(view, doc_id)
if text is None:
    st.warning("That document is no longer in the store.")
    st.stop()
everything = reads.facts(view, all_pairs=True, whole_period=True)
mine = everything[everything["doc_id"].eq(doc_id)]
meta = stored[stored["doc_id"].eq(doc_id)]
st.markdown("##### Selected document")
if not meta.empty:
    st.text(f"{text_or(meta['title'].iloc[0], 'untitled')} — {cited(meta.iloc[0])}")
text_col, table_col = st.columns([3, 2])
with text_col:
    st.html(evidence.highlight_html(text, queries.document_spans(mine)))
with table_col:
    st.dataframe(queries.document_facts_table(mine), hide_index=True, width="stretch")
