"""The extractor: a Document in, its Facts out. A pure function of the text, the metadata and the rules.

>>> [(f.kind, f.value, f.unit, f.qualifier) for f in extract_text("Trade reached nearly $44 billion.")]
[('money', 44000000000.0, 'USD', 'approx')]
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Set
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import regex

from extractors.budget import Budget, Expired
from extractors.fx import usd_rate, warm_up
from extractors.lowered import lowered
from extractors.model import Document, Fact
from extractors.numbers import parse_number, scale_of
from extractors.periods import Period, find_periods
from extractors.rules import Pattern, Rules, default_rules, needle_tokens
from extractors.scanning import with_first_chars
from extractors.sentences import split_sentences

# Full-width forms and look-alike signs are matched as their ASCII twins. The mapping keeps
# every character in place (one to one), so offsets found in the matching copy hold in the original.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x2212: ord("-"), 0x2010: ord("-"), 0x2011: ord("-"), 0xFE69: ord("$"), 0xFF04: ord("$")})

_NEEDS_WIDTH_MAP = regex.compile("[\uff01-\uff5e\u2212\u2010\u2011\ufe69]")

PLAUSIBLE_USD = 1e14        # more than world GDP: a misreading
PLAUSIBLE_COUNT = 1e8
PLAUSIBLE_PERCENT = 1000.0
DEFENCE_METRICS = frozenset({"order", "delivery", "production", "deal_value", "arms_import_share"})
# Scanned in lowered text (extractors.lowered) with the standard library engine, but for _PAIRED.
_CLAUSE_BREAK = re.compile(with_first_chars(
    r";|\bwhile\b|\bwhereas\b|\bbut\b|\bcompared\s+(?:with|to)\b|\bagainst\b|\bfrom\b"))
_PAIRED = re.compile(r"\s*[(\[,]\s*(?:or\s+|about\s+|around\s+|roughly\s+|approximately\s+|nearly\s+)?\Z")
_YEARLIKE = re.compile(r"(?:19|20)[0-9]{2}")
_VIEWPOINT_AFTER = re.compile(r"\A(?:'s|’s)?\s+(?:\w+\s+){0,2}?(?:export|import|shipment|sales?\b|purchase)")
_VIEWPOINT_BEFORE = re.compile(r"(?:exports|shipments|sales)\s+(?:from|by)\s+(?:the\s+)?\Z")


@dataclass
class _Sentence:
    """What a sentence's facts share, computed at most once."""

    start: int
    end: int
    countries: list[tuple[int, int, str]]
    lower: str  # the document's text, lowered (see extractors.lowered)
    periods: list[Period] | None = None
    keywords: list[tuple[int, int, str, int]] | None = None
    breaks: list[tuple[int, int]] | None = None  # clause breaks ("; while", "but"), as spans


def extract_text(text: str, published: str | None = None, title: str | None = None,
                 rules: Rules | None = None) -> list[Fact]:
    """Facts in a piece of text (as pasted); `published` (YYYY-MM-DD) anchors relative periods."""
    from extractors.reading import dateline_date

    doc = Document(text=text, title=title, published=published or dateline_date(text[:800]))
    return extract(doc, rules=rules)


def extract(doc: Document, rules: Rules | None = None, budget_s: float = 5.0) -> list[Fact]:
    """Every figure in the document's body, in text order. Sets `doc.pair`.

    Raises BudgetExceeded when the document takes longer than `budget_s` seconds (a hostile pattern
    or input), so that a batch can report it and carry on.
    """
    rules = rules or default_rules()
    warm_up()  # one-off loading of the bundled FX series must not count against a document's budget
    with Budget(budget_s, doc.path) as budget:
        try:
            return _extract(doc, rules, budget)
        except Expired:
            raise budget.exceeded() from None


def _extract(doc: Document, rules: Rules, budget: Budget) -> list[Fact]:
    text = doc.text.translate(_WIDTH) if _NEEDS_WIDTH_MAP.search(doc.text) else doc.text
    lower = lowered(text)
    published = _date(doc.published)
    mentions = _country_mentions(text, doc.body_start, rules)
    anchors = _number_anchors(text, lower, doc.body_start, rules)
    doc.pair = _document_pair(doc, mentions, rules)
    facts: list[Fact] = []
    figure = 0
    mention_index = 0
    for s, e in split_sentences(text, doc.body_start):
        budget.check()
        starts = _match_starts(lower, anchors, s, e, rules)
        if not starts:
            continue
        tokens = needle_tokens(lower, s, e)
        patterns = [(p, _last_needle(lower, found, s, e))
                    for p in rules.patterns if (found := p.needles.intersection(tokens))]
        if not patterns:
            continue
        while mention_index < len(mentions) and mentions[mention_index][0] < s:
            mention_index += 1
        j = mention_index
        in_sentence = []
        while j < len(mentions) and mentions[j][1] <= e:
            in_sentence.append(mentions[j])
            j += 1
        sentence = _Sentence(s, e, in_sentence, lower)
        chosen = _matches(text, starts, e, patterns, budget)
        previous: Fact | None = None
        for pattern, match in chosen:
            fact = _build(doc, text, sentence, pattern, match, rules, published)
            if fact is None:
                continue
            if previous is not None and fact.kind == previous.kind == "money" and \
                    fact.unit != previous.unit and _PAIRED.match(text[previous.end:fact.start]):
                fact.figure = previous.figure
            else:
                figure += 1
                fact.figure = figure
            facts.append(fact)
            previous = fact
    return facts


def _last_needle(lower: str, needles: Set[str], s: int, e: int) -> int:
    """Where the last of a rule's needles in the sentence begins: a match holds one, so starts no later."""
    return max(lower.rfind(needle, s, e) for needle in needles)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _country_mentions(text: str, start: int, rules: Rules) -> list[tuple[int, int, str]]:
    """Country names, capitals, demonyms and metonyms, as (start, end, canonical name)."""
    found = []
    for m in rules.country_regex.finditer(text, start):
        a = m.start()
        if a > 0 and (text[a - 1].isalnum() or text[a - 1] == "_"):
            continue
        found.append((a, m.end(), rules.alias_to_country[_strip_possessive(m.group(0))]))
    return found


def _strip_possessive(alias: str) -> str:
    return alias[:-2] if alias.endswith(("'s", "’s")) else alias


def _document_pair(doc: Document, mentions: list[tuple[int, int, str]], rules: Rules) -> list[str]:
    """The two countries a story is about: most named in title and body (title counts triple)."""
    counts: Counter[str] = Counter(c for _, _, c in mentions)
    if doc.title:
        for _, _, country in _country_mentions(doc.title, 0, rules):
            counts[country] += 3
    top = [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:2]]
    return _home_first(top, rules)


def _home_first(countries: list[str], rules: Rules) -> list[str]:
    rank = {c: i for i, c in enumerate(rules.home)}
    return sorted(countries, key=lambda c: rank.get(c, len(rank)))


LEAD_IN_REACH = 24  # how far before a number a match may start ("between US$ ")
_DIGITS = re.compile(r"[0-9]+")


def _number_anchors(text: str, lower: str, start: int, rules: Rules) -> list[int]:
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


def _match_starts(lower: str, anchors: list[int], s: int, e: int, rules: Rules) -> dict[str, list[int]]:
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


def _matches(text: str, starts: dict[str, list[int]], e: int, patterns: list[tuple[Pattern, int]],
             budget: Budget) -> list[tuple[Pattern, regex.Match]]:
    """Rule matches at the candidate starts, then the best non-overlapping set (longer, then higher priority).

    `patterns` are the rules whose needles the sentence holds (no other rule can yield a figure there), each
    with where the last of its needles begins: a match holds a needle, so it cannot start after that."""
    found: list[tuple[Pattern, regex.Match]] = []
    for pattern, reach in patterns:
        timeout = budget.match_timeout()
        match = pattern.compiled.match
        try:
            for place in _PLACES[pattern.starts_at]:
                for start in starts[place]:
                    if start > reach:
                        continue
                    m = match(text, start, e, None, False, timeout)  # positional: kwargs cost per call
                    if m is not None and m.end() > m.start():
                        found.append((pattern, m))
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


def find_matches(text: str, pattern: Pattern, rules: Rules | None = None) -> list[str]:
    """Surfaces one rule finds in a text, tried where the engine tries it (for the rules' examples)."""
    rules = rules or default_rules()
    lower = lowered(text)
    starts = _match_starts(lower, _number_anchors(text, lower, 0, rules), 0, len(text), rules)
    places = [p for place in _PLACES[pattern.starts_at] for p in starts.get(place, [])]
    found = [pattern.compiled.match(text, start) for start in places]
    return [m.group(0) for m in found if m is not None and m.end() > m.start()]


# --------------------------------------------------------------------------- building one fact

def _build(doc: Document, text: str, sentence: _Sentence, pattern: Pattern, m: regex.Match,
           rules: Rules, published: date | None) -> Fact | None:
    kind = pattern.kind
    groups = m.groupdict()
    start, end = m.start(), m.end()
    low = high = None
    if kind == "percent" and groups.get("frac"):
        value: Decimal | None = Decimal(repr(rules.fractions[" ".join(groups["frac"].lower().split())]))
        end = m.start("frac") + len(groups["frac"])
    else:
        number = parse_number(groups.get("num") or "", rules)
        if number is None:
            return None
        scale = groups.get("scale")
        scale2 = groups.get("scale2")
        value = number * scale_of(scale or scale2, rules)
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
    unit = "unit"
    item = None
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
        unit_string, factor = rules.units[" ".join(groups["unit"].lower().split())]
        unit = unit_string
        value, low, high = (None if v is None else v * Decimal(repr(factor)) for v in (value, low, high))
    elif kind == "count":
        raw = groups.get("num") or ""
        if _YEARLIKE.fullmatch(raw) or (value is not None and (value <= 0 or value != value.to_integral_value())):
            return None
        if groups.get("desig"):
            item = rules.designations[" ".join(groups["desig"].lower().split())]
        else:
            item = rules.nouns[" ".join(groups["item"].lower().split())]
    qualifier = "range" if low is not None else "exact"
    if low is None:
        hedge = rules.hedge_regex.search(sentence.lower, max(sentence.start, start - 40), start)
        if hedge:
            qualifier = rules.hedges[" ".join(hedge.group("hedge").lower().split())]
            start = hedge.start()
    fact = Fact(
        sentence=doc.text[sentence.start:sentence.end], start=start, end=end, surface=doc.text[start:end],
        kind=kind, unit=unit, rule=pattern.id, value=_finite(value), value_low=_finite(low),
        value_high=_finite(high), qualifier=qualifier, item=item, path=doc.path, doc_id=doc.doc_id,
        published=doc.published, title=doc.title, source=doc.source, url=doc.url,
    )
    if kind == "count":
        fact.status = _status(text, sentence, m, rules)
    period = _nearest_period(text, sentence, fact, published)
    fact.metric = _metric(text, sentence, fact, rules, period)
    if period is not None:
        fact.period_start = period.start.isoformat()
        fact.period_end = period.end.isoformat()
        fact.period_label = period.label
    fact.parties = _parties(text, sentence, doc.pair, rules)
    if fact.metric in ("exports", "imports"):
        fact.metric, fact.parties = _home_viewpoint(fact.metric, fact.parties, rules)
    if kind == "count" or fact.metric in DEFENCE_METRICS:
        fact.supplier, fact.recipient = _direction(text, sentence, fact, rules)
    if kind == "money":
        _to_usd(fact, published)
    fact.plausible = _plausible(fact, (value, low, high))
    return fact


def _finite(value: Decimal | None) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _currency(groups: dict, rules: Rules) -> str | None:
    if groups.get("cur"):
        symbol = groups["cur"]
        return rules.currency_symbols.get(symbol.lower()) or rules.currency_symbols.get(" ".join(symbol.split()).lower())
    word = " ".join((groups.get("curword") or "").split())
    return rules.currency_words.get(word.lower()) or (word if word in rules.currency_symbols.values() else None)


def _distance(a_start: int, a_end: int, b_start: int, b_end: int) -> int:
    if a_end <= b_start:
        return b_start - a_end
    if b_end <= a_start:
        return a_start - b_end
    return 0


def _weighted(sentence: _Sentence, fact: Fact, ks: int, ke: int) -> float:
    """Distance from a figure to a word, doubled across a clause break ("; while", "but", "from")."""
    d = _distance(fact.start, fact.end, ks, ke)
    lo, hi = (ke, fact.start) if ke <= fact.start else (fact.end, ks)
    if sentence.breaks is None:  # found once per sentence, not once per pair of figure and word
        sentence.breaks = [m.span() for m in _CLAUSE_BREAK.finditer(sentence.lower, sentence.start, sentence.end)]
    if hi > lo and any(lo <= bs and be <= hi for bs, be in sentence.breaks):
        d = d * 2 + 40
    return d


def _nearest_period(text: str, sentence: _Sentence, fact: Fact, published: date | None) -> Period | None:
    if sentence.periods is None:
        sentence.periods = find_periods(text, published, sentence.start, sentence.end, sentence.lower)
    candidates = [p for p in sentence.periods
                  if p.end_offset <= fact.start or p.start_offset >= fact.end]
    if not candidates:
        return None
    return min(candidates, key=lambda p: _weighted(sentence, fact, p.start_offset, p.end_offset))


def _metric(text: str, sentence: _Sentence, fact: Fact, rules: Rules, period: Period | None) -> str:
    if sentence.keywords is None:
        sentence.keywords = [(k.start(), k.end(), k.lastgroup, rules.metric_rank[k.lastgroup])
                             for k in rules.metric_keywords.finditer(sentence.lower, sentence.start, sentence.end)]
    if period is not None and period.is_target and period.start_offset >= fact.end:
        return "target"
    if fact.kind == "count" and fact.status:
        return rules.statuses[fact.status]["metric"]
    lower = sentence.lower
    if fact.kind == "percent" and rules.change_regex.search(lower, max(sentence.start, fact.start - 30), fact.start):
        return "other"
    best: tuple[float, int, str] | None = None
    for ks, ke, name, rank in sentence.keywords:
        if fact.kind not in rules.metrics[name]["kinds"]:
            continue
        if ks >= fact.start and ke <= fact.end and fact.kind != "count":
            continue
        key = (_weighted(sentence, fact, ks, ke), rank, name)
        if best is None or key < best:
            best = key
    return best[2] if best else "other"


def _status(text: str, sentence: _Sentence, m: regex.Match, rules: Rules) -> str | None:
    """The nearest status cue: inside the count ("two remaining units") first, then around it."""
    lower = sentence.lower
    for name, pattern in rules.status_before:
        if name == "remaining" and pattern.search(lower, m.start(), m.end()):
            return name
    best: tuple[int, str] | None = None
    window_start = max(sentence.start, m.start() - 80)
    window_end = min(sentence.end, m.end() + 80)
    for name, pattern in rules.status_before:
        for cue in pattern.finditer(lower, window_start, m.start()):
            d = m.start() - cue.end()
            if best is None or d < best[0]:
                best = (d, name)
    for name, pattern in rules.status_after:
        for cue in pattern.finditer(lower, m.end(), window_end):
            d = cue.start() - m.end()
            if best is None or d < best[0]:
                best = (d, name)
    return best[1] if best else None


def _parties(text: str, sentence: _Sentence, pair: list[str], rules: Rules) -> list[str]:
    """Canonical countries a figure is about, the viewpoint country first."""
    named: list[str] = []
    for _, _, country in sentence.countries:
        if country not in named:
            named.append(country)
    if len(named) >= 2:
        parties = pair if all(p in named for p in pair) and len(pair) == 2 else _home_first(named[:2], rules)
    elif len(named) == 1:
        only = named[0]
        if only in pair:
            parties = pair
        else:
            home = [h for h in rules.home if h != only and (h in pair or not pair)]
            parties = _home_first([only] + home[:1], rules)
    else:
        parties = list(pair)
    return _viewpoint_first(text, sentence, parties)


def _home_viewpoint(metric: str, parties: list[str], rules: Rules) -> tuple[str, list[str]]:
    """Russia's exports to India are India's imports from Russia: state flows from the home country's side."""
    ordered = _home_first(parties, rules)
    if len(parties) == 2 and ordered != parties:
        return ("imports" if metric == "exports" else "exports"), ordered
    return metric, parties


def _viewpoint_first(text: str, sentence: _Sentence, parties: list[str]) -> list[str]:
    for s, e, country in sentence.countries:
        if country in parties and (_VIEWPOINT_AFTER.match(sentence.lower[e:e + 40]) or
                                   _VIEWPOINT_BEFORE.search(sentence.lower[max(sentence.start, s - 30):s])):
            return [country] + [p for p in parties if p != country]
    return list(parties)


def _direction(text: str, sentence: _Sentence, fact: Fact, rules: Rules) -> tuple[str | None, str | None]:
    """Who supplies whom: cues around country names, else the item's usual origin."""
    cues = rules.direction
    supplier = recipient = None
    by_distance = sorted(sentence.countries, key=lambda c: _distance(fact.start, fact.end, c[0], c[1]))
    for s, e, country in by_distance:
        after = sentence.lower[e:min(sentence.end, e + 60)]
        before = sentence.lower[max(sentence.start, s - 25):s]
        if supplier is None and (cues["supplier_after"].match(after) or cues["supplier_before"].search(before)):
            supplier = country
        elif recipient is None and (cues["recipient_after"].match(after) or cues["recipient_before"].search(before)):
            recipient = country
    if supplier == recipient:
        recipient = None
    if supplier is None and fact.item:
        origin = rules.designation_origin.get(fact.item)
        if origin and origin != recipient:
            supplier = origin
    others = [p for p in fact.parties if p not in (supplier, recipient)]
    if supplier is None and recipient is not None and others:
        supplier = others[0]
    elif recipient is None and supplier is not None and others:
        recipient = others[0]
    return supplier, recipient


def _to_usd(fact: Fact, published: date | None) -> None:
    """value_usd at the rate for the middle of the figure's period (never after publication)."""
    day: date | None = None
    if fact.period_start and fact.period_end and fact.metric != "target":
        start, end = date.fromisoformat(fact.period_start), date.fromisoformat(fact.period_end)
        day = start + (end - start) / 2
        if published and day > published:
            day = published
    day = day or published or date.today()
    rate = usd_rate(fact.unit, day)
    if rate is None:
        return
    fact.fx_rate, fact.fx_date = rate
    amount = fact.value if fact.value is not None else (
        (fact.value_low + fact.value_high) / 2 if fact.value_low is not None and fact.value_high is not None else None)
    if amount is not None:
        usd = amount * fact.fx_rate
        fact.value_usd = usd if math.isfinite(usd) else None


def _plausible(fact: Fact, raw: tuple[Decimal | None, Decimal | None, Decimal | None]) -> bool:
    numbers = [v for v in raw if v is not None]
    if any(not math.isfinite(float(v)) for v in numbers):
        return False
    biggest = max((abs(float(v)) for v in numbers), default=0.0)
    if fact.kind == "money":
        if fact.value_usd is not None:
            return abs(fact.value_usd) < PLAUSIBLE_USD
        return biggest < PLAUSIBLE_USD * 1000  # no rate: allow for weak currencies
    if fact.kind == "count":
        return biggest < PLAUSIBLE_COUNT
    if fact.kind == "percent":
        return biggest <= PLAUSIBLE_PERCENT
    return biggest < 1e15
