"""The lowered copy the scanners read keeps every character in its place, so offsets hold in the original."""

from __future__ import annotations

import pytest

from extractors import extract_text
from extractors.lowered import lowered

CASES = [
    # (text, why it is here)
    ("Trade Rose To $44 Billion", "plain ASCII"),
    ("İSTANBUL: İndia's trade", "dotted capital I lowers to two characters"),
    ("STRAẞE and ǅ and ΣΑΣ", "capital sharp s, a titlecase digraph, final sigma"),
    ("ﬁnance and ＦＹ２４", "ligature and full-width letters"),
    ("", "empty"),
]


@pytest.mark.parametrize(("text", "why"), CASES, ids=[why for _, why in CASES])
def test_each_character_stays_in_its_place(text: str, why: str) -> None:
    low = lowered(text)

    assert len(low) == len(text)
    assert low == low.lower() or "İ" in text  # lower case throughout, but for the character that would widen
    for original, copy in zip(text, low, strict=True):
        assert copy.casefold() == original.casefold()  # the same letter ("ς" for a final "Σ")


def test_figures_after_a_widening_character_keep_their_surfaces() -> None:
    text = "İSTANBUL: Trade between İndia and Russia rose to nearly $44 billion in 2024, up 12 per cent."

    facts = extract_text(text, published="2025-01-10")

    assert [(f.surface, text[f.start:f.end]) for f in facts] == [
        ("nearly $44 billion", "nearly $44 billion"), ("12 per cent", "12 per cent")]
