"""The Data page's table of figures and a document's figures in text order (numbered like its highlighted text)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from dashboard.labels import QUALIFIER_LABELS, format_number, format_usd, metric_label, outlet_column

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
