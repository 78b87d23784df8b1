"""The SQLite store: round trip, idempotent saves, reviews across re-extraction, queries, migrations, concurrency."""

from __future__ import annotations

import dataclasses
import functools
import math
import multiprocessing
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from dashboard import queries
from datastore import store
from extractors.model import EXTRA_FIELDS, FACT_FIELDS, Document, Fact

V1 = "0.1.0"


def plain(value: Any) -> Any:
    """NaN (how pandas shows a missing number) → None, so frames compare with Fact records."""
    return None if isinstance(value, float) and math.isnan(value) else value


@pytest.fixture
def sample_facts(make_fact) -> Callable[[Document], list[Fact]]:
    """The facts an extractor would find in conftest.SAMPLE_TEXT, built against any variant of that text."""

    def build(doc: Document) -> list[Fact]:
        return [
            make_fact(doc, "nearly $44 billion", value=44e9, value_usd=44e9, qualifier="approx",
                      metric="trade_total", period_start="2023-01-01", period_end="2023-12-31",
                      period_label="2023"),
            make_fact(doc, "12 helicopters", kind="count", unit="unit", value=12.0, metric="delivery",
                      item="helicopter", status="delivered", supplier="Russia", recipient="India",
                      period_start="2023-01-01", period_end="2023-12-31", period_label="2023"),
            make_fact(doc, "8%", kind="percent", unit="percent", value=8.0, metric="exports", plausible=False),
            make_fact(doc, "$3-5 billion", qualifier="range", value_low=3e9, value_high=5e9,
                      metric="deal_value", figure=1),
        ]

    return build


@pytest.fixture
def stored(db_path, make_document, sample_facts) -> tuple[Document, list[Fact]]:
    """The sample article saved once."""
    doc = make_document()
    facts = sample_facts(doc)
    assert store.save_document(db_path, doc, facts, V1) == "new"
    return doc, facts


def review(fact: Fact, status: str = "accept", **fields: Any) -> dict[str, Any]:
    """A review row for ``fact``, the shape the review page sends."""
    row = dict.fromkeys(("corrected_value", "corrected_period_start", "corrected_period_end", "corrected_item",
                         "note"))
    row |= {"doc_id": fact.doc_id, "start": fact.start, "end": fact.end, "surface": fact.surface,
            "value": fact.value, "status": status, "reviewer": "tester"}
    return row | fields


def frame_row(db_path: Path, surface: str, **filters: Any) -> dict[str, Any]:
    frame = store.facts_frame(db_path, **filters)
    rows = frame[frame["surface"] == surface].to_dict("records")
    assert len(rows) == 1, f"{surface!r}: {len(rows)} rows"
    return {key: plain(value) for key, value in rows[0].items()}


def assert_spans_match_stored_text(db_path: Path) -> None:
    """Every stored fact's offsets point at its surface in the stored text (what highlighting relies on)."""
    for row in store.facts_frame(db_path, include_rejected=True, plausible_only=False).itertuples():
        assert store.document_text(db_path, row.doc_id)[row.start:row.end] == row.surface


# --------------------------------------------------------------------------- the record

def test_every_fact_field_has_a_home():
    """Fails when the extractor grows a field the schema does not store: add a migration."""
    assert set(FACT_FIELDS + EXTRA_FIELDS) == set(store.FACT_COLUMNS) | set(store.DOCUMENT_PROVENANCE)


def test_facts_frame_gives_back_the_fact_records(db_path, stored):
    doc, facts = stored
    frame = store.facts_frame(db_path, plausible_only=False)
    got = [{key: plain(value) for key, value in row.items()}
           for row in frame[list(FACT_FIELDS + EXTRA_FIELDS)].to_dict("records")]
    assert got == [fact.as_record() for fact in facts]
    assert set(frame["pair"]) == {"India\u2013Russia"}


def test_a_fact_pair_is_its_first_two_parties_else_the_documents(db_path, make_document, make_fact):
    doc = make_document(pair=["Russia", "India"])
    facts = [make_fact(doc, "nearly $44 billion", parties=["Russia", "India", "China"]),
             make_fact(doc, "12 helicopters", parties=["France"]),
             make_fact(doc, "8%", parties=["Russia", "France"])]
    store.save_document(db_path, doc, facts, V1)
    frame = store.facts_frame(db_path)
    assert list(zip(frame["surface"], frame["pair"], strict=True)) == [
        ("nearly $44 billion", "India\u2013Russia"),
        ("12 helicopters", "India\u2013Russia"),
        ("8%", "France\u2013Russia"),
    ]
    assert frame["parties"].tolist()[0] == ["Russia", "India", "China"]  # order kept: exports' viewpoint


# --------------------------------------------------------------------------- saving the same document again

@dataclass(frozen=True)
class Resave:
    id: str
    expected: str
    text: Callable[[str], str] = lambda text: text
    version: str = V1
    facts: Callable[[list[Fact]], list[Fact]] = lambda facts: facts


RESAVES = [
    Resave("same article", "unchanged"),
    Resave("CRLF line endings", "unchanged", text=lambda t: t.replace("\n", "\r\n")),
    Resave("extra blank lines and spaces", "unchanged", text=lambda t: "\n\n  " + t.replace(".\n", ".   \n\n")),
    Resave("new extractor version", "updated", version="0.2.0"),
    Resave("rules found one fact fewer", "updated", facts=lambda facts: facts[:-1]),
    Resave("rules changed a metric, same count", "updated",
           facts=lambda facts: [dataclasses.replace(facts[0], metric="imports"), *facts[1:]]),
]


@pytest.mark.parametrize("case", RESAVES, ids=lambda c: c.id)
def test_saving_again(case: Resave, db_path, stored, make_document, sample_facts):
    first_doc, _ = stored
    doc = make_document(text=case.text(first_doc.text))
    assert doc.doc_id == first_doc.doc_id
    facts = case.facts(sample_facts(doc))

    assert store.save_document(db_path, doc, facts, case.version) == case.expected

    documents = store.documents_frame(db_path)
    assert documents[["doc_id", "n_facts", "extractor_version"]].values.tolist() == [
        [doc.doc_id, len(facts), case.version]
    ]
    frame = store.facts_frame(db_path, plausible_only=False)
    assert sorted(frame["metric"]) == sorted(f.metric for f in facts)
    assert_spans_match_stored_text(db_path)


# --------------------------------------------------------------------------- reviews across re-extraction

def _change_helicopters(facts: list[Fact], **changes: Any) -> list[Fact]:
    return [dataclasses.replace(f, **changes) if f.surface == "12 helicopters" else f for f in facts]


def _narrow_helicopters(facts: list[Fact]) -> list[Fact]:
    return [dataclasses.replace(f, surface="12", end=f.start + 2) if f.surface == "12 helicopters" else f
            for f in facts]


def test_a_batch_saves_like_one_document_at_a_time(db_path, tmp_path, stored, make_document, sample_facts):
    """save_documents: new, unchanged and updated in one call, the same outcomes and rows as single saves."""
    doc, facts = stored
    other = make_document(text=doc.text + "\n\nA later paragraph.", pair=["France", "India"])
    batch = [(doc, facts), (doc, facts[:2]), (other, sample_facts(other))]
    singles_db = tmp_path / "singles.db"
    store.save_document(singles_db, doc, facts, V1)
    singles = [store.save_document(singles_db, d, f, V1) for d, f in batch]

    assert store.save_documents(db_path, batch, V1) == singles == ["unchanged", "updated", "new"]
    columns = ["doc_id", "surface", "value", "metric"]
    assert store.facts_frame(db_path)[columns].equals(store.facts_frame(singles_db)[columns])


def test_a_new_document_twice_in_one_batch_saves_like_one_at_a_time(db_path, tmp_path, make_document,
                                                                     sample_facts):
    """The second copy must see the first as stored, although the batch defers its inserts."""
    fresh = make_document(text=make_document().text + "\n\nA new story.")
    facts = sample_facts(fresh)
    batch = [(fresh, facts), (fresh, facts), (fresh, facts[:1])]
    singles_db = tmp_path / "singles.db"
    singles = [store.save_document(singles_db, d, f, V1) for d, f in batch]

    assert store.save_documents(db_path, batch, V1) == singles == ["new", "unchanged", "updated"]
    columns = ["doc_id", "surface", "value", "metric"]
    assert store.facts_frame(db_path)[columns].equals(store.facts_frame(singles_db)[columns])
    assert len(store.facts_frame(db_path)) == 1 and len(store.documents_frame(db_path)) == 1


def test_a_batch_of_distinct_documents_saves_like_one_at_a_time(db_path, tmp_path, stored, make_document,
                                                                 sample_facts):
    """The batched write (one lookup, one insert per table): unchanged, updated and new in one call."""
    doc, facts = stored
    changed = make_document(text=doc.text + "\n\nA second article.", pair=["France", "India"])
    fresh = make_document(text=doc.text + "\n\nA third article.")
    singles_db = tmp_path / "singles.db"
    for target in (db_path, singles_db):
        store.save_document(target, changed, sample_facts(changed), V1)
    store.save_document(singles_db, doc, facts, V1)
    batch = [(doc, facts), (changed, sample_facts(changed)[:1]), (fresh, sample_facts(fresh))]
    singles = [store.save_document(singles_db, d, f, V1) for d, f in batch]

    assert store.save_documents(db_path, batch, V1) == singles == ["unchanged", "updated", "new"]
    columns = ["doc_id", "surface", "value", "metric", "period_label"]
    ours, theirs = store.facts_frame(db_path)[columns], store.facts_frame(singles_db)[columns]
    assert (ours["doc_id"] == changed.doc_id).sum() == 1  # the update replaced its facts
    assert (ours["doc_id"] == fresh.doc_id).sum() == (ours["doc_id"] == doc.doc_id).sum() > 1
    assert ours.sort_values(columns).reset_index(drop=True).equals(
        theirs.sort_values(columns).reset_index(drop=True))
    documents = ["doc_id", "title", "n_facts", "extractor_version"]
    assert store.documents_frame(db_path)[documents].sort_values("doc_id").reset_index(drop=True).equals(
        store.documents_frame(singles_db)[documents].sort_values("doc_id").reset_index(drop=True))


def test_a_failing_batch_saves_nothing(db_path, stored, make_document, sample_facts):
    doc, facts = stored
    fresh = make_document(text=doc.text + "\n\nA later paragraph.")
    broken = dataclasses.replace(facts[0], rule=None)  # rule is NOT NULL: the second document fails
    before = store.facts_frame(db_path)
    with pytest.raises(sqlite3.IntegrityError):
        store.save_documents(db_path, [(fresh, sample_facts(fresh)), (doc, [broken])], V1)
    assert set(store.documents_frame(db_path)["doc_id"]) == {doc.doc_id}
    assert store.facts_frame(db_path).equals(before)


@dataclass(frozen=True)
class ReExtraction:
    id: str
    facts: Callable[[list[Fact]], list[Fact]]
    orphaned: set[str] = field(default_factory=set)


RE_EXTRACTIONS = [
    ReExtraction("same figures, new version", lambda facts: facts),
    ReExtraction("figure no longer found", lambda facts: [f for f in facts if f.surface != "12 helicopters"],
                 orphaned={"12 helicopters"}),
    ReExtraction("same span, value read differently", lambda facts: _change_helicopters(facts, value=120.0),
                 orphaned={"12 helicopters"}),
    ReExtraction("span narrowed", _narrow_helicopters, orphaned={"12 helicopters"}),
    ReExtraction("other fields changed, figure same", lambda facts: _change_helicopters(facts, metric="order")),
]


@pytest.mark.parametrize("case", RE_EXTRACTIONS, ids=lambda c: c.id)
def test_reviews_survive_re_extraction(case: ReExtraction, db_path, stored):
    doc, facts = stored
    trade, helicopters = facts[0], facts[1]
    store.save_reviews(db_path, [review(trade, "accept", note="matches ministry data"),
                                 review(helicopters, "correct", corrected_value=14.0)])

    assert store.save_document(db_path, doc, case.facts(facts), "0.2.0") == "updated"

    orphans = store.orphaned_reviews(db_path)
    assert set(orphans["surface"]) == case.orphaned
    assert frame_row(db_path, "nearly $44 billion")["review_status"] == "accept"
    if not case.orphaned:
        assert frame_row(db_path, "12 helicopters")["effective_value"] == 14.0
    with store.connect(db_path) as conn:  # never deleted by a re-ingest
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2


# --------------------------------------------------------------------------- queries

@pytest.fixture
def two_pairs(db_path, stored, make_document, make_fact) -> Path:
    """The sample article (India–Russia) plus one India–France article published in August 2023."""
    doc = make_document(text="France agreed to sell 26 Rafale jets to India in July 2023.\n",
                        pair=["India", "France"], published="2023-08-02")
    store.save_document(db_path, doc, [
        make_fact(doc, "26 Rafale jets", kind="count", unit="unit", value=26.0, metric="order", item="Rafale",
                  parties=["France", "India"], period_start="2023-07-01", period_end="2023-07-31"),
    ], V1)
    return db_path


ALL_PLAUSIBLE = {"nearly $44 billion", "12 helicopters", "$3-5 billion", "26 Rafale jets"}
FILTERS = [
    ("no filter: implausible hidden", {}, ALL_PLAUSIBLE),
    ("implausible included", {"plausible_only": False}, ALL_PLAUSIBLE | {"8%"}),
    ("pair in either order", {"pair": ("Russia", "India")}, ALL_PLAUSIBLE - {"26 Rafale jets"}),
    ("other pair", {"pair": ("France", "India")}, {"26 Rafale jets"}),
    ("unknown pair", {"pair": ("India", "Japan")}, set()),
    ("metrics", {"any_of": [(["trade_total", "order"], None)]}, {"nearly $44 billion", "26 Rafale jets"}),
    ("no metric chosen", {"any_of": [([], None)]}, set()),
    ("kinds", {"any_of": [(None, ["count"])]}, {"12 helicopters", "26 Rafale jets"}),
    ("period overlaps a month", {"start": "2023-06-01", "end": "2023-06-30"},
     {"nearly $44 billion", "12 helicopters"}),
    ("period overlaps July", {"start": "2023-07-15", "end": "2023-07-15"},
     {"nearly $44 billion", "12 helicopters", "26 Rafale jets"}),
    ("no period: publication day counts", {"start": "2024-01-01"}, {"$3-5 billion"}),
    ("before everything", {"end": "2022-12-31"}, set()),
    ("filters combine", {"any_of": [(None, ["count"])], "pair": ("India", "Russia"), "start": "2023-01-01"},
     {"12 helicopters"}),
    ("any of two clauses", {"any_of": [(None, ["count"]), (["trade_total"], ["money"])]},
     {"nearly $44 billion", "12 helicopters", "26 Rafale jets"}),
    ("a clause needs all its parts", {"any_of": [(["order"], ["money"])]}, set()),
    ("clauses and filters combine", {"any_of": [(None, ["count"])], "pair": ("France", "India")},
     {"26 Rafale jets"}),
]


@pytest.mark.parametrize(("kwargs", "expected"), [c[1:] for c in FILTERS], ids=[c[0] for c in FILTERS])
def test_facts_frame_filters(two_pairs, kwargs, expected):
    assert set(store.facts_frame(two_pairs, **kwargs)["surface"]) == expected


@pytest.mark.parametrize(("kwargs", "expected"), [c[1:] for c in FILTERS if set(c[1]) <= {"pair", "start", "end"}],
                         ids=[c[0] for c in FILTERS if set(c[1]) <= {"pair", "start", "end"}])
def test_count_facts_counts_what_facts_frame_returns(two_pairs, stored, kwargs, expected):
    _, facts = stored
    store.save_reviews(two_pairs, [review(facts[0], "reject")])  # a rejected figure is not counted either
    assert store.count_facts(two_pairs, **kwargs) == len(store.facts_frame(two_pairs, **kwargs)) == len(
        expected - {facts[0].surface})


def test_facts_frame_reads_only_the_facts_asked_for(two_pairs):
    ids = dict(zip(*(store.facts_frame(two_pairs)[c] for c in ("surface", "fact_id")), strict=True))
    wanted = [ids["26 Rafale jets"], ids["12 helicopters"]]
    assert set(store.facts_frame(two_pairs, fact_ids=wanted)["surface"]) == {"26 Rafale jets", "12 helicopters"}
    # the other filters still apply: a clicked id from another pair is not in this pair's view
    assert set(store.facts_frame(two_pairs, pair=("India", "Russia"), fact_ids=wanted)["surface"]) == {
        "12 helicopters"}
    assert store.facts_frame(two_pairs, fact_ids=[]).empty


def test_facts_frame_reads_the_facts_of_the_documents_asked_for(two_pairs):
    frame = store.facts_frame(two_pairs)
    rafale_doc = frame.loc[frame["surface"].eq("26 Rafale jets"), "doc_id"].iloc[0]
    expected = set(frame.loc[frame["doc_id"].eq(rafale_doc), "surface"])
    assert set(store.facts_frame(two_pairs, doc_ids=[rafale_doc])["surface"]) == expected
    assert store.facts_frame(two_pairs, doc_ids=[]).empty


def test_facts_frame_reads_only_the_columns_asked_for(two_pairs, stored):
    _, facts = stored
    store.save_reviews(two_pairs, [review(facts[1], "correct", corrected_value=45e9)])
    whole = store.facts_frame(two_pairs)
    narrow = store.facts_frame(two_pairs, columns=["surface", "published"])
    assert {"surface", "published", "effective_value", "effective_value_usd", "pair"} <= set(narrow.columns)
    assert not {"sentence", "title", "url", "parties", "rule"} & set(narrow.columns)
    pd.testing.assert_frame_equal(narrow, whole[narrow.columns])  # same values, same dtypes
    with pytest.raises(ValueError, match="not a stored fact column: secret"):
        store.facts_frame(two_pairs, columns=["surface", "secret"])


PERIOD_CASES = [
    # (id, reviews as (surface, status, fields), pair, expected year bounds)
    ("as extracted", [], ("India", "Russia"), (2023, 2024)),  # an undated figure counts on its article's day
    ("a corrected period counts", [("nearly $44 billion", "correct",
                                    {"corrected_period_start": "2019-04-01", "corrected_period_end": "2020-03-31"})],
     ("India", "Russia"), (2019, 2024)),
    ("a rejected figure does not", [("$3-5 billion", "reject", {})], ("India", "Russia"), (2023, 2023)),
    ("an accepted implausible one does", [("$3-5 billion", "reject", {}), ("8%", "accept", {})],
     ("India", "Russia"), (2023, 2024)),
    ("other pair", [], ("France", "India"), (2023, 2023)),
    ("every pair", [], None, (2023, 2024)),
    ("no such pair", [], ("India", "Japan"), None),
]


@pytest.mark.parametrize(("reviews", "pair", "expected"), [c[1:] for c in PERIOD_CASES],
                         ids=[c[0] for c in PERIOD_CASES])
def test_fact_periods_give_the_year_range_of_the_facts_shown(two_pairs, stored, reviews, pair, expected):
    _, facts = stored
    store.save_reviews(two_pairs, [review(next(f for f in facts if f.surface == surface), status, **fields)
                                   for surface, status, fields in reviews])
    bounds = queries.year_bounds(store.fact_periods(two_pairs, pair))
    assert bounds == expected == queries.year_bounds(store.facts_frame(two_pairs, pair=pair))


def test_facts_frame_rejects_a_non_iso_date(two_pairs):
    with pytest.raises(ValueError):
        store.facts_frame(two_pairs, start="15/01/2024")


REVIEW_FILTERS = [
    # (id, surface reviewed, status, kwargs, shown?)
    ("rejected hidden", "nearly $44 billion", "reject", {}, False),
    ("rejected shown on request", "nearly $44 billion", "reject", {"include_rejected": True}, True),
    ("implausible but accepted", "8%", "accept", {}, True),
    ("implausible and rejected", "8%", "reject", {"include_rejected": True}, False),
]


@pytest.mark.parametrize(("surface", "status", "kwargs", "shown"), [c[1:] for c in REVIEW_FILTERS],
                         ids=[c[0] for c in REVIEW_FILTERS])
def test_reviews_decide_what_is_shown(db_path, stored, surface, status, kwargs, shown):
    _, facts = stored
    store.save_reviews(db_path, [review(next(f for f in facts if f.surface == surface), status)])
    assert (surface in set(store.facts_frame(db_path, **kwargs)["surface"])) is shown


@pytest.mark.parametrize(("surface", "status", "kwargs", "shown"), [c[1:] for c in REVIEW_FILTERS],
                         ids=[c[0] for c in REVIEW_FILTERS])
def test_counted_keeps_the_rows_the_default_filters_keep(db_path, stored, surface, status, kwargs, shown):
    _, facts = stored
    store.save_reviews(db_path, [review(next(f for f in facts if f.surface == surface), status)])
    everything = store.facts_frame(db_path, include_rejected=True, plausible_only=False)
    # the same rows and values; a column left with no value at all keeps the dtype it had in the full read
    def values(frame: pd.DataFrame) -> list[dict[str, Any]]:
        return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]

    assert values(store.counted(everything)) == values(store.facts_frame(db_path))


@pytest.fixture
def rupee_fact(db_path, make_document, make_fact) -> Fact:
    doc = make_document(text="The contract is worth Rs 35,000 crore, officials said.\n")
    fact = make_fact(doc, "Rs 35,000 crore", unit="INR", value=3.5e11, value_usd=4.2e9, fx_rate=0.012,
                     metric="deal_value", item="frigate", period_start="2023-01-01", period_end="2023-12-31")
    store.save_document(db_path, doc, [fact], V1)
    return fact


EFFECTIVE = [
    # (id, review fields or None, expected subset of the row)
    ("unreviewed", None, {"review_status": None, "effective_value": 3.5e11, "effective_value_usd": 4.2e9}),
    ("accepted", {"status": "accept"}, {"effective_value": 3.5e11, "effective_value_usd": 4.2e9}),
    ("value corrected: USD scales with it", {"status": "correct", "corrected_value": 3.6e11},
     {"corrected_value": 3.6e11, "effective_value": 3.6e11, "effective_value_usd": pytest.approx(4.32e9)}),
    ("item corrected only", {"status": "correct", "corrected_item": "submarine"},
     {"effective_value": 3.5e11, "effective_value_usd": 4.2e9, "effective_item": "submarine"}),
    ("period corrected", {"status": "correct", "corrected_period_start": "2022-04-01",
                          "corrected_period_end": "2023-03-31"},
     {"effective_period_start": "2022-04-01", "effective_period_end": "2023-03-31", "period_start": "2023-01-01"}),
    ("accepted row keeps no stale correction", {"status": "accept", "corrected_value": 1.0},
     {"corrected_value": None, "effective_value": 3.5e11}),
]


@pytest.mark.parametrize(("fields", "expected"), [c[1:] for c in EFFECTIVE], ids=[c[0] for c in EFFECTIVE])
def test_effective_values(db_path, rupee_fact, fields, expected):
    if fields is not None:
        store.save_reviews(db_path, [review(rupee_fact, note="checked") | fields])
    row = frame_row(db_path, "Rs 35,000 crore")
    assert {key: row[key] for key in expected} == expected


def test_pairs_most_reported_first(two_pairs):
    assert store.pairs(two_pairs) == [("India", "Russia"), ("France", "India")]


SUMMARIES = [
    ("everything", None, {"latest_published": "2024-01-15", "n_documents": 2, "n_facts": 5}),
    ("one pair", ("India", "France"), {"latest_published": "2023-08-02", "n_documents": 1, "n_facts": 1}),
    ("no such pair", ("India", "Japan"), {"latest_published": None, "n_documents": 0, "n_facts": 0}),
]


@pytest.mark.parametrize(("pair", "expected"), [c[1:] for c in SUMMARIES], ids=[c[0] for c in SUMMARIES])
def test_summary(two_pairs, pair, expected):
    assert store.summary(two_pairs, pair) == expected


def test_empty_store_gives_empty_frames_with_columns(db_path):
    assert store.facts_frame(db_path).empty and "effective_value_usd" in store.facts_frame(db_path)
    assert store.documents_frame(db_path).empty and "n_facts" in store.documents_frame(db_path)
    assert store.orphaned_reviews(db_path).empty
    assert store.pairs(db_path) == []
    assert store.summary(db_path) == {"latest_published": None, "n_documents": 0, "n_facts": 0}


# --------------------------------------------------------------------------- saving reviews

def test_one_current_review_per_figure(db_path, stored):
    _, facts = stored
    trade, deal_range = facts[0], facts[3]
    assert deal_range.value is None  # a range: NULL in the figure key, which UNIQUE alone would not catch
    store.save_reviews(db_path, [review(trade, "accept"), review(deal_range, "accept")])
    store.save_reviews(db_path, [review(trade, "reject"), review(deal_range, "correct", corrected_value=4e9)])

    with store.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 2
    assert frame_row(db_path, "nearly $44 billion", include_rejected=True)["review_status"] == "reject"
    assert frame_row(db_path, "$3-5 billion")["effective_value"] == 4e9


def test_a_row_from_facts_frame_can_be_saved_as_a_review(db_path, stored):
    """What the review page does: numpy ints, NaN for a missing value — must bind and attach."""
    frame = store.facts_frame(db_path)
    for _, row in frame.iterrows():
        store.save_reviews(db_path, [row[["doc_id", "start", "end", "surface", "value"]].to_dict()
                                     | {"status": "accept", "note": None, "reviewer": "ui"}])
    assert set(store.facts_frame(db_path)["review_status"]) == {"accept"}
    assert store.orphaned_reviews(db_path).empty


INVALID_REVIEWS = [
    ("unknown status", {"status": "approve"}),
    ("correct without a correction", {"status": "correct"}),
    ("no doc_id", {"doc_id": None}),
    ("no span", {"start": None}),
    ("corrected period not a date", {"status": "correct", "corrected_period_start": "Q3"}),
]


@pytest.mark.parametrize("bad", [c[1] for c in INVALID_REVIEWS], ids=[c[0] for c in INVALID_REVIEWS])
def test_invalid_review_rejected_and_nothing_saved(db_path, stored, bad):
    _, facts = stored
    with pytest.raises(ValueError):
        store.save_reviews(db_path, [review(facts[1]), review(facts[0]) | bad])
    assert frame_row(db_path, "12 helicopters")["review_status"] is None


def test_review_of_an_unknown_document_fails_the_whole_batch(db_path, stored):
    _, facts = stored
    with pytest.raises(sqlite3.IntegrityError):
        store.save_reviews(db_path, [review(facts[1]), review(facts[0]) | {"doc_id": "no-such-doc"}])
    assert frame_row(db_path, "12 helicopters")["review_status"] is None


# --------------------------------------------------------------------------- deleting

def test_delete_refuses_reviewed_document_unless_forced(db_path, stored):
    doc, facts = stored
    store.save_reviews(db_path, [review(facts[0])])
    with pytest.raises(store.DocumentHasReviews):
        store.delete_document(db_path, doc.doc_id)
    assert store.summary(db_path)["n_documents"] == 1

    assert store.delete_document(db_path, doc.doc_id, force=True) is True
    with store.connect(db_path) as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "facts", "reviews")]
    assert counts == [0, 0, 0]
    assert store.delete_document(db_path, doc.doc_id) is False


# --------------------------------------------------------------------------- schema and migrations

# Migration 1 as it shipped, frozen here: the old database a user may have on disk.
V1_DDL = [
    """CREATE TABLE documents (doc_id TEXT PRIMARY KEY, path TEXT, title TEXT, source TEXT, url TEXT,
        published TEXT, retrieved TEXT NOT NULL, encoding TEXT, pair_a TEXT, pair_b TEXT, text TEXT NOT NULL,
        extractor_version TEXT NOT NULL, n_facts INTEGER NOT NULL, facts_digest TEXT NOT NULL)""",
    """CREATE TABLE facts (fact_id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        sentence TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL,
        kind TEXT NOT NULL, value REAL, value_low REAL, value_high REAL, unit TEXT, qualifier TEXT NOT NULL,
        value_usd REAL, metric TEXT NOT NULL, item TEXT, status TEXT, parties TEXT NOT NULL DEFAULT '[]',
        supplier TEXT, recipient TEXT, period_start TEXT, period_end TEXT, period_label TEXT,
        rule TEXT NOT NULL, fx_rate REAL, fx_date TEXT, figure INTEGER NOT NULL DEFAULT 0,
        plausible INTEGER NOT NULL DEFAULT 1, pair_a TEXT, pair_b TEXT, extractor_version TEXT NOT NULL)""",
    "CREATE INDEX facts_doc ON facts(doc_id)",
    """CREATE TABLE reviews (review_id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, surface TEXT NOT NULL, value REAL,
        status TEXT NOT NULL CHECK (status IN ('accept', 'correct', 'reject')),
        corrected_value REAL, corrected_period_start TEXT, corrected_period_end TEXT, corrected_item TEXT,
        note TEXT, reviewer TEXT, reviewed_at TEXT NOT NULL)""",
    """CREATE UNIQUE INDEX reviews_figure ON reviews(doc_id, start, "end", surface, ifnull(value, ''))""",
]


def test_new_database_is_at_the_current_version(db_path):
    with store.connect(db_path) as conn:
        assert store.schema_version(conn) == store.SCHEMA_VERSION >= 2
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_version_1_database_is_migrated_and_keeps_its_data(db_path):
    conn = sqlite3.connect(db_path)
    for statement in V1_DDL:
        conn.execute(statement)
    conn.execute("INSERT INTO documents VALUES ('d1', 'a.txt', 'Old', NULL, NULL, '2022-05-01', "
                 "'2022-05-02T00:00:00+00:00', 'utf-8', 'India', 'Russia', 'Trade hit $10 billion.', "
                 "'0.0.9', 1, 'x')")
    conn.execute("INSERT INTO facts (doc_id, sentence, start, \"end\", surface, kind, value, unit, qualifier, "
                 "metric, rule, pair_a, pair_b, extractor_version) VALUES ('d1', 'Trade hit $10 billion.', "
                 "10, 21, '$10 billion', 'money', 1e10, 'USD', 'exact', 'trade_total', 'old.rule', 'India', "
                 "'Russia', '0.0.9')")
    conn.execute("INSERT INTO reviews (doc_id, start, \"end\", surface, value, status, reviewed_at) "
                 "VALUES ('d1', 10, 21, '$10 billion', 1e10, 'accept', '2022-05-03T00:00:00+00:00')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    row = frame_row(db_path, "$10 billion")

    assert (row["title"], row["value"], row["review_status"], row["pair"]) == (
        "Old", 1e10, "accept", "India\u2013Russia")
    with store.connect(db_path) as conn:
        assert store.schema_version(conn) == store.SCHEMA_VERSION
        indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"facts_pair", "facts_metric", "facts_kind", "documents_published"} <= indexes


def test_database_from_a_newer_version_is_refused_untouched(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(store.SchemaError, match="newer"):
        store.documents_frame(db_path)
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION + 1
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()


def test_default_db_path(monkeypatch, tmp_path):
    monkeypatch.delenv("FACTS_DB", raising=False)
    assert store.default_db_path() == Path(store.__file__).resolve().parents[1] / "data" / "facts.db"
    monkeypatch.setenv("FACTS_DB", str(tmp_path / "elsewhere.db"))
    assert store.default_db_path() == tmp_path / "elsewhere.db"


# --------------------------------------------------------------------------- concurrent writers

DOCS_PER_WRITER = 25


def save_batch(db_path: Path, writer: int) -> int:
    """One writer's work: documents, each followed at once by a review of its figure (module level: picklable)."""
    for i in range(DOCS_PER_WRITER):
        text = f"Writer {writer} article {i}: trade reached ${writer * 100 + i} million.\n"
        surface = f"${writer * 100 + i} million"
        doc = Document(text=text, pair=["India", "Russia"], published="2024-01-01")
        start = text.index(surface)
        fact = Fact(sentence=text.strip(), start=start, end=start + len(surface), surface=surface, kind="money",
                    unit="USD", rule="test.concurrent", value=float(writer * 100 + i) * 1e6, parties=doc.pair)
        assert store.save_document(db_path, doc, [fact], V1) == "new"
        store.save_reviews(db_path, [review(dataclasses.replace(fact, doc_id=doc.doc_id), "accept")])
    return DOCS_PER_WRITER


# Separate processes are spawned, not forked: a fork taken while the reader thread is inside SQLite copies
# its locks into the child (SQLite's own rule: never carry a connection across fork), and deadlocks.
POOLS = {
    "threads": ThreadPoolExecutor,
    "processes": functools.partial(ProcessPoolExecutor, mp_context=multiprocessing.get_context("spawn")),
}


@pytest.mark.parametrize("pool", POOLS.values(), ids=POOLS.keys())
def test_concurrent_writers_neither_lock_out_nor_lose_writes(db_path, pool):
    writers = 3  # more writers than this machine has cores, plus a reader
    stop_reading = threading.Event()
    read_errors: list[BaseException] = []

    def keep_reading() -> None:  # a dashboard session reading all along
        while not stop_reading.wait(0.01):
            try:
                store.facts_frame(db_path)
            except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
                read_errors.append(exc)
                return

    reader = threading.Thread(target=keep_reading)
    reader.start()
    try:
        with pool(max_workers=writers) as executor:  # a fresh database: they also race to create the schema
            done = [f.result() for f in [executor.submit(save_batch, db_path, w) for w in range(writers)]]
    finally:
        stop_reading.set()
        reader.join()

    assert done == [DOCS_PER_WRITER] * writers
    assert read_errors == []
    assert store.summary(db_path)["n_documents"] == writers * DOCS_PER_WRITER
    frame = store.facts_frame(db_path)
    assert len(frame) == writers * DOCS_PER_WRITER
    assert set(frame["review_status"]) == {"accept"}



def test_opening_waits_out_a_writer_on_a_file_not_yet_in_wal_mode(db_path):
    """Switching to WAL while another connection writes in rollback mode fails at once, busy timeout or not
    (what two processes creating the store together run into); opening must wait and retry instead."""
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE someone_elses (x)")
    release = threading.Timer(0.3, other.execute, ["COMMIT"])
    release.start()
    try:
        assert store.summary(db_path)["n_documents"] == 0
    finally:
        release.join()
        other.close()
    with store.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.schema_version(conn) == store.SCHEMA_VERSION
