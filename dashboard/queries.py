"""Tidy frames for the pages: pandas transforms over `store.facts_frame` rows (no SQL, no Streamlit).

Every function takes the fact frame the store returns (one row per fact, with the ``effective_*`` columns
that apply people's reviews) and returns a new frame; nothing here reads the database, so each transform is
tested with a small hand-made frame.

>>> period_coverage("2022-04-01", "2023-03-31")
'fiscal_year'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import date
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from extractors.errors import RulesError
from extractors.rules import default_reference

TRADE_METRICS: tuple[str, ...] = ("trade_total", "exports", "imports")
TRADE_FIGURE_METRICS: tuple[str, ...] = (*TRADE_METRICS, "target")  # what the Trade page draws
# Counted items that are not defence equipment. items.yaml has no category field yet, so the one civil
# noun it lists is named here; everything else it lists is a platform or weapon.
DEFENCE_COUNT_METRICS = frozenset({"order", "delivery", "production"})
DEAL_METRIC = "deal_value"  # the money figures the defence views draw
BASES = ("calendar", "fiscal")
BASIS_LABELS = {"calendar": "Calendar years (January–December)", "fiscal": "Indian fiscal years (April–March)"}
QUALIFIER_LABELS = {
    "exact": "Exact", "approx": "Approximate", "at_least": "Lower bound (at least)",
    "at_most": "Upper bound (at most)", "range": "Range (low–high)",
}
MISSING_OUTLET = "outlet unknown"  # how every page, chart and table names a document stored without a source


def metric_labels() -> dict[str, str]:
    """What a person reads for each metric, as defined once in the rules (metrics.yaml); none while the rules
    cannot be read (the metric's own name stands in, and the app's rules panel says why)."""
    try:
        return _metric_labels()
    except RulesError:
        return {}


@cache  # a failure is not cached: the labels come back once the file is fixed
def _metric_labels() -> dict[str, str]:
    return {name: spec["label"] for name, spec in default_reference().metrics.items()}


def designation_origins() -> dict[str, str]:
    """Each designation's usual supplier (items.yaml); none while the rules cannot be read."""
    try:
        return default_reference().designation_origin
    except RulesError:
        return {}


def civil_nouns() -> frozenset[str]:
    """Counted things that are not arms (items.yaml: civil_families); none while the rules cannot be read."""
    try:
        return default_reference().civil_nouns
    except RulesError:
        return frozenset()


def home_countries() -> tuple[str, ...]:
    try:
        return default_reference().home
    except RulesError:
        return ()


def from_pair_side(facts: pd.DataFrame) -> pd.DataFrame:
    """Exports and imports as the pair reads them, from its home country's side (India's in India–Russia; the
    first name's in a pair without one): "Russia's exports to India" is India's imports from Russia. A flow
    figure about one country alone (its exports to the world) is not the pair's trade and is left out."""
    flows = facts["metric"].isin(("exports", "imports"))
    if not flows.any():
        return facts
    home = set(home_countries())
    keep, flip = [], []
    for is_flow, parties, a, b in zip(flows.tolist(), facts["parties"].tolist(), facts["pair_a"].tolist(),
                                      facts["pair_b"].tolist(), strict=True):
        named = list(parties) if isinstance(parties, (list, tuple)) else []
        if not is_flow:
            keep.append(True)
            flip.append(False)
            continue
        side = b if b in home and a not in home else a
        keep.append(len(named) != 1)  # one party: that country's trade with the world
        flip.append(bool(named) and named[0] != side and side in named)
    frame = facts[keep]
    flipped = pd.Series(flip, index=facts.index)[keep]
    if not flipped.any():
        return frame
    frame = frame.copy()
    frame.loc[flipped, "metric"] = frame.loc[flipped, "metric"].map({"exports": "imports", "imports": "exports"})
    return frame


def metric_label(metric: str) -> str:
    return metric_labels().get(metric, metric.replace("_", " ").capitalize())


def pair_label(pair: tuple[str, str]) -> str:
    """The store's spelling of a pair: names sorted, en dash."""
    a, b = sorted(pair)
    return f"{a}\u2013{b}"


def parse_pair(text: str) -> tuple[str, str] | None:
    """'India–Russia' (en dash, hyphen or '/') → ('India', 'Russia'); None when it is not two names."""
    for sep in ("\u2013", "/", "-"):
        parts = [p.strip() for p in text.split(sep)]
        if len(parts) == 2 and all(parts):
            a, b = sorted(parts)
            return a, b
    return None


# --------------------------------------------------------------------------- periods

def _as_date(value: object) -> date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def period_coverage(start: object, end: object) -> str:
    """What span a figure covers: calendar_year | fiscal_year | part_year | multi_year | none.

    >>> period_coverage("2023-01-01", "2023-08-31")
    'part_year'
    """
    s, e = _as_date(start), _as_date(end)
    if s is None or e is None:
        return "none"
    if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31) and s.year == e.year:
        return "calendar_year"
    if (s.month, s.day, e.month, e.day) == (4, 1, 3, 31) and e.year == s.year + 1:
        return "fiscal_year"
    return "part_year" if (e - s).days < 360 else "multi_year"


def fiscal_year_label(day: date) -> str:
    """Indian fiscal year (1 April – 31 March) containing a day: date(2023, 2, 1) → '2022-23'."""
    first = day.year if day.month >= 4 else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"


def basis_year(end: object, basis: str) -> str | None:
    """The year (calendar '2023' or fiscal '2022-23') a figure is filed under: the one its period ends in."""
    e = _as_date(end)
    if e is None:
        return None
    return fiscal_year_label(e) if basis == "fiscal" else str(e.year)


def year_name(year: object, basis: str) -> str:
    """A basis year as a headline names it: '2023', or on the fiscal basis 'FY2023-24'.

    >>> year_name("2023-24", "fiscal"), year_name("2023", "calendar")
    ('FY2023-24', '2023')
    """
    return f"FY{year}" if basis == "fiscal" and isinstance(year, str) and "-" in year else str(year)


def is_full_year(coverage: str, basis: str) -> bool:
    """A figure is drawn as a full year only when it covers exactly one year of the chosen basis."""
    return coverage == ("fiscal_year" if basis == "fiscal" else "calendar_year")


def basis_first_year(day: date, basis: str) -> int:
    """The year a day falls in on the basis, named by its first calendar year: 1 Feb 2023 is 2023, and on the
    fiscal basis 2022 (FY2022-23)."""
    return day.year - 1 if basis == "fiscal" and day.month < 4 else day.year


def year_bounds(facts: pd.DataFrame, basis: str = "calendar") -> tuple[int, int] | None:
    """First and last year (on the basis) any fact's period, or its article's date, touches."""
    if facts.empty:
        return None
    starts = pd.to_datetime(facts["effective_period_start"].fillna(facts["published"]), errors="coerce")
    ends = pd.to_datetime(facts["effective_period_end"].fillna(facts["published"]), errors="coerce")
    if starts.isna().all() or ends.isna().all():
        return None
    return basis_first_year(starts.min().date(), basis), basis_first_year(ends.max().date(), basis)


_OWN_YEAR = ("calendar_year", "fiscal_year", "part_year")


def data_span(periods: pd.DataFrame, basis: str = "calendar") -> tuple[int, int] | None:
    """The years a pair's figures are about, for the period selector's default: the periods of figures that cover
    a year or less, and the publication dates of the rest. A target's deadline ("by 2030") and a retrospective
    window ("since 1960-64") are not what the stories report, so they widen the selector's ends, not its default.

    ``periods`` has ``effective_period_start``, ``effective_period_end`` and ``published`` (``store.fact_periods``).
    """
    days: list[date] = []
    for start, end, published in zip(periods["effective_period_start"].tolist(),
                                     periods["effective_period_end"].tolist(), periods["published"].tolist(),
                                     strict=True):
        if period_coverage(start, end) in _OWN_YEAR:
            days += [d for d in (_as_date(start), _as_date(end)) if d is not None]
        else:
            day = _as_date(published)
            if day is not None:
                days.append(day)
    if not days:
        return None
    return basis_first_year(min(days), basis), basis_first_year(max(days), basis)


# --------------------------------------------------------------------------- formatting

def format_usd(value: float | None) -> str:
    """$65.7 bn, $500 m; '' when unknown."""
    if value is None or pd.isna(value):
        return ""
    if abs(value) >= 1e9:
        return f"${value / 1e9:,.2f} bn".replace(".00 bn", " bn")
    if abs(value) >= 1e6:
        return f"${value / 1e6:,.0f} m"
    return f"${value:,.0f}"


def format_number(value: float | None) -> str:
    """Digits grouped, no float noise: 65700000000.0 → '65,700,000,000'; 12.5 → '12.5'."""
    if value is None or pd.isna(value):
        return ""
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.6g}" if abs(value) < 1e6 else f"{value:,.0f}"


def text_or(value: object, missing: str) -> str:
    """A frame cell as text, or ``missing`` for None/NaN/blank (pandas gives NaN, not None, for absent strings,
    and f"{nan}" reads "nan").

    >>> text_or(float("nan"), "outlet unknown"), text_or(" ", "undated"), text_or("PTI", "outlet unknown")
    ('outlet unknown', 'undated', 'PTI')
    """
    return value if isinstance(value, str) and value.strip() else missing


def outlet(value: object) -> str:
    """Who published a document, for a line of text: its source, or "outlet unknown"."""
    return text_or(value, MISSING_OUTLET)


def outlet_column(sources: pd.Series) -> pd.Series:
    """A source column as shown: a missing or blank outlet reads "outlet unknown" (a table showed None, a line
    of text "nan")."""
    return sources.where(~unnamed(sources), MISSING_OUTLET)


def unnamed(sources: pd.Series) -> pd.Series:
    """Which rows have no outlet: missing, or blank text."""
    return sources.isna() | sources.astype("string").str.strip().eq("").fillna(True)


def cited(row: pd.Series | object) -> str:
    """'PTI, 2025-05-16': who reported a figure and when, for one-line provenance."""
    return f"{outlet(getattr(row, 'source', None))}, {text_or(getattr(row, 'published', None), 'undated')}"


def map_unique(func: Callable[..., Any], *columns: pd.Series) -> list[Any]:
    """``func`` applied row by row, computed once per distinct combination of values: the reports of one
    pair repeat the same few periods, units and phrasings, so a per-row Python call is mostly wasted.
    Values that compare equal share one result; all NaNs count as one value, 0.0 and -0.0 as two."""
    seen: dict[tuple[Any, ...], Any] = {}
    out = []
    for values in zip(*(c.tolist() for c in columns), strict=True):
        key = tuple(map(_key, values))
        if key not in seen:
            seen[key] = func(*values)
        out.append(seen[key])
    return out


_NAN = object()  # NaN never equals itself; as a key, every NaN is this one


def _key(value: Any) -> Any:
    """A dictionary key that tells apart what formatting tells apart."""
    if isinstance(value, float):
        if value != value:
            return _NAN
        if value == 0.0:
            return (_NAN, math.copysign(1.0, value))  # -0.0 == 0.0, but they print differently
    return value


def _reported_as(ranked: pd.DataFrame) -> dict[tuple[Any, Any], str]:
    """Every distinct surface of each (doc_id, figure), in ranked order, joined by "; "."""
    surfaces: dict[tuple[Any, Any], dict[str, None]] = {}
    for key in zip(ranked["doc_id"].tolist(), ranked["figure"].tolist(), map(str, ranked["surface"].tolist()),
                   strict=True):
        surfaces.setdefault(key[:2], {})[key[2]] = None
    return {key: "; ".join(texts) for key, texts in surfaces.items()}


def one_row_per_figure(facts: pd.DataFrame) -> pd.DataFrame:
    """Collapse facts that state the same figure in two currencies ("€7.87 billion (Rs 59,000 crore)").

    Keeps the US-dollar statement when there is one (no exchange rate needed), else the first stated, and
    records every surface in ``reported_as`` so the other currency is still visible in the hover.
    """
    if facts.empty:
        return facts.assign(reported_as=pd.Series(dtype="str"))
    # ranked on the few columns that decide, then the wide rows taken once (copying them at every step was slow)
    ranked = facts[["doc_id", "figure", "start", "surface"]].assign(
        _usd_native=facts["unit"].ne("USD"), _position=np.arange(len(facts)))
    ranked = ranked.sort_values(["doc_id", "figure", "_usd_native", "start"], kind="stable")
    surfaces = _reported_as(ranked)
    kept_rows = ranked.drop_duplicates(["doc_id", "figure"]).sort_index()
    kept = facts.iloc[kept_rows["_position"].to_numpy()].copy()
    keys = zip(kept_rows["doc_id"].tolist(), kept_rows["figure"].tolist(), strict=True)
    kept["reported_as"] = pd.Series([surfaces[key] for key in keys], index=kept.index, dtype="str")
    return kept


def _usd_bounds(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Low and high of a range in USD, converted at the same rate as its midpoint."""
    mid = (frame["value_low"] + frame["value_high"]) / 2
    rate = frame["effective_value_usd"] / mid.where(mid != 0)
    return frame["value_low"] * rate, frame["value_high"] * rate


def _original(unit: object, reported_as: object, surface: object, fx_rate: object, fx_date: object) -> str:
    if unit == "USD" and str(reported_as) == str(surface):
        return str(surface)
    text = str(reported_as)
    if unit != "USD" and pd.notna(fx_rate) and pd.notna(fx_date):
        text += f" (at {fx_rate:.4g} USD/{unit}, {fx_date})"
    return text


def _originals(frame: pd.DataFrame) -> list[str]:
    """How each figure was stated, with the exchange rate used when it was not in US dollars."""
    missing = pd.Series(None, index=frame.index, dtype="object")
    return map_unique(_original, frame["unit"], frame["reported_as"], frame["surface"],
                      frame.get("fx_rate", missing), frame.get("fx_date", missing))


# --------------------------------------------------------------------------- trade

def trade_figures(facts: pd.DataFrame, basis: str = "calendar") -> pd.DataFrame:
    """Trade values and trade targets in US dollars, one row per report, with the span each covers.

    Nothing is averaged: two outlets quoting the same metric and period stay two rows, numbered by
    ``report_no`` (1..``n_reports``) so a chart can set them side by side. Added columns: series (label),
    coverage, full_year (for the chosen basis), basis_year, usd_bn, usd_low_bn, usd_high_bn, original,
    x_start/x_end (timestamps; end is the day after the period), x_mark (where the report's marker sits).
    """
    money = facts[facts["kind"].eq("money") & facts["metric"].isin(TRADE_FIGURE_METRICS)]
    money = from_pair_side(money[money["effective_value_usd"].notna()])
    if money.empty:
        return _empty_trade()
    rows = one_row_per_figure(money).copy()
    rows["series"] = rows["metric"].map(metric_label)
    rows["coverage"] = map_unique(period_coverage, rows["effective_period_start"], rows["effective_period_end"])
    rows.loc[rows["metric"].eq("target"), "coverage"] = "target"
    rows["full_year"] = map_unique(lambda c: is_full_year(c, basis), rows["coverage"])
    rows["basis_year"] = map_unique(lambda c, e: basis_year(e, basis) if c not in ("none", "target") else None,
                                    rows["coverage"], rows["effective_period_end"])
    rows["usd_bn"] = rows["effective_value_usd"] / 1e9
    low, high = _usd_bounds(rows)
    rows["usd_low_bn"], rows["usd_high_bn"] = low / 1e9, high / 1e9
    rows["original"] = _originals(rows)
    rows["x_start"] = pd.to_datetime(rows["effective_period_start"], errors="coerce")
    rows["x_end"] = pd.to_datetime(rows["effective_period_end"], errors="coerce") + pd.Timedelta(days=1)
    rows = rows.sort_values(["metric", "x_start", "x_end", "published", "fact_id"], kind="stable")
    keys = ["metric", "effective_period_start", "effective_period_end"]
    grouped = rows.groupby(keys, dropna=False, sort=False)
    rows["report_no"] = grouped.cumcount() + 1
    rows["n_reports"] = grouped["fact_id"].transform("size")
    span = rows["x_end"] - rows["x_start"]
    rows["x_mark"] = rows["x_start"] + span * (rows["report_no"] / (rows["n_reports"] + 1))
    is_target = rows["coverage"].eq("target")
    rows.loc[is_target, "x_mark"] = rows.loc[is_target, "x_end"] - pd.Timedelta(days=1)
    return rows.reset_index(drop=True)


def _empty_trade() -> pd.DataFrame:
    columns = ["fact_id", "metric", "series", "coverage", "full_year", "basis_year", "usd_bn", "usd_low_bn",
               "usd_high_bn", "original", "x_start", "x_end", "x_mark", "report_no", "n_reports", "qualifier",
               "period_label", "source", "published", "title", "doc_id", "reported_as"]
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def trade_facts(facts: pd.DataFrame) -> pd.DataFrame:
    """Money facts on trade metrics (no targets), shaped as the store returns them (for corroboration), exports
    and imports read from the pair's side."""
    return from_pair_side(facts[facts["kind"].eq("money") & facts["metric"].isin(TRADE_METRICS)])


def trade_table(trade: pd.DataFrame, canonical_ids: Iterable[int] = ()) -> pd.DataFrame:
    """Every dated trade report, filed under its basis year, for the table beside the chart.

    ``Canonical`` marks the reports the corroboration rule picks (none when that rule is unavailable). Rows set
    against official statistics (``series.against_official``) also show the official figure of their period, the
    difference in percent and whether it is more than 5 %.
    """
    dated = trade[~trade["coverage"].isin(("none", "target"))]
    canonical = set(canonical_ids)
    table = pd.DataFrame({
        "Year": dated["basis_year"],
        "Figure": dated["series"],
        "Period": dated["period_label"].fillna(""),
        "Covers": dated["coverage"].map(_COVERAGE_WORDS),
        "US$ bn": dated["usd_bn"].round(2),
        "Qualifier": dated["qualifier"].map(QUALIFIER_LABELS),
        "As reported": dated["original"],
        "Outlet": outlet_column(dated["source"]),
        "Published": dated["published"],
        "Reports for this period": dated["n_reports"],
        "Canonical": dated["fact_id"].isin(canonical),
        "fact_id": dated["fact_id"],
    })
    if "official_usd" in dated.columns and dated["official_usd"].notna().any():  # series.against_official ran
        table.insert(table.columns.get_loc("Canonical"), "Official US$ bn", (dated["official_usd"] / 1e9).round(2))
        table.insert(table.columns.get_loc("Canonical"), "vs official (%)", (dated["vs_official"] * 100).round(1))
        table.insert(table.columns.get_loc("Canonical"), "More than 5 % off official", dated["off_official"])
    return table.sort_values(["Year", "Figure", "Published"], ascending=[False, True, True]).reset_index(drop=True)


def disputed(canonical: pd.DataFrame, metrics: Iterable[str]) -> pd.DataFrame:
    """Dated figures of these metrics whose reports disagree (corroboration's ``canonical_figures`` rows)."""
    return canonical[canonical["conflict"].astype(bool) & canonical["period_start"].notna()
                     & canonical["metric"].isin(list(metrics))]


def undated_table(trade: pd.DataFrame) -> pd.DataFrame:
    """Trade reports whose period the extractor could not resolve: listed, never drawn at a guessed date."""
    rows = trade[trade["coverage"].eq("none")]
    return pd.DataFrame({
        "Figure": rows["series"], "US$ bn": rows["usd_bn"].round(2),
        "Qualifier": rows["qualifier"].map(QUALIFIER_LABELS), "As reported": rows["original"],
        "Outlet": outlet_column(rows["source"]), "Published": rows["published"],
        "Sentence": rows["sentence"], "fact_id": rows["fact_id"],
    }).reset_index(drop=True)


_COVERAGE_WORDS = {
    "calendar_year": "Calendar year", "fiscal_year": "Fiscal year (Apr–Mar)", "part_year": "Part of a year",
    "multi_year": "Several years", "none": "Period not stated", "target": "Target",
}


def latest_trade_figure(facts: pd.DataFrame, full_years_only: bool = True) -> pd.Series | None:
    """The most recent total-trade report: latest period end, then the latest article; None if none.

    By default only whole calendar or fiscal years count, so a headline never sets a four-month figure
    beside annual ones without saying so; pass ``full_years_only=False`` for the latest of any span.
    """
    return latest_of(trade_figures(facts), full_years_only)


def latest_of(trade: pd.DataFrame, full_years_only: bool = True) -> pd.Series | None:
    """:func:`latest_trade_figure` of :func:`trade_figures` rows (calendar basis) a page already has."""
    spans = ("calendar_year", "fiscal_year") if full_years_only else ("calendar_year", "fiscal_year",
                                                                      "part_year", "multi_year")
    trade = trade[trade["metric"].eq("trade_total") & trade["coverage"].isin(spans)]
    if trade.empty:
        return None
    return trade.sort_values(["x_end", "published", "fact_id"]).iloc[-1]


# --------------------------------------------------------------------------- defence

def _defence_counts(facts: pd.DataFrame) -> pd.DataFrame:
    counts = facts[facts["kind"].eq("count") & facts["effective_item"].notna()]
    civil = civil_nouns()
    nouns = counts["item_noun"] if "item_noun" in counts.columns else pd.Series(None, index=counts.index)
    counts = counts[~(counts["effective_item"].isin(civil) | nouns.isin(civil))]
    return counts[counts["metric"].isin(DEFENCE_COUNT_METRICS) | counts["status"].notna()]


def defence_deals(facts: pd.DataFrame) -> pd.DataFrame:
    """Deal values in articles that name a defence system, each linked to the system nearest to it.

    An article about trade that calls an import bill a "deal" names no system, so it is left out here (it
    stays on the Data page). Added columns: system, usd_bn, usd_low_bn, usd_high_bn, original, deal_date.
    """
    counts = _defence_counts(facts)
    deals = facts[facts["metric"].eq(DEAL_METRIC) & facts["kind"].eq("money")
                  & facts["effective_value_usd"].notna() & facts["doc_id"].isin(counts["doc_id"].unique())]
    if deals.empty:
        return deals.assign(system=pd.Series(dtype="str"), usd_bn=pd.Series(dtype="float64"),
                            usd_low_bn=pd.Series(dtype="float64"), usd_high_bn=pd.Series(dtype="float64"),
                            original=pd.Series(dtype="str"), deal_date=pd.Series(dtype="datetime64[ns]"))
    deals = one_row_per_figure(deals).copy()
    origin = designation_origins()
    counts_in = _counts_by_document(counts)
    systems, suppliers, recipients = [], [], []
    for doc_id, start, item, supplier, recipient in zip(
            *(deals[c].tolist() for c in ("doc_id", "start", "effective_item", "supplier", "recipient")), strict=True):
        starts, rows = counts_in[doc_id]
        nearest = rows[int(np.argmin(np.abs(starts - start)))]  # the first of the closest, as idxmin picks
        system = item if isinstance(item, str) else nearest["effective_item"]
        systems.append(system)
        # a deal sentence often names neither side ("a $5.43 billion deal"); its system's count sentence does
        suppliers.append(_first_name(supplier, nearest["supplier"], origin.get(str(system))))
        recipients.append(_first_name(recipient, nearest["recipient"]))
    deals["system"], deals["supplier"], deals["recipient"] = systems, suppliers, recipients
    deals["usd_bn"] = deals["effective_value_usd"] / 1e9
    low, high = _usd_bounds(deals)
    deals["usd_low_bn"], deals["usd_high_bn"] = low / 1e9, high / 1e9
    deals["original"] = _originals(deals)
    deals["deal_date"] = pd.to_datetime(deals["effective_period_start"].fillna(deals["published"]),
                                        errors="coerce")
    return deals.reset_index(drop=True)


def _counts_by_document(counts: pd.DataFrame) -> dict[Any, tuple[np.ndarray, list[dict[str, Any]]]]:
    """doc_id → (the counts' start offsets, their item/supplier/recipient), in frame order: looked up once per
    deal instead of filtering every count for every deal (quadratic: minutes for a large store)."""
    grouped: dict[Any, tuple[list[int], list[dict[str, Any]]]] = {}
    columns = ("doc_id", "start", "effective_item", "supplier", "recipient")
    for doc_id, start, item, supplier, recipient in zip(*(counts[c].tolist() for c in columns), strict=True):
        starts, rows = grouped.setdefault(doc_id, ([], []))
        starts.append(start)
        rows.append({"effective_item": item, "supplier": supplier, "recipient": recipient})
    return {doc_id: (np.array(starts), rows) for doc_id, (starts, rows) in grouped.items()}


def _first_name(*names: object) -> str | None:
    return next((str(n) for n in names if isinstance(n, str) and n), None)


def _most_common(values: pd.Series, prefer: str | None = None, exclude: str | None = None) -> str | None:
    """The most frequent name; a tie goes to ``prefer`` when it is among the tied (else alphabetical)."""
    values = values.dropna()
    values = values[values.ne(exclude)] if exclude else values
    if values.empty:
        return None
    modes = [str(v) for v in values.mode()]
    return prefer if prefer in modes else modes[0]


_PROVENANCE = ("source", "doc_id", "fact_id")  # what a register row cites


def _sources(group: pd.DataFrame) -> str:
    outlets = list(dict.fromkeys(outlet_column(group["source"])))
    n = group["doc_id"].nunique()
    return f"{n} report{'s' if n != 1 else ''}: {', '.join(outlets)}"


def defence_register(facts: pd.DataFrame, pair: tuple[str, str] | None = None,
                     balance: pd.DataFrame | None = None, deals: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per system, shaped like SIPRI's arms-transfer register, from every report about it.

    Ordered/delivered/remaining come from ``balance`` (``corroboration.defence_balance``: the latest reports,
    the third derived from the other two, a warning when they do not add up) when given; without it, the
    largest count reported (follow-on orders and cumulative deliveries only grow) and the latest explicit
    "remaining" figure, else ordered − delivered. Deal value: the largest linked deal; order year: the
    earliest order report (its stated period, else its article's date). Supplier defaults to the system's
    usual origin (items.yaml) when reports disagree or name none. ``deals`` is :func:`defence_deals` of the same
    facts when the caller already has it.
    """
    counts = _defence_counts(facts)
    if counts.empty:
        return pd.DataFrame(columns=list(REGISTER_COLUMNS))
    deals = defence_deals(facts) if deals is None else deals
    # only the columns read below: every sort, filter and concat copies each column it carries
    counts = counts[["effective_item", "published", "start", "effective_period_start", "status", "metric",
                     "effective_value", "supplier", "recipient", *_PROVENANCE]]
    deals = deals[["system", "effective_value_usd", "usd_bn", "original", "recipient", *_PROVENANCE]]
    origin = designation_origins()
    rows = []
    for (system, _), group in _by_system_and_buyer(counts).groupby(["effective_item", "_buyer"], sort=True,
                                                                      dropna=False):
        group = group.sort_values(["published", "start"])
        dated = pd.to_datetime(group["effective_period_start"].fillna(group["published"]), errors="coerce")
        is_order = group["status"].eq("ordered") | group["metric"].eq("order")
        is_delivered = group["status"].eq("delivered")
        remaining_rows = group[group["status"].eq("remaining")]
        ordered = group.loc[is_order, "effective_value"].max()
        delivered = group.loc[is_delivered, "effective_value"].max()
        if not remaining_rows.empty:
            remaining = remaining_rows["effective_value"].iloc[-1]
        elif pd.notna(ordered) and pd.notna(delivered):
            remaining = max(ordered - delivered, 0)
        else:
            remaining = float("nan")
        usual = origin.get(str(system))
        supplier = _most_common(group["supplier"], prefer=usual) or usual
        recipient = _most_common(group["recipient"], exclude=supplier)
        if recipient is None and supplier and pair and supplier in pair:
            recipient = pair[1] if pair[0] == supplier else pair[0]
        own_deals = deals[deals["system"].eq(system) & (deals["recipient"].isna() | deals["recipient"].eq(recipient))]
        best_deal = own_deals.sort_values("effective_value_usd").iloc[-1] if not own_deals.empty else None
        order_dates = dated[is_order.to_numpy()].dropna()
        delivery_dates = dated[is_delivered.to_numpy()].dropna()
        checked = None
        if balance is not None:
            same = balance[balance["item"].eq(system)]
            if not same.empty:
                ordered, delivered, remaining = (_number(same[c].iloc[0]) for c in
                                                 ("ordered", "delivered", "remaining"))
                checked = same["warning"].iloc[0] if isinstance(same["warning"].iloc[0], str) else None
        used = pd.concat([group[list(_PROVENANCE)], own_deals[list(_PROVENANCE)]])
        rows.append({
            "Supplier": supplier, "Recipient": recipient, "System": system,
            "Ordered": ordered, "Delivered": delivered, "Remaining": remaining,
            "Deal value (US$ bn)": None if best_deal is None else round(best_deal["usd_bn"], 3),
            "Deal as reported": None if best_deal is None else best_deal["original"],
            "Order year": None if order_dates.empty else int(order_dates.min().year),
            "Delivery reports": ", ".join(dict.fromkeys(d.strftime("%b %Y") for d in delivery_dates)) or None,
            "Status": _register_status(ordered, delivered, group["status"]),
            "Sources": _sources(used),
            "Check": checked,
            "fact_ids": [int(i) for i in used["fact_id"]],
        })
    return pd.DataFrame(rows, columns=list(REGISTER_COLUMNS))


def _by_system_and_buyer(counts: pd.DataFrame) -> pd.DataFrame:
    """Each count with the buyer its register row is for: its own recipient, else the one its system's other
    reports name most ("36 Rafale for India" and "24 Rafale for Egypt" are two rows; a report naming no buyer
    joins the system's usual one)."""
    usual = {system: _most_common(group["recipient"]) for system, group in counts.groupby("effective_item")}
    buyers = [r if isinstance(r, str) and r else usual.get(s) for s, r in
              zip(counts["effective_item"].tolist(), counts["recipient"].tolist(), strict=True)]
    return counts.assign(_buyer=buyers)


def _number(value: object) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


REGISTER_COLUMNS = (
    "Supplier", "Recipient", "System", "Ordered", "Delivered", "Remaining", "Deal value (US$ bn)",
    "Deal as reported", "Order year", "Delivery reports", "Status", "Sources", "Check", "fact_ids",
)
_STATUS_WORDS = {
    "ordered": "Ordered", "delivered": "Delivered", "remaining": "Deliveries pending",
    "under_construction": "Under construction", "planned": "Planned", "in_service": "In service",
}


def _register_status(ordered: float, delivered: float, statuses: pd.Series) -> str:
    if pd.notna(ordered) and pd.notna(delivered):
        return "Delivered" if delivered >= ordered else "Delivering"
    if pd.notna(delivered):
        return "Deliveries reported"
    latest = statuses.dropna()
    return _STATUS_WORDS.get(str(latest.iloc[-1]), "Reported") if not latest.empty else "Reported"


def deliveries(facts: pd.DataFrame) -> pd.DataFrame:
    """Delivered-count reports per system over time (cumulative as the articles state them)."""
    counts = _defence_counts(facts)
    rows = counts[counts["status"].eq("delivered")].copy()
    rows["system"] = rows["effective_item"]
    rows["when"] = pd.to_datetime(rows["effective_period_end"].fillna(rows["published"]), errors="coerce")
    return rows.sort_values(["system", "when", "fact_id"]).reset_index(drop=True)


def pending_deliveries(register: pd.DataFrame) -> pd.DataFrame:
    """Register rows with units still to come, largest backlog first."""
    if register.empty:
        return register
    pending = register[register["Remaining"].fillna(0) > 0]
    return pending.sort_values("Remaining", ascending=False)


# --------------------------------------------------------------------------- overview timeline

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
    counts = _defence_counts(facts)
    origin = designation_origins()
    for lane, mask in (("Orders", counts["status"].eq("ordered") | counts["metric"].eq("order")),
                       ("Deliveries", counts["status"].eq("delivered"))):
        rows = counts[mask]
        parts.append(pd.DataFrame({
            "fact_id": rows["fact_id"], "lane": lane,
            "when": pd.to_datetime(rows["effective_period_end"].fillna(rows["published"]), errors="coerce"),
            "usd_bn": float("nan"),
            "label": rows["effective_item"].astype(str) + ": " + rows["surface"].astype(str),
            "supplier": [_first_name(s, origin.get(str(i))) for s, i in
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


# --------------------------------------------------------------------------- data table

# A table of figures: what was read first (date, measure, value, unit, dollars, qualifier, period, parties, item,
# status), then the words it was read from, then where they were published, then the bookkeeping.
DATA_COLUMNS: tuple[str, ...] = (
    "published", "metric", "value", "value_low", "value_high", "unit", "value_usd", "effective_value_usd",
    "qualifier", "period_label", "period_start", "period_end", "parties", "pair", "supplier", "recipient", "item",
    "status", "surface", "sentence", "title", "source", "url", "review_status", "kind", "fact_id", "doc_id", "path",
    "start", "end", "rule", "fx_rate", "fx_date",
)


def filter_facts(facts: pd.DataFrame, *, metrics: Iterable[str] = (), kinds: Iterable[str] = (),
                 sources: Iterable[str] = (), qualifiers: Iterable[str] = ()) -> pd.DataFrame:
    """Rows matching every non-empty filter (an empty filter keeps everything); Data-page columns only."""
    keep = pd.Series(True, index=facts.index)
    for column, wanted in (("metric", metrics), ("kind", kinds), ("qualifier", qualifiers)):
        wanted = list(wanted)
        if wanted:
            keep &= facts[column].isin(wanted)
    wanted_sources = list(sources)
    if wanted_sources:
        keep &= outlet_column(facts["source"]).isin(wanted_sources)
    columns = [c for c in DATA_COLUMNS if c in facts.columns]
    return facts.loc[keep, columns].reset_index(drop=True)


def outlets(facts: pd.DataFrame) -> list[str]:
    """Outlets in the frame, most-cited first."""
    counts = outlet_column(facts.drop_duplicates("doc_id")["source"]).value_counts()
    return [str(name) for name in counts.index]


def facts_by_id(facts: pd.DataFrame, ids: Iterable[int]) -> pd.DataFrame:
    """The rows for these fact ids, in the order given, unknown ids ignored."""
    order = [int(i) for i in dict.fromkeys(ids)]
    found = facts.set_index("fact_id", drop=False)
    return found.loc[[i for i in order if i in found.index]].reset_index(drop=True)


# --------------------------------------------------------------------------- documents

def document_facts_table(rows: pd.DataFrame) -> pd.DataFrame:
    """A document's figures in text order, numbered like the marks in its highlighted text.

    ``rows`` has the fact fields (``Fact.as_record()`` dicts or ``facts_frame`` rows of one document).
    """
    if rows.empty:
        return pd.DataFrame(columns=["#", "Figure", "Measures", "Value", "Unit", "Qualifier", "US$", "Period",
                                     "Item", "Status", "Supplier → recipient"])
    rows = rows.sort_values("start", kind="stable").reset_index(drop=True)
    value = [format_number(v) if pd.notna(v) else f"{format_number(lo)}–{format_number(hi)}"
             for v, lo, hi in zip(rows["value"], rows["value_low"], rows["value_high"], strict=True)]
    direction = [f"{s} → {r}" if isinstance(s, str) and isinstance(r, str) else ""
                 for s, r in zip(rows["supplier"], rows["recipient"], strict=True)]
    return pd.DataFrame({
        "#": range(1, len(rows) + 1), "Figure": rows["surface"], "Measures": rows["metric"].map(metric_label),
        "Value": value, "Unit": rows["unit"], "Qualifier": rows["qualifier"].map(QUALIFIER_LABELS),
        "US$": rows["value_usd"].map(format_usd), "Period": rows["period_label"].fillna(""),
        "Item": rows["item"].fillna(""), "Status": rows["status"].fillna(""), "Supplier → recipient": direction,
    })


def document_spans(rows: pd.DataFrame) -> list[tuple[int, int, str]]:
    """(start, end, tooltip) for each figure of a document, for the highlighted text."""
    return [(int(r.start), int(r.end), f"{metric_label(r.metric)}: {r.surface}") for r in rows.itertuples()]
