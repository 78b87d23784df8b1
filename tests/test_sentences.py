"""Sentence splitting: where a full stop ends a sentence, and the abbreviations file that says where it does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.errors import RulesError
from extractors.sentences import load_abbreviations, split_sentences


@pytest.mark.parametrize(("text", "sentences"), [
    ("Trade rose. Exports fell.", ["Trade rose.", "Exports fell."]),
    ("Rs. 500 crore was paid to Mr. Rao. Done", ["Rs. 500 crore was paid to Mr. Rao.", "Done"]),
    ("The U.S. sold 12 jets. Russia sold none.", ["The U.S. sold 12 jets.", "Russia sold none."]),
    ("Gen. Singh said it. Deliveries start in Jan. 2025 at No. 3 base.",
     ["Gen. Singh said it.", "Deliveries start in Jan. 2025 at No. 3 base."]),
    ("J. Smith wrote it. Then he left.", ["J. Smith wrote it.", "Then he left."]),
    ("Headline\n\nFirst paragraph here.", ["Headline", "First paragraph here."]),
])
def test_sentences_end_where_a_reader_would_end_them(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


@pytest.mark.parametrize(("content", "message"), [
    ("abbreviations: rs\n", "abbreviations must be a list of words"),
    ("abbreviations: [rs, no]\n", "abbreviation False is not a word"),
    ("abbreviations: [rs, '.']\n", "abbreviation '.' is not a word"),
    ("abbreviations: [rs\n", "broken YAML"),
    ("words: [rs]\n", "abbreviations must be a list of words"),
])
def test_a_broken_abbreviations_file_is_one_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "sentences.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RulesError, match=message) as caught:
        load_abbreviations(path)
    assert str(caught.value).startswith("sentences.yaml:") and "\n" not in str(caught.value)


def test_the_abbreviations_file_reads_as_written() -> None:
    words = load_abbreviations()
    assert {"rs", "mr", "no", "u.s", "e.g", "sept"} <= words
    assert all(w == w.lower() and not w.endswith(".") for w in words)
