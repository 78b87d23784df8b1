"""Which system a count or a deal is about: the one it names, or the one it refers back to.

The register holds the systems a story has named so far, newest first. A count that names no system
("36 aircraft", "the remaining two", "three squadrons") takes the nearest one of a matching family: in its
clause, in its sentence, then the last one named before it.

>>> from extractors import extract_text
>>> text = "India ordered five S-400 squadrons in 2018. Three squadrons have been delivered."
>>> [(f.surface, f.item, f.item_noun, f.status) for f in extract_text(text, "2024-01-01")]
[('five S-400 squadrons', 'S-400', 'squadron', 'ordered'), ('Three squadrons', 'S-400', 'squadron', 'delivered')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.context import Place, SentenceView, Story
from extractors.figures import Figure, canonical_system
from extractors.rules import Rules

DEAL_STATUSES = frozenset({"ordered", "delivered", "remaining", "planned", "under_construction"})


@dataclass
class Mention:
    system: str
    noun: str | None
    start: int


def is_designation(surface: str, rules: Rules) -> bool:
    """Whether a designation-shaped word is a system: a listed one always; else not when it starts with a word
    that is never a name ("Over 6", "December 2025", "Project 75" without its listing)."""
    if surface in rules.system_alias or canonical_system(surface, rules) in rules.designation_noun:
        return True
    first = surface.split()[0].rstrip(".,")
    return first not in rules.not_names and surface not in rules.alias_to_country


def designation_spans(text: str, start: int, rules: Rules) -> list[tuple[int, int, str]]:
    """Every designation-shaped word from `start` on, (start, end, surface): one scan per document serves the
    rules' prefilter, the check that a count's number is not part of a name, and the systems register."""
    found: list[tuple[int, int, str]] = []
    search = rules.designation_regex.search
    while (m := search(text, start)) is not None:
        surface = m.group(0)
        first = surface.split(None, 1)[0]
        if first in rules.not_names and len(first) < len(surface) and not _listed_head(surface, rules):
            start = m.start() + len(first)  # "The 60 AGM-84L-1 Harpoon": look again after the word that is no name
            continue
        found.append((m.start(), m.end(), surface))
        start = m.end()
    return found


def _listed_head(surface: str, rules: Rules) -> bool:
    """Whether the designation begins with a listed name ("Project 75I", "Type 99 tanks")."""
    words = surface.split()
    return any(" ".join(words[:n]) in rules.system_alias for n in range(len(words), 0, -1))


def scan_systems(text: str, spans: list[tuple[int, int, str]], rules: Rules) -> list[tuple[int, int, str, str | None]]:
    """Systems named among designation `spans`: (start, end, canonical, noun). A listed system counts wherever it
    is named; an unlisted designation ("K2", "Heron TP") only when a noun of what it is follows it ("K2 tanks")."""
    found = []
    for s, e, surface in spans:
        if not is_designation(surface, rules) or surface.rstrip("s") in rules.not_names:
            continue
        system = canonical_system(surface, rules)
        noun = rules.designation_noun.get(system)
        if noun is None:
            noun = _noun_after(text, e, len(text), rules.nouns)
            if noun is None:
                continue
        found.append((s, e, system, noun))
    return found


def _noun_after(text: str, at: int, end: int, nouns: dict[str, str]) -> str | None:
    window = text[at:min(end, at + 60)].lower()
    words = re.findall(r"[a-z][a-z-]*", window)[:5]
    for n in range(len(words), 0, -1):
        for i in range(0, n):
            phrase = " ".join(words[i:n])
            if phrase in nouns and i <= 3:
                return nouns[phrase]
    return None


class Register:
    """The systems a story has named so far (newest last), and the item of the last count."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.rules = story.rules
        self.named: list[Mention] = []  # before the current sentence
        self.current: list[Mention] = []  # in the current sentence
        self.last_counts: list[Figure] = []

    def enter(self, sentence: SentenceView) -> None:
        self.named.extend(self.current)
        self.current = [Mention(system, noun, s) for s, _, system, noun in sentence.systems]

    def _family(self, noun: str | None) -> str | None:
        return self.rules.noun_family.get(noun) if noun else None

    def _fits(self, mention: Mention, noun: str | None) -> bool:
        family = self._family(noun)
        if family is None or family == "any":
            return True
        return self._family(mention.noun) == family or (family == "aircraft" and self._family(mention.noun) in (
            "aircraft",))

    def system_in_reach(self, place: Place, figure: Figure, noun: str | None = None, earlier: bool = True
                        ) -> str | None:
        """The system a figure without one of its own refers to: in its clause, its sentence, then (when
        `earlier`) the last one named before."""
        fact = figure.fact
        own = place.own
        in_clause = [m for m in self.current if own.start <= m.start < own.end and self._fits(m, noun)]
        if in_clause:
            return min(in_clause, key=lambda m: abs(m.start - fact.start)).system
        in_sentence = [m for m in self.current if self._fits(m, noun)]
        if in_sentence:
            before = [m for m in in_sentence if m.start < fact.start]
            return (before[-1] if before else in_sentence[0]).system
        if not earlier:
            return None
        for mention in reversed(self.named):
            if self._fits(mention, noun):
                return mention.system
        return None

    def resolve_item(self, figure: Figure, place: Place) -> bool:
        """Set a count's item (the system, else the noun with its kind words) and item_noun; False drops it."""
        fact = figure.fact
        if figure.designation:
            fact.item = figure.designation
            fact.item_noun = figure.unit_noun or figure.noun or self.rules.designation_noun.get(figure.designation)
            return True
        if figure.noun:
            fact.item_noun = figure.unit_noun or figure.noun
            # "three squadrons have been delivered" refers back to the S-400; "the air force is down to 31
            # squadrons" to no system: a formation noun reaches back only when the count is part of a deal
            reach_back = self._family(figure.noun) != "any" or fact.status in DEAL_STATUSES
            fact.item = self.system_in_reach(place, figure, figure.noun, reach_back) or " ".join(
                figure.kinds + [figure.written or figure.noun])
            return True
        previous = [f for f in self.last_counts if f.sentence == figure.sentence and f.fact.start < fact.start]
        source = previous[-1] if previous else (self.last_counts[-1] if self.last_counts else None)
        if source is not None:
            fact.item, fact.item_noun = source.fact.item, source.fact.item_noun
            return True
        system = self.system_in_reach(place, figure)
        if system is None:
            return False  # "the other two" with nothing named before: not a count we can state
        fact.item, fact.item_noun = system, self.rules.designation_noun.get(system)
        return True

    def record(self, figure: Figure) -> None:
        fact = figure.fact
        if fact.kind == "count":
            self.last_counts.append(figure)
            if figure.designation and not any(m.system == figure.designation for m in self.current):
                self.current.append(Mention(figure.designation, fact.item_noun, fact.start))
