"""Properties that hold for any input: random text, mutated articles, random bytes.

extract_text never raises; every fact's span is its surface in the original text; its numbers are finite or
None. The reader raises InputError or returns a Document, nothing else. Sentences stay inside the text and
under the run-on cap.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extractors import InputError, extract_text
from extractors.reading import read_bytes
from extractors.sentences import MAX_SENTENCE, split_sentences

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ARTICLE = (
    "NEW DELHI, 20 May 2024: India and Russia traded nearly $65.7 billion in 2023-24, up 33% on the year. "
    "India will buy two more S-400 units and 26 Rafale jets worth Rs 63,000 crore (€7.87 billion). "
    "Russia supplied 1.9 million barrels per day; a $3–5 billion deal for four frigates is under discussion. "
    "Imports fell −12% to £350m, while exports rose to forty billion dollars by 2030.\n"
)
# Pieces that have broken extractors: separators, dashes and minus signs, full-width and look-alike forms,
# digits of other scripts, characters NFKC would expand (shifting offsets), BOMs, combining marks, huge numbers.
PIECES = [
    "$", "₹", "€", "£", "Rs", "Rs.", "US$", "¥", "−", "–", "—", "-", "+", "%", "％", "＄", "４", "．", "٤", "४", "٫",
    "\u00a0", "\u2007", "\u2009", "\u202f", "\u200b", "\ufeff", "\u0301", "ﬁ", "㍱", "½", "①", "Ⅻ", "²", "ǅ", "İ",
    "\r\n", "\n\n", "\t", ".", ",", " billion", " crore", " lakh crore", " trillion", " per cent", " dollars",
    " between ", " and ", " to ", "9" * 40, ",999" * 120, "1,23,456", "0.000000001", "e308", "(", ")", "'", "/",
]
FIELDS = ("value", "value_low", "value_high", "value_usd", "fx_rate")


def assert_sound(text: str) -> None:
    for fact in extract_text(text, published="2024-05-20"):
        assert 0 <= fact.start < fact.end <= len(text)
        assert text[fact.start:fact.end] == fact.surface
        assert fact.sentence in text
        for name in FIELDS:
            value = getattr(fact, name)
            assert value is None or math.isfinite(value), (name, value, fact.surface)
        assert isinstance(fact.plausible, bool)


mutation = st.tuples(
    st.floats(min_value=0, max_value=1),
    st.sampled_from(["insert", "delete", "duplicate", "replace"]),
    st.one_of(st.sampled_from(PIECES), st.text(min_size=1, max_size=3)),
)


def mutate(text: str, edits: list[tuple[float, str, str]]) -> str:
    for where, how, piece in edits:
        i = int(where * len(text))
        if how == "insert":
            text = text[:i] + piece + text[i:]
        elif how == "delete":
            text = text[:i] + text[i + len(piece):]
        elif how == "duplicate":
            text = text[:i] + text[i:i + len(piece) * 4] * 2 + text[i + len(piece) * 4:]
        else:
            text = text[:i] + piece + text[i + len(piece):]
    return text


@SETTINGS
@given(st.lists(mutation, min_size=1, max_size=12))
@example([(0.27, "insert", "ﬁ"), (0.5, "insert", "㍱")])  # expand under NFKC: offsets must not move
@example([(0.3, "insert", "9" + ",999" * 120)])  # past float range
def test_mutated_article_facts_are_sound(edits: list[tuple[float, str, str]]) -> None:
    assert_sound(mutate(ARTICLE, edits))


@SETTINGS
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=40).map("".join))
def test_random_text_facts_are_sound(text: str) -> None:
    assert_sound(text)


@SETTINGS
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_unicode_facts_are_sound(text: str) -> None:
    assert_sound(text)


@SETTINGS
@given(st.one_of(
    st.binary(max_size=400),
    st.builds(lambda head, body: head + body.encode("utf-8"),
              st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"---\n", b"<html>", b"%PDF"]),
              st.text(max_size=200)),
))
@example(b"---\ntitle: " + b"[" * 3000 + b"]" * 3000 + b"\n---\nIndia paid $4 billion.")  # RecursionError
def test_reader_raises_input_error_or_returns_a_document(data: bytes) -> None:
    try:
        doc = read_bytes(data, "upload.txt")
    except InputError as exc:
        assert exc.name == "upload.txt" and exc.reason
        return
    assert doc.text[doc.body_start:].strip()
    assert "\x00" not in doc.text
    if doc.encoding == "utf-8" and not data.startswith(b"\xef\xbb\xbf") and b"<" not in data:  # not HTML
        assert doc.text == data.decode("utf-8")  # nothing dropped or replaced


@SETTINGS
@given(st.lists(st.sampled_from([".", "!", "?", " ", "\n", "A", "a", "”", ")", "Mr", "Rs", "1", "x" * 700]),
               max_size=60).map("".join))
@example("x" * 1400 + "  " + "x" * 1400)  # bug: a run-on cut at the first of two spaces kept one
def test_sentences_stay_in_the_text_and_under_the_cap(text: str) -> None:
    previous_end = 0
    for start, end in split_sentences(text):
        assert previous_end <= start < end <= len(text)
        assert end - start <= MAX_SENTENCE
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous_end = end
