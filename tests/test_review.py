"""The review page, driven through AppTest against a throwaway store of the articles in tests/fixtures/review.

Edits go in the way the browser sends them (the editor's keyed state, then Save); what counts is what the store
says afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.review_queue import marked_sentence, review_rows
from datastore import store
from extractors import EXTRACTOR_VERSION, extract, read_document

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "review.py")
FIXTURES = Path(__file__).parent / "fixtures" / "review"
EDITOR_KEY = "review_editor"  # pages/review.py EDITOR_KEY
TIMEOUT_S = 30  # generous: the first run imports pandas, plotly and the store on a shared machine


def ingest(db: Path, version: str = EXTRACTOR_VERSION) -> dict[str, str]:
    """Extract and store every fixture article, as the ingest command does; file name → save outcome."""
    outcomes = {}
    for path in sorted(FIXTURES.glob("*.md")):
        if path.name == "README.md":
            continue
        doc = read_document(path)
        outcomes[path.name] = store.save_document(db, doc, extract(doc, budget_s=60), version)
    return outcomes


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Streamlit's caches outlive an AppTest: without this, one test would see the previous test's store."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def db(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FACTS_DB", str(db_path))
    ingest(db_path)
    return db_path


def open_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S).run()
    assert not at.exception, at.exception
    return at


def queue(at: AppTest) -> pd.DataFrame:
    return at.data_editor[0].value


def row_of(at: AppTest, source: str, surface: str) -> int:
    """The editor row showing this outlet's figure."""
    table = queue(at)
    matches = table.index[(table["source"] == source) & (table["surface"] == surface)].tolist()
    assert len(matches) == 1, table[["source", "surface"]]
    return int(matches[0])


def save(at: AppTest, edited_rows: dict[int, dict[str, Any]]) -> AppTest:
    at.session_state[EDITOR_KEY] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.button(key="review_save").click().run()
    assert not at.exception, at.exception
    return at


def stored_fact(db: Path, source: str, surface: str, **query: Any) -> pd.Series:
    facts = store.facts_frame(db, include_rejected=True, plausible_only=False, **query)
    matches = facts[(facts["source"] == source) & (facts["surface"] == surface)]
    assert len(matches) == 1
    return matches.iloc[0]


# --------------------------------------------------------------------------- the page as it opens

def test_page_shows_every_figure_with_its_evidence(db: Path) -> None:
    at = open_page()

    table = queue(at)
    facts = store.facts_frame(db, include_rejected=True, plausible_only=False)
    assert sorted(table["fact_id"]) == sorted(facts["fact_id"])
    for _, row in table.iterrows():
        assert f"⟦{row['surface']}⟧" in row["evidence"]
    assert table["url"].str.startswith("https://example.org/").all()
    assert table["title"].notna().all() and table["published"].notna().all()
    assert not at.error


def test_evidence_is_plain_text_not_markdown(db: Path) -> None:
    at = open_page()

    row = queue(at).iloc[row_of(at, "Harbour Times", "Rs 40,000 crore")]
    assert row["evidence"].startswith("NEW DELHI — India and Russia signed a contract worth ⟦Rs 40,000 crore⟧ ($5.43")
    assert not [m.value for m in at.markdown if "Rs 40,000" in m.value]


def test_unreviewed_figures_come_first(db: Path) -> None:
    at = open_page()
    save(at, {row_of(at, "Delhi Ledger", "$49.36 billion"): {"status": "accept"}})

    statuses = queue(at)["status"].tolist()
    assert pd.isna(statuses[0]) and statuses[-1] == "accept"


def test_only_review_columns_are_editable(db: Path) -> None:
    """A change to a disabled column must not reach the store, even if the state carries one."""
    at = open_page()
    row = row_of(at, "Delhi Ledger", "$49.36 billion")

    save(at, {row: {"status": "accept", "surface": "$1", "metric": "imports"}})

    fact = stored_fact(db, "Delhi Ledger", "$49.36 billion")
    assert (fact["review_status"], fact["metric"]) == ("accept", "trade_total")


def test_empty_store_explains_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTS_DB", str(tmp_path / "empty.db"))

    at = open_page()

    assert "No extracted figures yet" in at.info[0].value
    assert not at.data_editor


# --------------------------------------------------------------------------- saving reviews

@dataclass(frozen=True)
class EditCase:
    id: str
    edits: dict[str, Any]
    review_status: str
    effective_value: float
    effective_period: tuple[str, str] = ("2023-04-01", "2024-03-31")
    note: str | None = None


# All on Harbour Times' "about $65 billion" for 2023-24 (the official figure is $65.70 billion).
EDIT_CASES = [
    EditCase("accept with a note", {"status": "accept", "note": "rounded, fine"}, "accept", 65e9, note="rounded, fine"),
    EditCase("reject", {"status": "reject"}, "reject", 65e9),
    EditCase("correct the value", {"status": "correct", "corrected_value": 65.70e9}, "correct", 65.70e9),
    EditCase("a corrected value alone means correct", {"corrected_value": 65.70e9}, "correct", 65.70e9),
    EditCase("correct the period", {"status": "correct", "corrected_period_start": "2023-01-01",
                                    "corrected_period_end": "2023-12-31"}, "correct", 65e9, ("2023-01-01", "2023-12-31")),
]


@pytest.mark.parametrize("case", EDIT_CASES, ids=lambda c: c.id)
def test_save_stores_the_review(case: EditCase, db: Path) -> None:
    at = open_page()

    save(at, {row_of(at, "Harbour Times", "about $65 billion"): case.edits})

    fact = stored_fact(db, "Harbour Times", "about $65 billion")
    assert fact["review_status"] == case.review_status
    assert fact["effective_value"] == pytest.approx(case.effective_value)
    assert fact["effective_value_usd"] == pytest.approx(case.effective_value)
    assert (fact["effective_period_start"], fact["effective_period_end"]) == case.effective_period
    assert (None if pd.isna(fact["note"]) else fact["note"]) == case.note
    assert "Saved 1 review(s)." in at.success[0].value
    assert queue(at).iloc[-1]["status"] == case.review_status  # re-read: the editor shows the stored review


def test_rejected_figure_leaves_the_default_frame(db: Path) -> None:
    at = open_page()
    first = queue(at).iloc[0]

    save(at, {0: {"status": "reject"}})

    rejected = store.facts_frame(db, include_rejected=True, plausible_only=False).set_index("fact_id")
    assert rejected.at[first["fact_id"], "review_status"] == "reject"
    assert first["fact_id"] not in set(store.facts_frame(db)["fact_id"])
    assert first["fact_id"] in set(queue(at)["fact_id"])  # still in the queue, so it can be undone


def test_correction_without_a_value_is_refused_and_nothing_is_saved(db: Path) -> None:
    at = open_page()

    save(at, {0: {"status": "correct"}, 1: {"status": "accept"}})

    assert "Nothing saved" in at.error[0].value
    assert "needs a corrected value" in at.text[0].value  # the store's reason, as plain text
    assert store.facts_frame(db, include_rejected=True, plausible_only=False)["review_status"].isna().all()


def test_save_without_edits_says_so(db: Path) -> None:
    at = open_page()

    at.button(key="review_save").click().run()

    assert not at.exception and "Nothing to save" in at.info[0].value


def test_edits_apply_to_the_rows_that_were_shown_even_under_a_filter(db: Path) -> None:
    at = open_page()
    at.selectbox(key="review_metric").set_value("delivery").run()
    target = queue(at).iloc[0]

    save(at, {0: {"status": "accept"}})

    facts = store.facts_frame(db, include_rejected=True, plausible_only=False).set_index("fact_id")
    assert facts.at[target["fact_id"], "review_status"] == "accept"
    assert facts["review_status"].notna().sum() == 1


# --------------------------------------------------------------------------- reviews across re-ingestion

@pytest.mark.parametrize(
    ("version", "outcome"),
    [(EXTRACTOR_VERSION, "unchanged"), ("review-test-next", "updated")],
    ids=["same document again", "re-extracted by a new extractor version"],
)
def test_reviews_survive_reingest(db: Path, version: str, outcome: str) -> None:
    at = open_page()
    save(at, {row_of(at, "Harbour Times", "about $65 billion"): {"status": "correct", "corrected_value": 65.70e9},
              row_of(at, "Harbour Times", "$39.5 billion"): {"status": "reject"}})

    assert set(ingest(db, version).values()) == {outcome}

    corrected = stored_fact(db, "Harbour Times", "about $65 billion")
    assert (corrected["review_status"], corrected["effective_value"]) == ("correct", 65.70e9)
    assert stored_fact(db, "Harbour Times", "$39.5 billion")["review_status"] == "reject"
    assert store.orphaned_reviews(db).empty
    st.cache_data.clear()
    reopened = open_page()
    assert queue(reopened)["status"].value_counts().to_dict() == {"correct": 1, "reject": 1}


def test_a_review_whose_figure_disappeared_is_listed_for_a_second_look(db: Path) -> None:
    at = open_page()
    save(at, {row_of(at, "Harbour Times", "$39.5 billion"): {"status": "reject", "note": "20% low"}})
    path = FIXTURES / "2023-05-18-harbour-times-trade-fy23.md"
    doc = read_document(path)
    store.save_document(db, doc, [], "review-test-no-money-rule")  # new rules no longer find the figure

    st.cache_data.clear()
    at = open_page()

    orphans = at.dataframe[-1].value
    assert orphans[["surface", "status", "note"]].values.tolist() == [["$39.5 billion", "reject", "20% low"]]
    assert any("no longer finds" in c.value for c in at.caption)


# --------------------------------------------------------------------------- filters and the URL

@dataclass(frozen=True)
class FilterCase:
    id: str
    params: dict[str, str]
    metrics: set[str]
    n_rows: int


FILTER_CASES = [
    FilterCase("no filter", {}, {"deal_value", "order", "delivery", "trade_total"}, 14),
    FilterCase("metric", {"metric": "trade_total"}, {"trade_total"}, 6),
    FilterCase("conflicts only", {"conflicts": "1"}, {"trade_total"}, 6),
    FilterCase("pair with a hyphen typed into the URL", {"pair": "India-Russia", "metric": "order"}, {"order"}, 2),
]


@pytest.mark.parametrize("case", FILTER_CASES, ids=lambda c: c.id)
def test_filters_come_from_the_url(case: FilterCase, db: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    for key, value in case.params.items():
        at.query_params[key] = value
    at.run()

    assert not at.exception and not at.warning
    table = queue(at)
    assert set(table["metric"]) == case.metrics and len(table) == case.n_rows
    if case.params.get("conflicts"):
        assert table["conflict"].all()


def test_filters_are_written_to_the_url(db: Path) -> None:
    at = open_page()

    at.selectbox(key="review_metric").set_value("trade_total").run()
    at.toggle(key="review_conflicts").set_value(True).run()

    assert at.query_params == {"metric": "trade_total", "conflicts": "1"}
    at.selectbox(key="review_metric").set_value("").run()  # "All metrics" leaves the URL
    assert at.query_params == {"conflicts": "1"}


@pytest.mark.parametrize(
    ("pair", "echoed"),
    [("Atlantis–Lemuria", "Atlantis–Lemuria"), ("[x](javascript:alert(1))", "xjavascriptalert1")],
    ids=["unknown pair", "markdown in the URL is not echoed"],
)
def test_unknown_pair_in_the_url_warns_and_shows_all(db: Path, pair: str, echoed: str) -> None:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    at.query_params["pair"] = pair
    at.run()

    assert not at.exception
    assert f"No pair called '{echoed}'" in at.warning[0].value
    assert len(queue(at)) == len(store.facts_frame(db, include_rejected=True, plausible_only=False))
    assert "pair" not in at.query_params


def test_no_match_explains_how_to_widen(db: Path) -> None:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT_S)
    at.query_params["metric"] = "order"
    at.query_params["conflicts"] = "1"
    at.run()

    assert not at.exception and not at.data_editor
    assert "No figures match these filters" in at.info[0].value


# --------------------------------------------------------------------------- the queue helpers behind the page

@pytest.mark.parametrize(
    ("sentence", "surface", "occurrence", "marked"),
    [
        ("Trade was $5 billion.", "$5 billion", 0, "Trade was ⟦$5 billion⟧."),
        ("Not $5 billion but $5 billion.", "$5 billion", 1, "Not $5 billion but ⟦$5 billion⟧."),
        ("A sentence without it.", "$5 billion", 0, "A sentence without it. ⟦$5 billion⟧"),
    ],
    ids=["once", "second of two", "surface missing is appended, not lost"],
)
def test_marked_sentence(sentence: str, surface: str, occurrence: int, marked: str) -> None:
    assert marked_sentence(sentence, surface, occurrence) == marked


SHOWN = pd.DataFrame({
    "doc_id": ["d1", "d1"], "start": [10, 40], "end": [20, 52], "surface": ["$5 billion", "five jets"],
    "value": [5e9, 5.0], "status": [None, "accept"], "corrected_value": [float("nan")] * 2,
    "corrected_period_start": pd.to_datetime([None, "2023-04-01"]), "corrected_period_end": pd.to_datetime([None, None]),
    "corrected_item": [None, None], "note": [None, "checked"],
})


@dataclass(frozen=True)
class RowsCase:
    id: str
    edited_rows: dict[Any, dict[str, Any]]
    saved: list[dict[str, Any]]  # the fields that matter of each row sent to the store
    missing: list[int]


ROWS_CASES = [
    RowsCase("a status edit", {0: {"status": "reject"}}, [{"surface": "$5 billion", "status": "reject"}], []),
    RowsCase("a note edit keeps the stored status and period", {1: {"note": "seen again"}},
             [{"status": "accept", "note": "seen again", "corrected_period_start": "2023-04-01"}], []),
    RowsCase("a corrected value without a status is a correction", {0: {"corrected_value": 4.8e9}},
             [{"status": "correct", "corrected_value": 4.8e9}], []),
    RowsCase("dates come back as ISO text or timestamps", {0: {"status": "correct",
                                                              "corrected_period_start": "2023-01-01T00:00:00",
                                                              "corrected_period_end": "2023-12-31"}},
             [{"corrected_period_start": "2023-01-01", "corrected_period_end": "2023-12-31"}], []),
    RowsCase("a note on an unreviewed row has no status to save", {0: {"note": "unsure"}}, [], [0]),
    RowsCase("string keys and rows no longer shown", {"1": {"status": "reject"}, 7: {"status": "accept"}},
             [{"surface": "five jets", "status": "reject"}], []),
]


@pytest.mark.parametrize("case", ROWS_CASES, ids=lambda c: c.id)
def test_review_rows(case: RowsCase) -> None:
    rows, missing = review_rows(SHOWN, case.edited_rows, reviewer="asha")

    assert [{key: row[key] for key in expected} for row, expected in zip(rows, case.saved, strict=True)] == case.saved
    assert missing == case.missing
    assert all(row["reviewer"] == "asha" and row["doc_id"] == "d1" for row in rows)


# --------------------------------------------------------------------------- one page at a time

@pytest.fixture
def big_db(db: Path, tmp_path: Path) -> Path:
    """The fixture articles plus synthetic stories: more figures than the smallest page holds."""
    from bench.corpus import generate

    for name, text in generate(8, seed=5):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        doc = read_document(path)
        store.save_document(db, doc, extract(doc, budget_s=60), EXTRACTOR_VERSION)
    return db


def go_to(at: AppTest, page: int) -> pd.DataFrame:
    at.number_input(key="review_page").set_value(page).run()
    assert not at.exception, at.exception
    return queue(at)


def test_pages_together_show_every_figure_once(big_db: Path) -> None:
    at = open_page()
    at.selectbox(key="review_page_size").set_value(50).run()

    every = store.facts_frame(big_db, include_rejected=True, plausible_only=False)["fact_id"]
    n_pages = -(-len(every) // 50)
    assert n_pages >= 3
    pages = [go_to(at, page) for page in range(1, n_pages + 1)]

    assert [len(p) for p in pages[:-1]] == [50] * (n_pages - 1) and 0 < len(pages[-1]) <= 50
    shown = [i for p in pages for i in p["fact_id"]]
    assert sorted(shown) == sorted(every) and len(set(shown)) == len(shown)
    assert any(f"Showing {50 * (n_pages - 1) + 1:,}–{len(every):,}." in m.value for m in at.markdown)
    for page in pages:  # each page marks its own figures, also where a sentence repeats a surface
        assert all(f"⟦{s}⟧" in e for s, e in zip(page["surface"], page["evidence"], strict=True))


def test_edits_on_a_later_page_reach_the_figures_shown_there(big_db: Path) -> None:
    at = open_page()
    at.selectbox(key="review_page_size").set_value(50).run()
    target = go_to(at, 2).iloc[3]

    save(at, {3: {"status": "reject", "note": "page two"}})

    facts = store.facts_frame(big_db, include_rejected=True, plausible_only=False).set_index("fact_id")
    assert facts.at[target["fact_id"], "review_status"] == "reject"
    assert facts.at[target["fact_id"], "note"] == "page two"
    assert facts["review_status"].notna().sum() == 1


def test_a_new_filter_starts_again_at_page_one(big_db: Path) -> None:
    at = open_page()
    at.selectbox(key="review_page_size").set_value(50).run()
    go_to(at, 2)

    at.selectbox(key="review_metric").set_value("trade_total").run()

    assert at.number_input(key="review_page").value == 1
    assert set(queue(at)["metric"]) == {"trade_total"}
