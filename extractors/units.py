"""pint is the source of every scale and unit factor; it is asked once, when rules load.

>>> scale_factor("1e7")
10000000.0
>>> unit_conversion("kilotonne", "tonne")
('metric_ton', 1000.0)
"""

from __future__ import annotations

from functools import lru_cache

import pint


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(cache_folder=None)
    ureg.define("lakh = 1e5")
    ureg.define("crore = 1e7")
    return ureg


def define(line: str) -> None:
    """Add a definition line (pint's grammar); redefining the same name is ignored."""
    ureg = registry()
    name = line.split("=", 1)[0].strip()
    if name in ureg:
        return
    ureg.define(line)


def scale_factor(expression: str) -> float:
    """A dimensionless multiplier, e.g. '1e7' or 'crore'."""
    quantity = registry().parse_expression(expression)
    if not isinstance(quantity, pint.Quantity):
        return float(quantity)
    return float(quantity.to("dimensionless").magnitude)


def unit_conversion(unit: str, to: str | None = None) -> tuple[str, float]:
    """The unit string a fact carries and the factor from `unit` to it."""
    ureg = registry()
    source = ureg.parse_expression(unit)
    if not isinstance(source, pint.Quantity):
        source = ureg.Quantity(source)
    target = ureg.parse_expression(to) if to else ureg.Quantity(1, source.units)
    if not isinstance(target, pint.Quantity):
        target = ureg.Quantity(target)
    converted = source.to(target.units)
    return str(target.units), float(converted.magnitude)
