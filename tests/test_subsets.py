"""A page reads only the facts its views draw (dashboard.ui's subsets); each view must come out exactly as it
would from every fact of the pair. Checked on the sample corpus, for every pair it holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from dashboard import corroboration, queries
from datastore import store
from datastore.ingest import ingest_paths

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
Frames = Callable[[queries.Subset], pd.DataFrame]


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("subsets") / "facts.db"
    assert ingest_paths([CORPUS], db).failed == []
    return db


def _register(read: Frames, pair: tuple[str, str]) -> pd.DataFrame:
    facts = read(queries.DEFENCE_FACTS)
    return queries.defence_register(facts, pair, corroboration.defence_balance(facts), queries.defence_deals(facts))


def _timeline(read: Frames, pair: tuple[str, str]) -> pd.DataFrame:
    """As the Overview builds it: counts from the defence facts, trade and deals from their own views."""
    facts = read(queries.DEFENCE_FACTS)
    return queries.timeline_events(facts, queries.trade_figures(read(queries.TRADE_FACTS)), queries.defence_deals(facts))


def _one(transform: Callable[[pd.DataFrame], pd.DataFrame], subset: queries.Subset
         ) -> Callable[[Frames, tuple[str, str]], pd.DataFrame]:
    return lambda read, pair: transform(read(subset))


# view -> how the pages build it from what they read
VIEWS: dict[str, Callable[[Frames, tuple[str, str]], pd.DataFrame]] = {
    "trade figures, calendar years": _one(lambda f: queries.trade_figures(f, "calendar"), queries.TRADE_FACTS),
    "trade figures, fiscal years": _one(lambda f: queries.trade_figures(f, "fiscal"), queries.TRADE_FACTS),
    "canonical trade figures": _one(lambda f: corroboration.canonical_figures(queries.trade_facts(f)),
                                    queries.TRADE_FACTS),
    "defence deals": _one(queries.defence_deals, queries.DEFENCE_FACTS),
    "delivery balance": _one(corroboration.defence_balance, queries.DEFENCE_FACTS),
    "deliveries": _one(queries.deliveries, queries.DEFENCE_FACTS),
    "defence register": _register,
    "overview timeline": _timeline,
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_view_from_its_subset_equals_the_view_from_every_fact(corpus_db: Path, view: str) -> None:
    build = VIEWS[view]
    drawn = 0
    for pair in store.pairs(corpus_db):
        everything = store.facts_frame(corpus_db, pair=pair)
        from_subset = build(lambda subset, pair=pair: store.facts_frame(corpus_db, pair=pair, any_of=subset), pair)
        from_all = build(lambda subset, everything=everything: everything, pair)
        pd.testing.assert_frame_equal(from_subset.reset_index(drop=True), from_all.reset_index(drop=True))
        drawn += len(from_all)
    assert drawn > 0, f"the sample corpus draws no {view}: the comparison would prove nothing"


@pytest.mark.parametrize(("subset", "expected"), [
    pytest.param(queries.EVERY_FACT, lambda f: f.index == f.index, id="no clause: every fact"),
    pytest.param(queries.TRADE_FACTS, lambda f: f["kind"].eq("money") & f["metric"].isin(queries.TRADE_FIGURE_METRICS),
                 id="one clause"),
    pytest.param(queries.DEFENCE_FACTS, lambda f: f["kind"].eq("count")
                 | (f["kind"].eq("money") & f["metric"].eq(queries.DEAL_METRIC)), id="two clauses: either"),
])
def test_any_of_keeps_the_facts_matching_a_clause(corpus_db: Path, subset: queries.Subset,
                                                  expected: Callable[[pd.DataFrame], pd.Series]) -> None:
    everything = store.facts_frame(corpus_db)
    wanted = everything[expected(everything)]
    read = store.facts_frame(corpus_db, any_of=subset)
    assert 0 < len(read) and sorted(read["fact_id"]) == sorted(wanted["fact_id"])
