"""Find the periods a text names and resolve them against the publication date.

The patterns and words live in `rules/periods.yaml`; this module holds one small resolver per kind of
period (the table `RESOLVERS`). A fiscal year starts in the month the story's country uses (India: April,
so "FY24", "FY2023-24", "2023-24" and "fiscal 2024" all mean 2023-04-01..2024-03-31).

>>> from datetime import date
>>> [p.label for p in find_periods("in the first eight months of the year", date(2023, 11, 13))]
['Jan–Aug 2023']
>>> [(p.label, p.role) for p in find_periods("by the end of 2030", date(2023, 11, 13))]
[('by 2030', 'by')]
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from extractors.errors import RulesError
from extractors.lowered import lowered
from extractors.scanning import with_first_chars

PERIODS_FILE = Path(__file__).with_name("rules") / "periods.yaml"
INDIA_FISCAL_START = 4  # April
ROLES = ("point", "by", "until", "since", "comparison", "shift", "anaphor")


@dataclass(frozen=True)
class Period:
    """A date range the text names, where it was written and what it does there.

    `start`/`end` may be None for open ranges ("since 2001": no end; "by 2030": no start). `role` says how
    a figure may use it (see periods.yaml: roles); `grain` how fine it is (day, week, month, quarter, half,
    year, fiscal, span). A `shift` period holds `shift_months`, to be applied to the period it refers to.
    """

    start_offset: int
    end_offset: int
    start: date | None
    end: date | None
    label: str
    role: str = "point"
    grain: str = "span"
    shift_months: int = 0
    event: str | None = None  # "deal" or "delivery" when the words before tie it to one ("signed in 2016")
    full_start: date | None = None  # the whole span named, before "by"/"since" cut one end off
    full_end: date | None = None
    implicit_year: bool = False  # "in February": the year was inferred from the publication date
    shift_to_year: int | None = None  # "the same months of 2022": the anchor's months in that year

    @property
    def is_target(self) -> bool:
        return self.role == "by"


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
class _Context:
    published: date | None
    fiscal_start: int
    original: str  # the text as written (case matters for "May" the month and "may" the verb)


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


# --------------------------------------------------------------------------- vocabulary

@dataclass(frozen=True)
class PeriodPattern:
    id: str
    resolve: str
    needs: tuple[str, ...]
    regex: re.Pattern
    role: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    months: dict[str, int]
    weekdays: dict[str, int]
    ordinals: dict[str, int]
    counts: dict[str, int]
    roles: tuple[tuple[str, str], ...]  # (phrase, role), longest phrase first
    role_regex: re.Pattern
    event_regex: re.Pattern  # a deal or delivery word just before a period; the group names which
    patterns: tuple[PeriodPattern, ...]
    needs: tuple[str, ...]


def _words(section: dict, what: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, value in (section or {}).items():
        if isinstance(value, list):  # NUMBER: [surfaces]
            out.update({str(s).lower(): int(key) for s in value})
        else:  # WORD: NUMBER
            out[str(key).lower()] = int(value)
    if not out:
        raise RulesError(f"periods.yaml: words.{what} is empty")
    return out


def _alternation(words: list[str]) -> str:
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)) + ")"


def load_vocabulary(path: Path = PERIODS_FILE) -> Vocabulary:
    """Read and compile periods.yaml; a broken file raises RulesError naming the pattern."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path.name}: cannot read: {exc}") from exc
    words = data.get("words") or {}
    months = _words(words.get("months"), "months")
    weekdays = _words(words.get("weekdays"), "weekdays")
    ordinals = _words(words.get("ordinals"), "ordinals")
    counts = _words(words.get("counts"), "counts")
    year, yy = r"(?:19|20)\d\d", r"(?:(?:19|20)\d\d|\d\d)"
    yref = r"(?P<yref>{year}|(?:the\s+)?(?:this|last|previous|current|next|past)\s+year|the\s+year)".replace(
        "{year}", year)
    places = {
        "month": _alternation(list(months)) + r"\.?", "weekday": _alternation(list(weekdays)),
        "year": year, "yy": yy, "count": _alternation(list(counts)), "ordinal": _alternation(list(ordinals)),
        "yref": yref, "yref2": yref.replace("?P<yref>", "?P<yref2>"),
        "fy": r"fy|fiscal(?:\s+year)?|financial\s+year",
    }
    patterns = []
    for spec in data.get("patterns") or []:
        pid = spec.get("id", "?")
        if spec.get("resolve") not in RESOLVERS:
            raise RulesError(f"periods.yaml: pattern '{pid}': unknown resolver '{spec.get('resolve')}'")
        role = spec.get("role", "point")
        if role not in ROLES:
            raise RulesError(f"periods.yaml: pattern '{pid}': unknown role '{role}'")
        source = re.sub(r"\{(\w+)\}", lambda m: places.get(m.group(1), m.group(0)), spec["pattern"])
        try:
            compiled = re.compile(with_first_chars(source))
        except re.error as exc:
            raise RulesError(f"periods.yaml: pattern '{pid}' does not compile: {exc}") from exc
        patterns.append(PeriodPattern(pid, spec["resolve"], tuple(str(n) for n in spec.get("needs") or ()),
                                      compiled, role, tuple(spec.get("examples") or ())))
    roles = tuple(sorted(((str(p).lower(), role) for role, phrases in (data.get("roles") or {}).items()
                          for p in phrases), key=lambda pr: -len(pr[0])))
    for _, role in roles:
        if role not in ROLES:
            raise RulesError(f"periods.yaml: unknown role '{role}'")
    role_regex = re.compile(r"(?:^|(?<=\W))(?P<phrase>" + "|".join(
        re.escape(p).replace(r"\ ", r"\s+") for p, _ in roles) + r")\s*$")
    needs = tuple(sorted({n for p in patterns for n in p.needs}))
    events = data.get("events") or {}
    event_regex = re.compile(r"\b(?:" + "|".join(
        f"(?P<{name}>" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
        + ")" for name, words in events.items() if words) + r")\s+(?:[\w,'’]+\s+){0,3}$")
    return Vocabulary(months, weekdays, ordinals, counts, roles, role_regex, event_regex, tuple(patterns), needs)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return load_vocabulary()


# --------------------------------------------------------------------------- resolvers (one per kind of period)

Resolver = Callable[[dict[str, Any], _Context], Span | None]


def _month(word: str | None) -> int | None:
    if not word:
        return None
    return vocabulary().months.get(word.lower().rstrip("."))


def _year_of(ref: str | None, ctx: _Context) -> int | None:
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


def _fy(ending: int, ctx: _Context, grain: str = "fiscal") -> Span:
    start, end, label = fiscal_year(ending, ctx.fiscal_start)
    return Span(start, end, label, grain)


def r_fiscal_range(g: dict, ctx: _Context) -> Span | None:
    a = _two_digit_year(g["a"])
    b = _two_digit_year(g["b"], a)
    return _fy(b, ctx) if b == a + 1 else None


def r_fiscal_single(g: dict, ctx: _Context) -> Span | None:
    return _fy(_two_digit_year(g["a"]), ctx)


def r_fiscal_relative(g: dict, ctx: _Context) -> Span | None:
    if ctx.published is None:
        return None
    rel = g["rel"].lower()
    current = fiscal_year_of(ctx.published, ctx.fiscal_start)
    if rel in ("last", "previous", "past", "preceding"):  # "the previous fiscal": before the one just named
        span = _fy(current - 1, ctx)
        return replace(span, shift_months=-12)
    span = _fy(current + (1 if rel == "next" else 0), ctx)
    return replace(span, role="point")


def r_fiscal_months(g: dict, ctx: _Context) -> Span | None:
    a = _two_digit_year(g["a"])
    b = _two_digit_year(g["b"], a)
    m1, m2 = _month(g["m1"]), _month(g["m2"])
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


def r_year_ending(g: dict, ctx: _Context) -> Span | None:
    month = _month(g["m"])
    if not month:
        return None
    year = int(g["y"]) if g.get("y") else _latest(month, ctx.published)
    if year is None:
        return None
    if month == (ctx.fiscal_start - 2) % 12 + 1:  # the month a fiscal year ends in
        return _fy(year, ctx)
    start = date(year - 1, month % 12 + 1, 1) if month != 12 else date(year, 1, 1)
    return Span(start, month_end(year, month), f"12 months to {MONTH_ABBR[month]} {year}", "span")


def r_month_range(g: dict, ctx: _Context) -> Span | None:
    m1, m2 = _month(g["m1"]), _month(g["m2"])
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


def r_first_months(g: dict, ctx: _Context) -> Span | None:
    words = vocabulary().counts
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


def r_day(g: dict, ctx: _Context) -> Span | None:
    month = _month(g.get("m") or g.get("m2"))
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


def r_year_pair(g: dict, ctx: _Context) -> Span | None:
    a = int(g["a"])
    b = _two_digit_year(g["b"], a)
    if b == a + 1 and (len(g["b"]) == 2 or g.get("fiscal")):
        return _fy(b, ctx)
    return r_year_span({"a": g["a"], "b": str(b)}, ctx)


def r_year_span(g: dict, ctx: _Context) -> Span | None:
    a, b = int(g["a"]), int(g["b"])
    if b <= a:
        return None
    return Span(date(a, 1, 1), date(b, 12, 31), f"{a}–{b}", "span")


def r_half(g: dict, ctx: _Context) -> Span | None:
    which = (g.get("which") or "").lower() or {"h1": "first", "h2": "second"}[g["h"].lower()]
    year = _year_of(g.get("yref") or g.get("yref2"), ctx)
    if year is None:
        return None
    if which == "first":
        return Span(date(year, 1, 1), date(year, 6, 30), f"H1 {year}", "half")
    return Span(date(year, 7, 1), date(year, 12, 31), f"H2 {year}", "half")


def r_quarter(g: dict, ctx: _Context) -> Span | None:
    q = vocabulary().ordinals[g["which"].lower()] if g.get("which") else int(g["q"][1])
    year = _year_of(g.get("yref") or g.get("yref2"), ctx)
    if year is None:
        return None
    return Span(date(year, 3 * q - 2, 1), month_end(year, 3 * q), f"Q{q} {year}", "quarter")


def r_previous_quarter(g: dict, ctx: _Context) -> Span | None:
    if ctx.published is None:
        return None
    q = (ctx.published.month - 1) // 3  # the quarter before the publication's
    year = ctx.published.year if q else ctx.published.year - 1
    q = q or 4
    return Span(date(year, 3 * q - 2, 1), month_end(year, 3 * q), f"Q{q} {year}", "quarter", shift_months=-3)


def _one_month(year: int, month: int, grain: str = "month") -> Span:
    start, end = date(year, month, 1), month_end(year, month)
    return Span(start, end, month_label(start, end), grain)


def r_month_of_year(g: dict, ctx: _Context) -> Span | None:
    month = _month(g["m1"])
    year = int(g["y"]) if g.get("y") else _year_of(g.get("yref"), ctx)
    return _one_month(year, month) if month and year else None


def r_last_month_name(g: dict, ctx: _Context) -> Span | None:
    month = _month(g["m1"])
    if not month or ctx.published is None:
        return None
    if g["rel"].lower() == "this":
        return _one_month(ctx.published.year, month)
    year = ctx.published.year if month < ctx.published.month else ctx.published.year - 1
    return _one_month(year, month)


def r_month_bare(g: dict, ctx: _Context) -> Span | None:
    month = _month(g["m1"])
    year = _latest(month, ctx.published) if month else None
    return replace(_one_month(year, month), implicit_year=True) if year else None


def r_relative_month(g: dict, ctx: _Context) -> Span | None:
    if ctx.published is None:
        return None
    year, month = ctx.published.year, ctx.published.month
    if g["rel"].lower() not in ("this", "current"):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return _one_month(year, month)


def r_month_shift(g: dict, ctx: _Context) -> Span | None:
    if ctx.published is None:
        return None
    months = 1 if g.get("next") else -1
    first = add_months(ctx.published.replace(day=1), months)
    return replace(_one_month(first.year, first.month), shift_months=months)


def r_relative_week(g: dict, ctx: _Context) -> Span | None:
    if ctx.published is None:
        return None
    monday = ctx.published - timedelta(days=ctx.published.weekday())
    if g["rel"].lower() in ("last", "past", "previous"):
        monday -= timedelta(days=7)
    end = min(monday + timedelta(days=6), ctx.published)
    return Span(monday, end, f"week of {monday.day} {MONTH_ABBR[monday.month]} {monday.year}", "week")


def r_weekday(g: dict, ctx: _Context) -> Span | None:
    """The latest such weekday on or before publication: news reports what happened on "Friday"."""
    if ctx.published is None:
        return None
    wanted = vocabulary().weekdays[(g.get("wd") or g.get("wd2")).lower()]
    day = ctx.published - timedelta(days=(ctx.published.weekday() - wanted) % 7)
    return Span(day, day, f"{day.day} {MONTH_ABBR[day.month]} {day.year}", "day")


def r_so_far(g: dict, ctx: _Context) -> Span | None:
    if ctx.published is None:
        return None
    start = date(ctx.published.year, 1, 1)
    return Span(start, ctx.published, f"{ctx.published.year} to {ctx.published.isoformat()}", "span")


def r_coming_years(g: dict, ctx: _Context) -> Span | None:
    """"in the coming two or three years": by the end of the later one; "over the next two months": those months,
    the publication's month first."""
    if ctx.published is None:
        return None
    counts = vocabulary().counts
    n = max(int(w) if w.isdigit() else counts[w.lower()] for w in (g["n"], g.get("n2")) if w)
    if (g.get("unit") or "years").lower() == "months":
        start = ctx.published.replace(day=1)
        last = add_months(start, n - 1)
        end = month_end(last.year, last.month)
        return Span(start, end, month_label(start, end), "span")
    end = date(ctx.published.year + n, 12, 31)
    return Span(None, end, f"by {end.year}", "year", role="by")


def r_same_months_of_year(g: dict, ctx: _Context) -> Span | None:
    """"the same months of 2022": the period named before it, moved into 2022 (resolved by the timeline)."""
    year = int(g["y"])
    return Span(date(year, 1, 1), date(year, 12, 31), str(year), "year", shift_to_year=year)


def r_relative_year(g: dict, ctx: _Context) -> Span | None:
    if ctx.published is None:
        return None
    rel = g["rel"].lower()
    year = ctx.published.year + {"last": -1, "previous": -1, "past": -1, "preceding": -1, "next": 1}.get(rel, 0)
    if (g.get("when") or "").lower() == "later":  # "later this year": by its end
        return Span(None, date(year, 12, 31), f"by {year}", "year", role="by")
    return Span(date(year, 1, 1), date(year, 12, 31), str(year), "year")


def r_year_earlier(g: dict, ctx: _Context) -> Span | None:
    if ctx.published is None:
        return None
    year = ctx.published.year - 1
    return Span(date(year, 1, 1), date(year, 12, 31), "a year earlier", "year", shift_months=-12)


def r_anaphor(g: dict, ctx: _Context) -> Span | None:
    return Span(None, None, "(the period in view)", "span")


def r_calendar_year(g: dict, ctx: _Context) -> Span | None:
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


# --------------------------------------------------------------------------- finding periods in a text

def needs_present(lower: str, among: tuple[str, ...] | set[str] | None = None) -> set[str]:
    """Which of the patterns' needed strings a lower-cased text holds (a few dozen substring tests: faster
    than one regex scan that finds them all); `among` limits the test to those a whole document holds."""
    return {word for word in (vocabulary().needs if among is None else among) if word in lower}


def _role(lower: str, start: int, pattern_role: str, floor: int, grain: str) -> str:
    """The role the words just before a period give it ("by", "since", "compared with"). "On" compares only a
    month or a year ("up 98 percent on January 2016"); "on 16 September" is a date."""
    m = vocabulary().role_regex.search(lower, max(floor, start - 24), start)
    phrase = " ".join(m.group("phrase").split()) if m else None
    phrase_role = dict(vocabulary().roles).get(phrase) if phrase and not (phrase == "on" and grain in (
        "day", "week")) else None
    if pattern_role in ("shift", "anaphor"):
        return "comparison" if phrase_role in ("comparison", "since") else pattern_role
    return phrase_role or "point"


def find_periods(text: str, published: date | None, pos: int = 0, endpos: int | None = None,
                 lower: str | None = None, fiscal_start: int = INDIA_FISCAL_START,
                 present: set[str] | None = None) -> list[Period]:
    """Every period written in `text[pos:endpos]`, in text order; earlier patterns win over overlaps.

    Offsets are into `text`. A period that overlaps one already found is dropped, so "first eight months
    of 2023" is one period, not also "2023". `lower` is `lowered(text)` when the caller has it already.
    """
    endpos = len(text) if endpos is None else endpos
    lower = lowered(text) if lower is None else lower
    ctx = _Context(published, fiscal_start, text)  # `present`: the needed strings text[pos:endpos] holds, if known
    found: list[Period] = []
    taken: list[tuple[int, int]] = []
    present = needs_present(lower[pos:endpos]) if present is None else present
    for pattern in vocabulary().patterns:
        if present.isdisjoint(pattern.needs):
            continue
        for m in pattern.regex.finditer(lower, pos, endpos):
            s, e = m.span()
            if e == s or any(s < te and ts < e for ts, te in taken):
                continue
            if pattern.resolve == "month_bare" and not text[m.start("m1")].isupper():
                continue  # "may" the verb, "march" the walk
            try:
                span = RESOLVERS[pattern.resolve](m.groupdict(), ctx)
            except (ValueError, KeyError, OverflowError):
                span = None
            if span is None:
                continue
            role = span.role or _role(lower, s, pattern.role, pos, span.grain)
            start, end, label = span.start, span.end, span.label
            tie = vocabulary().event_regex.search(lower, max(pos, s - 40), s)
            event = tie.lastgroup if tie else None
            if role == "by" or role == "until":
                start, label = None, f"by {end.year}" if span.grain in ("year", "fiscal") and end else \
                    f"until {end.isoformat()}" if end else label
            elif role == "since" and span.grain == "span" and span.start and span.end:
                role = "point"  # "from 2011-2020": the whole span
            elif role == "since":
                end, label = None, f"since {start.isoformat()}" if start else label
            found.append(Period(s, e, start, end, label, role, span.grain, span.shift_months, event,
                                span.start, span.end, span.implicit_year, span.shift_to_year))
            taken.append((s, e))
    found.sort(key=lambda p: p.start_offset)
    return found


def shifted(period: Period, anchor: Period) -> Period:
    """A `shift` period ("the same period last year", "a month earlier") resolved against the period it
    refers to; the period as it is when there is nothing to shift."""
    if period.shift_to_year and anchor.start is not None and anchor.end is not None:
        months = (period.shift_to_year - anchor.end.year) * 12
        period = replace(period, shift_months=months, shift_to_year=None)
    if not period.shift_months or anchor.start is None or anchor.end is None:
        return period
    start = add_months(anchor.start, period.shift_months)
    end = add_months(anchor.end.replace(day=1), period.shift_months)
    end = month_end(end.year, end.month) if anchor.end.day >= 28 else add_months(anchor.end, period.shift_months)
    label = fiscal_year(end.year)[2] if anchor.grain == "fiscal" and anchor.label.startswith("FY") else (
        str(start.year) if anchor.grain == "year" else month_label(start, end) if anchor.grain in (
            "month", "span", "half", "quarter") else f"{anchor.label}, shifted")
    return replace(period, start=start, end=end, label=label, grain=anchor.grain)


def _patterns_for_tests() -> list[tuple[str, tuple[str, ...], re.Pattern]]:
    """(id, needs, compiled) of every pattern: the scanning tests check each with and without its lookahead."""
    return [(p.id, p.needs, p.regex) for p in vocabulary().patterns]
