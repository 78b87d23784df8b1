"""The user's own example article: exactly three facts (skips when ../shared is absent)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "examples" / "seed-article.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason="../shared/examples/seed-article.txt not present")

EXPECTED = [
    {"kind": "money", "value": 44_000_000_000, "unit": "USD", "qualifier": "approx", "value_usd": 44_000_000_000,
     "metric": "trade_total", "parties": ["India", "Russia"], "period_start": "2023-01-01",
     "period_end": "2023-08-31"},
    {"kind": "count", "value": 2, "unit": "unit", "item": "stealth frigate", "item_noun": "frigate",
     "status": "under_construction", "supplier": "Russia", "recipient": "India", "parties": ["India", "Russia"]},
    {"kind": "count", "value": 2, "unit": "unit", "item": "S-400", "item_noun": "unit", "status": "remaining",
     "supplier": "Russia", "recipient": "India", "parties": ["India", "Russia"]},
]


@pytest.fixture(scope="module")
def seed_facts() -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "extractors", "extract", str(SEED)], capture_output=True,
                         text=True, check=True, cwd=ROOT)
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_seed_article_gives_exactly_three_facts(seed_facts: list[dict]) -> None:
    assert len(seed_facts) == 3, [f["surface"] for f in seed_facts]


@pytest.mark.parametrize("index", range(3), ids=["trade-44bn", "two-frigates", "two-s400-units"])
def test_seed_fact_fields(seed_facts: list[dict], index: int) -> None:
    fact = seed_facts[index]
    for key, value in EXPECTED[index].items():
        assert fact[key] == value, key
    assert fact["published"] == "2023-11-13"


def test_seed_offsets_slice_the_file(seed_facts: list[dict]) -> None:
    text = SEED.read_text(encoding="utf-8-sig")
    for fact in seed_facts:
        assert text[fact["start"]:fact["end"]] == fact["surface"]


@pytest.mark.parametrize("value", [2 + 2, 400, 70, 10, 8], ids=["2+2", "S-400", "70-years", "november-10", "eight-months"])
def test_seed_distractors_give_nothing(seed_facts: list[dict], value: int) -> None:
    assert all(f["value"] != value for f in seed_facts)
