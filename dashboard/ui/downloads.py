"""Download buttons: a chart as PNG or SVG, a table as CSV, a page's briefing pack. Each file is built only when
its button is clicked."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import exports  # looked up at call time: a server without Chromium, or a test, replaces them
from dashboard.exports import IMAGE_MIME, NO_CHROMIUM_HINT, ImageFormat, chart_file_name, csv_bytes
from dashboard.ui.reads import View


def _render_later(fig: go.Figure, fmt: ImageFormat) -> Callable[[], bytes]:
    """A download payload built only on click; failing loudly beats handing the user an empty file."""
    def render() -> bytes:
        data = exports.image_bytes(fig, fmt)
        if data is None:
            raise RuntimeError(f"the {fmt.upper()} image could not be rendered; see the server log")
        return data
    return render


def download_buttons(fig: go.Figure, base_name: str, key: str) -> None:
    """Download PNG / Download SVG buttons for one chart, or a one-line hint when images cannot be made.

    ``base_name`` is ``exports.chart_file_name`` without its extension (a trailing .png/.svg is dropped).
    """
    if not exports.kaleido_available():
        st.caption(NO_CHROMIUM_HINT)
        return
    stem = re.sub(r"\.(png|svg)$", "", base_name)
    for column, fmt in zip(st.columns(2), ("png", "svg"), strict=True):
        with column:
            st.download_button(
                f"Download {fmt.upper()}", data=_render_later(fig, fmt), file_name=f"{stem}.{fmt}",
                mime=IMAGE_MIME[fmt], key=f"{key}-{fmt}", on_click="ignore", icon=":material/download:",
            )


def csv_download(label: str, frame: pd.DataFrame, filters: Mapping[str, object], *, title: str, pair: str,
                 key: str, disabled: bool = False) -> None:
    """A CSV of exactly ``frame``, with the provenance header of every export (``filters`` named in it)."""
    st.download_button(label, data=lambda: csv_bytes(frame, filters), file_name=chart_file_name(title, pair, "csv"),
                       mime="text/csv", key=key, icon=":material/download:", on_click="ignore", disabled=disabled)


def briefing_download(view: View, build: Callable[[], str], *, key: str) -> None:
    """A "Download briefing pack (HTML)" button for a pair's view; ``build`` makes the pack (``packs``) when it
    is clicked."""
    if view.pair is None:
        return
    st.download_button("Download briefing pack (HTML)", data=build,
                       file_name=f"briefing_{view.pair_label.replace(' ', '-')}_{date.today().isoformat()}.html",
                       mime="text/html", key=key, icon=":material/download:", on_click="ignore")
