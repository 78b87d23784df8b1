"""Days without an ECB quote are filled on demand exactly as currencyconverter's own linear interpolation fills
them at load (which we no longer ask it to do: it took most of the load time)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from extractors import fx


@pytest.fixture(scope="module")
def filled_by_the_library():
    from currency_converter import CurrencyConverter

    return CurrencyConverter(fallback_on_missing_rate=True, fallback_on_wrong_date=False)


def _days(first: date, last: date, every: int = 1) -> list[date]:
    return [first + timedelta(days=n) for n in range(0, (last - first).days + 1, every)]


CASES = [
    # (currency, days, why)
    ("INR", _days(date(2020, 1, 1), date(2024, 12, 31)), "every day of five years: weekends and holidays"),
    ("EUR", _days(date(2022, 12, 20), date(2023, 1, 10)), "the reference currency over Christmas"),
    ("GBP", _days(date(2016, 6, 20), date(2016, 7, 10)), "a volatile fortnight"),
    ("RUB", _days(date(2022, 2, 1), date(2022, 3, 1)), "up to the last quote"),
    ("ISK", _days(date(2008, 12, 1), date(2018, 12, 31), every=97), "across a ten-year gap in the quotes"),
]


@pytest.mark.parametrize(("currency", "days", "why"), CASES, ids=[why for *_, why in CASES])
def test_on_demand_filling_equals_the_librarys(currency: str, days: list[date], why: str,
                                               filled_by_the_library) -> None:
    unquoted = 0
    for day in days:
        ours = fx._ecb(currency, day)
        theirs = float(filled_by_the_library.convert(1, currency, "USD", date=day))
        assert ours is not None and ours[0] == theirs, (currency, day)
        unquoted += fx._quote(currency, day) is None
    assert unquoted > 0 or currency == "EUR"  # the filling was exercised, not only quoted days


def test_outside_the_series_there_is_no_ecb_rate() -> None:
    assert fx._per_euro("RUB", date(2022, 3, 2)) is None  # the ECB stopped quoting the rouble on 1 March 2022
    assert fx._per_euro("INR", date(1998, 1, 1)) is None
