"""How each kind of period turns into dates: calendar arithmetic, and one small resolver per kind of period in
the table `RESOLVERS` (rules/periods.yaml names the resolver of each pattern).

>>> from datetime import date
>>> fiscal_year(2024)
(datetime.date(2023, 4, 1), datetime.date(2024, 3, 31), 'FY2023-24')
>>> month_label(date(2023, 1, 1), date(2023, 8, 31))
'Jan–Aug 2023'
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

INDIA_FISCAL_START = 4  # April


@dataclass(frozen=True)
class Span:
    """What a resolver returns: dates, a label and a grain; `role` when the words themselves set it."""

    start: date | None
    end: date | None
    label: str
    grain: str
    role: str | None = None
    shift_months: int = 0
    implicit_year: bool = False
    shift_to_year: int | None = None


@dataclass(frozen=True)
class Context:
    published: date | None
    fiscal_start: int
    original: str  # the text as written (case matters for "May" the month and "may" the verb)
    words: Any  # the period vocabulary (periods.Vocabulary): month, weekday, ordinal and count words


# --------------------------------------------------------------------------- calendar arithmetic

# English, written out: `calendar.month_abbr` follows the process's locale, and labels are in English.
MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative), kept inside the month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def fiscal_year(ending: int, start_month: int = INDIA_FISCAL_START) -> tuple[date, date, str]:
    """The fiscal year that ends in `ending` (India's by default: April to March)."""
    if start_month == 1:
        return date(ending, 1, 1), date(ending, 12, 31), str(ending)
    start = date(ending - 1, start_month, 1)
    return start, month_end(ending, start_month - 1), f"FY{ending - 1}-{str(ending)[-2:]}"


def fiscal_year_of(day: date, start_month: int = INDIA_FISCAL_START) -> int:
    """The year in which the fiscal year holding `day` ends."""
    return day.year + 1 if day.month >= start_month and start_month != 1 else day.year


def month_label(start: date, end: date) -> str:
    if start.year == end.year:
        if start.month == end.month:
            return f"{MONTH_ABBR[start.month]} {start.year}"
        return f"{MONTH_ABBR[start.month]}–{MONTH_ABBR[end.month]} {end.year}"
    return f"{MONTH_ABBR[start.month]} {start.year}–{MONTH_ABBR[end.month]} {end.year}"


def _two_digit_year(value: str, century_from: int | None = None) -> int:
    number = int(value)
    if len(value) == 4:
        return number
    base = (century_from // 100) * 100 if century_from else 2000
    return base + number


def _latest(month: int, published: date | None) -> int | None:
    """The year of the latest `month` that is not after the publication month."""
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1


# --------------------------------------------------------------------------- resolvers (one per kind of period)

Resolver = Callable[[dict[str, Any], Context], Span | None]


def _month(word: str | None, ctx: Context) -> int | None:
    if not word:
        return None
    return ctx.words.months.get(word.lower().rstrip("."))


def _year_of(ref: str | None, ctx: Context) -> int | None:
    """The year "the year", "this year", "last year" or "2023" names."""
    published = ctx.published
    if ref is None:
        return published.year if published else None
    w = " ".join(ref.lower().split())
    if re.fullmatch(r"(?:19|20)\d\d", w):
        return int(w)
    if published is None:
        return None
    if w.endswith(("last year", "previous year", "past year", "preceding year")):
        return published.year - 1
    if w.endswith("next year"):
        return published.year + 1
    return published.year


def _fy(ending: int, ctx: Context, grain: str = "fiscal") -> Span:
    start, end, label = fiscal_year(ending, ctx.fiscal_start)
    return Span(start, end, label, grain)


def r_fiscal_range(g: dict, ctx: Context) -> Span | None:
    a = _two_digit_year(g["a"])
    b = _two_digit_year(g["b"], a)
    return _fy(b, ctx) if b == a + 1 else None


def r_fiscal_single(g: dict, ctx: Context) -> Span | None:
    return _fy(_two_digit_year(g["a"]), ctx)


def r_fiscal_relative(g: dict, ctx: Context) -> Span | None:
    if ctx.published is None:
        return None
    rel = g["rel"].lower()
    current = fiscal_year_of(ctx.published, ctx.fiscal_start)
    if rel in ("previous", "preceding"):  # "the previous fiscal": before the one just named
        span = _fy(current - 1, ctx)
        return replace(span, shift_months=-12)
    if rel in ("last", "past"):  # "the last fiscal", like "last year": the one before publication's
        return replace(_fy(current - 1, ctx), role="point")
    span = _fy(current + (1 if rel == "next" else 0), ctx)
    return replace(span, role="point")


def r_fiscal_months(g: dict, ctx: Context) -> Span | None:
    a = _two_digit_year(g["a"])
    b = _two_digit_year(g["b"], a)
    m1, m2 = _month(g["m1"], ctx), _month(g["m2"], ctx)
    if b != a + 1 or not m1 or not m2:
        return None
    return _months_in_fiscal(a, b, m1, m2, ctx.fiscal_start)


def _months_in_fiscal(a: int, b: int, m1: int, m2: int, fiscal_start: int = INDIA_FISCAL_START) -> Span | None:
    y1 = a if m1 >= fiscal_start else b
    y2 = a if m2 >= fiscal_start else b
    start, end = date(y1, m1, 1), month_end(y2, m2)
    if end < start:
        return None
    return Span(start, end, f"{month_label(start, end)} (FY{a}-{str(b)[-2:]})", "span")


def r_year_ending(g: dict, ctx: Context) -> Span | None:
    month = _month(g["m"], ctx)
    if not month:
        return None
    year = int(g["y"]) if g.get("y") else _latest(month, ctx.published)
    if year is None:
        return None
    if month == (ctx.fiscal_start - 2) % 12 + 1:  # the month a fiscal year ends in
        return _fy(year, ctx)
    start = date(year - 1, month % 12 + 1, 1) if month != 12 else date(year, 1, 1)
    return Span(start, month_end(year, month), f"12 months to {MONTH_ABBR[month]} {year}", "span")


def r_month_range(g: dict, ctx: Context) -> Span | None:
    m1, m2 = _month(g["m1"], ctx), _month(g["m2"], ctx)
    if not m1 or not m2:
        return None
    if g.get("fyrel"):  # "April-September of this fiscal"
        if ctx.published is None:
            return None
        ending = fiscal_year_of(ctx.published, ctx.fiscal_start) + {"last": -1, "previous": -1, "next": 1}.get(
            g["fyrel"].lower(), 0)
        return _months_in_fiscal(ending - 1, ending, m1, m2, ctx.fiscal_start)
    if g.get("yref"):  # "April-September last year"
        year = _year_of(g["yref"], ctx)
        if year is None:
            return None
        start, end = date(year if m1 <= m2 else year - 1, m1, 1), month_end(year, m2)
        return Span(start, end, month_label(start, end), "span")
    if g.get("fyr"):
        digits = re.findall(r"\d+", g["fyr"])
        a = int(digits[0])
        b = _two_digit_year(digits[1], a)
        return _months_in_fiscal(a, b, m1, m2, ctx.fiscal_start) if b == a + 1 else None
    y2 = int(g["y"]) if g.get("y") else _latest(m2, ctx.published)
    if y2 is None:
        return None
    y1 = y2 if m1 <= m2 else y2 - 1
    start, end = date(y1, m1, 1), month_end(y2, m2)
    return Span(start, end, month_label(start, end), "span")


def r_first_months(g: dict, ctx: Context) -> Span | None:
    words = ctx.words.counts
    n = int(g["n"]) if g["n"].isdigit() else words[g["n"].lower()]
    if not 1 <= n <= 12:
        return None
    if g.get("fy"):
        digits = re.findall(r"\d+", g["fy"])
        ending = _two_digit_year(digits[-1], _two_digit_year(digits[0]) if len(digits) > 1 else None)
        fy = _fy(ending, ctx)
        last = add_months(fy.start, n - 1)
        end = month_end(last.year, last.month)
        return Span(fy.start, end, f"{fy.label} first {n} months", "span")
    year = _year_of(g.get("yref"), ctx)
    if year is None:
        return None
    start, end = date(year, 1, 1), month_end(year, n)
    return Span(start, end, month_label(start, end), "span")


def r_day(g: dict, ctx: Context) -> Span | None:
    month = _month(g.get("m") or g.get("m2"), ctx)
    day = int(g.get("d") or g.get("d2"))
    year_word = g.get("y") or g.get("y2")
    if not month:
        return None
    year = int(year_word) if year_word else _latest(month, ctx.published)
    if year is None:
        return None
    try:
        when = date(year, month, day)
    except ValueError:
        return None
    if not year_word and ctx.published and when > ctx.published:
        when = when.replace(year=year - 1) if not (month == 2 and day == 29) else when
    return Span(when, when, f"{when.day} {MONTH_ABBR[when.month]} {when.year}", "day")


def r_year_pair(g: dict, ctx: Context) -> Span | None:
    a = int(g["a"])
    b = _two_digit_year(g["b"], a)
    if b == a + 1 and (len(g["b"]) == 2 or g.get("fiscal")):
        return _fy(b, ctx)
    return r_year_span({"a": g["a"], "b": str(b)}, ctx)


def r_year_span(g: dict, ctx: Context) -> Span | None:
    a, b = int(g["a"]), int(g["b"])
    if b <= a:
        return None
    return Span(date(a, 1, 1), date(b, 12, 31), f"{a}–{b}", "span")


def r_half(g: dict, ctx: Context) -> Span | None:
    which = (g.get("which") or "").lower() or {"h1": "first", "h2": "second"}[g["h"].lower()]
    year = _year_of(g.get("yref") or g.get("yref2"), ctx)
    if year is None:
        return None
    if which == "first":
        return Span(date(year, 1, 1), date(year, 6, 30), f"H1 {year}", "half")
    return Span(date(year, 7, 1), date(year, 12, 31), f"H2 {year}", "half")


def r_quarter(g: dict, ctx: Context) -> Span | None:
    q = ctx.words.ordinals[g["which"].lower()] if g.get("which") else int(g["q"][1])
    year = _year_of(g.get("yref") or g.get("yref2"), ctx)
    if year is None:
        return None
    return Span(date(year, 3 * q - 2, 1), month_end(year, 3 * q), f"Q{q} {year}", "quarter")


def r_previous_quarter(g: dict, ctx: Context) -> Span | None:
    if ctx.published is None:
        return None
    q = (ctx.published.month - 1) // 3  # the quarter before the publication's
    year = ctx.published.year if q else ctx.published.year - 1
    q = q or 4
    return Span(date(year, 3 * q - 2, 1), month_end(year, 3 * q), f"Q{q} {year}", "quarter", shift_months=-3)


def _one_month(year: int, month: int, grain: str = "month") -> Span:
    start, end = date(year, month, 1), month_end(year, month)
    return Span(start, end, month_label(start, end), grain)


def r_month_of_year(g: dict, ctx: Context) -> Span | None:
    month = _month(g["m1"], ctx)
    year = int(g["y"]) if g.get("y") else _year_of(g.get("yref"), ctx)
    return _one_month(year, month) if month and year else None


def r_last_month_name(g: dict, ctx: Context) -> Span | None:
    month = _month(g["m1"], ctx)
    if not month or ctx.published is None:
        return None
    if g["rel"].lower() == "this":
        return _one_month(ctx.published.year, month)
    year = ctx.published.year if month < ctx.published.month else ctx.published.year - 1
    return _one_month(year, month)


def r_month_bare(g: dict, ctx: Context) -> Span | None:
    month = _month(g["m1"], ctx)
    year = _latest(month, ctx.published) if month else None
    return replace(_one_month(year, month), implicit_year=True) if year else None


def r_relative_month(g: dict, ctx: Context) -> Span | None:
    if ctx.published is None:
        return None
    year, month = ctx.published.year, ctx.published.month
    if g["rel"].lower() not in ("this", "current"):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return _one_month(year, month)


def r_month_shift(g: dict, ctx: Context) -> Span | None:
    if ctx.published is None:
        return None
    months = 1 if g.get("next") else -1
    first = add_months(ctx.published.replace(day=1), months)
    return replace(_one_month(first.year, first.month), shift_months=months)


def r_relative_week(g: dict, ctx: Context) -> Span | None:
    if ctx.published is None:
        return None
    monday = ctx.published - timedelta(days=ctx.published.weekday())
    if g["rel"].lower() in ("last", "past", "previous"):
        monday -= timedelta(days=7)
    end = min(monday + timedelta(days=6), ctx.published)
    return Span(monday, end, f"week of {monday.day} {MONTH_ABBR[monday.month]} {monday.year}", "week")


def r_weekday(g: dict, ctx: Context) -> Span | None:
    """The latest such weekday on or before publication: news reports what happened on "Friday"."""
    if ctx.published is None:
        return None
    wanted = ctx.words.weekdays[(g.get("wd") or g.get("wd2")).lower()]
    day = ctx.published - timedelta(days=(ctx.published.weekday() - wanted) % 7)
    return Span(day, day, f"{day.day} {MONTH_ABBR[day.month]} {day.year}", "day")


def r_so_far(g: dict, ctx: Context) -> Span | None:
    if ctx.published is None:
        return None
    start = date(ctx.published.year, 1, 1)
    return Span(start, ctx.published, f"{ctx.published.year} to {ctx.published.isoformat()}", "span")


def r_coming_years(g: dict, ctx: Context) -> Span | None:
    """"in the coming two or three years": by the end of the later one; "over the next two months": those months,
    the publication's month first."""
    if ctx.published is None:
        return None
    counts = ctx.words.counts
    n = max(int(w) if w.isdigit() else counts[w.lower()] for w in (g["n"], g.get("n2")) if w)
    if (g.get("unit") or "years").lower() == "months":
        start = ctx.published.replace(day=1)
        last = add_months(start, n - 1)
        end = month_end(last.year, last.month)
        return Span(start, end, month_label(start, end), "span")
    end = date(ctx.published.year + n, 12, 31)
    return Span(None, end, f"by {end.year}", "year", role="by")


def r_same_months_of_year(g: dict, ctx: Context) -> Span | None:
    """"the same months of 2022": the period named before it, moved into 2022 (resolved by the timeline)."""
    year = int(g["y"])
    return Span(date(year, 1, 1), date(year, 12, 31), str(year), "year", shift_to_year=year)


def r_relative_year(g: dict, ctx: Context) -> Span | None:
    if ctx.published is None:
        return None
    rel = g["rel"].lower()
    year = ctx.published.year + {"last": -1, "previous": -1, "past": -1, "preceding": -1, "next": 1}.get(rel, 0)
    if (g.get("when") or "").lower() == "later":  # "later this year": by its end
        return Span(None, date(year, 12, 31), f"by {year}", "year", role="by")
    return Span(date(year, 1, 1), date(year, 12, 31), str(year), "year")


def r_year_earlier(g: dict, ctx: Context) -> Span | None:
    if ctx.published is None:
        return None
    year = ctx.published.year - 1
    return Span(date(year, 1, 1), date(year, 12, 31), "a year earlier", "year", shift_months=-12)


def r_anaphor(g: dict, ctx: Context) -> Span | None:
    return Span(None, None, "(the period in view)", "span")


def r_calendar_year(g: dict, ctx: Context) -> Span | None:
    y = int(g["y"])
    return Span(date(y, 1, 1), date(y, 12, 31), str(y), "year")


RESOLVERS: dict[str, Resolver] = {
    "fiscal_range": r_fiscal_range, "fiscal_single": r_fiscal_single, "fiscal_relative": r_fiscal_relative,
    "fiscal_months": r_fiscal_months, "year_ending": r_year_ending, "month_range": r_month_range,
    "first_months": r_first_months, "day": r_day, "year_pair": r_year_pair, "year_span": r_year_span,
    "half": r_half, "quarter": r_quarter, "previous_quarter": r_previous_quarter,
    "month_of_year": r_month_of_year, "last_month_name": r_last_month_name, "month_bare": r_month_bare,
    "relative_month": r_relative_month, "month_shift": r_month_shift, "relative_week": r_relative_week,
    "weekday": r_weekday, "so_far": r_so_far, "coming_years": r_coming_years, "relative_year": r_relative_year,
    "year_earlier": r_year_earlier, "anaphor": r_anaphor, "calendar_year": r_calendar_year,
    "same_months_of_year": r_same_months_of_year,
}


