"""The look every chart shares: one print-ready plotly template, the colours of series and countries, and the
provenance (title, source line, period basis, data as of) written inside each figure; the legend, axis, mark and
hover pieces the charts are built of.

A chart is screenshotted, pasted into briefs and exported as PNG, so the title, the source line, the period
basis and "data as of" live inside the figure, not in the page around it. Each mark carries its fact id in
``customdata`` so a click leads back to the sentence it came from.
"""

from __future__ import annotations

import html
from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard.labels import (
    BASIS_WORDS,
    BRAND,
    QUALIFIER_LABELS,
    fiscal_year_label,
    format_day,
    outlet,
    outlet_column,
    text_or,
)
from dashboard.queries import map_unique

TEMPLATE_NAME = "figure_desk"
FONT = "Liberation Sans, Helvetica Neue, Helvetica, Arial, sans-serif"
INK, MUTED, GRID = "#1f2933", "#5f6b7a", "#e3e7ec"

# One restrained colour per series and per country, the same on every chart.
SERIES_COLOURS = {
    "trade_total": "#23466e", "exports": "#3d8b6d", "imports": "#c9812a", "target": "#6b6b6b",
}
COUNTRY_COLOURS = {
    "Russia": "#a23b3b", "United States": "#3b6ea5", "France": "#6a4c93", "India": "#d9822b",
    "China": "#8c6d31", "Israel": "#2a8c8c", "United Kingdom": "#4d7a4d", "Germany": "#555555",
}
FALLBACK_COLOURS = ("#7d8c9c", "#9c7d8c", "#8c9c7d", "#6f7f9f", "#9f8f6f")
UNKNOWN_COLOUR = "#a0a7b0"
QUALIFIER_SYMBOLS = {
    "exact": "circle", "approx": "circle-open", "at_least": "triangle-up", "at_most": "triangle-down",
    "range": "square",
}
TARGET_SYMBOL = "star"
SPAN_STYLES = {True: ("solid", 3.5), False: ("dot", 2.5)}  # full year on the chosen basis, anything else
HEIGHT = 560
BOTTOM_MARGIN = 118

pio.templates[TEMPLATE_NAME] = go.layout.Template(layout=go.Layout(
    font=dict(family=FONT, size=14, color=INK),
    title=dict(font=dict(size=20, color=INK), x=0.0, xanchor="left", xref="paper", y=0.97, yanchor="top"),
    paper_bgcolor="white", plot_bgcolor="white",
    colorway=list(SERIES_COLOURS.values()),
    xaxis=dict(showgrid=False, linecolor="#9aa5b1", ticks="outside", tickcolor="#9aa5b1", zeroline=False,
               title=dict(font=dict(size=13, color=MUTED))),
    yaxis=dict(gridcolor=GRID, zeroline=True, zerolinecolor="#9aa5b1", rangemode="tozero",
               title=dict(font=dict(size=13, color=MUTED))),
    legend=dict(font=dict(size=13), bgcolor="rgba(255,255,255,0)", itemclick="toggle"),
    hoverlabel=dict(font=dict(family=FONT, size=13), bgcolor="white", bordercolor="#9aa5b1", align="left"),
    margin=dict(l=70, r=30, t=96, b=118),
))


def country_colour(name: object, order: Iterable[str] = ()) -> str:
    """The country's colour; unknown countries get a muted colour by their place in ``order``."""
    if not isinstance(name, str) or not name:
        return UNKNOWN_COLOUR
    if name in COUNTRY_COLOURS:
        return COUNTRY_COLOURS[name]
    others = [n for n in dict.fromkeys(order) if n not in COUNTRY_COLOURS]
    index = others.index(name) if name in others else len(others)
    return FALLBACK_COLOURS[index % len(FALLBACK_COLOURS)]


# --------------------------------------------------------------------------- provenance

def source_line(rows: pd.DataFrame, max_outlets: int = 4) -> str:
    """'Source: 5 news reports, PTI, ANI and 2 others; figures extracted and normalised by Figure Desk'."""
    docs = rows.drop_duplicates("doc_id") if "doc_id" in rows else rows
    n = len(docs)
    counts = outlet_column(docs["source"]).value_counts() if "source" in docs else pd.Series()
    names = sorted((str(x) for x in counts.index), key=lambda name: (-counts[name], name))  # most-cited first
    shown = names[:max_outlets]
    rest = len(names) - len(shown)
    outlets = ", ".join(shown) + (f" and {rest} other{'s' if rest != 1 else ''}" if rest else "")
    reports = f"{n} news report{'s' if n != 1 else ''}"
    return f"Source: {reports}{', ' + outlets if outlets else ''}; figures extracted and normalised by {BRAND}"


def finish(fig: go.Figure, *, title: str, subtitle: str, rows: pd.DataFrame, basis: str,
           as_of: str | None, height: int = HEIGHT, bottom: int = BOTTOM_MARGIN,
           also: str | None = None) -> go.Figure:
    """Apply the template and write title, source line, period basis and data-as-of into the figure; ``also``
    names a source beside the news (official statistics)."""
    fig.update_layout(
        template=TEMPLATE_NAME, height=height, margin=dict(b=bottom),
        title=dict(text=escape(title), subtitle=dict(text=escape(subtitle), font=dict(size=13, color=MUTED))),
    )
    sources = source_line(rows) + (f"; {also}" if also else "")
    fig.add_annotation(
        text=f"{escape(sources)}<br>Period basis: {escape(basis)} · Data as of {format_day(as_of)}",
        xref="paper", yref="paper", x=0, y=0, yshift=-(bottom - 8), xanchor="left", yanchor="bottom",
        align="left", showarrow=False, font=dict(size=12, color=MUTED), name="provenance",
    )
    return fig


def escape(value: object) -> str:
    """Plotly renders a small HTML subset in titles and hover text; words from articles must not open tags."""
    return html.escape(str(value), quote=False)


def empty_figure(message: str) -> go.Figure:
    """A blank chart that says why it is blank (used only when a page still wants a chart slot)."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=15, color=MUTED))
    fig.update_layout(template=TEMPLATE_NAME, height=260, xaxis_visible=False, yaxis_visible=False)
    return fig


def key_entry(fig: go.Figure, name: str, *, symbol: str | None = None, dash: str | None = None,
               width: float = 2.5) -> None:
    """A grey legend-only trace explaining an encoding (symbol or line style), in the second legend."""
    if symbol:
        trace = go.Scatter(x=[None], y=[None], mode="markers", name=name, legend="legend2",
                           marker=dict(symbol=symbol, size=11, color=MUTED, line=dict(width=2, color=MUTED)))
    else:
        trace = go.Scatter(x=[None], y=[None], mode="lines", name=name, legend="legend2",
                           line=dict(dash=dash, width=width, color=MUTED))
    fig.add_trace(trace.update(hoverinfo="skip"))


def legend_entry(fig: go.Figure, name: str, colour: str, group: str, symbol: str = "circle") -> None:
    """The legend item for a group of traces: a plain marker in the group's colour (the real marks vary
    their symbol by qualifier, and plotly would otherwise show whichever symbol comes first)."""
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, legendgroup=group,
                             marker=dict(symbol=symbol, size=12, color=colour), hoverinfo="skip"))


def pad_dates(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Timestamp]:
    """An x range with breathing room; a single date gets a year either side instead of a zoom to 1 ms."""
    span = max(last - first, pd.Timedelta(days=365))
    return [first - span * 0.06, last + span * 0.06]


def year_axis(fig: go.Figure, first: pd.Timestamp, last: pd.Timestamp, basis: str, row: int | None = None,
              col: int | None = None) -> None:
    """Label each year at its middle and rule a light line at each year boundary (1 Jan or 1 April)."""
    month = 4 if basis == "fiscal" else 1
    start_year = first.year - (1 if first.month < month else 0)
    end_year = last.year
    years = list(range(start_year, end_year + 1))
    step = max(1, len(years) // 12 + (1 if len(years) > 12 else 0))
    label = fiscal_year_label if basis == "fiscal" else (lambda d: str(d.year))
    mids = [pd.Timestamp(y, month, 1) + pd.DateOffset(months=6) for y in years]
    bounds = [pd.Timestamp(y, month, 1) for y in years + [end_year + 1]]
    fig.update_xaxes(
        type="date",  # said outright: a browser's plotly.js guesses from the first trace, a legend-only one
        tickmode="array", tickvals=mids[::step], ticktext=[label(m.date()) for m in mids[::step]], ticks="",
        minor=dict(tickmode="array", tickvals=bounds, showgrid=True, gridcolor=GRID, ticks="outside",
                   ticklen=5, tickcolor="#9aa5b1"),
        title_text=BASIS_WORDS[basis].axis,
        row=row, col=col,
    )


def qualifier_text(qualifier: str) -> str:
    return QUALIFIER_LABELS.get(qualifier, qualifier)


def json_values(values: pd.Series) -> list:
    """Plain lists, not numpy arrays: plotly would base64-pack those, and the figure spec should stay
    readable JSON for tests, exports and anyone inspecting a chart. Dates become the ISO strings plotly's
    encoder would write for them anyway, a string being copied and encoded faster than a Timestamp."""
    if pd.api.types.is_datetime64_dtype(values):
        return _iso_dates(values)
    return [_json_scalar(v) for v in values.tolist()]


# numpy formats the 4,278 report dates of India–Russia at 100,000 facts in 1.7 ms; a Timestamp each, 7.9 ms (timeit)
def _iso_dates(values: pd.Series) -> list:
    """What ``Timestamp.isoformat()`` gives for each date (seconds, then micro- or nanoseconds only when there
    are any), None for NaT, formatted by numpy without making a Timestamp of each value."""
    stamps = values.to_numpy(dtype="datetime64[ns]")
    below_second = stamps.view("int64") % 1_000_000_000
    text = np.datetime_as_string(stamps, unit="s").astype(object)
    for unit, rows in (("us", (below_second != 0) & (below_second % 1000 == 0)), ("ns", below_second % 1000 != 0)):
        text[rows] = np.datetime_as_string(stamps[rows], unit=unit)
    text[np.isnat(stamps)] = None
    return text.tolist()


def _json_scalar(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    if pd.isna(value):
        return None
    return value.isoformat() if isinstance(value, date) else value


def segments(starts: pd.Series, ends: pd.Series) -> list:
    """x or y values for many two-point lines in one trace, separated by gaps (None)."""
    out: list = []
    for a, b in zip(json_values(starts), json_values(ends), strict=True):
        out += [a, b, None]
    return out


# 434 deliveries of India–Russia at 100,000 facts: 9.5 ms over every column, 1.7 ms over the five read (timeit)
def records(rows: pd.DataFrame, fields: tuple[str, ...]) -> Iterator[tuple]:
    """Named rows of just these columns, for hovers that read a few of a wide frame's columns."""
    return rows[list(fields)].itertuples(index=False)


# 1,426 total-trade reports of India–Russia at 100,000 facts, 23 distinct: 15.5 ms a hover each, 2.7 ms (timeit)
def hovers(rows: pd.DataFrame, fields: tuple[str, ...], text: Callable[[Any], str]) -> list[str]:
    """``text(row)`` for each row (a named tuple of ``fields``), built once per distinct row: copies of one
    report, and reports of one period, repeat the same outlet, date, period and value."""
    record = namedtuple("HoverRow", fields)  # type: ignore[misc]
    return map_unique(lambda *values: text(record(*values)), *(rows[f] for f in fields))


# A trace of 1,426 marks added to a figure: 29 ms as a go.Scatter, 15 ms as this dict (timeit)
def scatter(**properties: Any) -> dict[str, Any]:
    """A scatter trace as a dict: plotly validates it once, when the figure takes it, where a go.Scatter is
    validated when made and copied and validated again when added."""
    return {"type": "scatter", **properties}


def marks(rows: pd.DataFrame, *, name: str, colour: str, symbol: str | None, size: int,
          hover: Callable[[pd.DataFrame], list[str]]) -> dict[str, Any]:
    """One marker trace (:func:`scatter`): a mark per row at ``x_mark`` and ``usd_bn``, its symbol the qualifier's
    (or ``symbol``), a range's error bars, its fact id to click through."""
    symbols = [symbol or QUALIFIER_SYMBOLS.get(q, "circle") for q in rows["qualifier"]]
    is_range = rows["qualifier"].eq("range")
    return scatter(
        x=json_values(rows["x_mark"]), y=json_values(rows["usd_bn"]), mode="markers", name=name,
        showlegend=False, legendgroup=str(rows["metric"].iloc[0]),
        marker=dict(symbol=symbols, size=size, color=colour, line=dict(width=2, color=colour)),
        error_y=dict(type="data", symmetric=False, visible=bool(is_range.any()), color=colour, thickness=1.5,
                     width=6, array=json_values((rows["usd_high_bn"] - rows["usd_bn"]).where(is_range, 0).fillna(0)),
                     arrayminus=json_values((rows["usd_bn"] - rows["usd_low_bn"]).where(is_range, 0).fillna(0))),
        customdata=json_values(rows["fact_id"].astype(int)), hovertext=hover(rows),
        hovertemplate="%{hovertext}<extra></extra>",
    )


def outlet_line(r: Any) -> str:
    """'PTI, 10 Jul 2024' for a hover: who reported the figure and when."""
    return f"{escape(outlet(r.source))}, {format_day(r.published)}"


def text_shown(value: object, missing: str = "not stated") -> str:
    """A text cell for a hover, escaped, or ``missing``."""
    return escape(text_or(value, missing))
