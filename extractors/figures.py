"""One rule match in, one figure out: its value with the scale applied, unit, qualifier and, for a count, the
thing counted. What the figure means (period, metric, parties, status) is decided later, from the whole
document (extractors.context).

>>> from extractors.rules import default_rules
>>> import regex
>>> rules = default_rules()
>>> rule = next(p for p in rules.patterns if p.id == "money.symbol_first")
>>> text = "a deal worth Rs 35,000 crore"
>>> figure = build_figure(text, text.lower(), (0, len(text)), rule, rule.compiled.search(text), rules)
>>> (figure.fact.value, figure.fact.unit)
(350000000000.0, 'INR')
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

import regex

from extractors.model import Fact
from extractors.numbers import parse_number, scale_of
from extractors.rules import Pattern, Rules

_YEARLIKE = re.compile(r"(?:19|20)[0-9]{2}")
_PLURAL_AFTER_CAPITAL = re.compile(r"(?<=[A-Z0-9])s$")
_POSSESSIVE = re.compile(r"(?:'s|’s)$")
_HEDGE_GAP = re.compile(r"(?:us|u\.s\.)\s+\Z")  # "nearly US 2.1 billion dollars": the hedge reaches past "US"


@dataclass(slots=True)
class Figure:
    """A fact being built, with what the document pass needs to know about how it was written."""

    fact: Fact
    sentence: int = -1           # index of its sentence in the document
    designation: str | None = None  # canonical system named in the count itself
    noun: str | None = None      # canonical noun counted ("frigate")
    kinds: list[str] = field(default_factory=list)  # words kept with a generic noun ("precision guided")
    elided: bool = False         # a count whose noun was named before ("32 have been delivered")
    unit_noun: str | None = None  # "units", "squadrons" in "two units of the S-400"
    written: str | None = None   # the counted noun as written, singular ("vessel" where the noun is "warship")


def build_figure(text: str, lower: str, sentence: tuple[int, int], pattern: Pattern, m: regex.Match,
                 rules: Rules) -> Figure | None:
    """The figure a match states, or None when the match is not a figure after all (a year, a designation)."""
    kind = pattern.kind
    groups = m.groupdict()
    start, end = m.start(), m.end()
    values = _values(groups, m, rules, kind)
    if values is None:
        return None
    value, low, high, end = values[0], values[1], values[2], values[3] or end
    unit = "unit"
    figure = Figure(fact=None)  # type: ignore[arg-type]
    if kind == "money":
        unit = _currency(groups, rules)
        if unit is None:
            return None
        subunit = rules.subunits.get(" ".join((groups.get("curword") or "").lower().split()))
        if subunit:
            value, low, high = (None if v is None else v * Decimal(repr(subunit)) for v in (value, low, high))
    elif kind == "percent":
        unit = "percent"
    elif kind == "physical":
        unit, factor = rules.units[" ".join(groups["unit"].lower().split())]
        value, low, high = (None if v is None else v * Decimal(repr(factor)) for v in (value, low, high))
    elif kind == "count":
        raw = groups.get("num") or ""
        if _YEARLIKE.fullmatch(raw) or any(v is not None and (v <= 0 or v != v.to_integral_value())
                                           for v in (value, low, high)):
            return None
        if not _counted(figure, text, m, groups, rules, pattern):
            return None
    qualifier = "range" if low is not None else "exact"
    if low is None:
        window = lower[max(sentence[0], start - 48):start]
        gap = _HEDGE_GAP.search(window)
        hedge = rules.hedge_regex.search(window[:gap.start()] if gap else window)
        if hedge and _blocked(hedge, window, rules):
            hedge = None  # "handed over 17", "edged up to $10 billion": a verb, not a hedge
        if hedge:
            qualifier = rules.hedges[" ".join(hedge.group("hedge").lower().split())]
            start = max(sentence[0], start - 48) + hedge.start()
    figure.fact = Fact(
        sentence=text[sentence[0]:sentence[1]], start=start, end=end, surface=text[start:end], kind=kind,
        unit=unit, rule=pattern.id, value=_finite(value), value_low=_finite(low), value_high=_finite(high),
        qualifier=qualifier, item=figure.designation, item_noun=figure.noun,
    )
    figure.fact.plausible = plausible_raw(kind, (value, low, high))
    return figure


def _blocked(hedge: regex.Match, window: str, rules: Rules) -> bool:
    phrase = " ".join(hedge.group("hedge").lower().split())
    blockers = rules.hedge_blockers.get(phrase)
    if not blockers:
        return False
    before = window[:hedge.start()].split()
    return bool(before) and before[-1] in blockers


def _values(groups: dict, m: regex.Match, rules: Rules, kind: str
            ) -> tuple[Decimal | None, Decimal | None, Decimal | None, int | None] | None:
    """(value, low, high, end override) of the match; None when its number does not parse."""
    if kind == "percent" and groups.get("frac"):
        value = Decimal(repr(rules.fractions[" ".join(groups["frac"].lower().split())]))
        return value, None, None, m.start("frac") + len(groups["frac"])
    number = parse_number(groups.get("num") or "", rules)
    if number is None:
        return None
    scale, scale2 = groups.get("scale"), groups.get("scale2")
    value: Decimal | None = number * scale_of(scale or scale2, rules)
    low = high = None
    if groups.get("num2"):
        high_number = parse_number(groups["num2"], rules)
        if high_number is None:
            return None
        low, high = value, high_number * scale_of(scale2 or scale, rules)
        if high < low:
            return None
        value = None
    if groups.get("sign") and value is not None:
        value = -value
    return value, low, high, None


def _counted(figure: Figure, text: str, m: regex.Match, groups: dict, rules: Rules, pattern: Pattern) -> bool:
    """Fill in what a count counts: a named system, a noun, the words kept with it. False when the match is
    not a count after all (a country's name where a system's should be)."""
    if groups.get("desig"):
        written = groups["desig"]
        figure.designation = canonical_system(written, rules)
        if figure.designation not in rules.designation_noun and (
                written.split()[0].rstrip(".,") in rules.not_names or written in rules.alias_to_country):
            return False  # "04 December 2025", "26th Session": a date or an ordinal, not a system
    if groups.get("name"):
        name = groups["name"]
        if name in rules.alias_to_country or _POSSESSIVE.sub("", name) in rules.alias_to_country or \
                name in rules.not_names or name.split()[0] in rules.not_names:
            figure.designation = None  # "two Indian frigates": a demonym, not a system
        else:
            figure.designation = name
    if groups.get("item"):
        phrase = text[m.start("num"):m.start("item")] + groups["item"]
        figure.noun, figure.kinds, figure.written = noun_phrase(phrase, rules)
    elif figure.designation:
        figure.noun = rules.designation_noun.get(figure.designation)
    if pattern.needles and not (figure.designation or figure.noun):
        figure.elided = True  # the noun is found from what was named before (extractors.context)
    unit_noun = re.search(r"\b(units?|batch(?:es)?|sets?|systems|squadrons|regiments|batteries)\s+of\b",
                          text[m.start():m.end()], re.IGNORECASE)
    if unit_noun:
        figure.unit_noun = rules.nouns.get(unit_noun.group(1).lower(), unit_noun.group(1).lower().rstrip("s"))
    return True


def canonical_system(surface: str, rules: Rules) -> str:
    """The listed system a designation names ("Su-30 MKIs" -> "Su-30MKI"), else the designation as written
    without a plural "s"."""
    written = " ".join(surface.split())
    for candidate in (written, _POSSESSIVE.sub("", written), _PLURAL_AFTER_CAPITAL.sub("", written),
                      written[:-1] if written.endswith("s") else written):
        if candidate in rules.system_alias:
            return rules.system_alias[candidate]
    words = written.split()
    for n in range(len(words) - 1, 0, -1):  # the longest listed head: "Patriot M903" -> Patriot
        head = " ".join(words[:n])
        if head in rules.system_alias:
            return rules.system_alias[head]
    for word in words:  # "Block IV Tomahawks" -> Tomahawk
        for candidate in (word, word[:-1] if word.endswith("s") else word):
            if candidate in rules.system_alias:
                return rules.system_alias[candidate]
    return _PLURAL_AFTER_CAPITAL.sub("", _POSSESSIVE.sub("", written))


def noun_phrase(phrase: str, rules: Rules) -> tuple[str | None, list[str], str | None]:
    """The canonical noun a phrase ends with (its longest listed ending), the kind words before it, and the noun
    as written, in the singular.

    >>> from extractors.rules import default_rules
    >>> noun_phrase("240 precision guided bombs", default_rules())
    ('bomb', ['precision', 'guided'], 'bomb')
    >>> noun_phrase("183 vessels", default_rules())
    ('warship', [], 'vessel')
    """
    words = phrase.split()
    for i in range(1, len(words)):
        tail = " ".join(words[i:]).lower()
        if tail in rules.nouns:
            written = singular(" ".join(words[i:]))
            kinds = [w.lower() for w in words[1:i] if w.lower() in rules.kinds and w.lower() not in written.lower()]
            return rules.nouns[tail], kinds, written
    return None, [], None


_IRREGULAR = {"aircraft": "aircraft", "personnel": "personnel", "series": "series", "ammunition": "ammunition"}


def singular(noun: str) -> str:
    """One of a plural noun phrase, as written ("fuel retail outlets" -> "fuel retail outlet", "MBTs" -> "MBT")."""
    head, _, last = noun.rpartition(" ")
    low = last.lower()
    if low in _IRREGULAR or not low.endswith("s") or low.endswith("ss"):
        one = last
    elif low.endswith("ies"):
        one = last[:-3] + "y"
    elif low.endswith(("ches", "shes", "xes", "sses")):
        one = last[:-2]
    else:
        one = last[:-1]
    return f"{head} {one}" if head else one


def _currency(groups: dict, rules: Rules) -> str | None:
    if groups.get("cur"):
        symbol = groups["cur"]
        return rules.currency_symbols.get(symbol.lower()) or rules.currency_symbols.get(" ".join(symbol.split()).lower())
    word = " ".join((groups.get("curword") or "").split())
    return rules.currency_words.get(word.lower()) or (word if word in rules.currency_symbols.values() else None)


def _finite(value: Decimal | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


PLAUSIBLE_COUNT = 1e8
PLAUSIBLE_PERCENT = 1000.0


def plausible_raw(kind: str, raw: tuple[Decimal | None, Decimal | None, Decimal | None]) -> bool:
    """False for a value no story means (a count of a billion jets, a 5000% share); money is judged in USD later."""
    numbers = [v for v in raw if v is not None]
    if any(not math.isfinite(float(v)) for v in numbers):
        return False
    biggest = max((abs(float(v)) for v in numbers), default=0.0)
    if kind == "count":
        return biggest < PLAUSIBLE_COUNT
    if kind == "percent":
        return biggest <= PLAUSIBLE_PERCENT
    return biggest < 1e15 if kind == "physical" else True
