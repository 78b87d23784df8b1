"""Every example written in rules/periods.yaml holds, and the period vocabulary refuses a broken file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extractors.errors import RulesError
from extractors.periods import PERIODS_FILE, find_periods, load_vocabulary, vocabulary

PUBLISHED = date(2023, 11, 13)  # the date periods.yaml's examples are written against (a Monday)


def _examples() -> list:
    return [pytest.param(p.id, example, id=f"{p.id}: {example.split(' => ')[0][:40]}")
            for p in vocabulary().patterns for example in p.examples]


@pytest.mark.parametrize(("pattern_id", "example"), _examples())
def test_period_example_resolves_to_its_label(pattern_id: str, example: str) -> None:
    text, label = (part.strip() for part in example.split("=>"))
    found = find_periods(text, PUBLISHED)
    assert (found[0].label if found else "none") == label, [p.label for p in found]


def test_every_pattern_has_an_example() -> None:
    assert all(p.examples for p in vocabulary().patterns)


@pytest.mark.parametrize(("text", "role"), [
    ("by 2030", "by"), ("since 2001", "since"), ("through 2034", "until"), ("compared with June last year",
                                                                            "comparison"),
    ("in 2023", "point"), ("on 16 September", "point"), ("up 98 percent on January 2016", "comparison"),
], ids=["by", "since", "through", "compared-with", "in", "on-a-day", "on-a-month"])
def test_words_before_a_period_set_its_role(text: str, role: str) -> None:
    assert find_periods(text, PUBLISHED)[-1].role == role


@pytest.mark.parametrize(("text", "fiscal_start", "label", "start"), [
    ("in the 2020-21 financial year", 4, "FY2020-21", date(2020, 4, 1)),   # India: April to March
    ("in the 2020-21 financial year", 7, "FY2020-21", date(2020, 7, 1)),   # Australia: July to June
], ids=["india", "australia"])
def test_fiscal_years_follow_the_storys_country(text: str, fiscal_start: int, label: str, start: date) -> None:
    period = find_periods(text, PUBLISHED, fiscal_start=fiscal_start)[0]
    assert (period.label, period.start) == (label, start)


@pytest.mark.parametrize(("replace", "message"), [
    (("resolve: calendar_year", "resolve: no_such_resolver"), "unknown resolver"),
    (("role: shift", "role: sideways"), "unknown role"),
    (("(?P<y>{year})(?![\\w-])'", "(?P<y>{year}(?![\\w-])'"), "does not compile"),
], ids=["resolver", "role", "regex"])
def test_a_broken_periods_file_names_the_pattern(tmp_path: Path, replace: tuple[str, str], message: str) -> None:
    broken = tmp_path / "periods.yaml"
    text = PERIODS_FILE.read_text(encoding="utf-8")
    assert replace[0] in text
    broken.write_text(text.replace(replace[0], replace[1], 1), encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_vocabulary(broken)
