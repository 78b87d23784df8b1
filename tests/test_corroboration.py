"""Corroboration: which report of a figure is canonical, which reports conflict, and what is left to deliver.

Reports are built as facts pointing into the articles under tests/fixtures/review (read that folder's README for
which figures are deliberately wrong), stored, reviewed and read back through store.facts_frame, so the
functions see exactly the frame the pages give them.
"""

from __future__ import annotations

import doctest
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import corroboration, review_queue
from dashboard.corroboration import canonical_figures, conflicts, defence_balance
from datastore import store
from extractors import read_document
from extractors.model import Fact

FIXTURES = Path(__file__).parent / "fixtures" / "review"

FY23 = ("2022-04-01", "2023-03-31", "FY2022-23")
FY24 = ("2023-04-01", "2024-03-31", "FY2023-24")
NO_PERIOD = (None, None, None)


@dataclass(frozen=True)
class Report:
    """One figure as an outlet printed it, read the way the extractor would read it, with an optional review."""

    article: str  # file under tests/fixtures/review
    surface: str
    value: float
    unit: str = "USD"
    value_usd: float | None = None  # USD figures: the value itself
    kind: str = "money"
    metric: str = "trade_total"
    period: tuple[str | None, str | None, str | None] = FY23
    item: str | None = None
    status: str | None = None
    figure: int = 1
    review: dict[str, Any] | None = None  # e.g. {"status": "correct", "corrected_value": 65.7e9}


def reviewed(report: Report, status: str, **fields: Any) -> Report:
    return replace(report, review={"status": status, **fields})


# India–Russia trade in 2022-23: two outlets agree, Harbour Times is ~20% low.
DL_FY23 = Report("2023-05-16-delhi-ledger-trade-fy23.md", "$49.36 billion", 49.36e9)
NC_FY23 = Report("2023-05-17-northern-courier-trade-fy23.md", "about $49.4 billion", 49.4e9)
HT_FY23 = Report("2023-05-18-harbour-times-trade-fy23.md", "$39.5 billion", 39.5e9)
# 2023-24: two outlets repeat the calendar-2023 figure; the official one is $65.70 billion.
DL_FY24 = Report("2024-05-20-delhi-ledger-trade-fy24.md", "$57 billion", 57e9, period=FY24)
NC_FY24 = Report("2024-05-21-northern-courier-trade-fy24.md", "$57 billion", 57e9, period=FY24)
HT_FY24 = Report("2024-05-22-harbour-times-trade-fy24.md", "about $65 billion", 65e9, period=FY24)
# The S-400 contract: Harbour Times gives it in rupees and dollars, one figure.
S400_DEAL = {"metric": "deal_value", "period": NO_PERIOD}
HT_DEAL_INR = Report("2018-10-05-harbour-times-s400-deal.md", "Rs 40,000 crore", 4e11, unit="INR",
                     value_usd=5.42e9, **S400_DEAL)
HT_DEAL_USD = Report("2018-10-05-harbour-times-s400-deal.md", "$5.43 billion", 5.43e9, **S400_DEAL)
NC_DEAL = Report("2018-10-06-northern-courier-s400-deal.md", "$5.43 billion", 5.43e9, **S400_DEAL)
# The S-400 squadrons: ordered, delivered, remaining.
S400 = {"kind": "count", "unit": "unit", "item": "S-400", "period": NO_PERIOD}
HT_ORDERED = Report("2018-10-05-harbour-times-s400-deal.md", "five S-400 squadrons", 5, metric="order",
                    figure=2, **S400)  # no status: the metric says "order"
DL_DELIVERED = Report("2023-03-21-delhi-ledger-s400-deliveries.md", "three S-400 squadrons", 3, metric="delivery",
                      status="delivered", **S400)
HT_STILL_THREE = Report("2024-02-10-harbour-times-s400-pending.md", "three S-400 squadrons", 3, metric="delivery",
                        status="remaining", **S400)
NC_REMAINING = Report("2025-06-27-northern-courier-s400-remaining.md", "two S-400 squadrons", 2, metric="delivery",
                      status="remaining", **S400)


@pytest.fixture
def stored_frame(db_path: Path, make_fact: Callable[..., Fact]) -> Callable[..., pd.DataFrame]:
    """Store the reports (one document per article, its reviews saved) and return store.facts_frame()."""

    def store_reports(*reports: Report) -> pd.DataFrame:
        by_article: dict[str, list[Report]] = {}
        for report in reports:
            by_article.setdefault(report.article, []).append(report)
        reviews = []
        for article, article_reports in by_article.items():
            doc = read_document(FIXTURES / article)
            doc.pair = ["India", "Russia"]
            facts = []
            for r in article_reports:
                start, end, label = r.period
                fact = make_fact(
                    doc, r.surface, kind=r.kind, unit=r.unit, value=r.value, metric=r.metric, item=r.item,
                    status=r.status, figure=r.figure, period_start=start, period_end=end, period_label=label,
                    value_usd=r.value_usd if r.value_usd is not None or r.unit != "USD" else r.value,
                )
                facts.append(fact)
                if r.review:
                    reviews.append({"doc_id": doc.doc_id, "start": fact.start, "end": fact.end,
                                    "surface": fact.surface, "value": fact.value, **r.review})
            store.save_document(db_path, doc, facts, "test")
        store.save_reviews(db_path, reviews)
        return store.facts_frame(db_path)

    return store_reports


# --------------------------------------------------------------------------- canonical figures and conflicts

@dataclass(frozen=True)
class CanonicalCase:
    id: str
    reports: tuple[Report, ...]
    canonical_value_usd: float
    canonical_source: str
    n_reports: int
    n_sources: int
    conflict: bool
    outliers: frozenset[str] = field(default_factory=frozenset)  # outlets conflicts() lists as disagreeing
    tolerance: float = 0.05


CANONICAL_CASES = [
    CanonicalCase("two of three outlets agree; the one 20% off is the conflict",
                  (DL_FY23, NC_FY23, HT_FY23), 49.4e9, "Northern Courier", 3, 3, True, frozenset({"Harbour Times"})),
    CanonicalCase("a corrected report beats two agreeing unreviewed ones",
                  (DL_FY24, NC_FY24, reviewed(HT_FY24, "correct", corrected_value=65.70e9)),
                  65.70e9, "Harbour Times", 3, 3, True, frozenset({"Delhi Ledger", "Northern Courier"})),
    CanonicalCase("among reviewed reports, the one more outlets agree with wins",
                  (reviewed(DL_FY23, "accept"), NC_FY23, reviewed(HT_FY23, "accept")),
                  49.36e9, "Delhi Ledger", 3, 3, True, frozenset({"Harbour Times"})),
    CanonicalCase("a rejected report does not count",
                  (DL_FY23, NC_FY23, reviewed(HT_FY23, "reject")), 49.4e9, "Northern Courier", 2, 2, False),
    CanonicalCase("when all agree, the latest publication is canonical",
                  (DL_FY24, NC_FY24), 57e9, "Northern Courier", 2, 2, False),
    CanonicalCase("a 25% tolerance lets the low report agree, and it is the latest",
                  (DL_FY23, NC_FY23, HT_FY23), 39.5e9, "Harbour Times", 3, 3, False, tolerance=0.25),
    CanonicalCase("the same figure in two currencies is one report",
                  (HT_DEAL_INR, HT_DEAL_USD, NC_DEAL), 5.43e9, "Northern Courier", 2, 2, False),
    CanonicalCase("two figure numbers are two reports, still one outlet",
                  (HT_DEAL_INR, replace(HT_DEAL_USD, figure=2), NC_DEAL), 5.43e9, "Northern Courier", 3, 2, False),
]


@pytest.mark.parametrize("case", CANONICAL_CASES, ids=lambda c: c.id)
def test_canonical_figure(case: CanonicalCase, stored_frame: Callable[..., pd.DataFrame]) -> None:
    facts = stored_frame(*case.reports)

    groups = canonical_figures(facts, tolerance=case.tolerance)

    assert len(groups) == 1
    group = groups.iloc[0]
    assert group["canonical_value_usd"] == pytest.approx(case.canonical_value_usd)
    assert group["canonical_source"] == case.canonical_source
    assert facts.set_index("fact_id").at[group["canonical_fact_id"], "source"] == case.canonical_source
    assert (group["n_reports"], group["n_sources"], group["conflict"]) == (case.n_reports, case.n_sources,
                                                                         case.conflict)
    disputed = conflicts(facts, tolerance=case.tolerance)
    assert set(disputed.loc[~disputed["agrees_with_canonical"], "outlet"]) == case.outliers


def test_conflicts_list_outlet_value_date_and_fact_id(stored_frame: Callable[..., pd.DataFrame]) -> None:
    facts = stored_frame(DL_FY23, NC_FY23, HT_FY23)
    outlier_id = int(facts.loc[facts["source"] == "Harbour Times", "fact_id"].item())

    disputed = conflicts(facts)

    assert len(disputed) == 3  # every report of the disputed figure, so both sides can be read
    outlier = disputed[~disputed["agrees_with_canonical"]].iloc[0]
    assert (outlier["outlet"], outlier["value"], outlier["unit"], outlier["published"], outlier["fact_id"]) == (
        "Harbour Times", 39.5e9, "USD", "2023-05-18", outlier_id)
    assert outlier["deviation"] == pytest.approx(39.5 / 49.4 - 1)
    assert disputed["is_canonical"].sum() == 1


def test_each_period_is_its_own_group(stored_frame: Callable[..., pd.DataFrame]) -> None:
    facts = stored_frame(DL_FY23, NC_FY23, HT_FY23, DL_FY24, NC_FY24, HT_FY24)

    groups = canonical_figures(facts).set_index("period_label")

    assert sorted(groups.index) == ["FY2022-23", "FY2023-24"]
    assert groups.loc["FY2022-23", ["period_start", "period_end"]].tolist() == list(FY23[:2])
    assert groups.loc["FY2023-24", "canonical_value_usd"] == pytest.approx(57e9)


def test_a_corrected_period_moves_a_report_to_that_group(stored_frame: Callable[..., pd.DataFrame]) -> None:
    misdated = reviewed(DL_FY24, "correct", corrected_period_start=FY23[0], corrected_period_end=FY23[1])
    facts = stored_frame(DL_FY23, NC_FY23, misdated)

    groups = canonical_figures(facts)

    assert len(groups) == 1 and groups.iloc[0]["n_reports"] == 3


def test_spread_and_who_said_what(stored_frame: Callable[..., pd.DataFrame]) -> None:
    facts = stored_frame(DL_FY24, NC_FY24, reviewed(HT_FY24, "correct", corrected_value=65.70e9))

    group = canonical_figures(facts).iloc[0]

    assert group["spread"] == pytest.approx((65.70 - 57) / 65.70)
    assert group["who_said_what"] == (
        "Delhi Ledger (2024-05-20): $57 billion; Northern Courier (2024-05-21): $57 billion; "
        "Harbour Times (2024-05-22): about $65 billion → corrected to 65.7 billion USD"
    )
    assert (group["canonical_value"], group["canonical_unit"]) == (65.70e9, "USD")


def test_rupee_figure_keeps_its_unit_and_is_compared_in_usd(stored_frame: Callable[..., pd.DataFrame]) -> None:
    facts = stored_frame(HT_DEAL_INR)

    group = canonical_figures(facts).iloc[0]

    assert (group["canonical_value"], group["canonical_unit"], group["compared_unit"]) == (4e11, "INR", "USD")
    assert group["canonical_value_usd"] == pytest.approx(5.42e9)


# --------------------------------------------------------------------------- defence balance

@dataclass(frozen=True)
class BalanceCase:
    id: str
    reports: tuple[Report, ...]
    ordered: float | None
    delivered: float | None
    remaining: float | None
    derived: str | None = None
    warning: str | None = None  # the exact warning, or None for "adds up"


BALANCE_CASES = [
    BalanceCase("five ordered, three delivered: two remain", (HT_ORDERED, DL_DELIVERED), 5, 3, 2, "remaining"),
    BalanceCase("three delivered, two remaining: five ordered", (DL_DELIVERED, NC_REMAINING), 5, 3, 2, "ordered"),
    BalanceCase("five ordered, two remaining: three delivered", (HT_ORDERED, NC_REMAINING), 5, 3, 2, "delivered"),
    BalanceCase("reports that add up need nothing derived", (HT_ORDERED, DL_DELIVERED, NC_REMAINING), 5, 3, 2),
    BalanceCase("three delivered and three remaining of five ordered is flagged",
                (HT_ORDERED, DL_DELIVERED, HT_STILL_THREE), 5, 3, 3,
                warning="delivered 3 + remaining 3 = 6, but 5 ordered"),
    BalanceCase("the latest remaining report supersedes a stale one",
                (HT_ORDERED, DL_DELIVERED, HT_STILL_THREE, NC_REMAINING), 5, 3, 2),
    BalanceCase("a rejected report is left out",
                (HT_ORDERED, DL_DELIVERED, reviewed(HT_STILL_THREE, "reject")), 5, 3, 2, "remaining"),
    BalanceCase("more delivered than ordered is flagged, not derived",
                (HT_ORDERED, reviewed(DL_DELIVERED, "correct", corrected_value=6)), 5, 6, None,
                warning="delivered 6 exceeds the 5 ordered"),
    BalanceCase("one number alone derives nothing", (HT_ORDERED,), 5, None, None),
]


@pytest.mark.parametrize("case", BALANCE_CASES, ids=lambda c: c.id)
def test_defence_balance(case: BalanceCase, stored_frame: Callable[..., pd.DataFrame]) -> None:
    facts = stored_frame(*case.reports)

    balance = defence_balance(facts)

    assert balance[["pair", "item"]].values.tolist() == [["India–Russia", "S-400"]]
    row = balance.iloc[0]
    got = [None if pd.isna(row[s]) else float(row[s]) for s in ("ordered", "delivered", "remaining")]
    assert got == [case.ordered, case.delivered, case.remaining]
    assert (None if pd.isna(row["derived"]) else row["derived"]) == case.derived
    assert (None if pd.isna(row["warning"]) else row["warning"]) == case.warning


def test_defence_balance_ignores_money(stored_frame: Callable[..., pd.DataFrame]) -> None:
    facts = stored_frame(HT_DEAL_INR, HT_DEAL_USD, HT_ORDERED)

    balance = defence_balance(facts)

    assert len(balance) == 1 and balance.iloc[0]["ordered"] == 5
    assert balance.iloc[0]["reported"] == "ordered 5 (Harbour Times, 2018-10-05)"


# --------------------------------------------------------------------------- shapes and examples

@pytest.mark.parametrize(
    ("function", "columns"),
    [
        (canonical_figures, corroboration.CANONICAL_COLUMNS),
        (conflicts, corroboration.CONFLICT_COLUMNS),
        (defence_balance, corroboration.BALANCE_COLUMNS),
    ],
    ids=["canonical_figures", "conflicts", "defence_balance"],
)
def test_an_empty_store_gives_empty_frames_with_every_column(
    function: Callable[[pd.DataFrame], pd.DataFrame], columns: tuple[str, ...], db_path: Path
) -> None:
    result = function(store.facts_frame(db_path))

    assert result.empty and list(result.columns) == list(columns)


def test_docstring_examples() -> None:
    outcome = doctest.testmod(corroboration)

    assert outcome.attempted > 0 and outcome.failed == 0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [(49.36e9, 49.4e9, True), (49.4e9, 39.5e9, False), (100.0, 95.0, True), (95.0, 100.0, True),
     (100.0, 94.9, False), (0.0, 0.0, True), (0.0, 1.0, False)],
)
def test_agrees_is_symmetric_and_relative(a: float, b: float, expected: bool) -> None:
    assert corroboration.agrees(a, b) is expected
    assert corroboration.agrees(b, a) is expected


def _support_pair_by_pair(amounts: list[float], outlets: list[str | None]) -> list[int]:
    """The rule as written: distinct outlets among the reports whose amount agrees with each report's."""
    return [len({o for b, o in zip(amounts, outlets, strict=True) if o is not None and corroboration.agrees(a, b)})
            for a in amounts]


@pytest.mark.parametrize("block", [1, 2, 1024])
@settings(max_examples=60, deadline=None)
@given(reports=st.lists(st.tuples(st.sampled_from([0.0, -3.0, 95.0, 99.0, 100.0, 104.9, 105.0, 1e9, 1.04e9]),
                                  st.sampled_from(["PTI", "ANI", "Mint", None])), min_size=1, max_size=25))
def test_support_counted_over_distinct_amounts_matches_the_pairwise_rule(
    block: int, reports: list[tuple[float, str | None]]
) -> None:
    amounts, outlets = [a for a, _ in reports], [o for _, o in reports]
    # small blocks: the agreement matrix is built a few rows at a time
    support = corroboration._support(np.array(amounts), np.array(outlets, dtype=object),
                                     corroboration.DEFAULT_TOLERANCE, block=block)
    assert list(support) == _support_pair_by_pair(amounts, outlets)


# --------------------------------------------------------------------------- the queue, a page at a time

def test_a_page_of_the_queue_reads_as_the_same_rows_of_the_whole_queue(db_path: Path) -> None:
    """Display text is made per page; which appearance of a repeated figure is marked must not depend on
    whether its twin is on the same page."""
    from extractors import extract
    from extractors.model import Document

    text = ("NEW DELHI — Exports to Russia were $5 billion in 2022 and $5 billion again in 2023, "
            "while imports reached $61 billion.\n\nThe two sides signed a deal worth $2 billion.")
    doc = Document(text=text, published="2024-02-01", title="Flat exports", source="Test Wire")
    store.save_document(db_path, doc, extract(doc), "test")
    facts = store.facts_frame(db_path, include_rejected=True, plausible_only=False)
    whole = review_queue.dress_queue(review_queue.with_text(review_queue.review_order(facts), facts))
    # as the Review page builds a page: the order from a narrow read, the text from its documents' facts
    order = review_queue.review_order(store.facts_frame(db_path, include_rejected=True, plausible_only=False,
                                                        columns=review_queue.REVIEW_ORDER_INPUT))
    assert len(whole) == 4 and whole["evidence"].str.contains("again in 2023").sum() == 3

    def page(number: int, size: int) -> pd.DataFrame:
        rows = review_queue.queue_page(order, number, size)
        documents = store.facts_frame(db_path, include_rejected=True, plausible_only=False, doc_ids=set(rows["doc_id"]))
        return review_queue.dress_queue(review_queue.with_text(rows, documents))

    for size in (1, 2, 3, 4):
        n_pages = review_queue.page_count(len(order), size)
        pages = [page(p, size) for p in range(1, n_pages + 1)]
        together = pd.concat(pages, ignore_index=True)
        assert together.columns.tolist() == whole.columns.tolist()
        assert _cells(together) == _cells(whole)
    second = whole[whole["evidence"].str.contains("again")].sort_values("start").iloc[1]["evidence"]
    assert "$5 billion in 2022 and ⟦$5 billion⟧ again" in second


def test_a_queue_row_whose_fact_is_gone_is_left_out(db_path: Path) -> None:
    from extractors import extract
    from extractors.model import Document

    doc = Document(text="NEW DELHI — Trade reached $65 billion in 2023, up from $49 billion.", published="2024-02-01")
    store.save_document(db_path, doc, extract(doc), "test")
    facts = store.facts_frame(db_path, include_rejected=True, plausible_only=False)
    order = review_queue.review_order(facts, {int(facts["fact_id"].iloc[-1])})
    kept = review_queue.with_text(order, facts[facts["fact_id"].ne(order["fact_id"].iloc[0])])
    assert kept["fact_id"].tolist() == order["fact_id"].iloc[1:].tolist()
    assert kept["conflict"].tolist() == order["conflict"].iloc[1:].tolist()


def _cells(frame: pd.DataFrame) -> list[list[Any]]:
    """Row values with every kind of missing as None (a page whose periods are all missing has another dtype)."""
    return [[None if store.is_blank(v) else v for v in row] for row in frame.itertuples(index=False)]


@pytest.mark.parametrize(("n_rows", "page", "size", "expected"), [
    (0, 1, 100, []),
    (5, 1, 2, [0, 1]),
    (5, 3, 2, [4]),
    (5, 9, 2, [4]),      # past the end: the last page, never an empty table
    (5, 0, 2, [0, 1]),   # before the start: the first page
])
def test_queue_page(n_rows: int, page: int, size: int, expected: list[int]) -> None:
    queue = pd.DataFrame({"fact_id": range(n_rows)})
    assert review_queue.queue_page(queue, page, size)["fact_id"].tolist() == expected


def test_document_choices_newest_first_with_blank_parts_named() -> None:
    queue = pd.DataFrame({
        "doc_id": ["a", "b", "a", "c"],
        "published": ["2023-01-05", "2024-03-01", "2023-01-05", None],
        "source": ["Delhi Ledger", "", "Delhi Ledger", "Harbour Times"],
        "title": ["Trade rises", "Deal signed", "Trade rises", None],
    })
    assert review_queue.document_choices(queue) == {
        "b": "2024-03-01 · outlet unknown · Deal signed",
        "a": "2023-01-05 · Delhi Ledger · Trade rises",
        "c": "undated · Harbour Times · c",
    }
