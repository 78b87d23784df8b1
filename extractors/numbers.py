"""Turn the number a pattern captured into an exact Decimal.

>>> from extractors.rules import default_rules
>>> parse_number("1,23,456", default_rules())
Decimal('123456')
>>> parse_number("twenty-six", default_rules())
Decimal('26')
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from extractors.rules import Rules

_GROUP_SEPARATORS = re.compile("[,\u00a0\u2007\u2009\u202f]")
_DECIMAL_COMMA = re.compile(r"[0-9]{1,3},[0-9]{1,2}")  # "117,7": the rules let it through only before a scale word
_WORD_SPLIT = re.compile(r"[\s-]+")


def parse_number(surface: str, rules: Rules) -> Decimal | None:
    """Digits with any grouping, or English number words; None when it is neither."""
    text = surface.strip()
    if not text:
        return None
    if text[0].isdigit():
        if _DECIMAL_COMMA.fullmatch(text):
            return Decimal(text.replace(",", "."))
        try:
            return Decimal(_GROUP_SEPARATORS.sub("", text))
        except InvalidOperation:
            return None
    return _parse_words(text.lower(), rules)


def _parse_words(text: str, rules: Rules) -> Decimal | None:
    current = 0
    seen = False
    for word in _WORD_SPLIT.split(text):
        if word in ("a", "and", ""):
            if word == "a":
                current = current or 1
            continue
        if word in rules.number_units:
            current += rules.number_units[word]
        elif word in rules.number_tens:
            current += rules.number_tens[word]
        elif word in rules.number_multipliers:
            current = (current or 1) * rules.number_multipliers[word]
        else:
            return None
        seen = True
    return Decimal(current) if seen else None


def scale_of(surface: str | None, rules: Rules) -> Decimal:
    """The factor a scale word stands for ("crore" -> 1e7); 1 when there is none."""
    if not surface:
        return Decimal(1)
    key = " ".join(_WORD_SPLIT.split(surface.strip().lower())) if surface.strip().lower() not in rules.scales \
        else surface.strip().lower()
    factor = rules.scales.get(key) or rules.scales.get(key.replace(" ", "-")) or rules.scales.get(surface.strip())
    return Decimal(repr(factor)) if factor else Decimal(1)
