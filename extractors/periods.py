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

import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from extractors.errors import RulesError
from extractors.lowered import lowered
from extractors.period_resolvers import (
    INDIA_FISCAL_START,
    RESOLVERS,
    Context,
    add_months,
    fiscal_year,
    month_end,
    month_label,
)
from extractors.scanning import with_first_chars

PERIODS_FILE = Path(__file__).with_name("rules") / "periods.yaml"
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
    of 2023" is one period, not also "2023". `lower` is `lowered(text)` when the caller has it already;
    `present` the needed strings text[pos:endpos] holds, if known.
    """
    endpos = len(text) if endpos is None else endpos
    lower = lowered(text) if lower is None else lower
    ctx = Context(published, fiscal_start, text, vocabulary())
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

