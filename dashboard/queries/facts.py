"""What every query shares: which facts each view reads, reports read from the pair's side, one row per figure,
how each was stated, and looking rows up by fact id.

A page reads only the facts its views draw: :data:`TRADE_FACTS` and :data:`DEFENCE_FACTS` are the ``any_of``
clauses of ``store.facts_frame`` for them, and every transform filters to those rows itself, so reading fewer
facts never changes its result (tests/test_subsets.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from dashboard.vocabulary import home_countries

TRADE_METRICS: tuple[str, ...] = ("trade_total", "exports", "imports")
TRADE_FIGURE_METRICS: tuple[str, ...] = (*TRADE_METRICS, "target")  # what the Trade page draws
DEFENCE_COUNT_METRICS = frozenset({"order", "delivery", "production"})
DEAL_METRIC = "deal_value"  # the money figures the defence views draw
OTHER_SIDE = {"exports": "imports", "imports": "exports"}  # a flow as the pair's other country reads it

# Which facts a transform needs: those matching any of these (metrics, kinds) clauses, read from the store
# (None in a clause: any; no clause: every fact). A page that draws trade figures reads a fifth of the pair's
# facts, one that draws defence a half.
Clause = tuple[tuple[str, ...] | None, tuple[str, ...] | None]
Subset = tuple[Clause, ...]
EVERY_FACT: Subset = ()
TRADE_FACTS: Subset = ((TRADE_FIGURE_METRICS, ("money",)),)
DEFENCE_FACTS: Subset = ((None, ("count",)), ((DEAL_METRIC,), ("money",)))  # counted systems, deal values


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
    frame.loc[flipped, "metric"] = frame.loc[flipped, "metric"].map(OTHER_SIDE)
    return frame



# The coverage of 4,278 trade reports of India–Russia at 100,000 facts (40 distinct periods): 7.4 ms, 2.5 ms (timeit)
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
    # ranked on the few columns that decide, then the wide rows taken once: 15.2 ms → 7.3 ms for 4,278 (timeit)
    ranked = facts[["doc_id", "figure", "start", "surface"]].assign(
        _usd_native=facts["unit"].ne("USD"), _position=np.arange(len(facts)))
    ranked = ranked.sort_values(["doc_id", "figure", "_usd_native", "start"], kind="stable")
    surfaces = _reported_as(ranked)
    kept_rows = ranked.drop_duplicates(["doc_id", "figure"]).sort_index()
    kept = facts.iloc[kept_rows["_position"].to_numpy()].copy()
    keys = zip(kept_rows["doc_id"].tolist(), kept_rows["figure"].tolist(), strict=True)
    kept["reported_as"] = pd.Series([surfaces[key] for key in keys], index=kept.index, dtype="str")
    return kept


def usd_bounds(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
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


def originals(frame: pd.DataFrame) -> list[str]:
    """How each figure was stated, with the exchange rate used when it was not in US dollars."""
    missing = pd.Series(None, index=frame.index, dtype="object")
    return map_unique(_original, frame["unit"], frame["reported_as"], frame["surface"],
                      frame.get("fx_rate", missing), frame.get("fx_date", missing))



def facts_by_id(facts: pd.DataFrame, ids: Iterable[int]) -> pd.DataFrame:
    """The rows for these fact ids, in the order given, unknown ids ignored."""
    order = [int(i) for i in dict.fromkeys(ids)]
    found = facts.set_index("fact_id", drop=False)
    return found.loc[[i for i in order if i in found.index]].reset_index(drop=True)


def n_reports(*frames: pd.DataFrame | None) -> int:
    """Distinct documents (doc_id) behind the given fact frames."""
    ids: set[Any] = set()
    for frame in frames:
        if frame is not None and "doc_id" in frame.columns:
            ids.update(frame["doc_id"].dropna().unique().tolist())
    return len(ids)
