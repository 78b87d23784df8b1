"""Every figure the dashboard draws, on one print-ready plotly template that carries its own provenance.

A module per page's charts: :mod:`.trade` (reports, the series, official statistics, pairs compared),
:mod:`.defence` (deal values, deliveries), :mod:`.timeline` (the Overview); :mod:`.style` holds what they share
(template, colours, provenance inside the figure, legend, axis, marks and hovers). This package names the charts.
"""

from __future__ import annotations

from dashboard.charts.defence import deal_values_chart, deliveries_chart
from dashboard.charts.style import (
    COUNTRY_COLOURS,
    FALLBACK_COLOURS,
    QUALIFIER_SYMBOLS,
    SERIES_COLOURS,
    TEMPLATE_NAME,
    UNKNOWN_COLOUR,
    country_colour,
    empty_figure,
    finish,
    source_line,
)
from dashboard.charts.timeline import LANES, timeline_chart
from dashboard.charts.trade import compare_chart, trade_chart

__all__ = [
    "COUNTRY_COLOURS", "FALLBACK_COLOURS", "LANES", "QUALIFIER_SYMBOLS", "SERIES_COLOURS", "TEMPLATE_NAME",
    "UNKNOWN_COLOUR", "compare_chart", "country_colour", "deal_values_chart", "deliveries_chart", "empty_figure",
    "finish", "source_line", "timeline_chart", "trade_chart",
]
