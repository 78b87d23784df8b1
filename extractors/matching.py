"""Where the rules are tried in a sentence, and which of their matches are kept.

Rules are tried only where a figure can start (numbers and number words, and currency symbols, signs or
"between" just before them), and only rules whose needles the sentence holds, each up to the last of its
needles: most of a sentence is never looked at, which is what makes extraction fast.

>>> from extractors.rules import default_rules
>>> rule = next(p for p in default_rules().patterns if p.id == "money.symbol_first")
>>> find_matches("India and Russia traded $44 billion in 2023.", rule)
['$44 billion']
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Set

import regex

from extractors.budget import Budget, Expired
from extractors.lowered import lowered
from extractors.rules import SHAPE_TOKEN, Pattern, Rules, default_rules, needle_tokens


def candidate_rules(text: str, lower: str, s: int, e: int, rules: Rules,
                    last_designation: int | None = None) -> list[tuple[Pattern, int]]:
    """The rules that can match in text[s:e], each with the last place a match can begin: where the last of its
    needles begins, or the last designation for rules a designation triggers. `last_designation`: where the
    sentence's last designation begins (-1 when it has none), when the caller has scanned for them already."""
    tokens = needle_tokens(lower, s, e)
    if last_designation is None:
        found = [m.start() for m in rules.designation_regex.finditer(text, s, e)]
        last_designation = found[-1] if found else -1
    if last_designation >= 0:
        tokens.add(SHAPE_TOKEN)
    return [(p, e if p.needles_outside else last_designation if found == _SHAPE_ONLY else last_needle(lower, found, s, e))
            for p in rules.patterns if (found := p.needles.intersection(tokens))]


_SHAPE_ONLY = frozenset({SHAPE_TOKEN})


def last_needle(lower: str, needles: Set[str], s: int, e: int) -> int:
    """Where the last of a rule's needles in the sentence begins: a match holds one, so starts no later."""
    if SHAPE_TOKEN in needles:
        return e  # a designation shape has no word to look for
    return max(lower.rfind(needle, s, e) for needle in needles)


LEAD_IN_REACH = 24  # how far before a number a match may start ("between US$ ")
_DIGITS = re.compile(r"[0-9]+")


def number_anchors(text: str, lower: str, start: int, rules: Rules) -> list[int]:
    """Where numbers and number words start in the body, in order (`lower` is `lowered(text)`).

    A bare year ("in 2023.") is left out unless a unit, scale, "%" or currency follows or precedes it:
    most digits in news are dates, and skipping them early is most of the extractor's speed.
    """
    anchors = []
    for m in _DIGITS.finditer(text, start):
        a, b = m.start(), m.end()
        if b - a == 4 and text[a:a + 2] in ("19", "20") and not _year_may_be_figure(text, lower, a, b, rules):
            continue
        anchors.append(a)
    words = [a for m in rules.number_word_regex.finditer(lower, start) if (a := m.start()) == 0 or lower[a - 1] != "-"]
    if words:
        anchors = sorted(anchors + words)
    return anchors


def _year_may_be_figure(text: str, lower: str, a: int, b: int, rules: Rules) -> bool:
    after = text[b:b + 2]
    if after[:1] == "%" or (after[:1] == " " and (after[1:2].islower() or after[1:2] == "%")):
        return True
    return bool(rules.lead_in_regex.search(lower, max(0, a - 6), a))


def match_starts(lower: str, anchors: list[int], s: int, e: int, rules: Rules) -> dict[str, list[int]]:
    """Where rules may begin in a sentence, by kind of place: numbers, currency symbols, signs, "between"."""
    lo = bisect_left(anchors, s)
    hi = bisect_left(anchors, e, lo)
    if lo == hi:
        return {}
    numbers = anchors[lo:hi]
    starts: dict[str, list[int]] = {"number": numbers, "symbol": [], "sign": [], "word": []}
    # One scan over the sentence up to its last number; a lead-in counts when a number follows within reach.
    for lead in rules.lead_in_regex.finditer(lower, max(s, numbers[0] - LEAD_IN_REACH), numbers[-1]):
        begin, end = lead.span()
        following = bisect_left(numbers, end)
        if following < len(numbers) and numbers[following] - LEAD_IN_REACH <= begin:
            starts[lead.lastgroup].append(begin)
    return starts


_PLACES = {
    "number": ("number",),
    "signed": ("number", "sign"),
    "symbol": ("symbol",),
    "word": ("word",),
    "any": ("number", "symbol", "sign", "word"),
}


def best_matches(text: str, starts: dict[str, list[int]], e: int, patterns: list[tuple[Pattern, int]],
             budget: Budget) -> list[tuple[Pattern, regex.Match]]:
    """Rule matches at the candidate starts, then the best non-overlapping set (longer, then higher priority).

    `patterns` are the rules whose needles the sentence holds (no other rule can yield a figure there), each
    with where the last of its needles begins: a match holds a needle, so it cannot start after that."""
    found: list[tuple[Pattern, regex.Match]] = []
    taken: list[tuple[int, int]] = []  # inside what money, percent and quantity rules matched no count starts
    # ... nor where a money or percent match starts ("44 billion euros", "5 per cent"); a quantity may be the
    # first part of a longer count ("24 T" of "24 T-90 tanks")
    led: set[int] = set()
    for pattern, reach in sorted(patterns, key=_counts_last):
        timeout = budget.match_timeout()
        match = pattern.compiled.match
        counting = pattern.kind == "count"
        try:
            for place in _PLACES[pattern.starts_at]:
                for start in starts[place]:
                    if start > reach or (counting and (start in led or any(a < start < b for a, b in taken))):
                        continue  # the 44 of "$44 billion" counts nothing
                    m = match(text, start, e, None, False, timeout)  # positional: 0.4 µs a call against 0.7 with keywords
                    if m is not None and m.end() > m.start():
                        found.append((pattern, m))
                        if not counting:
                            taken.append(m.span())
                            if pattern.kind in ("money", "percent"):
                                led.add(m.start())
        except (TimeoutError, Expired) as exc:
            raise budget.exceeded(f"rule '{pattern.id}'") from exc
    if len(found) > 1:
        found.sort(key=lambda pm: (-(pm[1].end() - pm[1].start()), -pm[0].priority, pm[1].start()))
    chosen: list[tuple[Pattern, regex.Match]] = []
    for pattern, m in found:
        if all(m.end() <= c.start() or m.start() >= c.end() for _, c in chosen):
            chosen.append((pattern, m))
    chosen.sort(key=lambda pm: pm[1].start())
    return chosen


def _counts_last(candidate: tuple[Pattern, int]) -> bool:
    return candidate[0].kind == "count"


def find_matches(text: str, pattern: Pattern, rules: Rules | None = None) -> list[str]:
    """Surfaces one rule finds in a text, tried where the engine tries it (for the rules' examples)."""
    rules = rules or default_rules()
    lower = lowered(text)
    starts = match_starts(lower, number_anchors(text, lower, 0, rules), 0, len(text), rules)
    places = [p for place in _PLACES[pattern.starts_at] for p in starts.get(place, [])]
    found = [pattern.compiled.match(text, start) for start in places]
    return [m.group(0) for m in found if m is not None and m.end() > m.start()]



