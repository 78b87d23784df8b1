"""The synthetic benchmark corpus: reproducible, the size asked for, mostly prose, every figure form present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench.corpus import ARTICLE_BYTES, generate, write
from extractors import read_bytes, read_document
from extractors.sentences import split_sentences

SAMPLE = generate(120, seed=11)
TEXT = "\n".join(text for _, text in SAMPLE)

# Figure forms the generator has to produce somewhere in 120 articles: (id, regex).
FORMS = [
    ("dollar amount", r"(?:US ?\$|USD |\$)\d+(?:\.\d+)? (?:billion|bn|million|mn)\b"),
    ("rupee crore", r"(?:Rs\.? |₹|INR )\d[\d,]* crore"),
    ("lakh crore", r"\d\.\d lakh crore"),
    ("euro", r"€\d|EUR \d|\d billion euros"),
    ("dollar range", r"\$\d+-\d+ billion|between \$\d+ billion and \$\d+ billion|\$\d+ billion to \$\d+ billion"),
    ("crore range", r"Rs [\d,]+-[\d,]+ crore"),
    ("hedged figure", r"\b(?:nearly|about|roughly|more than|close to|at least|up to) (?:US ?\$|\$|Rs|₹|€|\d)"),
    ("system count with status", r"delivered \d+ [A-Z][\w-]+|[Oo]rder for \d+ |remaining [A-Z][\w-]+"),
    ("percentage", r"\d(?:\.\d)?(?:%| per cent| percent)"),
    ("barrels per day", r"\d million (?:barrels a day|barrels per day|bpd|b/d)|\d{3},000 barrels per day"),
    ("gas volume", r"\d+ bcm|\d billion cubic metres"),
    ("fiscal year", r"\b(?:20\d\d-\d\d|FY\d{2,4}|year to March 20\d\d|fiscal 20\d\d)\b"),
    ("part of a year", r"first half of 20\d\d|first \w+ months of|[A-Z][a-z]+-[A-Z][a-z]+ 20\d\d|quarter to"),
]


@pytest.mark.parametrize("pattern", [p for _, p in FORMS], ids=[i for i, _ in FORMS])
def test_every_figure_form_appears(pattern: str) -> None:
    assert re.search(pattern, TEXT), pattern


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = write(tmp_path / "a", 0.05, seed=5)
    again = write(tmp_path / "b", 0.05, seed=5)
    other = write(tmp_path / "c", 0.05, seed=6)
    assert [p.name for p in first] == [p.name for p in again]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in again]
    assert [p.read_bytes() for p in first] != [p.read_bytes() for p in other]
    assert generate(3, seed=5) == [(p.name, p.read_text(encoding="utf-8")) for p in first[:3]]


def test_articles_are_about_3_kb_and_the_total_is_near_the_target(tmp_path: Path) -> None:
    sizes = [len(text.encode("utf-8")) for _, text in SAMPLE]
    low, high = ARTICLE_BYTES
    assert all(low <= size <= high + 700 for size in sizes), (min(sizes), max(sizes))
    assert 2800 <= sum(sizes) / len(sizes) <= 3500
    paths = write(tmp_path, 0.3, seed=2)
    total = sum(p.stat().st_size for p in paths)
    assert 300_000 <= total < 300_000 + high + 700


def test_most_sentences_carry_no_figure() -> None:
    with_digit = total = 0
    for name, text in SAMPLE:
        doc = read_bytes(text.encode("utf-8"), name)
        spans = split_sentences(doc.text, doc.body_start)
        total += len(spans)
        with_digit += sum(1 for s, e in spans if re.search(r"\d", doc.text[s:e]))
    assert 0.15 < with_digit / total < 0.45


def test_front_matter_is_read_as_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, 0.003, seed=3)[0]
    doc = read_document(path)
    assert doc.title and doc.source and doc.url.startswith("https://news.example.org/")
    assert path.name.startswith(doc.published)
    assert doc.body_start > 0
