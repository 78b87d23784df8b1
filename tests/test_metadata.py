"""Document metadata: datelines in outlet styles, front matter, and every metric defined once."""

from __future__ import annotations

import pytest

from extractors import read_bytes
from extractors.engine import extract_text
from extractors.reading import dateline_date
from extractors.rules import default_rules

DATELINES = [
    ("13 Nov, 2023 13:53 / Updated 1 year ago", "2023-11-13"),
    ("November 13, 2023", "2023-11-13"),
    ("Updated: Dec 7, 2021, 10:12 IST", "2021-12-07"),
    ("2023-11-13", "2023-11-13"),
    ("Mon 13 Nov 2023", "2023-11-13"),
    ("Published on Tuesday, 5 March 2024", "2024-03-05"),
    ("NEW DELHI, Sept. 9, 2024 (PTI) -", "2024-09-09"),
    ("No date in this line at all", None),
]


@pytest.mark.parametrize(("head", "expected"), DATELINES, ids=[d[0][:24] for d in DATELINES])
def test_dateline_styles(head: str, expected: str | None) -> None:
    assert dateline_date(head) == expected


def test_front_matter_sets_metadata_and_keeps_offsets() -> None:
    raw = ("---\ntitle: Trade hits a record\npublished: 2024-05-20\nsource: Example Wire\n"
           "url: https://example.org/a\n---\nIndia-Russia trade reached $65.7 billion in 2023-24.\n")
    doc = read_bytes(raw.encode(), "a.md")
    assert (doc.title, doc.published, doc.source, doc.url) == (
        "Trade hits a record", "2024-05-20", "Example Wire", "https://example.org/a")
    assert doc.text == raw and doc.text[doc.body_start:].startswith("India-Russia")


def test_published_option_overrides_dateline() -> None:
    doc = read_bytes(b"November 13, 2023\nTrade rose.", "x.txt", published="2020-01-02")
    assert doc.published == "2020-01-02"


def test_relative_periods_follow_the_publication_date() -> None:
    [fact] = extract_text("Trade was $50 billion last year.", published="2019-06-01")
    assert (fact.period_start, fact.period_end) == ("2018-01-01", "2018-12-31")


def test_every_metric_used_is_defined_and_documented() -> None:
    rules = default_rules()
    used = {spec["metric"] for spec in rules.statuses.values()} | {"other", "target"}
    for metric in used:
        assert metric in rules.metrics
    for name, spec in rules.metrics.items():
        assert spec["label"] and spec["description"], name


def test_every_designation_origin_is_a_known_country() -> None:
    rules = default_rules()
    assert set(rules.designation_origin.values()) <= set(rules.countries)
