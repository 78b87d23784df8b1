"""A document stored without a source (or a date) reads "outlet unknown" (or nothing), never "nan" or "None".

pandas hands a missing text cell over as NaN, and f"{nan}" is "nan": the Documents page read
"Trade note — nan, nan". Every page is opened on a store holding one such document, with the URL pointing at
it, and everything the page says is searched; the exports are checked the same way.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import briefing, charts, exports, labels
from datastore import store
from tests.test_pages import APP, FIXTURES, TIMEOUT, build_store

UNSOURCED = ("---\ntitle: Trade note without an outlet\n---\n"
             "India's trade with Russia rose to $70.1 billion in 2024-25, officials said.\n"
             "Russia delivered two more S-400 squadrons to India in 2025.\n")
NOT_TEXT = re.compile(r"\b(?:nan|NaN|NaT)\b")  # what formatting a missing value as text gives
OUTLET_COLUMNS = ("source", "Outlet", "outlet", "Sources")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, int]]:
    """A store of the page fixtures plus the unsourced, undated note: (db, its doc_id, its fact ids by metric)."""
    folder = tmp_path_factory.mktemp("unsourced")
    note = folder / "note.md"
    note.write_text(UNSOURCED, encoding="utf-8")
    db = folder / "facts.db"
    build_store(db, [*sorted(FIXTURES.glob("*.md")), note])
    docs = store.documents_frame(db)
    [doc_id] = docs.loc[docs["source"].isna(), "doc_id"].tolist()
    facts = store.facts_frame(db)
    mine = facts[facts["doc_id"].eq(doc_id)]
    return db, doc_id, dict(zip(mine["metric"], mine["fact_id"].astype(int), strict=True))


@pytest.fixture
def db(built: tuple[Path, str, dict[str, int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "facts.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{built[0]}{suffix}").exists():
            shutil.copy(f"{built[0]}{suffix}", f"{copy}{suffix}")
    monkeypatch.setenv("FACTS_DB", str(copy))
    st.cache_data.clear()
    st.cache_resource.clear()
    return copy


def said(at: AppTest) -> tuple[list[str], list[object]]:
    """(every piece of text the page shows, every cell of an outlet column in its tables)."""
    texts = [e.value for kind in ("title", "subheader", "markdown", "text", "caption", "code", "error", "info",
                                  "warning", "success") for e in getattr(at, kind)]
    texts += [e.proto.body for e in at.get("html")]
    texts += [e.proto.spec for e in at.get("plotly_chart")]  # titles, source lines, hover texts
    texts += [str(option) for e in at.multiselect for option in e.options]
    cells: list[object] = []
    for frame in at.dataframe:
        value = frame.value
        cells += [cell for column in OUTLET_COLUMNS if column in value.columns for cell in value[column]]
    return texts, cells


# page, URL parameters (naming the note or its figures), whether the page names the note's outlet
PAGES = [
    pytest.param("pages/documents.py", lambda doc, ids: {"docs": "all", "doc": doc}, True,
                 id="bug: Documents read 'Trade note without an outlet — nan, nan'"),
    pytest.param("pages/data.py", lambda doc, ids: {"scope": "all"}, True, id="Data table and outlet filter"),
    pytest.param("pages/trade.py", lambda doc, ids: {"facts": str(ids["trade_total"]), "from": "2018", "to": "2030"},
                 True, id="Trade: chart, table and the figure behind a click"),
    pytest.param("pages/defence.py", lambda doc, ids: {"facts": str(ids["delivery"]), "from": "2018", "to": "2030"},
                 True, id="Defence: register and the figure behind a click"),
    pytest.param("pages/overview.py", lambda doc, ids: {"from": "2018", "to": "2030"}, False, id="Overview"),
    pytest.param("pages/review.py", lambda doc, ids: {}, True, id="Review queue"),
]


@pytest.mark.parametrize(("page", "params", "names_it"), PAGES)
def test_no_page_says_nan_for_a_missing_outlet(page: str, params, names_it: bool,  # noqa: ANN001
                                               built: tuple[Path, str, dict[str, int]], db: Path) -> None:
    _, doc_id, ids = built
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    for key, value in params(doc_id, ids).items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    texts, cells = said(at)
    assert [t for t in texts if NOT_TEXT.search(t)] == []
    assert [c for c in cells if not (isinstance(c, str) and c.strip())] == [], "an outlet cell shows None"
    if names_it:
        assert any(labels.MISSING_OUTLET in t for t in texts) or labels.MISSING_OUTLET in cells


def test_csv_leaves_a_missing_outlet_empty(built: tuple[Path, str, dict[str, int]]) -> None:
    db, doc_id, _ = built
    facts = store.facts_frame(db)
    data = exports.csv_bytes(facts, {}, datetime(2025, 1, 1, tzinfo=UTC)).decode("utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(data, newline="")) if r and not r[0].startswith("#")]
    header, body = rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert "source" in header and not NOT_TEXT.search(data)
    assert {r["source"] for r in body if r["doc_id"] == doc_id} == {""}


def test_briefing_pack_names_no_nan(built: tuple[Path, str, dict[str, int]]) -> None:
    db, doc_id, _ = built
    facts = store.facts_frame(db)
    mine = facts[facts["doc_id"].eq(doc_id)]
    key = pd.DataFrame([{"metric": "Trade", "period_label": "FY2024-25", "value": "$70.1 billion",
                         "source": mine["source"].iloc[0], "published": mine["published"].iloc[0], "url": None}])
    page = briefing.briefing_pack_html("India–Russia", "2024", [], key, mine.reindex(
        columns=["title", "source", "published", "url"]), datetime(2025, 1, 1, tzinfo=UTC))
    assert "Trade note without an outlet" in page
    assert not NOT_TEXT.search(page) and "None" not in page


MISSING = [pytest.param(None, id="None"), pytest.param(float("nan"), id="NaN"), pytest.param(pd.NA, id="pd.NA"),
           pytest.param("", id="empty"), pytest.param("  ", id="blank")]


@pytest.mark.parametrize("source", MISSING)
def test_one_line_provenance_names_the_outlet_unknown(source: object) -> None:
    row = pd.Series({"source": source, "published": float("nan"), "doc_id": "d1"})
    assert labels.cited(row) == "outlet unknown, undated"
    assert charts.source_line(pd.DataFrame([row])) == (
        "Source: 1 news report, outlet unknown; figures extracted and normalised by Figure Desk")
    assert labels.outlet_column(pd.Series([source, "PTI"], dtype=object)).tolist() == ["outlet unknown", "PTI"]


def test_chart_hover_dates_a_missing_day_as_unknown() -> None:
    """format_day(NaN) gave "nan" in every hover text of an undated report."""
    assert labels.format_day(float("nan")) == "unknown"
    assert labels.format_day("2024-07-10") == "10 Jul 2024"
