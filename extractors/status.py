"""Where the things a count counts stand: ordered, delivered, remaining, under construction, planned, in service.

The cue phrases are in `rules/statuses.yaml`. The nearest cue in the count's clause decides, then its
tense: a delivery or an order in the future is planned ("three will arrive in February"), building under a
contract is an order ("signed an agreement to produce 48 launchers"), and "the remaining 47" is remaining
whatever follows. A count with no cue in reach takes the status of the count before it in the story.

>>> from extractors import extract_text
>>> [(f.surface, f.status) for f in extract_text("India ordered 36 Rafale jets; 32 have been delivered and "
...                                                "the remaining four will be delivered in 2022.", "2021-12-19")]
[('36 Rafale jets', 'ordered'), ('32 have been delivered', 'delivered'), ('four will be delivered', 'remaining')]
"""

from __future__ import annotations

import re

from extractors.context import Place, Story
from extractors.figures import Figure

_DELIVERY_WORDS = re.compile(r"deliver|arriv|hand|ship|reach|induct|suppl|sent|send|receiv|due|follow")
# A cue for the remaining part of an order, written just before the count ("the remaining 47", "final 10").
_REMAINING_AT = re.compile(r"(?:remaining|final|last|rest\s+of\s+the|outstanding)\s+(?:\w+\s+)?\Z")
# Building as the purpose of a contract ("to build", "for building", "were to be constructed"), not building now.
_INTENT_TO_BUILD = re.compile(r"(?:to|for)\s|(?:were|was|are|is)\s+to\s+be\s|to\s+be\s")
_WILL_BE_BUILT = re.compile(r"(?:will|would|shall)\s+be\s|(?:are|is)\s+to\s+be\s|to\s+be\s")
FUTURE_REACH = 30  # characters before a cue in which "will" or "plans to" changes its tense


def resolve(story: Story, figure: Figure, place: Place, before: list[Figure]) -> tuple[str | None, str | None]:
    """(status, act) of a count; act is order | delivery | production | service: what kind of event it is."""
    fact = figure.fact
    lower, rules = story.lower, story.rules
    own = place.own
    if rules.capacity.search(lower, own.start, fact.start):
        return "capacity", None
    if _REMAINING_AT.search(lower, max(own.start, fact.start - 30), fact.start) or \
            re.match(r"remaining\b", lower[fact.start:fact.end].split(" ", 1)[-1] if " " in fact.surface else ""):
        return "remaining", "delivery"
    if re.search(r"\b(?:remaining|final|last)\b", lower[fact.start:fact.end]):
        return "remaining", "delivery"
    # A cue inside another figure, or just before it ("the remaining four, three will arrive"), is that figure's.
    others = [(_claim_start(lower, f), f.fact.end) for f in place.sentence.figures
              if f is not figure and not _part_of(story, f, figure)]
    for index in place.chain + [None]:
        span = (place.sentence.start, place.sentence.end) if index is None else \
            (place.clauses[index].start, place.clauses[index].end)
        cue = _nearest_cue(story, figure, span, others)
        if cue is not None:
            return _with_tense(story, cue, span, place.sentence.start)
    previous = [f for f in before if f.fact.kind == "count" and f.fact.status and f.fact.status != "capacity"]
    if previous and previous[-1].sentence >= figure.sentence - 1:
        last = previous[-1].fact
        return last.status, _act(last.status, "")
    return None, None


def _claim_start(lower: str, other: Figure) -> int:
    """Where the words another figure claims begin: up to 12 characters before it, never across an opening
    bracket ("a $5.43-billion deal (about ₹40,000 crore)": the deal is not the bracketed figure's)."""
    start = other.fact.start
    return max(start - 12, lower.rfind("(", start - 12, start) + 1)


def _part_of(story: Story, whole: Figure, part: Figure) -> bool:
    """Whether `part` is listed as a part of `whole`, written before it in the sentence ("more than $1.1 billion of
    U.S. weapons, among them 60 anti-ship missiles")."""
    gap = (whole.fact.end, part.fact.start)
    return 0 <= gap[1] - gap[0] <= 80 and bool(story.rules.part_of.search(story.lower, *gap)) and \
        ";" not in story.lower[gap[0]:gap[1]]


def _nearest_cue(story: Story, figure: Figure, span: tuple[int, int], others: list[tuple[int, int]]
                 ) -> tuple[str, int, int] | None:
    """(status, start, end) of the cue nearest the count inside `span`, not inside another figure."""
    fact = figure.fact
    before, after = story.sentences[figure.sentence].status_cues(story.lower, story.rules)
    best: tuple[int, int, str, int, int] | None = None  # (distance, -length, status, start, end)
    for side, found in (("inside", before + after), ("before", before), ("after", after)):
        lo, hi = {"inside": (fact.start, fact.end), "before": (span[0], fact.start), "after": (fact.end, span[1])}[side]
        if hi <= lo:
            continue
        for name, s, e in found:
            if s < lo or e > hi or any(a <= s < b for a, b in others):
                continue
            distance = 0 if side == "inside" else fact.start - e if side == "before" else s - fact.end
            key = (distance, -(e - s), name, s, e)
            if best is None or key < best:
                best = key
    return None if best is None else (best[2], best[3], best[4])


def _with_tense(story: Story, cue: tuple[str, int, int], span: tuple[int, int], sentence_start: int
                ) -> tuple[str, str | None]:
    """The cue's status, moved by its tense: future deliveries and intended orders are planned."""
    name, start, end = cue
    lower, rules = story.lower, story.rules
    words = lower[start:end]
    before = lower[max(span[0], start - FUTURE_REACH):start]
    future = bool(rules.status_future.search(before))
    if name == "under_construction" and _INTENT_TO_BUILD.match(words) and \
            rules.order_words.search(lower, min(span[0], sentence_start), start):
        name = "ordered"  # "signed a contract to build 48", "under the contract, two ships were to be built": an order
    elif name == "under_construction" and (_WILL_BE_BUILT.match(words) or future):
        name = "planned"  # "three more submarines that would be built", "plans to build": not started yet
    if name in ("delivered", "ordered", "in_service") and future and not words.startswith(("took", "has", "have", "had")):
        name = "planned"  # "will be delivered", "plans to order", "will bring the fleet to 62"
    return name, _act(name, words)


def _act(status: str | None, words: str) -> str | None:
    if status in ("delivered", "remaining"):
        return "delivery"
    if status == "under_construction":
        return "production"
    if status == "in_service":
        return "service"
    if status == "planned":
        return "delivery" if _DELIVERY_WORDS.search(words) else "order"
    return "order" if status == "ordered" else None
