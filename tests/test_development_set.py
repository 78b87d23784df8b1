"""The extractor on the team's development set of real stories (../shared/eval): a floor under what it scores,
so that a change that loses meaning fails here, not only in `make eval`. Skips when ../shared is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evaluate import score_dev

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
pytestmark = pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="../shared/eval not present")


@pytest.fixture(scope="module")
def result() -> dict:
    return score_dev(SHARED)


def test_figures_are_found_with_their_values(result: dict) -> None:
    assert result["strict_f1"] >= 0.93 and result["trap_hits"] == 0


def test_figures_keep_their_meaning(result: dict) -> None:
    assert result["full_f1"] >= 0.70
    assert result["accuracy"]["period"] >= 0.80 and result["accuracy"]["status"] >= 0.85
