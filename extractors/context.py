"""What the document pass reads: the story, each sentence with its periods, countries, systems, clauses and
figures, and where a figure stands in its sentence (extractors.document_pass runs the pass).

The sentence pass (extractors.engine) finds figures and their values. The document pass walks the story in
order and gives each figure its item and status (counts), metric, period and parties, looking in the figure's
own clause first, then its sentence, then what the story said before: the headline's period holds until
another is named, "the remaining two" means the system named earlier, a story about India and the United
States gives that pair to a figure whose sentence names no country.

>>> from extractors import extract_text
>>> text = "India-US trade in 2022-23\\nExports rose to $78 billion, while imports grew to $50 billion."
>>> [(f.surface, f.metric, f.period_label) for f in extract_text(text, "2023-05-01")]
[('$78 billion', 'exports', 'FY2022-23'), ('$50 billion', 'imports', 'FY2022-23')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from extractors.clauses import Clause, clause_at, clause_chain, split_clauses
from extractors.figures import Figure
from extractors.model import Document
from extractors.periods import Period
from extractors.rules import Rules


@dataclass
class SentenceView:
    """One sentence and what the document pass knows about it."""

    index: int
    start: int
    end: int
    periods: list[Period] = field(default_factory=list)
    countries: list[tuple[int, int, str]] = field(default_factory=list)
    systems: list[tuple[int, int, str, str | None]] = field(default_factory=list)  # (start, end, system, noun)
    figures: list[Figure] = field(default_factory=list)
    heading: bool = False  # a dateline or byline line near the top: its dates are not the story's periods
    _clauses: list[Clause] | None = None
    _keywords: list[tuple[int, int, str, int]] | None = None
    _cues: tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]] | None = None

    def clauses(self, lower: str) -> list[Clause]:
        if self._clauses is None:
            self._clauses = split_clauses(lower, self.start, self.end)
        return self._clauses

    def keywords(self, lower: str, rules: Rules) -> list[tuple[int, int, str, int]]:
        """Metric keywords in the sentence: (start, end, metric, rank)."""
        if self._keywords is None:
            found = [(k.start(), k.end(), rules.keyword_metric[k.lastgroup])
                     for k in rules.metric_keywords.finditer(lower, self.start, self.end)]
            self._keywords = [(s, e, metric, rules.metric_rank[metric]) for s, e, metric in found
                              if not (rules.metric_not_after[metric] and
                                      _word_before(lower, s) in rules.metric_not_after[metric])]
        return self._keywords


    def status_cues(self, lower: str, rules: Rules) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
        """Status cues in the sentence, (status, start, end): those written before a count, those after one."""
        if self._cues is None:
            self._cues = tuple([(name, *cue.span()) for name, pattern in table
                                for cue in pattern.finditer(lower, self.start, self.end)]
                               for table in (rules.status_before, rules.status_after))  # type: ignore[assignment]
        return self._cues  # type: ignore[return-value]


def _word_before(lower: str, at: int) -> str:
    """The word just before `at` ("surface" in "against surface targets")."""
    words = lower[max(0, at - 30):at].split()
    return words[-1].strip(",;:()\"'") if words else ""


@dataclass
class Story:
    """The document-wide state the pass carries from sentence to sentence."""

    doc: Document
    text: str
    lower: str
    rules: Rules
    published: date | None
    sentences: list[SentenceView]
    pair: list[str]
    subject: str | None  # the country the story is told from (India in India-Russia stories)
    fiscal_start: int = 4
    last_physical_metric: str | None = None  # what the story's last quantity measured (crude in a crude story)


@dataclass
class Place:
    """Where a figure stands: its sentence, the clauses of that sentence and the figure's own clause."""

    sentence: SentenceView
    clauses: list[Clause]
    clause: int
    chain: list[int]

    @property
    def own(self) -> Clause:
        return self.clauses[self.clause]


def place_of(story: Story, figure: Figure) -> Place:
    sentence = story.sentences[figure.sentence]
    clauses = sentence.clauses(story.lower)
    index = clause_at(clauses, figure.fact.start)
    return Place(sentence, clauses, index, clause_chain(clauses, index))
