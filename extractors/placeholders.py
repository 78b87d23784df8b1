"""A rule's pattern as written in patterns.yaml, and as compiled: placeholders filled in, or made opaque for the
safety check; positions in the compiled pattern taken back to the line a person wrote.

Placeholders expand to hundreds of characters each, so `regex`'s "missing ) at position 1711" is no help for a
pattern of 80 characters:

>>> import regex
>>> compile_error_text(regex.error("missing )", "(?:abcd)(", 9), "{x}(", {"x": "(?:abcd)"})
"missing ) at position 4 of the pattern as written (after '{x}(')"
"""

from __future__ import annotations

import re
from collections.abc import Callable

PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")  # as extractors.rules reads them ("{3}" is a repeat count)


def expand(raw: str, placeholders: dict[str, str]) -> tuple[str, Callable[[int], int]]:
    """The pattern with its placeholders filled in (and `\\d` as ASCII digits), as extractors.rules compiles it,
    and a function taking a position in that back to the pattern as written."""
    pieces: list[tuple[int, int, bool]] = []  # (start in the expansion, start in raw, copied one for one)
    out: list[str] = []
    length = 0

    def add(text: str, at: int, literal: bool) -> None:
        nonlocal length
        pieces.append((length, at, literal))
        out.append(text)
        length += len(text)

    def add_literal(text: str, at: int) -> None:
        for part in re.split(r"(\\d)", text):  # `\d` becomes `[0-9]`: five characters for two
            if part:
                add("[0-9]" if part == r"\d" else part, at, part != r"\d")
            at += len(part)

    cursor = 0
    for match in PLACEHOLDER.finditer(raw):
        add_literal(raw[cursor:match.start()], cursor)
        expansion = placeholders.get(match.group(1))
        if expansion is None:  # "{3}": a repeat count, kept as written
            add_literal(match.group(0), match.start())
        else:
            add(expansion.replace(r"\d", "[0-9]"), match.start(), False)
        cursor = match.end()
    add_literal(raw[cursor:], cursor)

    def raw_position(position: int) -> int:
        if position >= length:
            return len(raw)
        for start, at, literal in reversed(pieces):
            if start <= position:
                return at + (position - start if literal else 0)
        return 0

    return "".join(out), raw_position


def compile_error_text(exc: Exception, raw: str, placeholders: dict[str, str]) -> str:
    """`regex`'s complaint with its position moved into the pattern as written, and the text just before it."""
    position = getattr(exc, "pos", None)
    if position is None:  # e.g. a ValueError for an inline flag that contradicts the rules' flags
        return str(exc)
    at = expand(raw, placeholders)[1](position)
    before = raw[:at] if at <= 30 else "…" + raw[at - 29:at]
    return f"{getattr(exc, 'msg', exc)} at position {at} of the pattern as written (after '{before}')"


def opaque(raw: str, placeholders: dict[str, str]) -> str:
    """The pattern as written, each placeholder standing as one character that may be anything: the safety
    check (extractors.safety) judges a rule's own shape, so an alternative beside a placeholder under a repeat
    is refused whatever the placeholder's words, while the placeholders the code builds are not judged again
    with every rule. Repeat counts ("{3}") stay as written."""
    return PLACEHOLDER.sub(lambda m: "(?s:.)" if m.group(1) in placeholders else m.group(0), raw)
