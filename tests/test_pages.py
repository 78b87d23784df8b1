"""Every page, run by Streamlit's AppTest against a store built from tests/fixtures/pages (our own articles).

The fixture store holds India–Russia trade (FY2023-24 total, exports and imports; FY2022-23 from two outlets
that disagree; January–October 2023; a $100 billion target), an S-400 order, deal and deliveries, and one
India–United States figure.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from datastore import store
from datastore.ingest import ingest_paths

HERE = Path(__file__).resolve().parent
APP = str(HERE.parent / "app.py")
FIXTURES = HERE / "fixtures" / "pages"
PAGES = ("pages/overview.py", "pages/trade.py", "pages/defence.py", "pages/documents.py", "pages/data.py")
TIMEOUT = 90  # the first run in a process loads the extraction rules (a few seconds)


def build_store(db: Path, paths: list[Path]) -> None:
    """Ingest articles the way the CLI does (datastore.ingest)."""
    ingest_paths([str(p) for p in paths], db)


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "facts.db"
    build_store(db, sorted(FIXTURES.glob("*.md")))
    return db


@pytest.fixture
def facts_db(fixture_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the fixture store (tests may write to it), named by FACTS_DB as the app expects."""
    db = tmp_path / "facts.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{fixture_store}{suffix}").exists():
            shutil.copy(f"{fixture_store}{suffix}", f"{db}{suffix}")
    monkeypatch.setenv("FACTS_DB", str(db))
    return db


@pytest.fixture(autouse=True)
def fresh_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(page: str, **params: str | list[str]) -> AppTest:
    """Open the app with these URL parameters, then go to `page` the way the navigation does."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def spec(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def marks(figure: dict, name: str) -> dict:
    """The marker trace called `name` (legend-only key entries have no data and are skipped)."""
    found = [t for t in figure["data"] if t.get("name") == name and t.get("mode", "").startswith("markers")
             and t.get("x") not in (None, [None])]
    assert len(found) == 1, [t.get("name") for t in figure["data"]]
    return found[0]


def texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for e in [*at.text, *at.caption, *at.markdown, *at.sidebar.caption])


# --------------------------------------------------------------------------- every page


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_errors(facts_db: Path, page: str) -> None:
    at = open_page(page)
    assert not at.error, [e.value for e in at.error]
    assert at.title, "each page has a title"


@pytest.mark.parametrize("page, charts", [
    ("pages/overview.py", 1), ("pages/trade.py", 1), ("pages/defence.py", 2),
    ("pages/documents.py", 0), ("pages/data.py", 0),
])
def test_pages_draw_their_charts(facts_db: Path, page: str, charts: int) -> None:
    assert len(open_page(page).get("plotly_chart")) == charts


def test_pages_leave_the_facts_they_share_unchanged(facts_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rerun and session shares one frame of facts per store state (each page gets a shallow copy); what
    a page does with its copy must never reach the shared frame."""
    read = store.facts_frame
    handed_out: list[tuple[pd.DataFrame, tuple, dict]] = []

    def recording(*args: object, **kwargs: object) -> pd.DataFrame:
        frame = read(*args, **kwargs)
        handed_out.append((frame, args, kwargs))
        return frame

    monkeypatch.setattr(store, "facts_frame", recording)
    for page in (*PAGES, "pages/review.py"):
        open_page(page).run()  # and a rerun, which uses the shared frames again
    assert len(handed_out) >= len(PAGES)
    for shared, args, kwargs in handed_out:
        pd.testing.assert_frame_equal(shared, read(*args, **kwargs))


# --------------------------------------------------------------------------- sidebar and URL state


def test_sidebar_defaults_to_india_russia_and_says_how_fresh_the_data_is(facts_db: Path) -> None:
    at = open_page("pages/overview.py")
    assert at.sidebar.selectbox[0].value == "India–Russia"
    freshness = " ".join(c.value for c in at.sidebar.caption)
    # six India–Russia articles, the latest published 2024-05-20; 11 India–Russia figures
    assert "Data as of 2024-05-20 · 6 articles · 11 figures" in freshness


@pytest.mark.parametrize("page, params, expected", [
    # the period opens on the years the stories report on (2018–2024), not on the $100 billion target's 2030
    ("pages/trade.py", {}, {"pair": "India–Russia", "from": "2018", "to": "2024", "basis": "calendar",
                            "metric": ["trade_total", "exports", "imports", "target"]}),
    ("pages/trade.py", {"basis": "fiscal"}, {"basis": "fiscal", "from": "2017", "to": "2023"}),  # FY2017-18 on
    ("pages/trade.py", {"compare": ["India–United States"]}, {"compare": "India–United States"}),
    ("pages/defence.py", {"basis": "fiscal"}, {"basis": "fiscal"}),  # the basis is the sidebar's, on every page
    ("pages/trade.py", {"basis": "fiscal", "metric": "exports"}, {"basis": "fiscal", "metric": "exports"}),
    ("pages/defence.py", {"system": "S-400"}, {"system": "S-400"}),
    ("pages/data.py", {"metric": "trade_total", "source": "Fixture Wire"},
     {"metric": "trade_total", "source": "Fixture Wire", "scope": "pair"}),
    ("pages/overview.py", {"pair": "India-United States"}, {"pair": "India–United States"}),
])
def test_state_is_written_to_the_url(facts_db: Path, page: str, params: dict, expected: dict) -> None:
    at = open_page(page, **params)
    for key, value in expected.items():
        assert at.query_params[key] == value, key


def test_pair_from_the_url_changes_what_is_shown(facts_db: Path) -> None:
    at = open_page("pages/trade.py", pair="India–United States")
    assert at.title[0].value == "India–United States: trade"
    total = marks(spec(at), "Total trade")
    assert total["y"] == [pytest.approx(118.28)]


def test_unknown_pair_falls_back_with_a_warning(facts_db: Path) -> None:
    at = open_page("pages/overview.py", pair="Narnia–Atlantis")
    assert any("Narnia–Atlantis" in w.value for w in at.sidebar.warning)
    assert at.title[0].value == "India–Russia: overview"


@pytest.mark.parametrize("years, present, absent", [
    (("2018", "2030"), [49.36, 44.4, 54.7, 65.7], []),
    (("2024", "2024"), [65.7], [49.36, 44.4, 54.7]),   # FY2023-24 runs into 2024; FY2022-23 ends March 2023
    (("2022", "2023"), [49.36, 44.4, 54.7, 65.7], []),
])
def test_period_range_filters_the_chart(facts_db: Path, years: tuple[str, str], present: list[float],
                                        absent: list[float]) -> None:
    at = open_page("pages/trade.py", **{"from": years[0], "to": years[1]}, metric="trade_total")
    values = [round(v, 2) for v in marks(spec(at), "Total trade")["y"]]
    assert all(v in values for v in present) and not any(v in values for v in absent), values


# --------------------------------------------------------------------------- trade


def test_trade_chart_holds_every_report_with_its_marker(facts_db: Path) -> None:
    figure = spec(open_page("pages/trade.py"))
    total = marks(figure, "Total trade")
    by_value = {round(y, 2): (x, s) for x, y, s in zip(total["x"], total["y"], total["marker"]["symbol"],
                                                       strict=True)}
    assert set(by_value) == {49.36, 44.4, 54.7, 65.7}
    # the two FY2022-23 reports are both drawn, side by side inside the fiscal year, not averaged
    assert by_value[49.36][0] != by_value[44.4][0]
    assert all("2022-04-01" <= by_value[v][0] < "2023-04-01" for v in (49.36, 44.4))
    assert by_value[44.4][1] == "circle-open" and by_value[49.36][1] == "circle"  # "about" is approximate
    assert marks(figure, "Exports")["y"] == [pytest.approx(4.26)]
    assert marks(figure, "Imports")["y"] == [pytest.approx(61.44)]
    target = marks(figure, "Target (stated goal)")
    assert target["y"] == [100] and target["marker"]["symbol"] == ["star"] and target["x"][0].startswith("2030-12-31")
    assert figure["layout"]["yaxis"]["title"]["text"] == "US$ billion"


def test_trade_marks_carry_fact_ids_that_lead_to_sentences(facts_db: Path) -> None:
    at = open_page("pages/trade.py")
    total = marks(spec(at), "Total trade")
    frame = store.facts_frame(facts_db)
    sentences = {int(i): frame.set_index("fact_id").loc[int(i), "sentence"] for i in total["customdata"]}
    assert any("$54.7 billion" in s for s in sentences.values())


@pytest.mark.parametrize("basis, solid_values, dotted_values, axis_title", [
    ("calendar", [], [49.36, 44.4, 54.7, 65.7], "Calendar year"),
    ("fiscal", [49.36, 44.4, 65.7], [54.7], "Indian fiscal year (April–March)"),
])
def test_year_basis_decides_what_counts_as_a_whole_year(facts_db: Path, basis: str, solid_values: list[float],
                                                         dotted_values: list[float], axis_title: str) -> None:
    figure = spec(open_page("pages/trade.py", basis=basis, metric="trade_total"))
    spans = {t["line"]["dash"]: {round(y, 2) for y in t["y"] if y is not None}
             for t in figure["data"] if t.get("name") == "Total trade span"}
    assert spans.get("solid", set()) == set(solid_values)
    assert spans.get("dot", set()) == set(dotted_values)
    assert figure["layout"]["xaxis"]["title"]["text"] == axis_title


@pytest.mark.parametrize("clicked, basis, axis_title", [
    ("fiscal", "fiscal", "Indian fiscal year (April–March)"),
    (None, "calendar", "Calendar year"),  # a segmented control clicked off keeps the default view
])
def test_basis_control_changes_the_chart_and_the_url(facts_db: Path, clicked: str | None, basis: str,
                                                      axis_title: str) -> None:
    at = open_page("pages/trade.py")
    at.sidebar.segmented_control(key="sidebar_basis").set_value(clicked).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["basis"] == basis
    assert spec(at)["layout"]["xaxis"]["title"]["text"] == axis_title


def test_choosing_another_pair_in_the_sidebar_redraws_for_it(facts_db: Path) -> None:
    at = open_page("pages/trade.py")
    at.sidebar.selectbox(key="sidebar_pair").select("India–United States").run()
    assert at.query_params["pair"] == "India–United States"
    assert marks(spec(at), "Total trade")["y"] == [pytest.approx(118.28)]


def test_fiscal_view_labels_years_as_fiscal_years(facts_db: Path) -> None:
    figure = spec(open_page("pages/trade.py", basis="fiscal"))
    assert "2022-23" in figure["layout"]["xaxis"]["ticktext"]


def test_trade_figure_carries_its_provenance(facts_db: Path) -> None:
    figure = spec(open_page("pages/trade.py"))
    notes = " ".join(a["text"] for a in figure["layout"]["annotations"])
    assert "Source: 4 news reports, Fixture Wire, " in notes  # most-cited outlet first
    assert "Ledger Daily" in notes and "Capital Courier" in notes
    assert "figures extracted and normalised by Figure Desk" in notes
    assert "Data as of 20 May 2024" in notes and "Period basis: Calendar years" in notes
    assert figure["layout"]["title"]["text"] == "India–Russia trade, US$ billion"


def test_disagreeing_outlets_are_flagged_and_both_listed(facts_db: Path) -> None:
    at = open_page("pages/trade.py", metric="trade_total")
    if at.warning:  # corroboration module present: the FY2022-23 pair differs by more than 5%
        assert "disagree on 1 figure" in at.warning[0].value
    table = at.dataframe[0].value
    fy23 = table[table["Period"].eq("FY2022-23")]
    assert sorted(fy23["Outlet"]) == ["Capital Courier", "Ledger Daily"]


# --------------------------------------------------------------------------- overview and defence


def test_overview_headlines(facts_db: Path) -> None:
    at = open_page("pages/overview.py")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Total trade, FY2023-24"] == "$65.70 bn"
    assert metrics["Largest defence deal"] == "$5.43 bn"
    assert metrics["Deliveries pending"] == "1 system"
    shown = texts(at)
    assert "Fixture Wire, 2024-05-20" in shown and "S-400: 2 of 5 still to come" in shown


def test_overview_timeline_combines_trade_and_defence(facts_db: Path) -> None:
    figure = spec(open_page("pages/overview.py"))
    lanes = {y for t in figure["data"] if t.get("yaxis") == "y2" for y in t["y"] if y}
    assert lanes == {"Orders", "Deliveries", "Deal values"}
    trade = marks(figure, "Total trade")
    assert 65.7 in [round(y, 2) for y in trade["y"]]


def test_defence_register_is_shaped_like_sipri(facts_db: Path) -> None:
    at = open_page("pages/defence.py")
    register = at.dataframe[0].value
    row = register[register["System"].eq("S-400")].iloc[0]
    assert (row["Supplier"], row["Recipient"]) == ("Russia", "India")
    assert (row["Ordered"], row["Delivered"], row["Remaining"]) == (5, 3, 2)
    assert row["Deal value (US$ bn)"] == pytest.approx(5.43)
    assert row["Order year"] == 2018
    assert row["Sources"] == "2 reports: Defence Herald"


def test_defence_charts_hold_deliveries_and_deal_values(facts_db: Path) -> None:
    at = open_page("pages/defence.py")
    deliveries, deals = spec(at, 0), spec(at, 1)
    delivered = [t for t in deliveries["data"] if t.get("name") == "S-400"][0]
    assert delivered["y"] == [3] and delivered["x"][0].startswith("2024-03-01")
    assert marks(deals, "Russia")["y"] == [pytest.approx(5.43)]
    assert marks(deals, "Russia")["text"] == ["S-400"]


def test_defence_system_filter(facts_db: Path) -> None:
    at = open_page("pages/defence.py", system="Nonexistent")
    assert at.multiselect[0].value == []  # unknown names from a URL are dropped, not an error
    assert len(at.dataframe[0].value) == 1


# --------------------------------------------------------------------------- figures behind a click


def test_selected_fact_in_the_url_shows_its_sentence(facts_db: Path) -> None:
    fact = store.facts_frame(facts_db, any_of=[(["target"], None)]).iloc[0]
    at = open_page("pages/trade.py", facts=str(fact["fact_id"]))
    assert fact["sentence"] in [t.value for t in at.text]
    assert any(b.proto.url == "https://example.org/fixture-wire/ten-months" for b in at.get("link_button"))


@pytest.mark.parametrize("what, shown", [
    ("an S-400 order (not a trade figure) of the pair", True),  # read for the view, not from the chart's rows
    ("the India–United States figure", False),
])
def test_selected_facts_are_read_for_the_view(facts_db: Path, what: str, shown: bool) -> None:
    frame = store.facts_frame(facts_db)
    fact = frame[frame["metric"].eq("order")].iloc[0] if shown else frame[frame["pair"].eq("India–United States")].iloc[0]
    at = open_page("pages/trade.py", facts=str(fact["fact_id"]))
    assert (fact["sentence"] in [t.value for t in at.text]) is shown
    assert ("The selected figures are outside the current pair or period." in texts(at)) is not shown


def test_a_saved_correction_redraws_the_cached_chart(facts_db: Path) -> None:
    at = open_page("pages/trade.py", metric="trade_total")
    at.run()  # a rerun draws the chart from the cache
    assert 54.7 in [round(v, 2) for v in marks(spec(at), "Total trade")["y"]]
    row = store.facts_frame(facts_db, any_of=[(["trade_total"], None)]).set_index("surface").loc["$54.7 billion"]
    store.save_reviews(facts_db, [{"doc_id": row["doc_id"], "start": row["start"], "end": row["end"],
                                   "surface": "$54.7 billion", "value": row["value"], "status": "correct",
                                   "corrected_value": 55.5e9}])
    at.run()  # the store changed: the cached figures and frames are stale
    values = [round(v, 2) for v in marks(spec(at), "Total trade")["y"]]
    assert 55.5 in values and 54.7 not in values


def test_the_first_run_freezes_long_lived_objects_once(facts_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard.ui import runtime

    calls: list[str] = []
    monkeypatch.setattr(runtime, "_settled", False)  # as in a fresh server process
    monkeypatch.setattr(runtime.gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(runtime.gc, "freeze", lambda: calls.append("freeze"))
    at = open_page("pages/trade.py")  # the app's run, then the page's
    at.run()
    assert calls == ["collect", "freeze"]


def test_the_app_loads_streamlits_emoji_catalogue_before_any_page_needs_it() -> None:
    import subprocess
    import sys

    # a page's first segmented control with a non-ASCII label ("Apr–Mar") would otherwise load it mid-run
    check = "import sys, dashboard.ui.runtime; assert 'streamlit.emojis' in sys.modules"
    done = subprocess.run([sys.executable, "-c", check], cwd=HERE.parent, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


# --------------------------------------------------------------------------- documents


NEW_ARTICLE = (b"---\ntitle: Rafale jets for India\npublished: 2016-09-23\nsource: Test Tribune\n---\n"
               b"NEW DELHI, Sept 23 \xe2\x80\x94 India signed a deal with France for 36 Rafale fighter jets.\n")


def test_uploading_a_file_previews_and_stores_its_facts(facts_db: Path) -> None:
    at = open_page("pages/documents.py")
    at.file_uploader[0].set_value([("rafale.md", NEW_ARTICLE, "text/markdown")]).run()
    assert not at.exception
    preview = [h for h in at.get("html") if "<mark" in h.proto.body]
    assert preview and "36 Rafale fighter jets</mark>" in preview[0].proto.body
    at.button(key="docs_save").click().run()
    assert any("Rafale jets for India: saved" in s.value for s in at.success)
    stored = store.facts_frame(facts_db, pair=("France", "India"))
    assert list(stored["surface"]) == ["36 Rafale fighter jets"]


def test_bad_files_are_named_with_their_reason_and_good_ones_saved(facts_db: Path) -> None:
    at = open_page("pages/documents.py")
    at.file_uploader[0].set_value([("scan.txt", b"%PDF-1.7 binary", "text/plain"),
                                   ("rafale.md", NEW_ARTICLE, "text/markdown")]).run()
    assert [e.value for e in at.error] == ["scan.txt: not a text document (a PDF file)"]
    at.button(key="docs_save").click().run()
    assert [s.value for s in at.success] == ["Rafale jets for India: saved"]


def test_names_from_outside_cannot_inject_markdown(facts_db: Path) -> None:
    at = open_page("pages/documents.py")
    at.file_uploader[0].set_value([("[click](http://evil.example).txt", b"%PDF-1.7", "text/plain")]).run()
    assert [e.value for e in at.error] == [r"\[click\]\(http://evil.example\).txt: not a text document (a PDF file)"]
    at = open_page("pages/overview.py", pair="[x](http://evil.example)")
    assert r"“\[x\]\(http://evil.example\)”" in at.sidebar.warning[0].value


def test_pasted_text_is_escaped_and_its_figures_marked(facts_db: Path) -> None:
    at = open_page("pages/documents.py")
    at.text_area(key="docs_paste").input(
        "India and Russia traded $65.70 billion in 2023-24. <script>alert(1)</script> $x$").run()
    body = [h.proto.body for h in at.get("html") if "<mark" in h.proto.body][0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>" not in body
    assert ">$65.70 billion</mark>" in body


def test_stored_document_opens_from_the_url(facts_db: Path) -> None:
    doc = store.documents_frame(facts_db).query("source == 'Capital Courier'").iloc[0]
    at = open_page("pages/documents.py", doc=doc["doc_id"])
    body = [h.proto.body for h in at.get("html") if "<mark" in h.proto.body][0]
    assert "about $44.4 billion</mark>" in body


# --------------------------------------------------------------------------- data


@pytest.mark.parametrize("params, expected_surfaces", [
    ({"metric": "trade_total", "source": "Fixture Wire"}, {"$65.70 billion", "$54.7 billion"}),
    ({"qualifier": "approx"}, {"about $44.4 billion"}),
    ({"kind": "count"}, {"five S-400 squadrons", "three S-400 squadrons", "two S-400 squadrons"}),
    ({"metric": "trade_total", "scope": "all", "from": "2024", "to": "2024"},
     {"$65.70 billion", "$118.28 billion"}),
])
def test_data_filters_change_the_table(facts_db: Path, params: dict, expected_surfaces: set[str]) -> None:
    at = open_page("pages/data.py", **params)
    table = at.dataframe[0].value
    assert set(table["surface"]) == expected_surfaces
    for column in ("source", "title", "url", "sentence", "published", "doc_id", "start", "end"):
        assert column in table.columns  # provenance travels with every row


def test_data_page_offers_the_csv_download(facts_db: Path) -> None:
    at = open_page("pages/data.py")
    buttons = at.get("download_button")
    assert buttons[0].proto.label == "Download CSV of these rows"


# --------------------------------------------------------------------------- empty and broken stores


@pytest.mark.parametrize("page", PAGES)
def test_empty_store_explains_how_to_add_articles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  page: str) -> None:
    monkeypatch.setenv("FACTS_DB", str(tmp_path / "empty.db"))
    at = open_page(page)
    assert not at.error
    advice = " ".join(i.value for i in [*at.info, *at.sidebar.info])
    assert "Documents page" in advice or "Paste an article" in texts(at)


def test_unreadable_store_is_an_error_message_not_a_traceback(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    bogus = tmp_path / "facts.db"
    bogus.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("FACTS_DB", str(bogus))
    at = open_page("pages/overview.py")
    assert not at.exception
    assert any("Could not read" in e.value for e in at.error)


# --------------------------------------------------------------------------- briefing pack and citation


def test_overview_offers_the_briefing_pack_and_a_citation(facts_db: Path) -> None:
    from dashboard import queries
    from dashboard.ui import frames, reads

    at = open_page("pages/overview.py")
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download briefing pack (HTML)" in labels
    view = reads.View(db=str(facts_db), pair=("India", "Russia"), start_year=None, end_year=None, as_of=None,
                      n_documents=0, n_facts=0)
    n = queries.n_reports(frames.overview_facts(view))
    assert n > 0
    cite = [c.value for c in at.code if "Figure Desk" in c.value]
    assert cite, [c.value for c in at.code]
    assert f"based on {n} news report" in cite[0]
    assert "Overview" in cite[0] or "overview" in cite[0]


def test_briefing_pack_lists_the_source_of_every_fact_it_shows(facts_db: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import html

    from dashboard import exports
    from dashboard.ui import frames, packs, reads

    monkeypatch.setattr(exports, "kaleido_available", lambda: False)  # tables instead of PNGs: fast, no browser
    view = reads.View(db=str(facts_db), pair=("India", "Russia"), start_year=None, end_year=None, as_of=None,
                      n_documents=0, n_facts=0)
    key_figures, behind = frames.overview_key_figures(view)
    assert not key_figures.empty and "$65.70 bn" in set(key_figures["value"])
    shown = frames.overview_facts(view)
    pack = packs.briefing_pack(view, [])
    assert "Figure Desk" in pack and "India" in pack
    urls = {u for u in shown["url"] if isinstance(u, str) and u}
    assert urls
    for url in urls:
        assert html.escape(url) in pack, url
