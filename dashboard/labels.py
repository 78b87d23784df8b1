"""Every word and number format the dashboard shows, defined once: metric, qualifier, coverage and status words,
the two year bases, pairs and their sides, outlets, money, counts and dates.

>>> format_usd(65.7e9), year_label(2022, "fiscal"), pair_label(("Russia", "India"))
('$65.70 bn', 'FY2022-23', 'India–Russia')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pandas as pd

from dashboard.vocabulary import home_countries, metric_labels
from datastore.countries import PAIR_SEPARATOR, pair_splits

BRAND = "Figure Desk"  # the app's name, in every chart's source line, export header and briefing pack
MISSING_OUTLET = "outlet unknown"  # how every page, chart and table names a document stored without a source

QUALIFIER_LABELS = {
    "exact": "Exact", "approx": "Approximate", "at_least": "Lower bound (at least)",
    "at_most": "Upper bound (at most)", "range": "Range (low–high)",
}
# What span a figure covers (queries.period_coverage), as a table column says it; a hover says it in lower case.
COVERAGE_WORDS = {
    "calendar_year": "Calendar year", "fiscal_year": "Fiscal year (Apr–Mar)", "part_year": "Part of a year",
    "multi_year": "Several years", "none": "Period not stated", "target": "Target",
}
# What saving an article did, as the Documents page says it.
SAVE_OUTCOME_WORDS = {"new": "saved", "updated": "updated (its figures changed)", "unchanged": "already stored"}
# A defence register row's status when the reports give no ordered and delivered numbers to compare.
REGISTER_STATUS_WORDS = {
    "ordered": "Ordered", "delivered": "Delivered", "remaining": "Deliveries pending",
    "under_construction": "Under construction", "planned": "Planned", "in_service": "In service",
}


def metric_label(metric: str) -> str:
    """The rules' label of a metric (metrics.yaml), else its own name made readable."""
    return metric_labels().get(metric, metric.replace("_", " ").capitalize())


def coverage_words(coverage: str, *, in_a_sentence: bool = False) -> str:
    """'Fiscal year (Apr–Mar)', or inside a sentence 'fiscal year (Apr–Mar)'; an unknown coverage as it is."""
    words = COVERAGE_WORDS.get(coverage, coverage)
    return words[:1].lower() + words[1:] if in_a_sentence else words


# --------------------------------------------------------------------------- the two year bases

BASES = ("calendar", "fiscal")


@dataclass(frozen=True)
class BasisWords:
    """How the pages name one year basis."""

    adjective: str  # "a calendar year", "Whole fiscal year"
    intro: str      # a page's opening line: "one value per Indian fiscal year"
    name: str       # a table heading and an export's filter line
    plural: str     # a chart's "Period basis:" line
    axis: str       # a chart's time axis
    button: str     # the sidebar's choice, short enough for one row
    slider: str     # the sidebar's period selector
    pack: str       # after the period in a briefing pack


BASIS_WORDS = {
    "calendar": BasisWords("calendar", "calendar", "Calendar year", "Calendar years (January–December)",
                           "Calendar year", "Calendar", "Period (calendar years)", ""),
    "fiscal": BasisWords("fiscal", "Indian fiscal", "Indian fiscal year (Apr–Mar)",
                         "Indian fiscal years (April–March)", "Indian fiscal year (April–March)", "Fiscal (Apr–Mar)",
                         "Period (Indian fiscal years, by the year each begins)", " (Indian fiscal years)"),
}


def _fiscal(first: int) -> str:
    return f"{first}-{(first + 1) % 100:02d}"


def fiscal_year_label(day: date) -> str:
    """Indian fiscal year (1 April – 31 March) containing a day: date(2023, 2, 1) → '2022-23'."""
    return _fiscal(day.year if day.month >= 4 else day.year - 1)


def year_label(year: int, basis: str) -> str:
    """A year named by its first calendar year: 2022 → '2022', or on the fiscal basis 'FY2022-23'."""
    return f"FY{_fiscal(year)}" if basis == "fiscal" else str(year)


def year_name(year: object, basis: str) -> str:
    """A basis year as a headline names it: '2023', or on the fiscal basis 'FY2023-24'.

    >>> year_name("2023-24", "fiscal"), year_name("2023", "calendar")
    ('FY2023-24', '2023')
    """
    return f"FY{year}" if basis == "fiscal" and isinstance(year, str) and "-" in year else str(year)


# --------------------------------------------------------------------------- pairs

def pair_label(pair: tuple[str, str]) -> str:
    """The store's spelling of a pair: names sorted, en dash."""
    a, b = sorted(pair)
    return f"{a}{PAIR_SEPARATOR}{b}"


def parse_pair(text: str) -> tuple[str, str] | None:
    """'India–Russia' (en or em dash, hyphen or '/') → ('India', 'Russia'); None when it is not two names."""
    found = next(pair_splits(text), None)
    return None if found is None else (min(found), max(found))


def pair_side(pair: str) -> str:
    """The country a pair's exports and imports are read from: its home country (India), else its first name."""
    a, _, b = pair.partition(PAIR_SEPARATOR)
    home = set(home_countries())
    return b if b in home and a not in home else a


def pair_partner(pair: str) -> str:
    """The country a pair is told apart by: the one that is not a home country (Russia in India–Russia)."""
    a, _, b = pair.partition(PAIR_SEPARATOR)
    home = set(home_countries())
    return b if a in home and b not in home else a


# --------------------------------------------------------------------------- outlets, links and missing values

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


def unnamed(sources: pd.Series) -> pd.Series:
    """Which rows have no outlet: missing, or blank text."""
    return sources.isna() | sources.astype("string").str.strip().eq("").fillna(True)


def outlet_column(sources: pd.Series) -> pd.Series:
    """A source column as shown: a missing or blank outlet reads "outlet unknown" (a table showed None, a line
    of text "nan")."""
    return sources.where(~unnamed(sources), MISSING_OUTLET)


def safe_url(url: object) -> str | None:
    """The URL if it is http(s) with a host, else None: only those become links."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if any(ord(ch) < 32 for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def cited(row: pd.Series | object) -> str:
    """'PTI, 2025-05-16': who reported a figure and when, for one-line provenance."""
    return f"{outlet(getattr(row, 'source', None))}, {text_or(getattr(row, 'published', None), 'undated')}"


# --------------------------------------------------------------------------- numbers and dates

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


def format_amount(value: float | None, unit: str | None) -> str:
    """A figure as a person reads it, in its own unit.

    >>> format_amount(65.7e9, "USD"), format_amount(5, "unit"), format_amount(4e11, "INR")
    ('65.7 billion USD', '5', '400 billion INR')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "?"
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= scale:
            text = f"{value / scale:,.4g} {word}"
            break
    else:
        text = f"{value:,.6g}"
    return text if unit in (None, "unit") else f"{text} {unit}"


def format_day(value: str | date | None) -> str:
    """'2024-07-10' → '10 Jul 2024' (unknown stays 'unknown', NaN included: a frame's missing date)."""
    if not isinstance(value, str | date) or not value:
        return "unknown"
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def format_utc_minute(utc_iso: str) -> str:
    """A stored UTC timestamp to the minute (the server's clock zone need not be the reader's).

    >>> format_utc_minute("2025-06-12T09:41:07+00:00")
    '2025-06-12 09:41 UTC'
    """
    return utc_iso[:16].replace("T", " ") + " UTC"
