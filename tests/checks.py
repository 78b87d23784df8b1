"""Assertions shared by the case-table tests."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from extractors.model import Fact


def assert_fields(fact: Fact, expected: Mapping[str, Any], where: str = "") -> None:
    """Each expected field of `fact` equals its value; floats within a relative 1e-9 (scales are multiplied)."""
    for key, value in expected.items():
        actual = getattr(fact, key)
        if isinstance(value, float) and actual is not None:
            assert math.isclose(actual, value, rel_tol=1e-9), f"{key}: {actual} != {value}{where}"
        else:
            assert actual == value, f"{key}: {actual!r} != {value!r}{where}"
