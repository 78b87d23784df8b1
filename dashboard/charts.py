"""Every figure the dashboard draws, on one print-ready plotly template that carries its own provenance.

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
from plotly.subplots import make_subplots

from dashboard.queries import (
    BASIS_LABELS,
    QUALIFIER_LABELS,
    fiscal_year_label,
    format_usd,
    map_unique,
    outlet,
    outlet_column,
    year_name,
)

TEMPLATE_NAME = "figure_desk"
FONT = "Liberation Sans, Helvetica Neue, Helvetica, Arial, sans-serif"
INK, MUTED, GRID = "#1f2933", "#5f6b7a", "#e3e7ec"
BRAND = "Figure Desk"

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


def format_day(value: str | date | None) -> str:
    """'2024-07-10' → '10 Jul 2024' (unknown stays 'unknown', NaN included: a frame's missing date)."""
    if not isinstance(value, str | date) or not value:
        return "unknown"
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def finish(fig: go.Figure, *, title: str, subtitle: str, rows: pd.DataFrame, basis: str,
           as_of: str | None, height: int = HEIGHT, bottom: int = BOTTOM_MARGIN,
           also: str | None = None) -> go.Figure:
    """Apply the template and write title, source line, period basis and data-as-of into the figure; ``also``
    names a source beside the news (official statistics)."""
    fig.update_layout(
        template=TEMPLATE_NAME, height=height, margin=dict(b=bottom),
        title=dict(text=_e(title), subtitle=dict(text=_e(subtitle), font=dict(size=13, color=MUTED))),
    )
    sources = source_line(rows) + (f"; {also}" if also else "")
    fig.add_annotation(
        text=f"{_e(sources)}<br>Period basis: {_e(basis)} · Data as of {format_day(as_of)}",
        xref="paper", yref="paper", x=0, y=0, yshift=-(bottom - 8), xanchor="left", yanchor="bottom",
        align="left", showarrow=False, font=dict(size=12, color=MUTED), name="provenance",
    )
    return fig


def _e(value: object) -> str:
    """Plotly renders a small HTML subset in titles and hover text; words from articles must not open tags."""
    return html.escape(str(value), quote=False)


def empty_figure(message: str) -> go.Figure:
    """A blank chart that says why it is blank (used only when a page still wants a chart slot)."""
    fig = go.Figure()
    fig.add_annotation(text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font=dict(size=15, color=MUTED))
    fig.update_layout(template=TEMPLATE_NAME, height=260, xaxis_visible=False, yaxis_visible=False)
    return fig


def _key_entry(fig: go.Figure, name: str, *, symbol: str | None = None, dash: str | None = None,
               width: float = 2.5) -> None:
    """A grey legend-only trace explaining an encoding (symbol or line style), in the second legend."""
    if symbol:
        trace = go.Scatter(x=[None], y=[None], mode="markers", name=name, legend="legend2",
                           marker=dict(symbol=symbol, size=11, color=MUTED, line=dict(width=2, color=MUTED)))
    else:
        trace = go.Scatter(x=[None], y=[None], mode="lines", name=name, legend="legend2",
                           line=dict(dash=dash, width=width, color=MUTED))
    fig.add_trace(trace.update(hoverinfo="skip"))


def _legend_entry(fig: go.Figure, name: str, colour: str, group: str, symbol: str = "circle") -> None:
    """The legend item for a group of traces: a plain marker in the group's colour (the real marks vary
    their symbol by qualifier, and plotly would otherwise show whichever symbol comes first)."""
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=name, legendgroup=group,
                             marker=dict(symbol=symbol, size=12, color=colour), hoverinfo="skip"))


def _pad_dates(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Timestamp]:
    """An x range with breathing room; a single date gets a year either side instead of a zoom to 1 ms."""
    span = max(last - first, pd.Timedelta(days=365))
    return [first - span * 0.06, last + span * 0.06]


def _year_axis(fig: go.Figure, first: pd.Timestamp, last: pd.Timestamp, basis: str, row: int | None = None,
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
        title_text="Calendar year" if basis == "calendar" else "Indian fiscal year (April–March)",
        row=row, col=col,
    )


def _qualifier_text(qualifier: str) -> str:
    return QUALIFIER_LABELS.get(qualifier, qualifier)


# --------------------------------------------------------------------------- trade

def trade_chart(trade: pd.DataFrame, *, pair_label: str, basis: str, as_of: str | None,
                series: pd.DataFrame | None = None, official: pd.DataFrame | None = None) -> go.Figure:
    """Trade value over time: each report a mark, with a line across the period it covers; with ``series``
    (``series.trade_series``) the canonical value of each year as a line and the reports as faint marks around
    it; with ``official`` (``series.official_series``) each reporter's statistics as a dashed line of its own.

    Solid spans are whole years on the chosen basis (calendar or Indian fiscal), dotted ones any other span
    ("first eight months", a fiscal year seen on the calendar view). Reports of the same metric and period are
    spread side by side across the span. Targets are stars at their deadline. The series line breaks where a
    year has no whole-year report: a missing year is never drawn as a straight line between its neighbours.
    """
    fig = go.Figure()
    dated = trade.loc[~trade["coverage"].isin(("none",)), [c for c in _TRADE_CHART_COLUMNS if c in trade.columns]]
    has_series = series is not None and not series.empty
    has_official = official is not None and not official.empty
    faint = 0.4 if has_series else 1.0
    present = dated.drop_duplicates("metric").set_index("metric")["series"]
    if has_series:
        present = pd.concat([present, series.drop_duplicates("metric").set_index("metric")["series"]])
        present = present[~present.index.duplicated()]
    for metric in sorted(present.index, key=lambda m: list(SERIES_COLOURS).index(m) if m in SERIES_COLOURS else 99):
        label = present[metric]
        rows = dated[dated["metric"].eq(metric)]
        colour = SERIES_COLOURS.get(metric, UNKNOWN_COLOUR)
        if metric == "target":
            _legend_entry(fig, "Target (stated goal)", colour, metric, symbol=TARGET_SYMBOL)
            fig.add_trace(_marks(rows, name="Target (stated goal)", colour=colour, symbol=TARGET_SYMBOL,
                                 size=16, hover=_target_hovers))
            continue
        if has_series:
            _series_entry(fig, label, colour, metric)
            points = series[series["metric"].eq(metric)]
            if not points.empty:
                fig.add_trace(_series_line(points, name=f"{label} (series)", colour=colour, group=metric,
                                           basis=basis))
        else:
            _legend_entry(fig, label, colour, metric)
        for full, (dash, width) in SPAN_STYLES.items():
            spans = rows[rows["full_year"].eq(full)]
            if spans.empty:
                continue
            fig.add_trace(dict(
                type="scatter", x=_segments(spans["x_start"], spans["x_end"]),
                y=_segments(spans["usd_bn"], spans["usd_bn"]),
                mode="lines", line=dict(color=colour, dash=dash, width=width), opacity=0.6 * faint,
                legendgroup=metric, showlegend=False, hoverinfo="skip", name=f"{label} span",
            ))
        if not rows.empty:
            marks = _marks(rows, name=label, colour=colour, symbol=None, size=11 if not has_series else 9,
                           hover=_trade_hovers)
            marks["opacity"] = faint
            fig.add_trace(marks)
    if has_official:
        for (metric, _), rows in official.groupby(["metric", "label"], sort=True):
            fig.add_trace(_official_line(rows, colour=SERIES_COLOURS.get(str(metric), UNKNOWN_COLOUR),
                                         basis=basis))
    if dated.empty and not has_series:
        return empty_figure("No dated trade figures for this selection")
    if has_series:  # the reports' marks are explained by the qualifier symbols below, and the subtitle
        _key_entry(fig, "Series: one canonical value a year", dash="solid", width=3.5)
    if has_official:
        _key_entry(fig, "Official statistics", dash="dash", width=2)
    _key_entry(fig, f"Whole {'fiscal' if basis == 'fiscal' else 'calendar'} year", dash="solid", width=3.5)
    _key_entry(fig, "Part of a year or other span", dash="dot")
    for qualifier in ("exact", "approx", "at_least", "at_most", "range"):
        if dated["qualifier"].eq(qualifier).any() and not dated.loc[dated["qualifier"].eq(qualifier),
                                                                    "metric"].eq("target").all():
            _key_entry(fig, _qualifier_text(qualifier), symbol=QUALIFIER_SYMBOLS[qualifier])
    first, last = _time_span(dated, series if has_series else None, official if has_official else None)
    _year_axis(fig, first, last, basis)
    fig.update_yaxes(title_text="US$ billion", tickprefix="$", ticksuffix=" bn")
    if has_series:  # the key goes under the chart: beside it, two legends this long would overlap
        fig.update_layout(
            legend=dict(title=dict(text="Figure"), x=1.01, y=1.0, xanchor="left", yanchor="top", tracegroupgap=4),
            legend2=dict(title=dict(text="Key"), orientation="h", x=0, y=-0.2, xanchor="left", yanchor="top",
                         font=dict(size=12)),
            margin=dict(r=270 if has_official else 200), hovermode="closest",
        )
    else:
        fig.update_layout(
            legend=dict(title=dict(text="Figure"), x=1.01, y=1.0, xanchor="left", yanchor="top"),
            legend2=dict(title=dict(text="Key"), x=1.01, y=0.52, xanchor="left", yanchor="top"),
            margin=dict(r=230), hovermode="closest",
        )
    year = "fiscal" if basis == "fiscal" else "calendar"
    subtitle = ("Each mark is one news report; its line spans the period the figure covers. "
                "Reports of the same period sit side by side, not averaged.")
    if has_series:
        subtitle = (f"Line: one canonical value per {year} year (the corroboration rule); faint marks: every news "
                    "report" + ("; dashed: official statistics, each reporter on its own." if has_official else "."))
    sources = sorted(set(official["source"])) if has_official else []
    reports = dated if not dated.empty else _docs_of(series)
    return finish(
        fig, title=f"{pair_label} trade, US$ billion", subtitle=subtitle, rows=reports, basis=BASIS_LABELS[basis],
        as_of=as_of, also=f"official statistics: {', '.join(sources)}" if sources else None,
        **({"height": HEIGHT + 110, "bottom": BOTTOM_MARGIN + 110} if has_series else {}),
    )


def _time_span(*frames: pd.DataFrame | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day any report, series point or official figure covers."""
    firsts, lasts = [], []
    for frame in frames:
        if frame is None or frame.empty:
            continue
        if "x_start" in frame.columns:
            firsts.append(frame["x_start"].min())
            lasts.append(frame["x_end"].max() - pd.Timedelta(days=1))
        else:
            firsts.append(pd.to_datetime(frame["period_start"]).min())
            lasts.append(pd.to_datetime(frame["period_end"]).max())
    return min(firsts), max(lasts)


def _docs_of(series: pd.DataFrame | None) -> pd.DataFrame:
    """(doc_id, source) of every report behind a series, for the source line."""
    if series is None or series.empty:
        return pd.DataFrame({"doc_id": [], "source": []})
    pairs = [doc for docs in series["report_docs"] for doc in docs]
    return pd.DataFrame(pairs, columns=["doc_id", "source"])


def _series_entry(fig: go.Figure, name: str, colour: str, group: str, dash: str = "solid") -> None:
    """The legend item of a series: a line with a plain point (its marks vary their symbol by qualifier, and
    plotly would show whichever comes first); clicking it hides the series and its reports."""
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines+markers", name=name, legendgroup=group,
                             line=dict(color=colour, width=3.5, dash=dash), marker=dict(size=9, color=colour),
                             hoverinfo="skip"))


def _broken(points: pd.DataFrame, column: str) -> list:
    """A column's values with a gap (None) before each point that does not follow the year before it."""
    out: list = []
    values = _plain(points[column])
    for i, (value, previous) in enumerate(zip(values, points["previous_year"].tolist(), strict=True)):
        if i and previous is None:
            out.append(None)
        out.append(value)
    return out


def _series_line(points: pd.DataFrame, *, name: str, colour: str, group: str, basis: str,
                 dash: str = "solid", showlegend: bool = False, hover_pair: bool = False) -> dict[str, Any]:
    """One metric's canonical values, a point a year, the line broken where a year is missing."""
    hovers = [_series_hover(r, basis, hover_pair) for r in points.itertuples(index=False)]
    texts: list = []
    ids: list = []
    for i, (text, fact_id, previous) in enumerate(zip(hovers, points["canonical_fact_id"].tolist(),
                                                      points["previous_year"].tolist(), strict=True)):
        if i and previous is None:
            texts.append(None)
            ids.append(None)
        texts.append(text)
        ids.append(int(fact_id))
    return dict(
        type="scatter", x=_broken(points, "x"), y=_broken(points, "usd_bn"), mode="lines+markers", name=name,
        legendgroup=group, showlegend=showlegend, connectgaps=False,
        line=dict(color=colour, width=3.5, dash=dash),
        marker=dict(size=10, color=colour, line=dict(width=2, color=colour),
                    symbol=[QUALIFIER_SYMBOLS.get(q, "circle") if q else "circle" for q in _broken(points, "qualifier")]),
        customdata=ids, hovertext=texts, hovertemplate="%{hovertext}<extra></extra>",
    )


def _series_hover(r: Any, basis: str, with_pair: bool = False) -> str:
    head = f"{_e(r.pair)} · " if with_pair else ""
    lines = [f"<b>{head}{_e(r.series)} {year_name(r.year, basis)}: {format_usd(r.value_usd)}</b>"
             f" ({_qualifier_text(r.qualifier).lower()})"]
    if pd.notna(r.change):
        lines.append(f"Change on {year_name(r.previous_year, basis)}: {r.change * 100:+.1f} %")
    outlets = ", ".join(_e(o) for o in r.outlets)
    lines.append(f"{r.n_reports} report{'s' if r.n_reports != 1 else ''} from {outlets}")
    lines.append(f"Canonical: {_e(r.as_reported)} ({_e(r.canonical_source)}, {format_day(r.canonical_published)})")
    if getattr(r, "official_note", ""):
        lines.append(_e(r.official_note))
    if r.conflict:
        lines.append("Outlets disagree by more than 5 % for this year")
    return "<br>".join(lines)


def _official_line(rows: pd.DataFrame, *, colour: str, basis: str) -> dict[str, Any]:
    """One reporter's official statistics for one metric: a dashed line, never merged with its mirror."""
    first = rows.iloc[0]
    name = f"{first['series']}, official: {first['reporter']}{' (mirror)' if first['mirror'] else ''}"
    hovers = [_official_hover(r, basis) for r in rows.itertuples(index=False)]
    points = rows.assign(previous_year=[None, *("y" if _follows(rows, i) else None for i in range(1, len(rows)))])
    texts: list = []
    for i, (text, previous) in enumerate(zip(hovers, points["previous_year"].tolist(), strict=True)):
        if i and previous is None:
            texts.append(None)
        texts.append(text)
    return dict(
        type="scatter", x=_broken(points, "x"), y=_broken(points, "usd_bn"), mode="lines+markers", name=name,
        legendgroup=f"official {name}", showlegend=True, connectgaps=False,
        line=dict(color=colour, width=2, dash="longdash" if first["mirror"] else "dash"),
        marker=dict(size=9, color="white", symbol="diamond" if first["mirror"] else "square",
                    line=dict(width=2, color=colour)),
        hovertext=texts, hovertemplate="%{hovertext}<extra></extra>",
    )


def _follows(rows: pd.DataFrame, i: int) -> bool:
    """Whether official point ``i`` covers the period right after point ``i - 1``."""
    before = pd.Timestamp(rows["period_end"].iloc[i - 1]) + pd.Timedelta(days=1)
    return before == pd.Timestamp(rows["period_start"].iloc[i])


def _official_hover(r: Any, basis: str) -> str:
    lines = [f"<b>Official {_e(r.series).lower()} {year_name(r.year, basis)}: {format_usd(r.value_usd)}</b>",
             _e(r.label)]
    if pd.notna(r.change):
        lines.append(f"Change on the year before: {r.change * 100:+.1f} %")
    return "<br>".join(lines)


METRIC_DASHES = {"trade_total": "solid", "exports": "dash", "imports": "dot"}


def compare_chart(series: pd.DataFrame, *, pairs: list[str], basis: str, as_of: str | None) -> go.Figure:
    """Several pairs' series on one chart: a colour per pair (its partner's country colour), a line style per
    metric; each point the canonical value of one year, as on the Trade chart of that pair."""
    if series.empty:
        return empty_figure("No whole-year trade figures for these pairs")
    fig = go.Figure()
    for pair in pairs:
        rows = series[series["pair"].eq(pair)]
        colour = country_colour(_partner(pair), [_partner(p) for p in pairs])
        for metric in [m for m in METRIC_DASHES if m in set(rows["metric"])]:
            points = rows[rows["metric"].eq(metric)]
            name = f"{pair} · {points['series'].iloc[0]}"
            _series_entry(fig, name, colour, f"{pair} {metric}", dash=METRIC_DASHES[metric])
            fig.add_trace(_series_line(points, name=name, colour=colour, group=f"{pair} {metric}", basis=basis,
                                       dash=METRIC_DASHES[metric], hover_pair=True))
    _year_axis(fig, pd.to_datetime(series["period_start"]).min(), pd.to_datetime(series["period_end"]).max(), basis)
    fig.update_yaxes(title_text="US$ billion", tickprefix="$", ticksuffix=" bn")
    fig.update_layout(legend=dict(title=dict(text="Pair · figure"), x=1.01, y=1.0, xanchor="left", yanchor="top"),
                      margin=dict(r=300), hovermode="closest")
    year = "fiscal" if basis == "fiscal" else "calendar"
    return finish(
        fig, title=f"Trade compared: {', '.join(pairs)}, US$ billion",
        subtitle=f"One canonical value per {year} year from news reports; a break in a line is a year without a "
                 "whole-year report.",
        rows=_docs_of(series), basis=BASIS_LABELS[basis], as_of=as_of,
    )


def _partner(pair: str) -> str:
    """The country a pair is told apart by: the one that is not a home country (Russia in India–Russia)."""
    from dashboard.queries import home_countries

    a, _, b = pair.partition("\u2013")
    home = set(home_countries())
    return b if a in home and b not in home else a


# What the trade chart reads of query.trade_figures' rows; selecting them first makes each per-series slice cheap.
_TRADE_CHART_COLUMNS = (
    "fact_id", "doc_id", "metric", "series", "coverage", "full_year", "qualifier", "usd_bn", "usd_low_bn",
    "usd_high_bn", "x_start", "x_end", "x_mark", "period_label", "original", "source", "published", "report_no",
    "n_reports", "official_note",
)


def _plain(values: pd.Series) -> list:
    """Plain lists, not numpy arrays: plotly would base64-pack those, and the figure spec should stay
    readable JSON for tests, exports and anyone inspecting a chart. Dates become the ISO strings plotly's
    encoder would write for them anyway: a string is copied and encoded many times faster than a Timestamp
    (and each distinct date is formatted once: reports share period boundaries)."""
    if pd.api.types.is_datetime64_dtype(values):
        return _iso_dates(values)
    return [_json_scalar(v) for v in values.tolist()]


def _iso_dates(values: pd.Series) -> list:
    """What ``Timestamp.isoformat()`` gives for each date (seconds, then micro- or nanoseconds only when there
    are any), None for NaT, formatted by numpy: making a Timestamp of each value first was the slow part."""
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


def _segments(starts: pd.Series, ends: pd.Series) -> list:
    """x or y values for many two-point lines in one trace, separated by gaps (None)."""
    out: list = []
    for a, b in zip(_plain(starts), _plain(ends), strict=True):
        out += [a, b, None]
    return out


def _records(rows: pd.DataFrame, fields: tuple[str, ...]) -> Iterator[tuple]:
    """Named rows of just these columns: iterating every column of a wide frame is what made hovers slow."""
    return rows[list(fields)].itertuples(index=False)


def _hovers(rows: pd.DataFrame, fields: tuple[str, ...], text: Callable[[Any], str]) -> list[str]:
    """``text(row)`` for each row (a named tuple of ``fields``), built once per distinct row: copies of one
    report, and reports of one period, repeat the same outlet, date, period and value."""
    record = namedtuple("HoverRow", fields)  # type: ignore[misc]
    return map_unique(lambda *values: text(record(*values)), *(rows[f] for f in fields))


def _marks(rows: pd.DataFrame, *, name: str, colour: str, symbol: str | None, size: int,
           hover: Callable[[pd.DataFrame], list[str]]) -> dict[str, Any]:
    """One marker trace, as a dict: plotly validates a dict trace once, a go.Scatter twice (and copies it)."""
    symbols = [symbol or QUALIFIER_SYMBOLS.get(q, "circle") for q in rows["qualifier"]]
    is_range = rows["qualifier"].eq("range")
    return dict(
        type="scatter", x=_plain(rows["x_mark"]), y=_plain(rows["usd_bn"]), mode="markers", name=name, showlegend=False,
        legendgroup=str(rows["metric"].iloc[0]),
        marker=dict(symbol=symbols, size=size, color=colour, line=dict(width=2, color=colour)),
        error_y=dict(type="data", symmetric=False, visible=bool(is_range.any()), color=colour, thickness=1.5,
                     width=6, array=_plain((rows["usd_high_bn"] - rows["usd_bn"]).where(is_range, 0).fillna(0)),
                     arrayminus=_plain((rows["usd_bn"] - rows["usd_low_bn"]).where(is_range, 0).fillna(0))),
        customdata=_plain(rows["fact_id"].astype(int)), hovertext=hover(rows),
        hovertemplate="%{hovertext}<extra></extra>",
    )


def _outlet(r) -> str:
    return f"{_e(outlet(r.source))}, {format_day(r.published)}"


def _text(value: object, missing: str = "not stated") -> str:
    return _e(value) if isinstance(value, str) and value else missing


_TRADE_HOVER = ("series", "usd_bn", "qualifier", "period_label", "coverage", "original", "source", "published",
                "usd_low_bn", "usd_high_bn")
_TARGET_HOVER = ("usd_bn", "period_label", "original", "source", "published")
_DEAL_HOVER = ("system", "usd_bn", "qualifier", "original", "supplier", "recipient", "source", "published")
_EVENT_HOVER = ("lane", "label", "usd_bn", "source", "published")
_DELIVERY_HOVER = ("effective_value", "qualifier", "surface", "source", "published")


def _trade_hovers(rows: pd.DataFrame) -> list[str]:
    """The report's own lines, then, where a period has several reports, which of them it is."""
    fields = _TRADE_HOVER + (("official_note",) if "official_note" in rows.columns else ())
    texts = _hovers(rows, fields, _trade_hover)
    return [text if n <= 1 else f"{text}<br>Report {k} of {n} for this period"
            for text, k, n in zip(texts, rows["report_no"].tolist(), rows["n_reports"].tolist(), strict=True)]


def _target_hovers(rows: pd.DataFrame) -> list[str]:
    return _hovers(rows, _TARGET_HOVER, _target_hover)


def _deal_hovers(rows: pd.DataFrame) -> list[str]:
    return _hovers(rows, _DEAL_HOVER, _deal_hover)


def _event_hovers(rows: pd.DataFrame) -> list[str]:
    return _hovers(rows, _EVENT_HOVER, _event_hover)


def _trade_hover(r) -> str:
    lines = [f"<b>{_e(r.series)}: {format_usd(r.usd_bn * 1e9)}</b> ({_qualifier_text(r.qualifier).lower()})",
             f"Period: {_text(r.period_label)} · {_COVERS.get(r.coverage, r.coverage)}",
             f"As reported: {_e(r.original)}", _outlet(r)]
    if r.qualifier == "range":
        lines.insert(1, f"Range: {format_usd(r.usd_low_bn * 1e9)} – {format_usd(r.usd_high_bn * 1e9)}")
    note = getattr(r, "official_note", "")
    if isinstance(note, str) and note:
        lines.append(_e(note))
    return "<br>".join(lines)


def _target_hover(r) -> str:
    return "<br>".join([f"<b>Target: {format_usd(r.usd_bn * 1e9)} {_text(r.period_label, '')}</b>",
                        f"As reported: {_e(r.original)}", f"Stated in {_outlet(r)}"])


_COVERS = {
    "calendar_year": "calendar year", "fiscal_year": "fiscal year (Apr–Mar)", "part_year": "part of a year",
    "multi_year": "several years", "none": "period not stated", "target": "target",
}


# --------------------------------------------------------------------------- defence

def deal_values_chart(deals: pd.DataFrame, *, pair_label: str, as_of: str | None) -> go.Figure:
    """Defence deal values over time, one mark per reported figure, coloured by supplier."""
    fig = go.Figure()
    order = [s for s in deals["supplier"].dropna().astype(str)]
    for supplier, rows in deals.groupby(deals["supplier"].fillna("Supplier not stated"), sort=True):
        colour = country_colour(supplier if supplier != "Supplier not stated" else None, order)
        rows = rows.assign(x_mark=rows["deal_date"], metric=str(supplier))
        _legend_entry(fig, str(supplier), colour, str(supplier))
        trace = _marks(rows, name=str(supplier), colour=colour, symbol=None, size=12, hover=_deal_hovers)
        trace.update(mode="markers+text", text=[_e(x) for x in rows["system"]], textposition="top center",
                     textfont=dict(size=12, color=INK))
        fig.add_trace(trace)
    for qualifier in ("exact", "approx", "at_least", "at_most", "range"):
        if deals["qualifier"].eq(qualifier).any():
            _key_entry(fig, _qualifier_text(qualifier), symbol=QUALIFIER_SYMBOLS[qualifier])
    fig.update_xaxes(title_text="Date of the deal (as reported)", type="date",
                     range=_pad_dates(deals["deal_date"].min(), deals["deal_date"].max()))
    fig.update_yaxes(title_text="US$ billion", tickprefix="$", ticksuffix=" bn")
    fig.update_layout(
        legend=dict(title=dict(text="Supplier"), x=1.01, y=1.0, xanchor="left", yanchor="top"),
        legend2=dict(title=dict(text="Key"), x=1.01, y=0.52, xanchor="left", yanchor="top"),
        margin=dict(r=230),
    )
    return finish(
        fig, title=f"{pair_label} defence deal values, US$ billion",
        subtitle="Each mark is one reported figure, labelled with the system it buys; other currencies "
                 "converted at the rate of the deal's date.",
        rows=deals, basis="date of the deal, else date of the report", as_of=as_of,
    )


def _deal_hover(r) -> str:
    return "<br>".join([
        f"<b>{_e(r.system)}: {format_usd(r.usd_bn * 1e9)}</b> ({_qualifier_text(r.qualifier).lower()})",
        f"As reported: {_e(r.original)}",
        f"Supplier → recipient: {_text(r.supplier, '?')} → {_text(r.recipient, '?')}", _outlet(r)])


def deliveries_chart(delivered: pd.DataFrame, register: pd.DataFrame, *, pair_label: str,
                     as_of: str | None) -> go.Figure:
    """Units delivered per system over time (one panel each, own scale), with the number ordered as a rule."""
    systems = list(dict.fromkeys(delivered["system"]))
    fig = make_subplots(rows=len(systems), cols=1, shared_xaxes=True, subplot_titles=[_e(s) for s in systems],
                        vertical_spacing=min(0.12, 0.5 / max(len(systems), 1)))
    for i, system in enumerate(systems, start=1):
        rows = delivered[delivered["system"].eq(system)].sort_values("when")
        entry = register[register["System"].eq(system)]
        supplier = entry["Supplier"].iloc[0] if not entry.empty else None
        colour = country_colour(supplier)
        fig.add_trace(go.Scatter(
            x=_plain(rows["when"]), y=_plain(rows["effective_value"]), mode="lines+markers", name=system,
            showlegend=False,
            line=dict(color=colour, width=2.5),
            marker=dict(symbol=[QUALIFIER_SYMBOLS.get(q, "circle") for q in rows["qualifier"]], size=11,
                        color=colour, line=dict(width=2, color=colour)),
            customdata=_plain(rows["fact_id"].astype(int)),
            hovertext=[f"<b>{_e(system)}: {r.effective_value:,.0f} delivered</b> "
                       f"({_qualifier_text(r.qualifier).lower()})<br>As reported: {_e(r.surface)}<br>{_outlet(r)}"
                       for r in _records(rows, _DELIVERY_HOVER)],
            hovertemplate="%{hovertext}<extra></extra>",
        ), row=i, col=1)
        ordered = entry["Ordered"].iloc[0] if not entry.empty else None
        if ordered is not None and pd.notna(ordered):
            fig.add_hline(y=ordered, line=dict(color=MUTED, dash="dash", width=1.5), row=i, col=1,
                          annotation_text=f"ordered: {ordered:,.0f}", annotation_position="top left",
                          annotation_font=dict(size=12, color=MUTED))
        fig.update_yaxes(title_text="Units", rangemode="tozero", row=i, col=1)
    fig.update_xaxes(type="date", range=_pad_dates(delivered["when"].min(), delivered["when"].max()))
    fig.update_xaxes(title_text="Date of the report (or of the delivery, when stated)", row=len(systems), col=1)
    fig.update_layout(showlegend=False)
    return finish(
        fig, title=f"{pair_label} defence deliveries by system, units",
        subtitle="Cumulative deliveries as each report states them; dashed rule: units ordered.",
        rows=delivered, basis="date of the report", as_of=as_of,
        height=max(HEIGHT, 220 * len(systems) + 230),
    )


# --------------------------------------------------------------------------- overview

LANES = ("Orders", "Deliveries", "Deal values")


def timeline_chart(events: pd.DataFrame, *, pair_label: str, as_of: str | None) -> go.Figure:
    """Trade totals (top) and defence events (bottom) on one time axis."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.08,
                        subplot_titles=("Total trade reported, US$ billion", "Defence events"))
    trade = events[events["lane"].eq("Trade")]
    if not trade.empty:
        colour = SERIES_COLOURS["trade_total"]
        _legend_entry(fig, "Total trade (at period end)", colour, "trade")
        fig.add_trace(dict(  # a dict: validated once, where a go.Scatter is validated and copied again
            type="scatter", x=_plain(trade["when"]), y=_plain(trade["usd_bn"]), mode="markers", name="Total trade",
            showlegend=False,
            legendgroup="trade",
            marker=dict(symbol=[QUALIFIER_SYMBOLS.get(q, "circle") for q in trade["qualifier"]], size=11,
                        color=colour, line=dict(width=2, color=colour)),
            customdata=_plain(trade["fact_id"].astype(int)),
            hovertext=_event_hovers(trade),
            hovertemplate="%{hovertext}<extra></extra>",
        ), row=1, col=1)
    defence = events[events["lane"].isin(LANES)]
    order = list(defence["supplier"].dropna().astype(str))
    for supplier, rows in defence.groupby(defence["supplier"].fillna("Supplier not stated"), sort=True):
        colour = country_colour(supplier if supplier != "Supplier not stated" else None, order)
        fig.add_trace(dict(
            type="scatter", x=_plain(rows["when"]), y=_plain(rows["lane"]), mode="markers",
            name=f"Defence: {supplier}",
            marker=dict(symbol="diamond", size=12, color=colour, line=dict(width=1, color="white")),
            customdata=_plain(rows["fact_id"].astype(int)),
            hovertext=_event_hovers(rows),
            hovertemplate="%{hovertext}<extra></extra>",
        ), row=2, col=1)
    fig.update_yaxes(title_text="US$ billion", tickprefix="$", ticksuffix=" bn", rangemode="tozero",
                     row=1, col=1)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(LANES), row=2, col=1,
                     showgrid=True, rangemode="normal", zeroline=False)
    fig.update_xaxes(type="date", range=_pad_dates(events["when"].min(), events["when"].max()))
    fig.update_xaxes(title_text="Period end (trade) · date of the event or report (defence)", row=2, col=1)
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.16, yanchor="top", yref="paper"),
                      margin=dict(t=110, l=110))
    return finish(
        fig, title=f"{pair_label}: trade and defence over time",
        subtitle="Defence deal values are never added to trade totals.",
        rows=events, basis="end of the period each trade figure covers", as_of=as_of, height=660,
        bottom=170,
    )


def _event_hover(r) -> str:
    head = f"<b>{_e(r.lane)}: {_e(r.label)}</b>"
    if pd.notna(r.usd_bn) and r.lane != "Trade":
        head += f" ({format_usd(r.usd_bn * 1e9)})"
    return f"{head}<br>{_outlet(r)}"
