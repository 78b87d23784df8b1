"""The sample corpus the app opens on: every article goes in, and named articles store exactly their facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from datastore import store
from datastore.ingest import ingest_paths

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
FIELDS = ("surface", "kind", "value", "unit", "qualifier", "metric", "item", "status", "period_start",
          "period_end")

# Article stem -> the facts it must store, in text order (checked by hand against the article).
EXPECTED = {
    "2018-10-05-s400-deal-signed-putin-visit": [
        # "India on Friday signed": an order and its value are dated by the year of signing.
        ("Rs 40,000 crore", "money", 4e11, "INR", "exact", "deal_value", "S-400", None, "2018-01-01", "2018-12-31"),
        ("$5.43 billion", "money", 5.43e9, "USD", "exact", "deal_value", "S-400", None, "2018-01-01", "2018-12-31"),
        ("five squadrons of the S-400 Triumf", "count", 5, "unit", "exact", "order", "S-400", "ordered",
         "2018-01-01", "2018-12-31"),
        ("more than $10 billion", "money", 1e10, "USD", "at_least", "trade_total", None, None,
         "2017-01-01", "2017-12-31"),
        ("$30 billion", "money", 3e10, "USD", "exact", "target", None, None, None, "2025-12-31"),  # a deadline
    ],
    "2024-05-20-india-russia-trade-record-fy24": [
        ("$65.70 billion", "money", 6.57e10, "USD", "exact", "trade_total", None, None, "2023-04-01", "2024-03-31"),
        ("$61.44 billion", "money", 6.144e10, "USD", "exact", "imports", None, None, "2023-04-01", "2024-03-31"),
        ("$4.26 billion", "money", 4.26e9, "USD", "exact", "exports", None, None, "2023-04-01", "2024-03-31"),
        ("$49.36 billion", "money", 4.936e10, "USD", "exact", None, None, None, "2022-04-01", "2023-03-31"),
    ],
}


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("corpus") / "facts.db"
    summary = ingest_paths([CORPUS], db)
    assert summary.failed == []
    return db


def test_every_article_is_stored(corpus_db: Path) -> None:
    articles = sorted(CORPUS.glob("*.md"))
    assert len(articles) >= 40
    assert store.summary(corpus_db)["n_documents"] == len(articles)


def test_corpus_has_several_pairs_and_years(corpus_db: Path) -> None:
    pairs = {tuple(p) for p in store.pairs(corpus_db)}
    assert {("India", "Russia"), ("India", "United States"), ("France", "India"), ("China", "Russia")} <= pairs
    published = store.documents_frame(corpus_db)["published"].str[:4].astype(int)
    assert published.min() <= 2015 and published.max() >= 2025


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_named_article_stores_exactly_its_facts(corpus_db: Path, stem: str) -> None:
    frame = store.facts_frame(corpus_db, plausible_only=False)
    rows = frame[frame["path"].str.endswith(f"{stem}.md")].sort_values("start")
    assert list(rows["surface"]) == [e[0] for e in EXPECTED[stem]]
    for (_, row), expected in zip(rows.iterrows(), EXPECTED[stem], strict=True):
        for field, value in zip(FIELDS, expected, strict=True):
            if value is None and field == "metric":
                continue  # pinned separately below
            actual = None if row[field] is None or row[field] != row[field] else row[field]
            assert actual == value or (isinstance(value, float) and actual == pytest.approx(value)), (field, row["surface"])


@pytest.mark.xfail(strict=True, reason="a sentence with no metric word ('The total compares with ...') does not "
                                       "inherit the metric of the sentence before it")
def test_metric_carries_over_from_the_previous_sentence(corpus_db: Path) -> None:
    frame = store.facts_frame(corpus_db, plausible_only=False)
    row = frame[frame["surface"] == "$49.36 billion"].iloc[0]
    assert row["metric"] == "trade_total"
