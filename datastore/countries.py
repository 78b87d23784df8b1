"""Countries and pairs as the store names them: a country by the name the extraction rules give it (found by its
ISO code or any alias), a pair written "India–Russia" (names sorted, an en dash between them), and the spellings of
a pair read back from a person (a URL, a feeds list, a statistics file).

>>> next(pair_splits("Guinea-Bissau–India")), next(pair_splits("India - United States"))
(('Guinea-Bissau', 'India'), ('India', 'United States'))
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

PAIR_SEPARATOR = "\u2013"  # en dash: "India–Russia", as the store and every page write a pair
# What a person may type between two names, tried in this order: a hyphen last, since a name may hold one
# ("Guinea-Bissau–India").
SEPARATORS_READ = (PAIR_SEPARATOR, "\u2014", "/", " - ", "-")


def pair_splits(text: str) -> Iterator[tuple[str, str]]:
    """Each way of reading ``text`` as two names, in the order of :data:`SEPARATORS_READ` (names as written)."""
    for separator in SEPARATORS_READ:
        parts = [part.strip() for part in text.split(separator)]
        if len(parts) == 2 and all(parts):
            yield parts[0], parts[1]


class Countries:
    """Country names as the extraction rules define them (countries.yaml): by ISO alpha-3 code or by any name."""

    def __init__(self, table: Mapping[str, Mapping[str, Any]]) -> None:
        self.by_code = {str(spec["iso3"]).upper(): name for name, spec in table.items()}
        self.by_name: dict[str, str] = {}
        for name, spec in table.items():
            for alias in (name, *spec.get("aliases", ())):
                self.by_name.setdefault(str(alias).casefold(), name)

    def find(self, code: object = None, name: object = None) -> str | None:
        code_text = str(code).strip().upper() if isinstance(code, str) else ""
        if code_text in self.by_code:
            return self.by_code[code_text]
        name_text = " ".join(str(name).split()).casefold() if isinstance(name, str) else ""
        return self.by_name.get(name_text)


def default_countries() -> Countries:
    from extractors.rules import default_rules

    return Countries(default_rules().countries)
