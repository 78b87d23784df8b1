"""A first-character lookahead (extractors.scanning) never changes what a pattern finds, only how fast."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors import periods, sentences
from extractors.rules import default_rules
from extractors.scanning import with_first_chars

CASES = [
    # (pattern, what with_first_chars gives, why)
    (r"\bthe\s+year", r"(?=[t])(?:\bthe\s+year)", "a word boundary hides the literal from the engine"),
    (r"(?:the\s+)?year", r"(?=[ty])(?:(?:the\s+)?year)", "an optional word: either word may begin"),
    (r"(?<!\w)(?:19|20)\d\d", r"(?=[12])(?:(?<!\w)(?:19|20)\d\d)", "a lookbehind is zero-width"),
    (r"(?P<a>fy)|(?P<b>q[1-4])", r"(?=[fq])(?:(?P<a>fy)|(?P<b>q[1-4]))", "named alternatives"),
    (r"year", r"year", "a literal: the engine skips ahead by itself"),
    (r"india|russia", r"india|russia", "alternatives that begin with literals: likewise"),
    (r"\b\d+", r"\b\d+", "any Unicode digit may begin: left alone"),
    (r"\b[^a]x", r"\b[^a]x", "a negated set: left alone"),
    (r"\b(?:x)?", r"\b(?:x)?", "can match the empty string: left alone"),
    (r"(?i)\byear", r"(?i)\byear", "case-insensitive: left alone"),
    (r"\b(?P<n>x)(?P=n)", r"(?=[x])(?:\b(?P<n>x)(?P=n))", "a back-reference after the first character is fine"),
]


@pytest.mark.parametrize(("source", "expected", "why"), CASES, ids=[why for *_, why in CASES])
def test_lookahead_names_the_first_characters(source: str, expected: str, why: str) -> None:
    assert with_first_chars(source) == expected


def _sources() -> list[str]:
    rules = default_rules()
    inner = [pattern.regex.pattern for pattern in periods.vocabulary().patterns]
    inner += [sentences._BOUNDARY.pattern, rules.lead_in_regex.pattern, rules.metric_keywords.pattern]
    return inner


SOURCES = _sources()
WORDS = ("the", "year", "fiscal", "financial", "fy", "fy24", "2023-24", "2023", "2019", "first", "eight", "months",
         "half", "h1", "q3", "quarter", "march", "april-june", "sept", "last", "this", "month", "so", "far", "by",
         "till", "between", "and", "from", "same", "period", "a", "earlier", "ended", "to", "calendar", "rs", "$5",
         "₹", "-", "minus", "trade", "exports", "Trade", "India", ".", "!", "?", "\n", "\n\n", ",")
TEXT = st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from([" ", "", "  "])), max_size=30).map(
    lambda pairs: "".join(word + gap for word, gap in pairs))


@pytest.mark.parametrize("source", SOURCES, ids=[f"pattern {i}" for i in range(len(SOURCES))])
@settings(max_examples=150, deadline=None)
@given(text=TEXT, start=st.integers(0, 40))
def test_matches_are_the_same_with_and_without_the_lookahead(source: str, text: str, start: int) -> None:
    plain = re.compile(_without_lookahead(source))
    fast = re.compile(with_first_chars(_without_lookahead(source)))

    assert [m.span() for m in fast.finditer(text, start)] == [m.span() for m in plain.finditer(text, start)]


def _without_lookahead(source: str) -> str:
    """The pattern as written, when it was compiled with a lookahead already."""
    if source.startswith("(?=[") and "])(?:" in source:
        return source[source.index("])(?:") + 5:-1]
    return source


def test_the_sample_corpus_gives_the_same_matches(sample_texts: list[str]) -> None:
    found = 0
    for source in SOURCES:
        plain = re.compile(_without_lookahead(source))
        fast = re.compile(with_first_chars(_without_lookahead(source)))
        for text in sample_texts:
            spans = [m.span() for m in plain.finditer(text)]
            assert [m.span() for m in fast.finditer(text)] == spans
            found += len(spans)
    assert found > 1000  # the patterns do match in these articles: the comparison is not of empty lists


@pytest.fixture(scope="module")
def sample_texts() -> list[str]:
    from pathlib import Path

    from extractors.lowered import lowered

    corpus = Path(__file__).resolve().parents[1] / "data" / "corpus"
    return [lowered(path.read_text(encoding="utf-8")) for path in sorted(corpus.rglob("*.md"))]
