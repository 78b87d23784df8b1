"""Values as the store keeps them: ISO dates, UTC timestamps, pairs sorted, blanks as NULL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def iso_date(value: str | date) -> str:
    """Dates are compared as ISO strings in SQL, so refuse anything else rather than filter silently wrong."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(str(value)).isoformat()


def sorted_pair(names: Sequence[str] | None) -> tuple[str | None, str | None]:
    """The first two names, sorted (how a pair is stored); (None, None) for fewer than two."""
    if names is None or len(names) < 2:
        return None, None
    a, b = sorted(names[:2])
    return a, b


def is_blank(value: Any) -> bool:
    """None, NaN/NaT (what a DataFrame row gives for a missing value) or an empty string."""
    import pandas as pd
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
