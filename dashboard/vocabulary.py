"""What the dashboard takes from the extraction rules, read from three rules files without compiling a pattern
(``rules.default_reference``): metric labels, each designation's usual supplier, the counted things that are not
arms, and the home countries. Each is empty while the rules cannot be read: the pages go on showing what is
stored, and the app's rules panel says why.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from extractors.errors import RulesError
from extractors.rules import default_reference

T = TypeVar("T")


def _from_rules(read: Callable[[Any], T], empty: T) -> T:
    try:
        return read(default_reference())
    except RulesError:
        return empty


def metric_labels() -> dict[str, str]:
    """What a person reads for each metric, as defined once in the rules (metrics.yaml)."""
    try:
        return _metric_labels()
    except RulesError:
        return {}


@cache  # a failure is not cached: the labels come back once the file is fixed
def _metric_labels() -> dict[str, str]:
    return {name: spec["label"] for name, spec in default_reference().metrics.items()}


def designation_origins() -> dict[str, str]:
    """Each designation's usual supplier (items.yaml)."""
    return _from_rules(lambda reference: reference.designation_origin, {})


def civil_nouns() -> frozenset[str]:
    """Counted things that are not arms (items.yaml: civil_families)."""
    return _from_rules(lambda reference: reference.civil_nouns, frozenset())


def home_countries() -> tuple[str, ...]:
    """The countries whose side a pair is read from (countries.yaml: India for India–Russia)."""
    return _from_rules(lambda reference: reference.home, ())
