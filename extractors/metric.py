"""What a figure measures: total trade, exports, imports, a deal's value, a share of arms imports...

Keywords are in `rules/metrics.yaml`. The figure's own clause decides first, and in it the noun written right
after the figure ("a $400 million deal", "a $30 billion trade surplus"), then the clause's subject ("Exports to
the US grew ... to $86.5 billion"), then the nearest keyword; a clause that names nothing borrows from the one
it compares with or hangs on, then from its sentence. A percentage that is a rate of change is `other` and
carries its sign ("fell 21 per cent" -> -21).

>>> from extractors import extract_text
>>> text = "Exports to the US grew 11.6 per cent to $86.51 billion and imports from the US rose 7.44 per cent."
>>> [(f.surface, f.metric, f.value) for f in extract_text(text, "2024-05-01")]
[('11.6 per cent', 'other', 11.6), ('$86.51 billion', 'exports', 86510000000.0), ('7.44 per cent', 'other', 7.44)]
"""

from __future__ import annotations

import re

from extractors.context import Place, Story
from extractors.figures import Figure
from extractors.rules import Rules

# The noun a figure measures, written right after it ("a $400 million deal", "a €100 billion special defence fund"):
# at most two words between, none of them a preposition ("$12.9 billion in Essar Oil" is not about oil).
RIGHT_AFTER = re.compile(r"\A[\s,]*(?:(?!(?:in|of|for|to|from|with|on|at|by|worth|into|than|as)\s)[\w’'-]+\s+){0,2}?\Z")
_NOT_A_RISE = re.compile(r"\b(?:make|makes|made|making|take|takes|took|sum|sums|summed|end|ended|set|picks?)\s+\Z")
# Between a figure and the deadline after it: "$18 billion by the end of this year", "$100 billion by 2030".
_DEADLINE_GAP = re.compile(r"[\s,]*(?:(?:in|by|the|end|of|before|until|till|no|later|than|within)\s+){0,5}")
_DIFFERENCE_AFTER = re.compile(r"\s+(?:ahead\s+of|behind|short\s+of|more\s+than\s+(?:the|that|in)|less\s+than\s+"
                               r"(?:the|that|in))\b")
_BALANCE = re.compile(r"(?:trade\s+)?(?:deficit|surplus|gap|imbalance|balance)\b|the\s+gap\b")
_OF_PHRASE = re.compile(r"\s+of\s+(?:the\s+|its\s+|their\s+|all\s+)?")
ENERGY_UNITS = ("barrel", "meter ** 3", "cubic_meter", "bcm")


def for_count(rules: Rules, status: str | None, act: str | None) -> str:
    """A count's metric follows its status (and, for a planned count, whether it is a delivery or an order)."""
    if status == "planned" and act == "delivery":
        return "delivery"
    if status in rules.statuses:
        return rules.statuses[status]["metric"]
    return "other"


def resolve(story: Story, figure: Figure, place: Place) -> str:
    fact = figure.fact
    rules, lower = story.rules, story.lower
    if fact.kind == "percent" and is_change(story, figure, place):
        if _falls(story, figure, place) and fact.value is not None and fact.value > 0:
            fact.value = -fact.value
        return "other"
    if _is_target(story, figure, place):
        return "target"
    if _DIFFERENCE_AFTER.match(lower, fact.end):
        return "other"  # "more than 1mn b/d ahead of Saudi Arabia's": a gap between two figures
    keywords = [k for k in place.sentence.keywords(lower, rules)
                if fact.kind in rules.metrics[k[2]]["kinds"] and not _inside_other_figure(k, place, figure)
                and not (k[0] >= fact.start and k[1] <= fact.end)]
    own = place.own
    if any(k[2] == "other" and own.start <= k[0] and k[1] <= fact.start and _BALANCE.match(lower, k[0])
           for k in keywords):
        return "other"  # "The deficit in goods trade with China narrowed to $34.5 billion": a balance
    metric = _share_of(keywords, fact, lower) if fact.kind == "percent" else None
    metric = metric or _in_clauses(keywords, fact.start, fact.end, place, lower)
    if metric == "imports" and _energy(story, figure, place):
        return "energy_imports"
    if metric == "imports" and fact.kind == "percent" and any(k[2] == "arms_import_share" for k in keywords):
        return "arms_import_share"  # "the second-largest arms importer, with 8.3 percent of global imports"
    if metric:
        return metric
    if keywords:
        return min(keywords, key=lambda k: (_distance(k, fact.start, fact.end), k[3]))[2]
    if fact.kind == "physical" and story.last_physical_metric:
        return story.last_physical_metric  # "last month's 10.8mn tons" in a story about crude
    if fact.kind == "physical" and any(u in fact.unit for u in ENERGY_UNITS):
        return "energy_imports"
    if fact.kind == "money" and _names_a_system(place, fact.end, lower):
        return "deal_value"  # "the Rs 23,500 crore Project 75": the value of a system's deal
    return "other"


def _share_of(keywords: list[tuple[int, int, str, int]], fact: object, lower: str) -> str | None:
    """A share measures what it is a share of: "36 per cent of India's arms imports", "25% of its oil need"."""
    of = _OF_PHRASE.match(lower, fact.end)
    if not of:
        return None
    inside = [k for k in keywords if of.end() <= k[0] < of.end() + 60]
    return inside[0][2] if inside else None


def _energy(story: Story, figure: Figure, place: Place) -> bool:
    """Imports of crude, gas or coal are energy imports."""
    fact = figure.fact
    if fact.kind == "physical" and any(u in fact.unit for u in ENERGY_UNITS):
        return True
    own = place.own
    return any(k[2] == "energy_imports" and own.start <= k[0] < own.end
               for k in place.sentence.keywords(story.lower, story.rules))


def _in_clauses(keywords: list[tuple[int, int, str, int]], start: int, end: int, place: Place,
                lower: str) -> str | None:
    for n, index in enumerate(place.chain):
        clause = place.clauses[index]
        inside = [k for k in keywords if clause.start <= k[0] < clause.end]
        if not inside:
            continue
        if n == 0:
            after = [k for k in inside if k[0] >= end and RIGHT_AFTER.match(lower[end:k[0]])]
            if after:
                return after[0][2]
            before = [k for k in inside if k[1] <= start]
            if before:
                return before[-1][2]  # the nearest before: the clause's subject or the noun the figure measures
            return min(inside, key=lambda k: (_distance(k, start, end), k[3]))[2]
        before = [k for k in inside if k[1] <= clause.end]
        return before[0][2]
    return None


def is_change(story: Story, figure: Figure, place: Place) -> bool:
    """A percentage that says how much something moved ("rose 25%", "30% less than"), not a share."""
    fact, rules, lower = figure.fact, story.rules, story.lower
    own = place.own
    before = rules.change_regex.search(lower, max(own.start, fact.start - 40), fact.start)
    if before:
        word_at = before.start() + len(before.group(0)) - len(before.group(0).lstrip())
        if not (lower.startswith("up", word_at) and _NOT_A_RISE.search(lower, max(0, word_at - 12), word_at)):
            return True  # "made up 40%" is a share
    return bool(rules.change_after_regex.match(lower[fact.end:min(own.end, fact.end + 40)]))


_NEUTRAL = frozenset(("by", "to", "about", "nearly", "almost", "around", "some", "roughly", "over", "more", "than"))


def _falls(story: Story, figure: Figure, place: Place) -> bool:
    """Whether the change goes down: "less" or "lower" right after it, else the nearest rise or fall word before
    it in its clause ("fell in the first half, by 10.3%")."""
    fact, rules, lower = figure.fact, story.rules, story.lower
    if re.match(r"\A[\s,]*(?:less|lower|down|smaller|fewer)\b", lower[fact.end:min(place.own.end, fact.end + 20)]):
        return True
    window = lower[max(place.own.start, fact.start - 80):fact.start]
    for word in reversed(re.findall(r"[a-z][a-z-]*", window)):
        if word in _NEUTRAL:
            continue
        if rules.fall_regex.match(word):
            return True
        if word == "up" or rules.change_regex.match(word + " "):
            return False
    return False


def _is_target(story: Story, figure: Figure, place: Place) -> bool:
    """A goal for a future date: a target word before the figure in its clause, or "by <period>" after it."""
    fact, lower = figure.fact, story.lower
    for period in place.sentence.periods:
        if period.role == "by" and period.start_offset >= fact.end and \
                _DEADLINE_GAP.fullmatch(lower[fact.end:period.start_offset]):
            return True
    target = [k for k in place.sentence.keywords(lower, story.rules)
              if k[2] == "target" and place.own.start <= k[0] and k[1] <= fact.start and fact.start - k[1] < 60]
    return bool(target)


def _inside_other_figure(keyword: tuple[int, int, str, int], place: Place, figure: Figure) -> bool:
    return any(f is not figure and f.fact.start <= keyword[0] < f.fact.end for f in place.sentence.figures)


def _distance(keyword: tuple[int, int, str, int], start: int, end: int) -> int:
    ks, ke = keyword[0], keyword[1]
    return start - ke if ke <= start else ks - end if ks >= end else 0


def _names_a_system(place: Place, end: int, lower: str) -> bool:
    """A system named right after a money figure ("a $400 million Heron deal", "the Rs 23,500 crore Project 75")."""
    return any(m[0] >= end and re.fullmatch(r"[\s-]*(?:[\w-]+\s+){0,2}", lower[end:m[0]]) for m in place.sentence.systems)
