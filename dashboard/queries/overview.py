"""The Overview: trade and defence events on one time axis, and the pair's headlines (the latest whole year of
trade, a newer part-year report, the largest deals, the deliveries still to come) as the page shows them and as
its briefing pack lists them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.labels import format_usd, text_or, year_name
from dashboard.queries.defence import defence_counts, defence_deals, first_name, pending_deliveries
from dashboard.queries.facts import facts_by_id
from dashboard.queries.trade import latest_of, trade_figures
from dashboard.vocabulary import designation_origins


def timeline_events(facts: pd.DataFrame, trade: pd.DataFrame | None = None,
                    deals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Trade totals and defence events (orders, deliveries, deal values) on one time axis.

    Columns: fact_id, lane ('Trade' | 'Orders' | 'Deliveries' | 'Deal values'), when, usd_bn (trade and
    deals), label, supplier, source, published. Trade figures sit at the end of the period they cover.
    ``trade`` (:func:`trade_figures`, calendar basis) and ``deals`` (:func:`defence_deals`) of the same facts may
    be passed when the caller already has them.
    """
    trade = trade_figures(facts) if trade is None else trade
    trade = trade[trade["metric"].eq("trade_total") & ~trade["coverage"].isin(("none", "target"))]
    parts = [pd.DataFrame({
        "fact_id": trade["fact_id"], "lane": "Trade", "when": trade["x_end"] - pd.Timedelta(days=1),
        "usd_bn": trade["usd_bn"], "label": trade["period_label"].fillna("") + " · " + trade["original"],
        "supplier": None, "source": trade["source"], "published": trade["published"],
        "qualifier": trade["qualifier"],
    })]
    counts = defence_counts(facts)
    origin = designation_origins()
    for lane, mask in (("Orders", counts["status"].eq("ordered") | counts["metric"].eq("order")),
                       ("Deliveries", counts["status"].eq("delivered"))):
        rows = counts[mask]
        parts.append(pd.DataFrame({
            "fact_id": rows["fact_id"], "lane": lane,
            "when": pd.to_datetime(rows["effective_period_end"].fillna(rows["published"]), errors="coerce"),
            "usd_bn": float("nan"),
            "label": rows["effective_item"].astype(str) + ": " + rows["surface"].astype(str),
            "supplier": [first_name(s, origin.get(str(i))) for s, i in
                         zip(rows["supplier"], rows["effective_item"], strict=True)],
            "source": rows["source"], "published": rows["published"], "qualifier": rows["qualifier"],
        }))
    deals = defence_deals(facts) if deals is None else deals
    parts.append(pd.DataFrame({
        "fact_id": deals["fact_id"], "lane": "Deal values", "when": deals["deal_date"],
        "usd_bn": deals["usd_bn"], "label": deals["system"].astype(str) + ": " + deals["original"].astype(str),
        "supplier": deals["supplier"], "source": deals["source"], "published": deals["published"],
        "qualifier": deals["qualifier"],
    }))
    filled = [p for p in parts if not p.empty]
    if not filled:
        return parts[0].iloc[0:0]
    events = pd.concat(filled, ignore_index=True)
    return events.dropna(subset=["when"]).sort_values(["when", "fact_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- headlines

KEY_FIGURE_COLUMNS = ("metric", "period_label", "value", "source", "published", "url")
SHOWN = 3  # deals and pending deliveries named under each headline


@dataclass(frozen=True)
class Headlines:
    """What the Overview leads with."""

    latest: pd.Series | None  # the latest whole year of total trade: a point of ``series.trade_series``
    basis: str | None         # the year basis that year is named on
    since: pd.Series | None   # a newer trade report for part of a year (a ``trade_figures`` row), if any
    deals: pd.DataFrame       # defence deals, largest first
    pending: pd.DataFrame     # register rows with units still to come, largest backlog first


def latest_whole_year(candidates: Iterable[tuple[pd.Series | None, str]]) -> tuple[pd.Series, str] | None:
    """The point whose year ends last among each basis' latest point (``series.latest_point``), and its basis.
    India's trade is mostly reported by fiscal year and Russia's or China's by calendar year, so a headline on one
    basis alone would often be stale; the first basis given (the view's) wins when both end on the same day."""
    found = [(point, basis) for point, basis in candidates if point is not None]
    if not found:
        return None
    return max(found, key=lambda pb: pb[0]["period_end"])  # max keeps the first of equals


def headlines(latest: tuple[pd.Series, str] | None, trade: pd.DataFrame, deals: pd.DataFrame,
              register: pd.DataFrame) -> Headlines:
    """The Overview's headlines from the latest whole year (:func:`latest_whole_year`), the view's
    ``trade_figures`` (calendar basis), its ``defence_deals`` and its ``defence_register``."""
    point, basis = latest if latest is not None else (None, None)
    newest = latest_of(trade, full_years_only=False)
    if newest is not None and point is not None and not str(newest["effective_period_end"]) > point["period_end"]:
        newest = None  # the whole year is as recent: no part of a year to add
    return Headlines(point, basis, newest, deals.sort_values("effective_value_usd", ascending=False),
                     pending_deliveries(register))


def still_to_come(row: Any) -> str:
    """'3 of 5 still to come' for a register row (a named tuple) with deliveries pending."""
    ordered = f" of {row.Ordered:,.0f}" if pd.notna(row.Ordered) else ""
    return f"{row.Remaining:,.0f}{ordered} still to come"


def key_figures(found: Headlines, defence_facts: pd.DataFrame) -> tuple[pd.DataFrame, list[int]]:
    """The headlines as the briefing pack's key figures (:data:`KEY_FIGURE_COLUMNS`), and the ids of the facts
    behind them; ``defence_facts`` holds the facts of the pending register rows (the newest names the source)."""
    rows: list[dict[str, Any]] = []
    ids: list[int] = []
    if found.latest is not None:
        point = found.latest
        ids.extend(int(i) for i in point["fact_ids"])
        rows.append({"metric": "Total trade (latest whole year)", "period_label": year_name(point["year"], found.basis),
                     "value": format_usd(point["value_usd"]), "source": point["canonical_source"],
                     "published": point["canonical_published"], "url": point["canonical_url"]})
    if found.since is not None:
        ids.append(int(found.since["fact_id"]))
        rows.append(_key_figure(found.since, "Trade (part of a year)", format_usd(found.since["effective_value_usd"])))
    for deal in found.deals.head(SHOWN).itertuples():
        ids.append(int(deal.fact_id))
        rows.append(_key_figure(deal, f"Defence deal: {deal.system}", format_usd(deal.effective_value_usd)))
    for row in found.pending.head(SHOWN).itertuples():
        behind = facts_by_id(defence_facts, [int(i) for i in row.fact_ids])
        ids.extend(int(i) for i in behind["fact_id"])
        newest = behind.sort_values("published").iloc[-1] if not behind.empty else None
        rows.append(_key_figure(newest, f"Deliveries pending: {row.System}", still_to_come(row))
                    | {"period_label": "to date"})
    return pd.DataFrame(rows, columns=list(KEY_FIGURE_COLUMNS)), list(dict.fromkeys(ids))


def _key_figure(row: Any, metric: str, value: str) -> dict[str, Any]:
    return {"metric": metric, "period_label": text_or(getattr(row, "period_label", None), "not stated"),
            "value": value, "source": getattr(row, "source", None), "published": getattr(row, "published", None),
            "url": getattr(row, "url", None)}
