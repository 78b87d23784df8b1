"""Every rule carries its own examples; each one is a test case here."""

from __future__ import annotations

import pytest

from extractors.matching import find_matches
from extractors.rules import default_rules

RULES = default_rules()


def _cases(kind: str) -> list:
    cases = []
    for pattern in RULES.patterns:
        examples = pattern.examples_match if kind == "match" else pattern.examples_no_match
        for i, example in enumerate(examples):
            cases.append(pytest.param(pattern, example, id=f"{pattern.id}-{kind}-{i}"))
    return cases


def _surfaces(pattern, text: str) -> list[str]:
    """Matches where the engine looks for them: at numbers and the lead-ins before them."""
    return find_matches(text, pattern, RULES)


@pytest.mark.parametrize(("pattern", "example"), _cases("match"))
def test_rule_finds_its_positive_example(pattern, example: str) -> None:
    text, _, expected = example.partition(" => ")
    expected = expected or text
    assert expected.strip() in _surfaces(pattern, text), f"{pattern.id} on {text!r}"


@pytest.mark.parametrize(("pattern", "example"), _cases("no_match"))
def test_rule_ignores_its_negative_example(pattern, example: str) -> None:
    assert _surfaces(pattern, example) == [], f"{pattern.id} on {example!r}"


def test_every_rule_has_examples() -> None:
    missing = [p.id for p in RULES.patterns if not p.examples_match or not p.examples_no_match]
    assert missing == []
