"""Periods and years: what span a figure covers, the year it is filed under on either basis, and the years a pair's
figures touch (the period selector's ends and its default).

>>> period_coverage("2022-04-01", "2023-03-31")
'fiscal_year'
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.labels import fiscal_year_label


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



def basis_year(end: object, basis: str) -> str | None:
    """The year (calendar '2023' or fiscal '2022-23') a figure is filed under: the one its period ends in."""
    e = _as_date(end)
    if e is None:
        return None
    return fiscal_year_label(e) if basis == "fiscal" else str(e.year)



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
