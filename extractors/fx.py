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
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

MAX_STALE_DAYS = 62
SUPPLEMENT = Path(__file__).resolve().parent.parent / "data" / "fx_supplement.csv"


@lru_cache(maxsize=1)
def _converter():
    """The ECB's daily rates. Days without a quote (weekends, holidays) are filled here, on demand, the way
    the library's own `fallback_on_missing_rate` fills them (linear between the nearest quotes): asking the
    library to fill every missing day of every currency at load took 0.45 of its 0.75 s."""
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)


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
    per_euro, usd_per_euro = _per_euro(currency, day), _per_euro("USD", day)
    if per_euro is None or usd_per_euro is None:
        return None
    return 1.0 / per_euro * usd_per_euro, day.isoformat()  # the library's own arithmetic, in its order


@lru_cache(maxsize=8192)
def _per_euro(currency: str, day: date) -> float | None:
    """Units of `currency` per euro on `day`: the ECB's quote, or between the nearest quotes before and after
    it, weighted by distance in days, as currencyconverter's linear interpolation computes it."""
    quoted = _quote(currency, day)
    if quoted is not None:
        return quoted
    bounds = _converter().bounds.get(currency)
    if bounds is None or not bounds.first_date <= day <= bounds.last_date:
        return None
    before = _nearest_quote(currency, day, -1, bounds.first_date)
    after = _nearest_quote(currency, day, 1, bounds.last_date)
    if before is None or after is None:
        return None
    (r0, d0), (r1, d1) = before, after
    return (r0 * d1 + r1 * d0) / (d0 + d1)


def _quote(currency: str, day: date) -> float | None:
    from currency_converter import RateNotFoundError

    try:
        return float(_converter().convert(1, "EUR", currency, date=day))  # 1 / 1 * rate: the rate itself
    except RateNotFoundError:
        return None


def _nearest_quote(currency: str, day: date, step: int, limit: date) -> tuple[float, int] | None:
    """The nearest quoted rate from `day` in the direction of `step`, with its distance in days."""
    distance = 0
    while day != limit:
        day += timedelta(days=step)
        distance += 1
        quoted = _quote(currency, day)
        if quoted is not None:
            return quoted, distance
    return None
