"""Tidy frames for the pages: pandas transforms over ``store.facts_frame`` rows (no SQL, no Streamlit).

Every function takes the fact frame the store returns (one row per fact, with the ``effective_*`` columns
that apply people's reviews) and returns a new frame; nothing here reads the database, so each transform is
tested with a small hand-made frame. A module per subject: :mod:`.facts` (what every query shares), :mod:`.periods`,
:mod:`.trade`, :mod:`.defence`, :mod:`.overview`, :mod:`.tables` (the Data page and a document's figures); this
package names them all (``queries.trade_figures``).
"""

from __future__ import annotations

from dashboard.queries.defence import (
    REGISTER_COLUMNS,
    defence_deals,
    defence_register,
    deliveries,
    pending_deliveries,
)
from dashboard.queries.facts import (
    DEAL_METRIC,
    DEFENCE_COUNT_METRICS,
    DEFENCE_FACTS,
    EVERY_FACT,
    OTHER_SIDE,
    TRADE_FACTS,
    TRADE_FIGURE_METRICS,
    TRADE_METRICS,
    Subset,
    facts_by_id,
    from_pair_side,
    map_unique,
    n_reports,
    one_row_per_figure,
)
from dashboard.queries.overview import (
    KEY_FIGURE_COLUMNS,
    SHOWN,
    Headlines,
    headlines,
    key_figures,
    latest_whole_year,
    still_to_come,
    timeline_events,
)
from dashboard.queries.periods import (
    basis_first_year,
    basis_year,
    data_span,
    is_full_year,
    period_coverage,
    year_bounds,
)
from dashboard.queries.tables import DATA_COLUMNS, document_facts_table, document_spans, filter_facts, outlets
from dashboard.queries.trade import (
    disputed,
    latest_of,
    latest_trade_figure,
    trade_facts,
    trade_figures,
    trade_table,
    undated_table,
)

__all__ = [
    "DATA_COLUMNS", "DEAL_METRIC", "DEFENCE_COUNT_METRICS", "DEFENCE_FACTS", "EVERY_FACT", "KEY_FIGURE_COLUMNS",
    "OTHER_SIDE", "REGISTER_COLUMNS", "SHOWN", "TRADE_FACTS", "TRADE_FIGURE_METRICS", "TRADE_METRICS", "Headlines",
    "Subset",
    "basis_first_year", "basis_year", "data_span", "defence_deals", "defence_register", "deliveries", "disputed",
    "document_facts_table", "document_spans", "facts_by_id", "filter_facts", "from_pair_side", "headlines",
    "is_full_year", "key_figures", "latest_of", "latest_trade_figure", "latest_whole_year", "map_unique",
    "n_reports", "one_row_per_figure", "outlets", "pending_deliveries", "period_coverage", "still_to_come",
    "timeline_events", "trade_facts", "trade_figures", "trade_table", "undated_table", "year_bounds",
]
