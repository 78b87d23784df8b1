"""The period a figure covers, read from where it stands in the story.

In order: a period written right after the figure ("$68 billion in 2024-25") or right before it ("last
month's 10.8mn tons"); a period in its clause; one in its sentence. A trade figure with none takes the
period the story is talking about: the headline's, or the last one named, which holds until another is
named ("a period named earlier holds until another is named"). Orders and deal values take the year they
were signed, also when the story dates the signing ("signed on Friday"); deliveries only a period of their
own. A base of comparison ("up 98 percent on January 2016", "compared with June last year") is never a
figure's period unless written right after that figure.

>>> from extractors import extract_text
>>> text = "Trade surges in first half\\nExports rose 5% to $40 billion. Imports were $30 billion."
>>> [(f.surface, f.period_label) for f in extract_text(text, "2024-08-01")]
[('5%', 'H1 2024'), ('$40 billion', 'H1 2024'), ('$30 billion', 'H1 2024')]
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from extractors.context import Place, SentenceView, Story
from extractors.figures import Figure
from extractors.periods import Period, find_periods, shifted

# Words that may stand between a figure and the period it covers ("$5 billion in the first half").
_BINDS_AFTER = re.compile(
    r"\A[\s,)]*(?:\([^)]{0,14}\)\s*)?(?:(?:in|during|for|over|of|at|on|by|through|till|until|since|from|as|the|"
    r"year-on-year|month-on-month|y-o-y|annually|respectively|each|alone|so|far|will|would|be|been|are|is|was|were|"
    r"have|has|had|due|follow|arrive|expected|scheduled|set|completed|reached|stood|totalled|totaled)\s+){0,4}\Z")
# Between a period and the figure after it: a possessive ("last month's 10.8mn tons"), a dash or a bracket.
_BINDS_BEFORE = re.compile(r"\A(?:['’]s\s+(?:\w+\s+){0,2}?|\s*[—–-]+\s*|\s*\(\s*)\Z")
# The story states a fact that holds now, or every year: no period carries over to it.
_TIMELESS = re.compile(r"\b(?:currently|now|usually|typically|at present|today|generally|normally|every year|"
                       r"each year|annually|a year|per year|per annum)\b")
# "had covered", "had come", "had earlier ordered": the story's past, unless reported ("said India had agreed").
_PAST_PERFECT = re.compile(r"\bhad\s+(?!(?:a|an|the|its|their|his|her|some|no|more|less|only|just|to|not|been\s+"
                           r"(?:a|an|the))\b)(?:\w+ly\s+)?(?:been\s+)?[a-z]+\b")
_REPORTED = re.compile(r"\b(?:said|says|told|announced|stated|confirmed|added|noted|reported)\b")
# A back-reference to the deal the story is about: the figure takes its date.
_BACK_REFERENCE = re.compile(r"\b(?:the|this|that)\s+(?:deal|contract|sale|agreement|order|purchase|approval|"
                             r"acquisition|package)\b|\bunder\s+the\b")
# Words just before a figure that make it the base another is compared with ("against", "up from").
_COMPARED_WITH = re.compile(r"\b(?:against|compared\s+(?:with|to)|versus|vs\.?|from|than|over)\s+(?:the\s+)?\Z")
_FUTURE = re.compile(r"\b(?:will|shall|to be|due|expected to|scheduled|set to|next)\b")
_SIGNING = re.compile(r"\b(?:signed|signs|sign|signing|inked|inks|ink|agreed|agrees|agree|approved|approves|approve|"
                      r"approval|cleared|clears|clear|clearance|concluded|concludes|awarded|awards|sealed|seals|seal|"
                      r"finali[sz]ed|finali[sz]es|placed|places|announced|announces|accorded|okays|nods)\b")


def category(figure: Figure, act: str | None) -> str:
    """flow | deal | delivery | service: which periods a figure may take."""
    fact = figure.fact
    if fact.kind == "count":
        return {"order": "deal", "delivery": "delivery", "production": "deal", "service": "service"}.get(act or "",
                                                                                                        "delivery")
    return "deal" if fact.metric == "deal_value" else "flow"


class Timeline:
    """The story's period in view, and the dates of the deals it has told so far."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.current: Period | None = None
        self.deals: list[tuple[Figure, Period]] = []
        self.bound: dict[int, dict[int, Figure]] = {}  # sentence -> period index -> the figure it belongs to
        self._event: Period | None | bool = False  # the story's dated signing, found when first needed
        doc = story.doc
        if doc.title and doc.body_start and doc.title not in story.text[:len(doc.title) + doc.body_start + 200]:
            heading = find_periods(doc.title, story.published, fiscal_start=story.fiscal_start)
            self.current = next((p for p in heading if p.role == "point" and p.grain not in ("day", "week")), None)

    # ------------------------------------------------------------------ a figure's period

    def period_for(self, figure: Figure, place: Place, act: str | None) -> Period | None:
        kind = category(figure, act)
        if kind == "service" or figure.fact.status == "in_service":
            return None
        period = self._own(figure, place, kind)
        if period is None and kind == "flow" and figure.fact.kind == "percent":
            period = self._of_figure_after(figure, place)
        if period is None:
            period = self._inherited(figure, place, kind)
        if period is None:
            return None
        if period.role == "anaphor":
            period = self._anaphor(place.sentence, period)
        if period is not None and (period.shift_months or period.shift_to_year):
            period = self._shift(place.sentence, period)
        if period is not None and period.implicit_year and period.end and self.story.published and \
                period.end < self.story.published and _FUTURE.search(self.story.lower, place.own.start, place.own.end):
            period = _next_year(period)  # "three will arrive in February", written in December
        if period is not None and kind == "deal":
            period = _signing_year(period)
        if period is not None and period.role in ("by", "until", "since") and figure.fact.metric != "target" and \
                kind == "flow" and period.full_start and period.full_end and period.role == "by":
            period = replace(period, start=period.full_start, end=period.full_end, role="point",
                             label=str(period.full_end.year))
        return period

    def _bound(self, sentence: SentenceView) -> dict[int, Figure]:
        """Which periods of a sentence are written right after (or right before) one of its figures."""
        if sentence.index in self.bound:
            return self.bound[sentence.index]
        lower = self.story.lower
        bound: dict[int, Figure] = {}
        figures = sorted(sentence.figures, key=lambda f: f.fact.start)
        for i, period in enumerate(sentence.periods):
            before = [f for f in figures if f.fact.end <= period.start_offset]
            after = [f for f in figures if f.fact.start >= period.end_offset]
            if after and _BINDS_BEFORE.match(lower[period.end_offset:after[0].fact.start]):
                bound[i] = after[0]  # "in June last year ($956 million)": even a base of comparison has its figure
            elif before and period.role != "comparison" and \
                    _BINDS_AFTER.match(lower[before[-1].fact.end:period.start_offset]):
                bound[i] = before[-1]
        self.bound[sentence.index] = bound
        return bound

    def _own(self, figure: Figure, place: Place, kind: str) -> Period | None:
        """A period the figure's own words give: bound to it, free in its clause, free in its sentence."""
        sentence = place.sentence
        bound = self._bound(sentence)
        mine = [sentence.periods[i] for i, f in bound.items() if f is figure]
        if mine and not self._change_from(figure, mine[0]):
            return mine[0]
        fact = figure.fact
        paired = self._paired(figure, place)
        if paired is not None:
            return paired
        when = self._when_clause(place, fact.start) if fact.metric != "target" else None
        if when is not None:
            return when
        usable = [(i, p) for i, p in enumerate(sentence.periods) if _fits(p, kind)
                  and not (bound.get(i) is figure and self._change_from(figure, p))]
        # A base of comparison is never free; "a year earlier" only stands for the figure's period when written
        # ahead of it ("The following month it signed ...").
        free = [(i, p) for i, p in usable if i not in bound and p.role != "comparison"
                and not (p.role == "shift" and p.start_offset > fact.start)]
        for n, index in enumerate(place.chain):
            clause = place.clauses[index]
            inside = [p for i, p in free if clause.start <= p.start_offset < clause.end]
            if n == 0 and not inside and kind in ("flow", "deal"):  # a period bound to a neighbour in the clause
                inside = [p for i, p in usable if clause.start <= p.start_offset < clause.end and i in bound
                          and p.role != "comparison" and (kind == "deal" or p.grain not in ("day", "week"))
                          and (kind == "flow" or bound[i].fact.start < fact.start)
                          and not self._base_of_comparison(figure, bound[i])]
            if inside:
                return min(inside, key=lambda p: (_gap(p, fact.start, fact.end), p.start_offset > fact.start))
        if kind == "delivery":
            return None
        whole = [p for i, p in free if p.role == "point"]
        if whole:
            return min(whole, key=lambda p: (_gap(p, fact.start, fact.end), p.start_offset > fact.start))
        if kind == "flow":
            main = [p for i, p in enumerate(sentence.periods) if p.role in ("point", "anaphor")
                    and p.grain not in ("day", "week") and not p.shift_months
                    and not (i in bound and self._base_of_comparison(figure, bound[i]))]
            if main:
                return main[0]
        return None

    def _change_from(self, figure: Figure, period: Period) -> bool:
        """"up 1.9 per cent from 2023": a change measured from a period is about the period after it, not since."""
        fact = figure.fact
        return fact.kind == "percent" and period.role == "since" and period.start_offset > fact.end and \
            bool(re.fullmatch(r"\s+from\s+(?:the\s+)?", self.story.lower[fact.end:period.start_offset]))

    def _when_clause(self, place: Place, at: int) -> Period | None:
        """"up 1.9 per cent from 2023, when trade jumped 26.3 per cent": the period just before ", when" is the
        time of the clause it opens, whatever it was to the clause before."""
        own = place.own
        if own.kind != "relative" or not self.story.lower.startswith(", when ", own.start) or \
                any(own.start <= p.start_offset < at for p in place.sentence.periods):
            return None  # a period the clause names before the figure is its own
        before = [p for p in place.sentence.periods if own.start - 3 <= p.end_offset <= own.start]
        if not before or before[-1].full_start is None or before[-1].full_end is None:
            return None
        period = before[-1]
        start, end = period.full_start, period.full_end
        label = str(start.year) if period.grain == "year" else period.label if period.role == "point" else \
            f"{start.isoformat()} to {end.isoformat()}"
        return replace(period, start=start, end=end, role="point", label=label)

    def _base_of_comparison(self, figure: Figure, other: Figure) -> bool:
        """"a deficit of $101 billion, against $69 billion in 2021": the later figure is the base the first is set
        against, and its period is its own."""
        if other.fact.start < figure.fact.end:
            return False
        return bool(_COMPARED_WITH.search(self.story.lower, figure.fact.end, other.fact.start))

    def _paired(self, figure: Figure, place: Place) -> Period | None:
        """"US$ 2.2 billion (NT$70.3 billion)": the figure in brackets is the one before it in another currency; a
        period written after the brackets ("1.28 trillion yuan ($190 billion) last year") is both figures'."""
        fact = figure.fact
        if fact.kind != "money":
            return None
        if place.own.kind != "aside":
            after = [f for f in place.sentence.figures if f.fact.start >= fact.end and f.fact.kind == "money"]
            if after and re.fullmatch(r"\s*\(\s*", self.story.lower[fact.end:after[0].fact.start]):
                bound = self._bound(place.sentence)
                mine = [place.sentence.periods[i] for i, f in bound.items() if f is after[0]]
                return mine[0] if mine else None
            return None
        before = [f for f in place.sentence.figures if f.fact.end <= fact.start and f.fact.kind == "money"]
        if not before or not re.fullmatch(r"\s*\(\s*", self.story.lower[before[-1].fact.end:fact.start]):
            return None
        previous = before[-1].fact
        if not (previous.period_start or previous.period_end):
            return None
        start = date.fromisoformat(previous.period_start) if previous.period_start else None
        end = date.fromisoformat(previous.period_end) if previous.period_end else None
        return Period(fact.start, fact.end, start, end, previous.period_label or "", grain="span")

    def _of_figure_after(self, figure: Figure, place: Place) -> Period | None:
        """"rose 7.65 per cent to $128.55 billion in 2022-23": the change covers the period of the figure it
        leads to."""
        lower, fact = self.story.lower, figure.fact
        following = [f for f in place.sentence.figures if f.fact.start >= fact.end
                     and re.search(r"\bto\s*\Z", lower[fact.end:f.fact.start]) and f.fact.start - fact.end < 60]
        if not following:
            return None
        bound = self._bound(place.sentence)
        periods = [place.sentence.periods[i] for i, f in bound.items() if f is following[0]]
        return periods[0] if periods else None

    def _inherited(self, figure: Figure, place: Place, kind: str) -> Period | None:
        lower, sentence = self.story.lower, place.sentence
        own = place.own
        if sentence.index == 0:
            lead = self._lead_period() if kind == "flow" else self._story_event_for(figure)
            if lead is not None:
                return lead  # a headline figure is the lead's figure, told again
        if _TIMELESS.search(lower, own.start, own.end) or self._backstory(place, figure.fact.start):
            return None
        if kind == "flow":
            return self.current
        if kind != "deal":
            return None
        system = figure.fact.item
        for earlier, period in reversed(self.deals):
            if system and earlier.fact.item == system and earlier.sentence < figure.sentence:
                return period
        last = self.deals[-1][0] if self.deals else None
        if last is not None and last.sentence == figure.sentence - 1 and set(last.fact.parties) == set(
                figure.fact.parties or last.fact.parties):
            return self.deals[-1][1]  # the sentence goes on about the deal just told
        return self._story_event_for(figure)

    def _story_event_for(self, figure: Figure) -> Period | None:
        """The date of the deal the story is about, for a deal figure between the story's own pair."""
        event = self._story_event()
        parties = set(figure.fact.parties or self.story.pair)
        if event is None or (parties and not parties <= set(self.story.pair) and len(parties) > 1):
            return None
        return event

    def _backstory(self, place: Place, at: int) -> bool:
        """A past perfect before the figure ("The IAF had earlier ordered 40") tells what came before the story,
        unless it is reported speech ("Trump said India had agreed to buy")."""
        lower = self.story.lower
        had = _PAST_PERFECT.search(lower, place.own.start, at)
        return bool(had) and not _REPORTED.search(lower, place.sentence.start, had.start())

    def _lead_period(self) -> Period | None:
        """The first period the story's body names for a figure: what its headline summarises."""
        for sentence in self.story.sentences[1:]:
            if sentence.heading:
                continue
            found = [p for p in sentence.periods if p.role == "point" and p.grain not in ("day", "week")
                     and not p.shift_months]
            if found or sentence.figures:
                return found[0] if found else None
        return None

    def _story_event(self) -> Period | None:
        """The date the story gives its main signing or approval ("signed on Friday", "said Friday it had
        approved"): the first day or week named in a sentence with a signing word."""
        if self._event is False:
            self._event = None
            lower = self.story.lower
            for sentence in self.story.sentences:
                if sentence.heading:
                    continue
                dated = [p for p in sentence.periods if p.grain in ("day", "week", "month") and p.role == "point"]
                if dated and _SIGNING.search(lower, sentence.start, sentence.end):
                    self._event = dated[0]
                    break
            if self._event is None:
                self._event = self._headline_event()
        return self._event or None

    def _headline_event(self) -> Period | None:
        """A headline that reports a signing or an approval and names no period of its own ("India, US seal
        $3 billion helicopter deals", "Washington clears arms package"): the news of the day it was published."""
        story = self.story
        headline = story.sentences[0] if story.sentences else None
        if headline is None or headline.periods or story.published is None or \
                not _SIGNING.search(story.lower, headline.start, headline.end):
            return None
        day = story.published
        return Period(headline.start, headline.start, day, day, day.isoformat(), grain="day", event="deal",
                      full_start=day, full_end=day)

    def _anaphor(self, sentence: SentenceView, period: Period) -> Period | None:
        """"over that period", "for the month": the period named last, in the sentence or before it."""
        earlier = [p for p in sentence.periods if p.end_offset <= period.start_offset and p.role == "point"
                   and p.start is not None]
        anchor = earlier[-1] if earlier else self.current
        if anchor is None:
            return None
        return replace(anchor, start_offset=period.start_offset, end_offset=period.end_offset)

    def _shift(self, sentence: SentenceView, period: Period) -> Period:
        """"a year earlier" moves the period named just before it; "the previous fiscal" only a fiscal year (when
        none was named, it stays the fiscal year before publication)."""
        earlier = [p for p in sentence.periods if p.end_offset <= period.start_offset and p.role == "point"
                   and p.start is not None and p.end is not None and not p.shift_months and not p.shift_to_year]
        anchor = earlier[-1] if earlier else self.current
        if anchor is None or (period.grain == "fiscal" and anchor.grain != "fiscal"):
            return period
        return shifted(period, anchor)

    # ------------------------------------------------------------------ after each sentence

    def after_sentence(self, sentence: SentenceView, figures: list[Figure]) -> None:
        """Remember the sentence's deals, and move the story's period to the one this sentence is about."""
        if not sentence.periods and not figures:
            return
        for figure in figures:
            if figure.fact.period_start or figure.fact.period_end:
                kind = category(figure, _act_of(figure))
                if kind == "deal":
                    start = date.fromisoformat(figure.fact.period_start) if figure.fact.period_start else None
                    end = date.fromisoformat(figure.fact.period_end) if figure.fact.period_end else None
                    self.deals.append((figure, Period(0, 0, start, end, figure.fact.period_label or "", grain="year")))
        if sentence.heading:
            return
        lower = self.story.lower
        bound = self._bound(sentence)
        deal_only = figures and all(category(f, _act_of(f)) != "flow" for f in figures)
        for i, period in enumerate(sentence.periods):
            if period.role != "point" or period.grain in ("day", "week") or period.shift_months or deal_only:
                continue
            if i in bound and category(bound[i], _act_of(bound[i])) != "flow":
                continue
            clause_start = max((c.start for c in sentence.clauses(lower) if c.start <= period.start_offset),
                               default=sentence.start)
            if _PAST_PERFECT.search(lower, clause_start, sentence.end):
                continue  # "In October 2019 Russia had covered only 18.8 percent": the story's past
            self.current = period
            return


def _act_of(figure: Figure) -> str | None:
    status = figure.fact.status
    if figure.fact.kind != "count":
        return None
    if status in ("delivered", "remaining"):
        return "delivery"
    if status == "in_service":
        return "service"
    if status == "planned" and figure.fact.metric == "delivery":
        return "delivery"
    return "order" if status in ("ordered", "planned", "under_construction") else None


def _fits(period: Period, kind: str) -> bool:
    """Deals skip delivery dates; deliveries skip signing dates and the day a thing was said; trade figures skip
    single days (datelines)."""
    if kind == "deal" and period.event == "delivery":
        return False
    if kind == "delivery" and period.event in ("deal", "report"):
        return False
    return not (kind == "flow" and period.grain in ("day", "week"))


def _next_year(period: Period) -> Period:
    start = period.start.replace(year=period.start.year + 1) if period.start else None
    end = period.end.replace(year=period.end.year + 1, day=min(period.end.day, 28)) if period.end else None
    if end is not None and period.end.day > 28:
        from extractors.period_resolvers import month_end

        end = month_end(end.year, end.month)
    label = period.label.replace(str(period.end.year), str(period.end.year + 1)) if period.end else period.label
    return replace(period, start=start, end=end, label=label)


def _gap(period: Period, start: int, end: int) -> int:
    if period.end_offset <= start:
        return start - period.end_offset
    if period.start_offset >= end:
        return period.start_offset - end
    return 0


def _signing_year(period: Period) -> Period:
    """An order or deal value is dated by the year it was signed (a fiscal year or a span stays as written)."""
    if period.start is None or period.end is None or period.grain not in ("day", "week", "month", "quarter", "half"):
        return period
    year = period.start.year
    return replace(period, start=date(year, 1, 1), end=date(year, 12, 31), label=str(year), grain="year")
