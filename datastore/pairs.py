"""How a pair of countries is written: "India–Russia" (names sorted, an en dash between them), and the spellings
read back from a person (a URL, a feeds list, a statistics file).

>>> next(pair_splits("Guinea-Bissau–India")), next(pair_splits("India - United States"))
(('Guinea-Bissau', 'India'), ('India', 'United States'))
"""

from __future__ import annotations

from collections.abc import Iterator

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
