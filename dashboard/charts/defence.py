"""The Defence page's charts: deal values over time, coloured by supplier, and deliveries per system against the
number ordered."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts import style
from dashboard.labels import format_usd

_DEAL_HOVER = ("system", "usd_bn", "qualifier", "original", "supplier", "recipient", "source", "published")
_DELIVERY_HOVER = ("effective_value", "qualifier", "surface", "source", "published")


def deal_values_chart(deals: pd.DataFrame, *, pair_label: str, as_of: str | None) -> go.Figure:
    """Defence deal values over time, one mark per reported figure, coloured by supplier."""
    fig = go.Figure()
    order = [s for s in deals["supplier"].dropna().astype(str)]
    for supplier, rows in deals.groupby(deals["supplier"].fillna("Supplier not stated"), sort=True):
        colour = style.country_colour(supplier if supplier != "Supplier not stated" else None, order)
        rows = rows.assign(x_mark=rows["deal_date"], metric=str(supplier))
        style.legend_entry(fig, str(supplier), colour, str(supplier))
        trace = style.marks(rows, name=str(supplier), colour=colour, symbol=None, size=12, hover=_deal_hovers)
        trace.update(mode="markers+text", text=[style.escape(x) for x in rows["system"]], textposition="top center",
                     textfont=dict(size=12, color=style.INK))
        fig.add_trace(trace)
    for qualifier in ("exact", "approx", "at_least", "at_most", "range"):
        if deals["qualifier"].eq(qualifier).any():
            style.key_entry(fig, style.qualifier_text(qualifier), symbol=style.QUALIFIER_SYMBOLS[qualifier])
    fig.update_xaxes(title_text="Date of the deal (as reported)", type="date",
                     range=style.pad_dates(deals["deal_date"].min(), deals["deal_date"].max()))
    fig.update_yaxes(title_text="US$ billion", tickprefix="$", ticksuffix=" bn")
    fig.update_layout(
        legend=dict(title=dict(text="Supplier"), x=1.01, y=1.0, xanchor="left", yanchor="top"),
        legend2=dict(title=dict(text="Key"), x=1.01, y=0.52, xanchor="left", yanchor="top"),
        margin=dict(r=230),
    )
    return style.finish(
        fig, title=f"{pair_label} defence deal values, US$ billion",
        subtitle="Each mark is one reported figure, labelled with the system it buys; other currencies "
                 "converted at the rate of the deal's date.",
        rows=deals, basis="date of the deal, else date of the report", as_of=as_of,
    )


def _deal_hovers(rows: pd.DataFrame) -> list[str]:
    return style.hovers(rows, _DEAL_HOVER, _deal_hover)


def _deal_hover(r: Any) -> str:
    return "<br>".join([
        f"<b>{style.escape(r.system)}: {format_usd(r.usd_bn * 1e9)}</b> ({style.qualifier_text(r.qualifier).lower()})",
        f"As reported: {style.escape(r.original)}",
        f"Supplier → recipient: {style.text_shown(r.supplier, '?')} → {style.text_shown(r.recipient, '?')}",
        style.outlet_line(r)])


def deliveries_chart(delivered: pd.DataFrame, register: pd.DataFrame, *, pair_label: str,
                     as_of: str | None) -> go.Figure:
    """Units delivered per system over time (one panel each, own scale), with the number ordered as a rule."""
    systems = list(dict.fromkeys(delivered["system"]))
    fig = make_subplots(rows=len(systems), cols=1, shared_xaxes=True,
                        subplot_titles=[style.escape(s) for s in systems],
                        vertical_spacing=min(0.12, 0.5 / max(len(systems), 1)))
    for i, system in enumerate(systems, start=1):
        rows = delivered[delivered["system"].eq(system)].sort_values("when")
        entry = register[register["System"].eq(system)]
        supplier = entry["Supplier"].iloc[0] if not entry.empty else None
        colour = style.country_colour(supplier)
        fig.add_trace(go.Scatter(
            x=style.json_values(rows["when"]), y=style.json_values(rows["effective_value"]), mode="lines+markers",
            name=system, showlegend=False, line=dict(color=colour, width=2.5),
            marker=dict(symbol=[style.QUALIFIER_SYMBOLS.get(q, "circle") for q in rows["qualifier"]], size=11,
                        color=colour, line=dict(width=2, color=colour)),
            customdata=style.json_values(rows["fact_id"].astype(int)),
            hovertext=[f"<b>{style.escape(system)}: {r.effective_value:,.0f} delivered</b> "
                       f"({style.qualifier_text(r.qualifier).lower()})<br>As reported: {style.escape(r.surface)}"
                       f"<br>{style.outlet_line(r)}" for r in style.records(rows, _DELIVERY_HOVER)],
            hovertemplate="%{hovertext}<extra></extra>",
        ), row=i, col=1)
        ordered = entry["Ordered"].iloc[0] if not entry.empty else None
        if ordered is not None and pd.notna(ordered):
            fig.add_hline(y=ordered, line=dict(color=style.MUTED, dash="dash", width=1.5), row=i, col=1,
                          annotation_text=f"ordered: {ordered:,.0f}", annotation_position="top left",
                          annotation_font=dict(size=12, color=style.MUTED))
        fig.update_yaxes(title_text="Units", rangemode="tozero", row=i, col=1)
    fig.update_xaxes(type="date", range=style.pad_dates(delivered["when"].min(), delivered["when"].max()))
    fig.update_xaxes(title_text="Date of the report (or of the delivery, when stated)", row=len(systems), col=1)
    fig.update_layout(showlegend=False)
    return style.finish(
        fig, title=f"{pair_label} defence deliveries by system, units",
        subtitle="Cumulative deliveries as each report states them; dashed rule: units ordered.",
        rows=delivered, basis="date of the report", as_of=as_of,
        height=max(style.HEIGHT, 220 * len(systems) + 230),
    )
