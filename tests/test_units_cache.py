"""pint's answers kept on disk (extractors.units): a second process loads the same rules without pint, with
the same factors; a damaged or missing file, or a changed definition, sends the question back to pint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LOAD = """
import json, sys
from extractors.rules import load_rules
rules = load_rules(sys.argv[1] if len(sys.argv) > 1 else None)
print(json.dumps({"pint": "pint" in sys.modules, "units": sorted(rules.units.items()),
                  "scales": sorted(rules.scales.items())}))
"""


def _load(cache: str, *args: str) -> dict:
    env = {**os.environ, "FIGURE_DESK_CACHE": cache}
    done = subprocess.run([sys.executable, "-c", LOAD, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_second_process_loads_without_pint_and_gets_the_same_factors(tmp_path: Path) -> None:
    first = _load(str(tmp_path))
    second = _load(str(tmp_path))

    assert first["pint"] and not second["pint"]
    assert second["units"] == first["units"] and second["scales"] == first["scales"]
    assert len(list(tmp_path.glob("pint-*-answers.json"))) == 1


def test_a_damaged_answers_file_is_asked_again(tmp_path: Path) -> None:
    reference = _load(str(tmp_path))
    answers = next(tmp_path.glob("pint-*-answers.json"))
    answers.write_text("{not json", encoding="utf-8")

    again = _load(str(tmp_path))

    assert again["pint"] and again["units"] == reference["units"]
    assert json.loads(answers.read_text(encoding="utf-8"))  # rewritten whole


def test_off_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "FIGURE_DESK_CACHE": "off", "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    subprocess.run([sys.executable, "-c", LOAD], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)

    assert not home.exists() or not any(home.rglob("*answers.json"))


@pytest.mark.parametrize("line", ["bcm = 1e9 * meter ** 3", "bcm = 2e9 * meter ** 3"])
def test_a_changed_definition_is_a_new_question(line: str, tmp_path: Path) -> None:
    """Two rules folders that define `bcm` differently each get pint's own answer, from one answers file."""
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(ROOT / "extractors" / "rules", folder)
    units = folder / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("bcm = 1e9 * meter ** 3", line), encoding="utf-8")
    cache = str(tmp_path / "cache")
    _load(cache)  # the bundled rules first: their answers are on disk

    loaded = _load(cache, str(folder))

    expected = 1e9 if line.startswith("bcm = 1e9") else 2e9
    assert dict(map(tuple, loaded["units"]))["bcm"][1] == pytest.approx(expected)


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from extractors import units

    def disk_full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setenv("FIGURE_DESK_CACHE", str(tmp_path))
    monkeypatch.setattr(units, "_new_answers", True)
    monkeypatch.setattr(units.json, "dump", disk_full)

    units.save_answers()  # no cache is not an error

    assert list(tmp_path.iterdir()) == []
    assert units._new_answers  # still to be written by a later load
