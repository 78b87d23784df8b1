"""Load-time check of rule patterns for catastrophic backtracking, done on the tree the `regex` module itself
parses a pattern into.

The rules run on `regex`, so they are checked on what `regex` reads. The standard library's parser reads some
patterns otherwise (it folds ``[ ]|\\s`` into one character class, hiding the overlap that makes
``([ ]|\\s)+$`` exponential in `regex`) and cannot read others at all (``\\p{L}``), which used to let them
through unchecked. What cannot be checked is refused, never waved through. Two shapes are refused:

- an unbounded repeat inside another unbounded repeat, ``(a+)+``, ``(?:\\w+\\s?)+``;
- under an unbounded repeat, an alternation with two alternatives that can begin with the same character,
  ``(a|aa)+``, ``([ ]|\\s)+``, or an alternative that can match nothing: each repetition could then be
  matched in more than one way.

Atomic groups and possessive repeats are not backtracked into, so what they hold starts afresh. The rules
loader passes a pattern as written, each placeholder standing as one character that may be anything
(extractors.rules). Slow patterns of other shapes (an unbounded repeat inside a bounded one,
``(?:\\s+){0,16}$``) pass: the time budget per document (extractors.budget) is the last line of defence.

>>> check_pattern_safety(r"([ ]|\\s)+$")
"alternatives under an unbounded repeat can both match ' ' (catastrophic backtracking); make them exclusive"
>>> check_pattern_safety(r"(?:\\s|,)+$") is None
True
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from itertools import combinations
from typing import Any

import regex

try:  # the module `regex` parses with; private, so its absence makes every pattern unchecked (refused)
    from regex import _regex_core as _core
except ImportError:  # pragma: no cover - a regex release that moved its parser
    _core = None

FLAGS = regex.IGNORECASE | regex.VERSION0  # as the rules are compiled (extractors.rules.FLAGS)
NESTED = "nested unbounded quantifiers (catastrophic backtracking); bound the inner repeat"
UNCHECKABLE = ("cannot be checked for catastrophic backtracking with this release of the regex module; "
               "use the release requirements.txt names")
_CHILDREN = ("subpattern", "items", "branches", "yes_item", "no_item")


class _Unsafe(Exception):
    """Carries the reason up from deep in the tree."""


def check_pattern_safety(source: str, flags: int = FLAGS) -> str | None:
    """A reason to refuse a pattern that could backtrack catastrophically, else None.

    A pattern `regex` cannot parse is not judged here (None): compiling it reports the real error.
    """
    if _core is None:
        return UNCHECKABLE
    try:
        tree = _parse(source, flags)
    except (regex.error, ValueError):
        return None
    except RecursionError:
        return "pattern nests too deeply"
    try:
        _walk(tree, inside_unbounded=False)
    except _Unsafe as unsafe:
        return str(unsafe)
    except RecursionError:
        return "pattern nests too deeply"
    except Exception as exc:  # noqa: BLE001 - the private parser changed shape: refuse rather than guess
        return f"{UNCHECKABLE} ({type(exc).__name__}: {exc})"
    return None


def _parse(source: str, flags: int) -> Any:
    """The tree `regex.compile` builds before optimising it (as in regex._main._compile)."""
    global_flags = flags
    while True:
        text = _core.Source(source)
        info = _core.Info(global_flags, text.char_type, {})
        info.guess_encoding = _core.UNICODE
        text.ignore_space = bool(info.flags & regex.VERBOSE)
        try:
            tree = _core._parse_pattern(text, info)
        except _core._UnscopedFlagSet:  # a global flag mid-pattern: parse again with it set throughout
            global_flags = info.global_flags
            continue
        return tree


def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, _core.SetBase):  # one character: nothing to backtrack
        return
    for name in _CHILDREN:
        value = getattr(node, name, None)
        if isinstance(value, _core.RegexBase):
            yield value
        elif isinstance(value, list | tuple):
            yield from (v for v in value if isinstance(v, _core.RegexBase))


def _unbounded(node: Any) -> bool:
    return (isinstance(node, _core.GreedyRepeat) and not isinstance(node, _core.PossessiveRepeat)
            and node.max_count is None)


def _walk(node: Any, inside_unbounded: bool) -> None:
    """Raise _Unsafe at the first refused shape: nested repeats first, then alternations under a repeat."""
    repeated = _unbounded(node)
    if isinstance(node, _core.Atomic | _core.PossessiveRepeat):
        inside_unbounded = False  # never backtracked into from outside
    elif repeated and inside_unbounded:
        raise _Unsafe(NESTED)
    for child in _children(node):
        _walk(child, inside_unbounded or repeated)
    if repeated and not inside_unbounded:
        _check_alternations(node.subpattern)


def _check_alternations(body: Any) -> None:
    """Refuse an alternation anywhere in a repeated body whose alternatives could start alike."""
    if isinstance(body, _core.Branch):
        firsts = [_first(alternative) for alternative in body.branches]
        if any(None in first for first in firsts):
            raise _Unsafe("an alternative under an unbounded repeat can match nothing "
                          "(catastrophic backtracking); make every alternative consume text")
        for a, b in combinations(firsts, 2):
            shared = _shared_first_character(a, b)
            if shared is not None:
                raise _Unsafe(f"alternatives under an unbounded repeat can both match {shared!r} "
                              "(catastrophic backtracking); make them exclusive")
    for child in _children(body):
        _check_alternations(child)


def _first(node: Any) -> set[Any]:
    """The one-character nodes a match of `node` can begin with; None in the set when it can match nothing
    (zero-width assertions are looked through, as they consume nothing)."""
    if isinstance(node, _core.Character | _core.Range | _core.Property | _core.SetBase | _core.Any):
        return {node}
    if isinstance(node, _core.String):
        return {_core.Character(node.characters[0], case_flags=node.case_flags)}
    if isinstance(node, _core.ZeroWidthBase | _core.LookAround):
        return {None}
    if isinstance(node, _core.Sequence):
        found: set[Any] = set()
        for item in node.items:
            first = _first(item)
            found |= first - {None}
            if None not in first:
                return found
        return found | {None}
    if type(node) is _core.Branch:
        return set().union(*(_first(b) for b in node.branches))
    if isinstance(node, _core.GreedyRepeat):  # lazy and possessive too
        return _first(node.subpattern) | ({None} if node.min_count == 0 else set())
    if isinstance(node, _core.Group | _core.Atomic):
        return _first(node.subpattern)
    raise _Unsafe(f"an alternative under an unbounded repeat starts with {type(node).__name__.lower()}, which "
                  "this check cannot follow (catastrophic backtracking is possible); make the alternatives "
                  "plainly exclusive")


def _shared_first_character(a: set[Any], b: set[Any]) -> str | None:
    """A character that a node of each set matches, found by `regex` itself over every code point, else None."""
    for x in a:
        for y in b:
            found = regex.search(f"(?=(?:{_one_character(x)}))(?:{_one_character(y)})", _every_character(),
                                 regex.VERSION1)
            if found:
                return found.group()
    return None


_ANY = {"Any": "[^\\n]", "AnyAll": "(?s:.)", "AnyU": "[^\\n\\r\\x0b\\x0c\\x85\\u2028\\u2029]"}


def _one_character(node: Any) -> str:
    """The node as a one-character pattern (version 1 syntax), with its own case-insensitivity."""
    if isinstance(node, _core.Any):
        return _ANY[type(node).__name__]
    body = f"[{_in_set(node)}]"
    return f"(?i:{body})" if node.case_flags & _core.IGNORECASE else body


def _in_set(node: Any) -> str:
    """The node written as the inside of a character class."""
    if isinstance(node, _core.Character):
        return _char(node.value) if node.positive else f"[^{_char(node.value)}]"
    if isinstance(node, _core.Range):
        span = f"{_char(node.lower)}-{_char(node.upper)}"
        return span if node.positive else f"[^{span}]"
    if isinstance(node, _core.Property):
        name, values = _core.PROPERTY_NAMES[node.value >> 16]
        return f"\\{'p' if node.positive else 'P'}{{{name}={values[node.value & 0xFFFF]}}}"
    joins = {_core.SetUnion: "", _core.SetInter: "&&", _core.SetDiff: "--", _core.SetSymDiff: "~~"}
    members = [_in_set(item) for item in node.items]
    wrapped = [m if m.startswith("[") else f"[{m}]" for m in members]
    return f"[{'' if node.positive else '^'}{joins[type(node)].join(wrapped)}]"


def _char(code: int) -> str:
    return f"\\U{code:08x}"


@lru_cache(maxsize=1)
def _every_character() -> str:
    """Every code point once, built the first time two alternatives are compared (about 0.1 s, 4 MB); the
    space, lower-case letters and digits first, so that the character a refusal names is a plain one."""
    plain = " abcdefghijklmnopqrstuvwxyz0123456789"
    return plain + "".join(chr(c) for c in range(0x110000) if chr(c) not in plain)
