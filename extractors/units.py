"""pint is the source of every scale and unit factor; it is asked once per question, when rules load.

Importing pint and building its registry takes about a second, more than loading everything else. So pint's
answers are also kept in a small JSON file in the user's cache folder, keyed by pint's version and by the
definitions in force when the question was asked: a later process that loads the same rules (the CLI, each
ingest worker, the app) reads the answers and never imports pint. A changed or new definition, unit or
scale is a new question and goes to pint. `FIGURE_DESK_CACHE` names another folder, or `off`.

>>> scale_factor("1e7")
10000000.0
>>> unit_conversion("kilotonne", "tonne")
('metric_ton', 1000.0)
"""

from __future__ import annotations

import json
import os
import tempfile
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pint

_defines: list[str] = []  # definition lines in force, in the order they were made
_applied = 0              # how many of them the registry has taken
_answers: dict[str, Any] | None = None
_new_answers = False


@lru_cache(maxsize=1)
def _base_registry() -> pint.UnitRegistry:
    import pint

    return pint.UnitRegistry(cache_folder=None)


def registry() -> pint.UnitRegistry:
    """pint's registry with every definition made so far."""
    global _applied
    ureg = _base_registry()
    while _applied < len(_defines):
        _apply(ureg, _defines[_applied])
        _applied += 1
    return ureg


def _apply(ureg: pint.UnitRegistry, line: str) -> None:
    name = line.split("=", 1)[0].strip()
    if name not in ureg:  # redefining the same name is ignored
        ureg.define(line)


def define(line: str) -> None:
    """Add a definition line (pint's grammar); a line pint rejects raises here."""
    global _applied
    question = _question("define", line)  # asked with the definitions before this one
    if question not in _load_answers():
        ureg = registry()
        _apply(ureg, line)
        _applied += 1
        _remember(question, True)
    _defines.append(line)  # after a remembered answer, the registry takes the line when next needed


def scale_factor(expression: str) -> float:
    """A dimensionless multiplier written as pint reads it ('1e7', '10**7', '1e5 * 100')."""
    question = _question("scale", expression)
    known = _load_answers().get(question)
    if known is not None:
        return float(known)
    import pint

    quantity = registry().parse_expression(expression)
    factor = float(quantity) if not isinstance(quantity, pint.Quantity) else float(
        quantity.to("dimensionless").magnitude)
    _remember(question, factor)
    return factor


def unit_conversion(unit: str, to: str | None = None) -> tuple[str, float]:
    """The unit string a fact carries and the factor from `unit` to it."""
    question = _question("unit", unit, to)
    known = _load_answers().get(question)
    if known is not None:
        return str(known[0]), float(known[1])
    import pint

    ureg = registry()
    source = ureg.parse_expression(unit)
    if not isinstance(source, pint.Quantity):
        source = ureg.Quantity(source)
    target = ureg.parse_expression(to) if to else ureg.Quantity(1, source.units)
    if not isinstance(target, pint.Quantity):
        target = ureg.Quantity(target)
    answer = str(target.units), float(source.to(target.units).magnitude)
    _remember(question, list(answer))
    return answer


# --------------------------------------------------------------------------- pint's answers on disk

def _question(*asked: str | None) -> str:
    """The key of an answer: what was asked, and the definitions in force when it was."""
    return json.dumps([list(asked), _defines])


def _remember(question: str, answer: Any) -> None:
    global _new_answers
    _load_answers()[question] = answer
    _new_answers = True


def answers_file() -> Path | None:
    """Where pint's answers are kept; None when caching is off."""
    chosen = os.environ.get("FIGURE_DESK_CACHE")
    if chosen == "off":
        return None
    folder = Path(chosen) if chosen else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "figure-desk"
    return folder / f"pint-{version('pint')}-answers.json"


def _load_answers() -> dict[str, Any]:
    global _answers
    if _answers is None:
        _answers = {}
        path = answers_file()
        try:
            loaded = json.loads(path.read_text(encoding="utf-8")) if path else {}
            _answers = loaded if isinstance(loaded, dict) else {}
        except (OSError, ValueError):
            pass  # missing, unreadable or damaged: ask pint again
    return _answers


def save_answers() -> None:
    """Write new answers (atomically; a folder we cannot write to only means no cache)."""
    global _new_answers
    path = answers_file()
    if not _new_answers or path is None:
        return
    handle = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False,
                                         suffix=".tmp") as handle:
            json.dump(_answers, handle)
        os.replace(handle.name, path)
        _new_answers = False
    except OSError:
        if handle is not None:  # a full disk: leave no half-written file behind
            Path(handle.name).unlink(missing_ok=True)
