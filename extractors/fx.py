"""US-dollar value of a money figure at a dated rate.

Rates come from `currencyconverter`, which bundles the European Central Bank's daily reference
rates and works offline. Where the ECB has no quote (it stopped quoting RUB on 1 March 2022),
`data/fx_supplement.csv` supplies monthly averages from a cited source. No rate -> None, never a guess.

>>> usd_rate("USD", date(2023, 6, 1))
(1.0, '2023-06-01')
"""

from __future__ import annotations

import csv
from bisect import bisect_right
from datetime import date
from functools import lru_cache
from pathlib import Path

MAX_STALE_DAYS = 62
SUPPLEMENT = Path(__file__).resolve().parent.parent / "data" / "fx_supplement.csv"


@lru_cache(maxsize=1)
def _converter():
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=False)


def warm_up() -> None:
    """Load the rate tables now (about a second, once per process) rather than inside a time budget."""
    _converter()
    _supplement()


@lru_cache(maxsize=1)
def _supplement() -> dict[str, tuple[list[date], list[float]]]:
    """currency -> (sorted dates, units of currency per USD) from the CSV supplement."""
    table: dict[str, list[tuple[date, float]]] = {}
    if not SUPPLEMENT.exists():
        return {}
    with SUPPLEMENT.open(encoding="utf-8") as handle:
        rows = (line for line in handle if not line.startswith("#"))
        for row in csv.DictReader(rows):
            table.setdefault(row["currency"], []).append((date.fromisoformat(row["date"]), float(row["per_usd"])))
    out = {}
    for cur, pairs in table.items():
        pairs.sort()
        out[cur] = ([d for d, _ in pairs], [r for _, r in pairs])
    return out


@lru_cache(maxsize=4096)
def usd_rate(currency: str, day: date) -> tuple[float, str] | None:
    """USD per one unit of `currency` on `day`, and the date of the rate used; None when unknown.

    The ECB series wins inside its range; past its end the supplement's month (at most 62 days old);
    then the ECB's last quote if it is at most 62 days old.
    """
    if currency == "USD":
        return 1.0, day.isoformat()
    converter = _converter()
    bounds = converter.bounds.get(currency) if currency in converter.currencies else None
    if bounds and bounds.first_date <= day <= bounds.last_date:
        return _ecb(currency, day)
    supplement = _supplement().get(currency)
    if supplement:
        dates, rates = supplement
        i = bisect_right(dates, day) - 1
        if i >= 0 and (day - dates[i]).days <= MAX_STALE_DAYS:
            return 1.0 / rates[i], dates[i].isoformat()
    if bounds and 0 < (day - bounds.last_date).days <= MAX_STALE_DAYS:
        return _ecb(currency, bounds.last_date)
    return None


def _ecb(currency: str, day: date) -> tuple[float, str] | None:
    try:
        return float(_converter().convert(1, currency, "USD", date=day)), day.isoformat()
    except Exception:  # currencyconverter raises its own RateNotFoundError
        return None
