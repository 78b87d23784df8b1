"""Find the periods a sentence talks about and resolve them against the publication date.

India's fiscal year runs 1 April - 31 March: "FY24", "FY2023-24", "2023-24", "2023/24" and
"fiscal 2024" all mean 2023-04-01..2024-03-31.

>>> from datetime import date
>>> [p.label for p in find_periods("in the first eight months of the year", date(2023, 11, 13))]
['Jan–Aug 2023']
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date

from extractors.lowered import lowered
from extractors.scanning import with_first_chars

# English names, written out: `calendar.month_name` follows the process's locale, and the news is in English.
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")
MONTH_ABBR = ("",) + tuple(name[:3] for name in MONTH_NAMES)  # MONTH_ABBR[1] == "Jan"
MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, start=1)}
MONTHS.update({name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, start=1)})
MONTHS["sept"] = 9
MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"  # noqa: E501
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": 4}
COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
               "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
YEAR = r"(?:19|20)\d\d"


def _scanner(source: str) -> re.Pattern:
    """A period pattern for `finditer` over a sentence, told its first characters (see extractors.scanning).

    Patterns are written in lower case and scan a lower-cased copy of the text (`lowered`): the standard
    library engine without IGNORECASE is several times faster than a case-insensitive scan."""
    return re.compile(with_first_chars(source))


@dataclass(frozen=True)
class Period:
    """A closed date range a sentence mentions, with where it was written."""

    start_offset: int
    end_offset: int
    start: date
    end: date
    label: str
    is_target: bool = False
    is_relative_shift: bool = False  # "the same period a year earlier": resolved against another period


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def fiscal_year(ending: int) -> tuple[date, date, str]:
    """India's fiscal year that ends in March of `ending`."""
    return date(ending - 1, 4, 1), date(ending, 3, 31), f"FY{ending - 1}-{str(ending)[-2:]}"


def fiscal_year_of(day: date) -> int:
    """The year in which the fiscal year containing `day` ends."""
    return day.year + 1 if day.month >= 4 else day.year


def _two_digit_year(value: str, century_from: int | None = None) -> int:
    number = int(value)
    if len(value) == 4:
        return number
    base = (century_from // 100) * 100 if century_from else 2000
    return base + number


def _month_label(start: date, end: date) -> str:
    if start.year == end.year:
        if start.month == end.month:
            return f"{MONTH_ABBR[start.month]} {start.year}"
        return f"{MONTH_ABBR[start.month]}–{MONTH_ABBR[end.month]} {end.year}"
    return f"{MONTH_ABBR[start.month]} {start.year}–{MONTH_ABBR[end.month]} {end.year}"


def _ref_year(word: str | None, published: date | None) -> int | None:
    """Year named by "the year", "this year", "last year", "2023"."""
    if word is None:
        return published.year if published else None
    w = word.lower().strip()
    if re.fullmatch(YEAR, w):
        return int(w)
    if published is None:
        return None
    if w in ("last year", "the last year", "the previous year", "previous year", "the past year"):
        return published.year - 1
    if w in ("next year",):
        return published.year + 1
    return published.year


_YEAR_REF = rf"(?P<yref>{YEAR}|(?:the\s+)?(?:this|last|previous|current|next|past)\s+year|the\s+year)"
_YEAR_REF2 = _YEAR_REF.replace("?P<yref>", "?P<yref2>")  # the standard engine wants one name per group
_FY_TOKEN = r"(?:fy|fiscal(?:\s+year)?|financial\s+year)"

_FY_RANGE = _scanner(rf"\b(?:{_FY_TOKEN}\s*'?)(?P<a>{YEAR}|\d\d)\s*[-–/]\s*(?P<b>{YEAR}|\d\d)\b")
_FY_SINGLE = _scanner(rf"\b(?:{_FY_TOKEN})\s*'?(?P<a>{YEAR}|\d\d)\b(?!\s*[-–/]\s*\d)")
# Each pattern with what a sentence must contain (lower case) for it to match at all: the cheap test
# spares most of the seventeen scans in a sentence that names no period, or only a year.
_YEAR_WORD = ("year",)
_CENTURIES = ("19", "20")
_FY_WORDS = ("fy", "fiscal", "financial")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_PATTERNS: list[tuple[str, tuple[str, ...], re.Pattern]] = [
    ("year_ending", _YEAR_WORD, _scanner(
        rf"\b(?:the\s+)?(?:(?P<fiscal>financial|fiscal)\s+)?year\s+(?:that\s+)?(?:to|ending|ended|which\s+ended)\s+"
        rf"(?:on\s+|in\s+)?(?P<m>{MONTH})(?:\s+\d{{1,2}})?(?:,?\s*(?P<y>{YEAR}))?")),
    ("relative_month", ("month",), _scanner(r"\b(?P<rel>last|previous|this|past)\s+month\b")),
    ("month_range", _MONTH_NAMES, _scanner(
        rf"\b(?P<m1>{MONTH})\s*(?:{YEAR}\s*)?(?:-|–|—|to|through|till|until)\s*(?P<m2>{MONTH})(?:\s*(?:,|of)?\s*(?P<fyr>(?:fy\s*)?{YEAR}\s*[-–/]\s*\d\d(?:\d\d)?)|,?\s*(?P<y>{YEAR}))?(?:\s+period)?")),
    ("first_months", ("first",), _scanner(
        rf"\b(?:the\s+)?first\s+(?P<n>\d{{1,2}}|{'|'.join(COUNT_WORDS)})\s+months\s+(?:of\s+)?(?:{_YEAR_REF}|(?P<fy>fy\s*'?\d\d(?:\d\d)?(?:\s*[-–/]\s*\d\d(?:\d\d)?)?))?")),
    ("fy_range", _FY_WORDS, _FY_RANGE),
    ("fy_single", _FY_WORDS, _FY_SINGLE),
    ("fy_relative", ("fiscal", "financial"), _scanner(
        r"\b(?:the\s+)?(?P<rel>last|previous|this|current|next|past)\s+(?:fiscal(?:\s+year)?|financial\s+year)\b")),
    ("year_pair", _CENTURIES, _scanner(rf"(?<![\w-])(?P<a>{YEAR})\s*[-–/]\s*(?P<b>{YEAR}|\d\d)(?![\w-])")),
    ("between_years", ("between", "from"), _scanner(
        rf"\b(?:between|from)\s+(?P<a>{YEAR})\s+(?:and|to|till|until|through)\s+(?P<b>{YEAR})\b")),
    ("half", ("half", "h1", "h2"), _scanner(
        rf"\b(?:the\s+)?(?P<which>first|second)\s+half\s+(?:of\s+)?(?:{_YEAR_REF})?|\b(?P<h>h[12])\s*(?:{_YEAR_REF2})?")),
    ("quarter", ("quarter", "q1", "q2", "q3", "q4"), _scanner(
        rf"\b(?:the\s+)?(?P<which>first|second|third|fourth|last)\s+quarter\s+(?:of\s+)?(?:{_YEAR_REF})?|\b(?P<q>q[1-4])\s*(?:{_YEAR_REF2})?")),
    ("month_year", _MONTH_NAMES, _scanner(rf"\b(?P<m1>{MONTH})\s*,?\s*(?P<y>{YEAR})\b(?!\s*[-–/]\s*\d)")),
    ("so_far", ("far", "date"), _scanner(r"\b(?:so\s+far\s+this\s+year|year\s+to\s+date|this\s+year\s+so\s+far)\b")),
    ("relative_year", _YEAR_WORD, _scanner(
        r"\b(?:the\s+)?(?P<rel>last|previous|this|current|past)\s+(?:calendar\s+)?year\b")),
    ("same_period", _YEAR_WORD, _scanner(
        r"\b(?:the\s+)?(?:same|corresponding)\s+(?:period|months?|quarter|time)\s+(?:a|of\s+the|of|in\s+the|last)?\s*(?:year|previous\s+year|last\s+year|preceding\s+year)(?:\s+(?:earlier|before|ago))?|\ba\s+year\s+(?:earlier|ago|before)\b")),
    ("by_year", ("by", "till", "until"), _scanner(
        rf"\b(?:by|till|until)\s+(?:the\s+end\s+of\s+)?(?:(?:fy|fiscal)\s*)?(?P<y>{YEAR})\b")),
    ("year", _CENTURIES, _scanner(rf"(?<![\w-])(?:calendar\s+year\s+)?(?P<y>{YEAR})(?![\w-])")),
]
_NEEDS_WORDS = tuple(sorted({w for _, needs, _ in _PATTERNS for w in needs}))


def needs_present(lower: str) -> set[str]:
    """Which of the patterns' needed strings a lower-cased text holds (three dozen substring tests: faster
    than one regex scan that finds them all)."""
    return {word for word in _NEEDS_WORDS if word in lower}


def _resolve(name: str, m: re.Match, published: date | None) -> tuple[date, date, str, bool, bool] | None:  # noqa: C901
    g = m.groupdict()
    if name == "fy_range":
        a = _two_digit_year(g["a"])
        b = _two_digit_year(g["b"], a)
        if b != a + 1:
            return None
        return (*fiscal_year(b), False, False)
    if name == "year_ending":
        month = MONTHS.get(g["m"].lower().rstrip("."))
        if not month:
            return None
        if g.get("y"):
            year = int(g["y"])
        elif published is not None:
            year = published.year if month <= published.month else published.year - 1
        else:
            return None
        end = _month_end(year, month)
        start = date(year - 1, month % 12 + 1, 1) if month != 12 else date(year, 1, 1)
        if month == 3:
            return (*fiscal_year(year), False, False)
        return start, end, f"12 months to {MONTH_ABBR[month]} {year}", False, False
    if name == "relative_month":
        if published is None:
            return None
        year, month = published.year, published.month
        if g["rel"].lower() != "this":
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        start, end = date(year, month, 1), _month_end(year, month)
        return start, end, _month_label(start, end), False, False
    if name == "fy_single":
        return (*fiscal_year(_two_digit_year(g["a"])), False, False)
    if name == "fy_relative":
        if published is None:
            return None
        current = fiscal_year_of(published)
        offset = {"last": -1, "previous": -1, "past": -1, "next": 1}.get(g["rel"].lower(), 0)
        return (*fiscal_year(current + offset), False, False)
    if name == "year_pair":
        a = int(g["a"])
        b = _two_digit_year(g["b"], a)
        if b == a + 1 and len(g["b"]) == 2:
            return (*fiscal_year(b), False, False)
        if b <= a:
            return None
        return date(a, 1, 1), date(b, 12, 31), f"{a}–{b}", False, False
    if name == "between_years":
        a, b = int(g["a"]), int(g["b"])
        if b <= a:
            return None
        return date(a, 1, 1), date(b, 12, 31), f"{a}–{b}", False, False
    if name == "first_months":
        n = int(g["n"]) if g["n"].isdigit() else COUNT_WORDS[g["n"].lower()]
        if not 1 <= n <= 12:
            return None
        if g.get("fy"):
            inner = _FY_RANGE.search(g["fy"]) or _FY_SINGLE.search(g["fy"])
            if inner is None:
                return None
            fy = _resolve("fy_range" if "-" in g["fy"] or "/" in g["fy"] else "fy_single", inner, published)
            if fy is None:
                return None
            start = fy[0]
            end_month = (start.month + n - 2) % 12 + 1
            end_year = start.year + (start.month + n - 2) // 12
            return start, _month_end(end_year, end_month), f"{fy[2]} first {n} months", False, False
        year = _ref_year(g.get("yref") or g.get("yref2"), published)
        if year is None:
            return None
        start, end = date(year, 1, 1), _month_end(year, n)
        return start, end, _month_label(start, end), False, False
    if name == "half":
        which = (g.get("which") or "").lower() or {"h1": "first", "h2": "second"}[g["h"].lower()]
        year = _ref_year(g.get("yref") or g.get("yref2"), published)
        if year is None:
            return None
        if which == "first":
            return date(year, 1, 1), date(year, 6, 30), f"H1 {year}", False, False
        return date(year, 7, 1), date(year, 12, 31), f"H2 {year}", False, False
    if name == "quarter":
        q = ORDINAL_WORDS[g["which"].lower()] if g.get("which") else int(g["q"][1])
        year = _ref_year(g.get("yref") or g.get("yref2"), published)
        if year is None:
            return None
        start = date(year, 3 * q - 2, 1)
        return start, _month_end(year, 3 * q), f"Q{q} {year}", False, False
    if name == "month_range":
        m1 = MONTHS.get(g["m1"].lower().rstrip("."))
        m2 = MONTHS.get(g["m2"].lower().rstrip("."))
        if not m1 or not m2:
            return None
        if g.get("fyr"):
            digits = re.findall(r"\d+", g["fyr"])
            a = int(digits[0])
            fy_end = _two_digit_year(digits[1], a)
            if fy_end != a + 1:
                return None
            y1 = a if m1 >= 4 else fy_end
            y2 = a if m2 >= 4 else fy_end
            start, end = date(y1, m1, 1), _month_end(y2, m2)
            return start, end, f"{_month_label(start, end)} (FY{a}-{str(fy_end)[-2:]})", False, False
        if g.get("y"):
            y2 = int(g["y"])
        elif published is not None:
            y2 = published.year if m2 <= published.month else published.year - 1
        else:
            return None
        y1 = y2 if m1 <= m2 else y2 - 1
        start, end = date(y1, m1, 1), _month_end(y2, m2)
        return start, end, _month_label(start, end), False, False
    if name == "month_year":
        m1 = MONTHS.get(g["m1"].lower().rstrip("."))
        if not m1:
            return None
        y = int(g["y"])
        start, end = date(y, m1, 1), _month_end(y, m1)
        return start, end, _month_label(start, end), False, False
    if name == "so_far":
        if published is None:
            return None
        start = date(published.year, 1, 1)
        return start, published, f"{published.year} to {published.isoformat()}", False, False
    if name == "relative_year":
        if published is None:
            return None
        year = published.year - (1 if g["rel"].lower() in ("last", "previous", "past") else 0)
        return date(year, 1, 1), date(year, 12, 31), str(year), False, False
    if name == "same_period":
        if published is None:
            return None
        return date(published.year - 1, 1, 1), date(published.year - 1, 12, 31), "a year earlier", False, True
    if name == "by_year":
        y = int(g["y"])
        return date(y, 1, 1), date(y, 12, 31), f"by {y}", True, False
    if name == "year":
        y = int(g["y"])
        return date(y, 1, 1), date(y, 12, 31), str(y), False, False
    return None


def find_periods(text: str, published: date | None, pos: int = 0, endpos: int | None = None,
                 lower: str | None = None) -> list[Period]:
    """Every period written in `text[pos:endpos]`, earlier patterns winning over overlaps.

    Offsets are into `text`. A period that overlaps one already found is dropped, so
    "first eight months of 2023" is one period, not also "2023". `lower` is `lowered(text)` when the
    caller has it already.
    """
    endpos = len(text) if endpos is None else endpos
    lower = lowered(text) if lower is None else lower
    found: list[Period] = []
    taken: list[tuple[int, int]] = []
    present = needs_present(lower[pos:endpos])
    for name, needs, pattern in _PATTERNS:
        if present.isdisjoint(needs):
            continue
        for m in pattern.finditer(lower, pos, endpos):
            s, e = m.span()
            if e == s or any(s < te and ts < e for ts, te in taken):
                continue
            try:
                resolved = _resolve(name, m, published)
            except (ValueError, KeyError):
                resolved = None
            if resolved is None:
                continue
            start, end, label, is_target, shift = resolved
            found.append(Period(s, e, start, end, label, is_target, shift))
            taken.append((s, e))
    found.sort(key=lambda p: p.start_offset)
    if any(p.is_relative_shift for p in found):
        return [_shift_relative(p, found) for p in found]
    return found


def _shift_relative(period: Period, found: list[Period]) -> Period:
    """'The same period a year earlier' is the nearest other period moved back one year."""
    if not period.is_relative_shift:
        return period
    anchors = [p for p in found if not p.is_relative_shift and not p.is_target]
    if not anchors:
        return period
    anchor = min(anchors, key=lambda p: abs(p.start_offset - period.start_offset))
    try:
        start = anchor.start.replace(year=anchor.start.year - 1)
        end = anchor.end.replace(year=anchor.end.year - 1, day=1)
        end = _month_end(end.year, end.month) if anchor.end.day > 27 else anchor.end.replace(year=anchor.end.year - 1)
    except ValueError:
        return period
    label = f"{anchor.label} a year earlier" if not anchor.label.startswith("FY") else fiscal_year(
        anchor.end.year - 1)[2]
    return replace(period, start=start, end=end, label=label)
