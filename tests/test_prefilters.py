"""The cheap tests that spare the expensive patterns must never change what is found.

A sentence skips a kind's rules when it holds none of the kind's needles, a rule is not tried after the last
of its needles, and a sentence skips a period pattern when it lacks the strings that pattern needs. All are
necessary conditions: these tests check them against
every vocabulary surface, and check that extraction over the sample corpus, the gold articles and every
rule example is identical with the prefilters switched off.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import extractors.engine as engine
import extractors.matching as matching
import extractors.periods as periods
from extractors import extract, read_document
from extractors.rules import KIND_TRIGGERS, PERCENT_NEEDLES, default_rules, needle_tokens

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted((ROOT / "data" / "corpus").glob("*.md")) + sorted((ROOT / "tests" / "gold").glob("*.md")) + \
    sorted((ROOT / "tests" / "gold_heldout").glob("*.md"))


def _surfaces() -> list[tuple[str, str]]:
    """(trigger placeholder, a surface of its vocabulary)."""
    rules = default_rules()
    codes = [c for c in rules.currency_symbols if len(c) == 3 and c.isalpha()]
    return [("cur", s) for s in rules.currency_symbols] + [("curword", s) for s in list(rules.currency_words) + codes] + \
        [("pct", s) for s in PERCENT_NEEDLES] + [("fraction", s) for s in rules.fractions] + \
        [("unit", s) for s in rules.units] + [("item", s) for s in rules.nouns]


@pytest.mark.parametrize(("placeholder", "surface"), _surfaces())
def test_every_vocabulary_surface_holds_a_needle_of_its_placeholder(placeholder: str, surface: str) -> None:
    written = {surface, surface.upper(), surface.title(), surface.replace(" ", "  ")}
    for text in written:
        tokens = needle_tokens(f"worth 5 {text} in 2023".lower())
        assert not default_rules().placeholder_needles[placeholder].isdisjoint(tokens), text


@pytest.mark.parametrize("alias", sorted(default_rules().system_alias))
def test_every_listed_system_lets_the_designation_rules_run(alias: str) -> None:
    """Designations have no word to look for: the engine runs their rules when the designation scan finds one, as
    written or in capitals, with any spacing."""
    rules = default_rules()
    for written in {alias, alias.upper(), alias.replace(" ", "  ")}:
        text = f"worth 5 {written} in 2023"
        tried = {p.id for p, _ in matching.candidate_rules(text, text.lower(), 0, len(text), rules)}
        assert "count.designation" in tried, written


def test_every_rule_has_needles_of_its_kind() -> None:
    """A rule's needles come from its kind's trigger placeholders, or are listed by the rule itself (a count that
    stands without its noun, "32 have been delivered", holds one of the listed cue words)."""
    for pattern in default_rules().patterns:
        kind_needles = set().union(*(default_rules().placeholder_needles[p] for p in KIND_TRIGGERS[pattern.kind]))
        assert pattern.needles, pattern.id
        assert pattern.needles <= kind_needles or pattern.needles_outside, pattern.id


@pytest.mark.parametrize(("sentence", "rules"), [
    ("The two sides met in Moscow on Tuesday.", set()),
    ("Trade reached $44 billion.", {"money.symbol_first", "money.range_dash", "money.range_between",
                                    "money.word_after"}),
    ("Trade reached 44 billion dollars.", {"money.word_after"}),
    ("Imports rose 12 per cent.", {"percent.number", "percent.range", "money.word_after"}),  # "cent" is money too
    ("Russia supplied 1.9 million barrels per day.", {"physical.quantity", "physical.range", "percent.number",
                                                      "percent.range", "count.elided_verb"}),  # "supplied" is a cue
    ("Two S-400 squadrons remain.", {"count.designation", "count.units_of_designation", "count.item",
                                     "count.named_item", "count.compound_order", "count.of_the_item"}),
    ("A third of its arms came from Russia.", {"percent.fraction", "percent.fraction_change", "count.subset"}),
    ("Six of them arrived in 2023.", {"count.subset", "count.of_which", "count.elided_verb"}),
])
def test_needles_choose_the_rules_a_sentence_may_match(sentence: str, rules: set[str]) -> None:
    tried = {p.id for p, _ in matching.candidate_rules(sentence, sentence.lower(), 0, len(sentence), default_rules())}
    assert tried == rules


def _everything(monkeypatch: pytest.MonkeyPatch) -> None:
    """Switch the prefilters off: every kind's needles and every period string count as present, and every
    rule is tried up to the sentence's end."""
    all_needles = set().union(*(p.needles for p in default_rules().patterns))
    monkeypatch.setattr(matching, "needle_tokens", lambda *_: set(all_needles))
    monkeypatch.setattr(matching, "last_needle", lambda lower, needles, s, e: e)
    monkeypatch.setattr(periods, "needs_present", lambda *_: set(periods.vocabulary().needs))


def _facts(paths: list[Path]) -> list[tuple]:
    out = []
    for path in paths:
        for f in extract(read_document(path)):
            out.append((path.name, f.start, f.end, f.kind, f.value, f.unit, f.metric, f.period_label, f.status))
    return out


@pytest.mark.slow
def test_extraction_is_identical_without_prefilters(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(ARTICLES) > 60
    with_filters = _facts(ARTICLES)
    _everything(monkeypatch)
    without = _facts(ARTICLES)
    assert len(without) > 300
    assert with_filters == without


def test_rule_examples_are_identical_without_prefilters(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [t.split(" => ")[0] for p in default_rules().patterns for t in p.examples_match + p.examples_no_match]
    with_filters = [[(f.surface, f.kind, f.value) for f in engine.extract_text(t, "2024-01-01")] for t in texts]
    _everything(monkeypatch)
    without = [[(f.surface, f.kind, f.value) for f in engine.extract_text(t, "2024-01-01")] for t in texts]
    assert sum(map(len, without)) > 50
    assert with_filters == without


@pytest.mark.parametrize("phrase", [
    "in FY24", "in the year to March 2016", "last month", "between July and December 2019",
    "in the first eleven months of 2024", "in 2023-24", "during the previous fiscal", "from 2019 to 2023",
    "in the first half of 2022", "in Q3 2021", "in the third quarter of last year", "in March 2020", "so far this year",
    "year to date", "last year", "a year earlier", "by 2030", "in calendar 2018", "in H1 2023", "this January",
    "last June", "for FY 2019-20 (April-December)",
])
def test_period_needles_never_hide_a_period(phrase: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    published = date(2024, 6, 1)
    with_filters = periods.find_periods(f"Trade rose {phrase}.", published)
    _everything(monkeypatch)
    assert with_filters, phrase
    assert with_filters == periods.find_periods(f"Trade rose {phrase}.", published)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list(periods.vocabulary().needs) + ["x", " ", "-", "s", "ye", "fi", "2", "1"]),
                max_size=12))
def test_needed_strings_are_found_however_they_touch(pieces: list[str]) -> None:
    """Overlapping and adjacent needed strings ("fy2019": "fy", "20", "19") are all found, and no others."""
    text = "".join(pieces)

    assert periods.needs_present(text) == {word for word in periods.vocabulary().needs if word in text}


def test_the_designation_scan_finds_what_it_finds_without_its_lookahead() -> None:
    """The scan's leading class of first characters only skips positions; it never changes what is found."""
    import re

    scan = default_rules().designation_regex
    assert scan.pattern.startswith("(?=[")
    plain = re.compile(scan.pattern[scan.pattern.index("])") + 2:])
    texts = [read_document(path).text for path in ARTICLES]
    found = [[m.span() for m in scan.finditer(t)] for t in texts]
    assert sum(map(len, found)) > 100
    assert found == [[m.span() for m in plain.finditer(t)] for t in texts]


@pytest.mark.parametrize(("shape", "lead"), [
    ("[A-Z][a-z]+", "A-Z"), ("[A-Z0-9]{2}", "A-Z0-9"), ("K[0-9]", "K"), ("(?:Mk|Mark) [0-9]", None),
    ("[^a-z]x", None), ("\\w+", None), ("A?B", None),
])
def test_a_shape_says_how_it_begins_only_when_plainly_written(shape: str, lead: str | None) -> None:
    from extractors.pattern_building import _leading_class

    assert _leading_class(shape) == lead
