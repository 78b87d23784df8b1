"""The extractor: a Document in, its Facts out. A pure function of the text, the metadata and the rules.

Two passes: the sentence pass finds each figure and its value (extractors.matching, extractors.figures); the
document pass decides what each means, with the whole story in view (extractors.context).

>>> [(f.kind, f.value, f.unit, f.qualifier) for f in extract_text("Trade reached nearly $44 billion.")]
[('money', 44000000000.0, 'USD', 'approx')]
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from datetime import date

import regex

from extractors.budget import Budget, Expired
from extractors.context import SentenceView, Story
from extractors.document_pass import resolve
from extractors.figures import Figure, build_figure
from extractors.fx import usd_rate, warm_up
from extractors.lowered import lowered
from extractors.matching import best_matches, candidate_rules, match_starts, number_anchors
from extractors.model import Document, Fact
from extractors.parties import document_pair, story_subject
from extractors.periods import find_periods, needs_present
from extractors.rules import Rules, default_rules
from extractors.scanning import with_first_chars
from extractors.sentences import split_sentences
from extractors.systems import designation_spans, is_designation, scan_systems

# Full-width forms and look-alike signs are matched as their ASCII twins. The mapping keeps
# every character in place (one to one), so offsets found in the matching copy hold in the original.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH.update({0x2212: ord("-"), 0x2010: ord("-"), 0x2011: ord("-"), 0xFE69: ord("$"), 0xFF04: ord("$")})

_NEEDS_WIDTH_MAP = regex.compile("[\uff01-\uff5e\u2212\u2010\u2011\ufe69]")

PLAUSIBLE_USD = 1e14        # more than world GDP: a misreading
# What a sentence without figures must hold for its periods to be read (one scan, lowered text): only a year, a
# month, a fiscal year, a half, a quarter or a dated event can become the period the story is talking about.
_STORY_PERIOD = re.compile(with_first_chars(
    r"(?:19|20)[0-9][0-9]|\b(?:fy|fiscal|financial|half|h[12]|quarter|q[1-4]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct"
    r"|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|week)"))
_PAIRED = re.compile(r"\s*[(\[,]\s*(?:or\s+|about\s+|around\s+|roughly\s+|approximately\s+|nearly\s+)?\Z")


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
    mentions = _country_mentions(text, doc.body_start, rules)
    title_mentions = _country_mentions(doc.title, 0, rules) if doc.title else []
    doc.pair = document_pair(mentions, title_mentions, rules)
    anchors = number_anchors(text, lower, doc.body_start, rules)
    designations = designation_spans(text, doc.body_start, rules)
    sentences = [SentenceView(i, s, e) for i, (s, e) in enumerate(_with_headline(text, doc.body_start))]
    found = 0
    for sentence in sentences:
        budget.check()
        found += len(_sentence_figures(text, lower, sentence, anchors, designations, rules, budget))
    if not found:
        return []
    story = _story(doc, text, lower, sentences, mentions, designations, rules)
    figures = [f for sentence in sentences for f in sentence.figures]
    return _finish(doc, resolve(story, figures), story.published, sentences)


def _with_headline(text: str, start: int) -> list[tuple[int, int]]:
    """Sentences, with the first line always a sentence of its own: a headline ends at its line's end, even when
    the dateline under it starts with a digit ("26 April 2024")."""
    spans = split_sentences(text, start)
    if spans:
        s, e = spans[0]
        cut = text.find("\n", s, e)
        if cut > s:
            rest = len(text[cut:e]) - len(text[cut:e].lstrip())
            spans[0:1] = [(s, len(text[s:cut].rstrip()) + s), (cut + rest, e)]
    return spans


def _sentence_figures(text: str, lower: str, sentence: SentenceView, anchors: list[int],
                      designations: list[tuple[int, int, str]], rules: Rules, budget: Budget) -> list[Figure]:
    """The figures the rules find in one sentence: values only; their meaning comes from the document pass."""
    s, e = sentence.start, sentence.end
    starts = match_starts(lower, anchors, s, e, rules)
    if not starts:
        return []
    first = bisect_left(designations, (s,))
    named = designations[first:bisect_left(designations, (e,), first)]
    patterns = candidate_rules(text, lower, s, e, rules, named[-1][0] if named else -1)
    if not patterns:
        return []
    for pattern, match in best_matches(text, starts, e, patterns, budget):
        if pattern.kind == "count" and named and _inside_designation(match, named, rules):
            continue  # "Type 99 main battle tank": the 99 names the tank
        figure = build_figure(text, lower, (s, e), pattern, match, rules)
        if figure is not None:
            figure.sentence = sentence.index
            sentence.figures.append(figure)
    return sentence.figures


def _inside_designation(match: regex.Match, named: list[tuple[int, int, str]], rules: Rules) -> bool:
    """Whether the count's number is part of a designation written around it ("Arrow 3", "Type 99")."""
    at = match.start("num") if match.groupdict().get("num") else match.start()
    return any(s < at < e and is_designation(surface, rules) for s, e, surface in named)


def _story(doc: Document, text: str, lower: str, sentences: list[SentenceView],
           mentions: list[tuple[int, int, str]], designations: list[tuple[int, int, str]], rules: Rules) -> Story:
    """What the document pass needs: every sentence's periods, countries and systems, and the story's pair."""
    published = _date(doc.published)
    subject = story_subject(doc.pair, mentions, lower, rules)
    fiscal_start = next((rules.fiscal_start[c] for c in [subject, *doc.pair] if c in rules.fiscal_start), 4)
    starts = [v.start for v in sentences]

    def sentence_at(offset: int) -> SentenceView | None:
        index = bisect_right(starts, offset) - 1
        return sentences[index] if index >= 0 and offset < sentences[index].end else None

    systems = scan_systems(text, designations, rules)
    for system in systems:
        if (view := sentence_at(system[0])) is not None:
            view.systems.append(system)
    in_document = needs_present(lower)
    last = max(f.sentence for view in sentences for f in view.figures)
    for view in sentences[:last + 1]:  # sentence by sentence: most name no period and skip every pattern
        if not view.figures and view.index and not _STORY_PERIOD.search(lower, view.start, view.end):
            continue  # a sentence without figures matters only for the story's period: a year, a month, a fiscal
        present = needs_present(lower[view.start:view.end], in_document)
        if not present:
            continue
        for period in find_periods(text, published, view.start, view.end, lower, fiscal_start, present):
            if not any(s < period.end_offset and period.start_offset < e for s, e, *_ in view.systems):
                view.periods.append(period)  # "PzH 2000" names a howitzer, not a year
    for mention in mentions:
        if (view := sentence_at(mention[0])) is not None:
            view.countries.append(mention)
    for view in sentences[1:4]:  # a dateline or byline under the headline: its date is not a period of the story
        if not view.figures and view.end - view.start <= 100 and text[view.start - 1] == "\n":
            view.heading = True
    return Story(doc=doc, text=text, lower=lower, rules=rules, published=published, sentences=sentences,
                 pair=list(doc.pair), subject=subject, fiscal_start=fiscal_start)


def _finish(doc: Document, figures: list[Figure], published: date | None,
            sentences: list[SentenceView]) -> list[Fact]:
    """Provenance (as written: the matching copy may have full-width characters folded), paired currencies (one
    figure), USD and plausibility, in text order."""
    facts: list[Fact] = []
    number = 0
    previous: Fact | None = None
    for figure in sorted(figures, key=lambda f: f.fact.start):
        fact = figure.fact
        fact.path, fact.doc_id, fact.published = doc.path, doc.doc_id, doc.published
        fact.title, fact.source, fact.url = doc.title, doc.source, doc.url
        fact.surface = doc.text[fact.start:fact.end]
        where = sentences[figure.sentence]
        fact.sentence = doc.text[where.start:where.end]
        if previous is not None and fact.kind == previous.kind == "money" and fact.unit != previous.unit and \
                fact.sentence == previous.sentence and _PAIRED.match(doc.text[previous.end:fact.start]):
            fact.figure = previous.figure  # "Rs 500 crore ($60 million)": one figure in two currencies
            if fact.qualifier == "exact":
                fact.qualifier = previous.qualifier
        else:
            number += 1
            fact.figure = number
        if fact.kind == "money":
            _to_usd(fact, published)
            fact.plausible = fact.plausible and _plausible_money(fact)
        facts.append(fact)
        previous = fact
    return facts


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
        if text[m.end():m.end() + 1] == "$":
            continue  # "US$175 billion": a currency, not a country
        found.append((a, m.end(), rules.alias_to_country[_strip_possessive(m.group(0))]))
    return found


def _strip_possessive(alias: str) -> str:
    return alias[:-2] if alias.endswith(("'s", "’s")) else alias


# --------------------------------------------------------------------------- money in US dollars

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




def _plausible_money(fact: Fact) -> bool:
    """More than world GDP is a misreading; without a rate, allow for weak currencies."""
    if fact.value_usd is not None:
        return abs(fact.value_usd) < PLAUSIBLE_USD
    biggest = max((abs(v) for v in (fact.value, fact.value_low, fact.value_high) if v is not None), default=0.0)
    return biggest < PLAUSIBLE_USD * 1000
