"""Faster scans with the standard library engine: tell it which characters a match can begin with.

`re` skips ahead quickly only when a pattern starts with a literal or a character set. Ours mostly start
with a word boundary, an optional "the" or a lookbehind, so the engine tries every position of the text.
`with_first_chars` works out, from the parsed pattern, every character a match can begin with and puts a
lookahead for them in front. The lookahead only refuses positions where the pattern could not match
anyway, so matches are unchanged; a pattern whose first character cannot be pinned down is left as it is.

>>> with_first_chars(r"\\b(?:the\\s+)?(?P<which>first|second)\\s+half")
'(?=[fst])(?:\\\\b(?:the\\\\s+)?(?P<which>first|second)\\\\s+half)'
>>> with_first_chars(r"\\d+ years")  # any digit, Unicode's too: left alone
'\\\\d+ years'
>>> with_first_chars("india|russia")  # the engine already skips to an "i" or an "r"
'india|russia'
"""

from __future__ import annotations

import re

try:  # the standard library's own regex parser (private, stable since 3.11); without it, patterns stay as written
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python
    _parser = None

_ZERO_WIDTH = {c.AT, c.ASSERT, c.ASSERT_NOT} if _parser else set()
_REPEATS = {c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT} if _parser else set()
_WIDEST_RANGE = 64  # a character range wider than this ("a-z" is 26) is not worth a lookahead


def with_first_chars(source: str) -> str:
    """`source` behind a lookahead for the characters its matches can begin with (see the module)."""
    if _parser is None:
        return source
    try:
        parsed = _parser.parse(source)
        if parsed.state.flags & (re.IGNORECASE | re.VERBOSE):
            return source
        if _engine_skips_ahead(parsed):
            return source
        chars, can_be_empty = _first(parsed)
    except (re.error, _GiveUp):
        return source
    if can_be_empty or not chars:
        return source
    body = "".join(sorted(chars))
    return f"(?=[{re.escape(body)}])(?:{source})"


def _engine_skips_ahead(items: list) -> bool:
    """Whether `re` finds the first characters itself: a literal, a set, or alternatives that each begin with a
    literal. A lookahead in front of those only slows the scan down."""
    if not items:
        return False
    op, arg = items[0]
    if op in (c.LITERAL, c.IN):
        return True
    if op == c.BRANCH:
        return all(alternative and alternative[0][0] == c.LITERAL for alternative in arg[1])
    return False


class _GiveUp(Exception):
    """The first character cannot be pinned down (any character, a category, a back-reference...)."""


def _first(items: list) -> tuple[set[str], bool]:
    """Characters a match of the sequence can start with, and whether it can match the empty string."""
    chars: set[str] = set()
    for op, arg in items:
        first, can_be_empty = _first_of(op, arg)
        chars |= first
        if not can_be_empty:
            return chars, False
    return chars, True


def _first_of(op: object, arg: object) -> tuple[set[str], bool]:  # noqa: C901 - one case per node type
    if op == c.LITERAL:
        return {chr(arg)}, False  # type: ignore[arg-type]
    if op in _ZERO_WIDTH:
        return set(), True
    if op == c.IN:
        return _set_of(arg), False  # type: ignore[arg-type]
    if op == c.SUBPATTERN:
        _group, add_flags, del_flags, items = arg  # type: ignore[misc]
        if add_flags or del_flags:
            raise _GiveUp
        return _first(items)
    if op == c.ATOMIC_GROUP:
        return _first(arg)  # type: ignore[arg-type]
    if op == c.BRANCH:
        chars: set[str] = set()
        empty = False
        for items in arg[1]:  # type: ignore[index]
            first, can_be_empty = _first(items)
            chars |= first
            empty = empty or can_be_empty
        return chars, empty
    if op in _REPEATS:
        low, _high, items = arg  # type: ignore[misc]
        first, can_be_empty = _first(items)
        return first, can_be_empty or low == 0
    raise _GiveUp


def _set_of(members: list) -> set[str]:
    chars: set[str] = set()
    for op, arg in members:
        if op == c.LITERAL:
            chars.add(chr(arg))
        elif op == c.RANGE and arg[1] - arg[0] <= _WIDEST_RANGE:
            chars.update(chr(code) for code in range(arg[0], arg[1] + 1))
        else:  # a negated set, a category (\d, \s), a wide range
            raise _GiveUp
    return chars
