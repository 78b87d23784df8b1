"""What leads from a number back to its words: charts whose marks can be clicked, the selection kept in the URL,
the sentence and article behind each selected figure, an article's text with its figures highlighted, and the
citation of the view.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import queries
from dashboard.briefing import cite_text
from dashboard.exports import chart_file_name
from dashboard.labels import cited, metric_label, safe_url, text_or
from dashboard.ui.downloads import download_buttons
from dashboard.ui.reads import View, facts_by_id

logger = logging.getLogger(__name__)

CLICK_HINT = ("Click a mark on a chart (or drag a box around several) to see the sentence and the article "
              "each figure came from.")
FALLBACK_BASE_URL = "http://127.0.0.1:8501"


def chart(fig: go.Figure, *, key: str, name: str, pair_label: str) -> list[int] | None:
    """Draw a figure with the shared settings and its image downloads; returns the clicked/selected fact ids.

    None means "first time this chart is drawn in this session" (so the URL may name the selection).
    """
    filename = chart_file_name(name, pair_label, "png").removesuffix(".png")
    first = key not in st.session_state
    event = st.plotly_chart(
        fig, width="stretch", theme=None, key=key, on_select="rerun",
        config={"toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
                "displaylogo": False},
    )
    download_buttons(fig, filename, key=f"{key}-download")
    ids = fact_ids(event)
    return None if first and not ids else ids


def fact_ids(event: Any) -> list[int]:
    """Fact ids in a plotly selection event (customdata holds one id per mark)."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return []
    ids: list[int] = []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, list | tuple):
            data = data[0] if data else None
        if data is not None:
            try:
                ids.append(int(data))
            except (TypeError, ValueError):
                continue
    return list(dict.fromkeys(ids))


def selected_ids(*selections: list[int] | None) -> list[int]:
    """The page's selected fact ids: clicks if any, else (on arrival) the URL's ``?facts=``; kept in the URL."""
    clicked = [i for sel in selections if sel for i in sel]
    if clicked:
        st.query_params["facts"] = [str(i) for i in dict.fromkeys(clicked)]
        return list(dict.fromkeys(clicked))
    if all(sel is None for sel in selections):
        return [int(raw) for raw in st.query_params.get_all("facts") if raw.isdigit()]
    st.query_params.pop("facts", None)
    return []


def figures_behind(facts_frame: pd.DataFrame | View, ids: Sequence[int], hint: str = CLICK_HINT) -> None:
    """The sentence and article behind each selected figure (article text shown with st.text, never Markdown).

    Given a View rather than a frame, only the selected facts are read (and only when there are some)."""
    st.markdown("#### Behind the figures")
    if not ids:
        st.caption(hint)
        return
    rows = facts_by_id(facts_frame, ids) if isinstance(facts_frame, View) else queries.facts_by_id(facts_frame, ids)
    if rows.empty:
        st.caption("The selected figures are outside the current pair or period.")
        return
    for row in rows.itertuples():
        with st.container(border=True):
            title = text_or(row.title, text_or(row.path, "untitled"))
            st.html(f"<div style='font-size:0.95rem'><b>{html.escape(str(row.surface))}</b> · "
                    f"{html.escape(metric_label(row.metric))} · "
                    f"{html.escape(text_or(row.period_label, 'period not stated'))}"
                    f"<br><span style='color:#5f6b7a'>{html.escape(title)} — {html.escape(cited(row))}"
                    "</span></div>")
            st.text(row.sentence)
            link = safe_url(row.url)
            if link:
                st.link_button("Open the article", link, icon=":material/open_in_new:")


# --------------------------------------------------------------------------- an article with its figures marked

HIGHLIGHT_STYLE = ("white-space:pre-wrap;font-family:'Source Serif 4',Georgia,serif;font-size:1rem;"
                   "line-height:1.65;max-height:32rem;overflow-y:auto;padding:0.75rem 1rem;"
                   "border:1px solid #e3e7ec;border-radius:0.5rem;background:#fff")
MARK_STYLE = "background:#fde68a;padding:0 2px;border-radius:3px"


def highlight_html(text: str, spans: Iterable[tuple[int, int, str]], offset: int = 0) -> str:
    """Article text as HTML with our figure spans in <mark>, every piece of the article html-escaped.

    ``spans`` are (start, end, tooltip) in the text's own offsets; ``offset`` is where the shown text
    starts (after front matter). Overlapping or out-of-range spans are skipped, never mis-marked; spans are
    numbered in text order (skipped ones keep their number) to match :func:`queries.document_facts_table`.
    E.g. "Trade hit <b>$5 bn</b>." with span (13, 18) gives ``Trade hit &lt;b&gt;<mark …>$5 bn</mark><sup>1</sup>…``.
    """
    shown = text[offset:]
    parts: list[str] = []
    cursor = 0
    for number, (start, end, tooltip) in enumerate(sorted(spans), start=1):
        start, end = start - offset, end - offset
        if start < cursor or end > len(shown) or start >= end:
            continue
        parts.append(html.escape(shown[cursor:start]))
        parts.append(f'<mark style="{MARK_STYLE}" title="{number} · {html.escape(tooltip)}">'
                     f"{html.escape(shown[start:end])}</mark><sup>{number}</sup>")
        cursor = end
    parts.append(html.escape(shown[cursor:]))
    return f'<div style="{HIGHLIGHT_STYLE}">{"".join(parts)}</div>'


# --------------------------------------------------------------------------- citing the view

def _page_url_path() -> str:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        manager = ctx.pages_manager if ctx is not None else None
        page = manager.get_pages().get(manager.current_page_script_hash) if manager is not None else None
        return str((page or {}).get("url_pathname") or "")
    except Exception:
        return ""


def view_url() -> str:
    """This page's URL with the current query parameters (st.context.url when the browser sent one)."""
    try:
        base = st.context.url
    except Exception:  # no browser context (tests, bare mode)
        base = None
    if not base:
        base = f"{FALLBACK_BASE_URL}/{_page_url_path()}"
    try:
        query = urlencode([(k, v) for k in st.query_params for v in st.query_params.get_all(k)])
    except Exception:
        query = ""
    return f"{base}?{query}" if query else base


def cite_this_view(page_title: str, n_reports: int) -> None:
    """A "Cite this view" expander with the citation text of this page, in a copyable code block."""
    try:
        text = cite_text(page_title, view_url(), date.today(), int(n_reports))
    except Exception:  # citing is an extra: never take the page down
        logger.warning("could not build the citation", exc_info=True)
        return
    with st.expander("Cite this view"):
        st.code(text, language=None)
