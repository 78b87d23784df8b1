"""The Overview's chart: trade totals and defence events on one time axis."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts import style
from dashboard.labels import format_usd

LANES = ("Orders", "Deliveries", "Deal values")
_EVENT_HOVER = ("lane", "label", "usd_bn", "source", "published")


def timeline_chart(events: pd.DataFrame, *, pair_label: str, as_of: str | None) -> go.Figure:
    """Trade totals (top) and defence events (bottom) on one time axis."""
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.62, 0.38], vertical_spacing=0.08,
                        subplot_titles=("Total trade reported, US$ billion", "Defence events"))
    trade = events[events["lane"].eq("Trade")]
    if not trade.empty:
        colour = style.SERIES_COLOURS["trade_total"]
        style.legend_entry(fig, "Total trade (at period end)", colour, "trade")
        fig.add_trace(style.scatter(
            x=style.json_values(trade["when"]), y=style.json_values(trade["usd_bn"]), mode="markers",
            name="Total trade", showlegend=False, legendgroup="trade",
            marker=dict(symbol=[style.QUALIFIER_SYMBOLS.get(q, "circle") for q in trade["qualifier"]], size=11,
                        color=colour, line=dict(width=2, color=colour)),
            customdata=style.json_values(trade["fact_id"].astype(int)),
            hovertext=style.hovers(trade, _EVENT_HOVER, _event_hover),
            hovertemplate="%{hovertext}<extra></extra>",
        ), row=1, col=1)
    defence = events[events["lane"].isin(LANES)]
    order = list(defence["supplier"].dropna().astype(str))
    for supplier, rows in defence.groupby(defence["supplier"].fillna("Supplier not stated"), sort=True):
        colour = style.country_colour(supplier if supplier != "Supplier not stated" else None, order)
        fig.add_trace(style.scatter(
            x=style.json_values(rows["when"]), y=style.json_values(rows["lane"]), mode="markers",
            name=f"Defence: {supplier}",
            marker=dict(symbol="diamond", size=12, color=colour, line=dict(width=1, color="white")),
            customdata=style.json_values(rows["fact_id"].astype(int)),
            hovertext=style.hovers(rows, _EVENT_HOVER, _event_hover),
            hovertemplate="%{hovertext}<extra></extra>",
        ), row=2, col=1)
    fig.update_yaxes(title_text="US$ billion", tickprefix="$", ticksuffix=" bn", rangemode="tozero",
                     row=1, col=1)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=list(LANES), row=2, col=1,
                     showgrid=True, rangemode="normal", zeroline=False)
    fig.update_xaxes(type="date", range=style.pad_dates(events["when"].min(), events["when"].max()))
    fig.update_xaxes(title_text="Period end (trade) · date of the event or report (defence)", row=2, col=1)
    fig.update_layout(legend=dict(orientation="h", x=0, y=-0.16, yanchor="top", yref="paper"),
                      margin=dict(t=110, l=110))
    return style.finish(
        fig, title=f"{pair_label}: trade and defence over time",
        subtitle="Defence deal values are never added to trade totals.",
        rows=events, basis="end of the period each trade figure covers", as_of=as_of, height=660,
        bottom=170,
    )


def _event_hover(r: Any) -> str:
    head = f"<b>{style.escape(r.lane)}: {style.escape(r.label)}</b>"
    if pd.notna(r.usd_bn) and r.lane != "Trade":
        head += f" ({format_usd(r.usd_bn * 1e9)})"
    return f"{head}<br>{style.outlet_line(r)}"
