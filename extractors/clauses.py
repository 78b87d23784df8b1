"""Divide a sentence into clauses, so that each figure's meaning is looked for in its own part first.

Markers live in `rules/clauses.yaml`. Brackets make an aside: a clause inside another, which borrows what
it lacks from the clause around it.

>>> text = "exports grew to $86.5 billion, while imports rose to $45.3 billion (up 7%)."
>>> [(text[c.start:c.end], c.kind) for c in split_clauses(text, 0, len(text))]
[('exports grew to $86.5 billion', 'main'), (', while imports rose to $45.3 billion (up 7%).', 'contrast'), \
('(up 7%)', 'aside')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from extractors.errors import RulesError
from extractors.scanning import with_first_chars

CLAUSES_FILE = Path(__file__).with_name("rules") / "clauses.yaml"
KINDS = ("contrast", "relative", "comparison")


@dataclass(frozen=True)
class Clause:
    """Part of a sentence: [start, end) in the document, how it begins, and the clause it sits in."""

    start: int
    end: int
    kind: str  # main | contrast | relative | comparison | and | aside
    parent: int | None = None  # index of the enclosing clause (asides) in the sentence's list


@lru_cache(maxsize=1)
def _breaks() -> re.Pattern:
    """One scanning regex over lowered text; the group that matched names the kind of break."""
    try:
        data = yaml.safe_load(CLAUSES_FILE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{CLAUSES_FILE.name}: cannot read: {exc}") from exc
    if not isinstance(data, dict) or not set(data) <= set(KINDS) | {"and_starts"}:
        raise RulesError(f"{CLAUSES_FILE.name}: expected the keys {', '.join(KINDS)}, and_starts")

    def alternation(markers: list[str]) -> str:
        # Literal spaces, not \s+: every alternative then starts with a literal character, which lets the engine
        # skip along the sentence instead of trying each position (five times faster on news text).
        escaped = (re.escape(str(m)).replace(r"\ ", " ") for m in sorted(markers, key=len, reverse=True))
        return "|".join(escaped) or "(?!)"

    groups = [f"(?P<{kind}>{alternation(data.get(kind) or [])})" for kind in KINDS]
    starts = alternation(data.get("and_starts") or [])
    groups.append(rf"(?P<and> and (?=(?:{starts})\b))")
    return re.compile(with_first_chars("|".join(groups)))


def split_clauses(lower: str, start: int, end: int) -> list[Clause]:
    """Clauses of the sentence `lower[start:end]` (a lower-cased text), top-level ones in order, then asides."""
    asides = _brackets(lower, start, end)
    clauses: list[Clause] = []
    cursor, kind = start, "main"
    for m in _breaks().finditer(lower, start, end):
        at = m.start()
        if any(a <= at < b for a, b in asides):
            continue
        if at > cursor:
            clauses.append(Clause(cursor, at, kind))
        cursor, kind = at, m.lastgroup or "contrast"
    if end > cursor:
        clauses.append(Clause(cursor, end, kind))
    for a, b in asides:
        parent = next((i for i, c in enumerate(clauses) if c.start <= a < c.end), None)
        clauses.append(Clause(a, b, "aside", parent))
    return clauses


def _brackets(lower: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of "( ... )" in the sentence, brackets included; an unclosed bracket runs to the end."""
    found = []
    at = lower.find("(", start, end)
    while at >= 0:
        close = lower.find(")", at, end)
        stop = close + 1 if close >= 0 else end
        found.append((at, stop))
        at = lower.find("(", stop, end)
    return found


def clause_at(clauses: list[Clause], offset: int) -> int:
    """Index of the innermost clause holding `offset` (an aside before the clause around it)."""
    best = 0
    for i, clause in enumerate(clauses):
        if clause.start <= offset < clause.end:
            if clause.kind == "aside":
                return i
            best = i
    return best


def clause_chain(clauses: list[Clause], index: int) -> list[int]:
    """The clause, then the clauses it may borrow from: its enclosing clause, then those before it."""
    chain = [index]
    clause = clauses[index]
    if clause.parent is not None:
        chain.append(clause.parent)
        clause = clauses[clause.parent]
        index = clause.parent if clause.parent is not None else chain[-1]
    if clause.kind in ("comparison", "relative", "aside", "and"):
        previous = [i for i, c in enumerate(clauses) if c.kind != "aside" and c.end <= clause.start]
        chain.extend(reversed(previous))
    return list(dict.fromkeys(chain))
