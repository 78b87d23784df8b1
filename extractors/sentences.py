"""Split a document body into sentences, as character spans of the original text.

>>> text = "Trade rose. Rs. 500 crore was paid to Mr. Rao. Done"
>>> [text[s:e] for s, e in split_sentences(text)]
['Trade rose.', 'Rs. 500 crore was paid to Mr. Rao.', 'Done']
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from extractors.errors import RulesError
from extractors.rule_files import read_yaml
from extractors.scanning import with_first_chars

SENTENCES_FILE = Path(__file__).with_name("rules") / "sentences.yaml"


def load_abbreviations(path: Path = SENTENCES_FILE) -> frozenset[str]:
    """The words after which a full stop does not end a sentence; RulesError names a broken file."""
    data = read_yaml(path)
    words = data.get("abbreviations") if isinstance(data, dict) else None
    if not isinstance(words, list):
        raise RulesError(f"{path.name}: abbreviations must be a list of words")
    for word in words:
        if not isinstance(word, str) or not word.strip(". "):
            raise RulesError(f"{path.name}: abbreviation {word!r} is not a word (quote words YAML reads "
                             "otherwise, such as \"no\")")
    return frozenset(w.lower().rstrip(".") for w in words)


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    return load_abbreviations()


MAX_SENTENCE = 2000  # a run-on "sentence" longer than this is cut, to bound the work per match

# A run of terminators is tried once, from its first character, and never backtracked into: a line of
# ten thousand dots ("........") would otherwise be rescanned from every dot (quadratic).
_BOUNDARY = re.compile(with_first_chars(
    r"""(?<![.!?])[.!?]++["”’)\]]*+(?=\s+["“‘(\[]?[A-Z0-9₹$€£])|\n\s*\n|\n(?=\s*[A-Z"“‘#*\-•])"""))
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Spans (start, end) of sentences in text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    known = abbreviations()
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end() if m.group(0)[0] in ".!?" else m.start()
        if m.group(0)[0] == ".":
            w = _WORD_BEFORE.search(text, max(cursor, m.start() - 12), m.start() + 1)
            if w and (w.group(1).lower() in known or len(w.group(1)) == 1):
                continue
        _add(text, cursor, stop, spans)
        cursor = stop
    _add(text, cursor, end, spans)
    return spans


def _add(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    while e - s > MAX_SENTENCE:
        cut = text.rfind(" ", s, s + MAX_SENTENCE)
        cut = cut if cut > s + MAX_SENTENCE // 2 else s + MAX_SENTENCE
        piece_end = cut
        while text[piece_end - 1].isspace():  # a cut at the first of several spaces
            piece_end -= 1
        spans.append((s, piece_end))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if e > s:
        spans.append((s, e))
