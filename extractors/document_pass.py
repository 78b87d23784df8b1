"""The document pass, in order: every figure of the story gets its item and status (counts), metric, period
and parties, sentence by sentence, with the systems register and the period timeline carried along.

Each attribute has its own module (status, systems, metric, timeline, parties), all reading the story as
`extractors.context` describes it; this module only runs them in order and links counts told twice.

>>> from extractors import extract_text
>>> text = "India signed a deal for five S-400 squadrons. Three squadrons have been delivered."
>>> [(f.surface, f.item, f.status) for f in extract_text(text, "2024-01-01")]
[('five S-400 squadrons', 'S-400', 'ordered'), ('Three squadrons', 'S-400', 'delivered')]
"""

from __future__ import annotations

from extractors import metric, parties, status, systems, timeline
from extractors.context import Story, place_of
from extractors.figures import Figure
from extractors.rules import Rules


def resolve(story: Story, figures: list[Figure]) -> list[Figure]:
    """Give every figure its meaning, in text order; drop counts whose thing cannot be found."""
    register = systems.Register(story)
    line = timeline.Timeline(story)
    kept: list[Figure] = []
    by_sentence: dict[int, list[Figure]] = {}
    for figure in figures:
        by_sentence.setdefault(figure.sentence, []).append(figure)
    for sentence in story.sentences:
        register.enter(sentence)
        here: list[Figure] = []
        for figure in by_sentence.get(sentence.index, ()):
            place = place_of(story, figure)
            fact = figure.fact
            if fact.kind == "count":
                fact.status, act = status.resolve(story, figure, place, kept)
                if fact.status == "capacity":
                    continue  # "the yard can build 11 submarines": not a figure of the relationship
                if not register.resolve_item(figure, place):
                    continue
                fact.metric = metric.for_count(story.rules, fact.status, act)
            else:
                act = None
                fact.metric = metric.resolve(story, figure, place)
                if fact.kind == "physical" and fact.metric != "other":
                    story.last_physical_metric = fact.metric
                if fact.metric == "deal_value":
                    fact.item = register.system_in_reach(place, figure)
            period = line.period_for(figure, place, act)
            if period is not None:
                fact.period_start = period.start.isoformat() if period.start else None
                fact.period_end = period.end.isoformat() if period.end else None
                fact.period_label = period.label
            parties.resolve(story, figure, place)
            register.record(figure)
            kept.append(figure)
            here.append(figure)
        line.after_sentence(sentence, here)
    link_repeated_counts(kept, story.rules)
    return kept


def link_repeated_counts(figures: list[Figure], rules: Rules) -> None:
    """The same number of the same kind of thing, told twice in a story, is one figure: "60 anti-ship missiles"
    in the lead and "the 60 Harpoon Block II missiles" later. A count that names no system takes the system of
    its twin; one without a status or period takes its twin's."""
    counts = [f for f in figures if f.fact.kind == "count" and f.fact.value is not None]
    for figure in counts:
        fact = figure.fact
        twins = [t for t in counts if t is not figure and t.fact.value == fact.value and
                 _same_family(rules, fact.item_noun, t.fact.item_noun or t.fact.item)]
        named = [t for t in twins if t.fact.item in rules.designation_noun or t.designation]
        if named and not (fact.item in rules.designation_noun or figure.designation):
            fact.item = named[0].fact.item
        for twin in twins:
            if twin.fact.item != fact.item:
                continue
            if fact.status is None and twin.fact.status:
                fact.status, fact.metric = twin.fact.status, twin.fact.metric
            if not (fact.period_start or fact.period_end) and (twin.fact.period_start or twin.fact.period_end):
                fact.period_start, fact.period_end = twin.fact.period_start, twin.fact.period_end
                fact.period_label = twin.fact.period_label


def _same_family(rules: Rules, noun: str | None, other: str | None) -> bool:
    """Whether two counted things are of one family ("anti-ship missile" and "Harpoon"); unknown is not."""
    family = rules.noun_family.get(noun or "")
    other_family = rules.noun_family.get(other or "") or rules.noun_family.get(
        rules.designation_noun.get(other or "", ""))
    return family is not None and family not in ("any", "other") and family == other_family
