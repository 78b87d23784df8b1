"""The series on the pages, under AppTest, over the store of our own test articles (tests/fixtures/pages): the
sidebar's period on either year basis, the Trade page's series and official statistics loaded on the Data page,
pairs compared, the briefing packs of Trade and Defence, the Data page's column order.

In that store India–Russia has FY2022-23 from two outlets that disagree ($49.36 bn, Ledger Daily, 28 Apr 2023;
about $44.4 bn, Capital Courier, 2 May 2023: the later is canonical), FY2023-24 ($65.70 bn total, $61.44 bn
imports, $4.26 bn exports) and January–October 2023 ($54.7 bn, never a year); India–United States FY2023-24.
"""

from __future__ import annotations

import html
import os
from pathlib import Path

import pytest

from dashboard.ui import frames, packs, reads

# the Pages tests' store: a private copy per test, named by FACTS_DB (facts_db), built once (fixture_store)
from tests.test_pages import facts_db, fixture_store, fresh_caches, marks, open_page, spec  # noqa: F401

pytestmark = pytest.mark.usefixtures("facts_db")

OFFICIAL = Path(__file__).resolve().parent / "fixtures" / "official"
SIMPLE = OFFICIAL / "reference-india-russia-fiscal-made-up.csv"


def table(at, first_column: str = "Year"):  # noqa: ANN001, ANN201 - AppTest and its frame
    """The first table on the page that starts with this column."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[:1] == [first_column])


def texts(at) -> str:  # noqa: ANN001
    return "\n".join(str(e.value) for e in [*at.text, *at.caption, *at.markdown, *at.success, *at.sidebar.caption])


def store_path() -> str:
    """The test's private store (facts_db names it in FACTS_DB)."""
    return os.environ["FACTS_DB"]


def load_official_on_the_data_page(path: Path = SIMPLE):  # noqa: ANN201
    at = open_page("pages/data.py")
    at.file_uploader(key="data_reference").set_value([(path.name, path.read_bytes(), "text/csv")]).run()
    at.button(key="data_reference_load").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --------------------------------------------------------------------------- the period on the chosen basis


@pytest.mark.parametrize("params, key, value, caption", [
    ({}, "sidebar_years_calendar", (2018, 2024), None),
    ({"basis": "fiscal"}, "sidebar_years_fiscal", (2017, 2023), "FY2017-18 to FY2023-24 (1 April 2017 – 31 March 2024)"),
    ({"basis": "fiscal", "from": "2023", "to": "2023"}, "sidebar_years_fiscal", (2023, 2023), "FY2023-24"),
])
def test_the_period_selects_years_of_the_basis(params: dict, key: str, value: tuple,
                                               caption: str | None) -> None:
    at = open_page("pages/trade.py", **params)
    assert at.sidebar.slider(key=key).value == value
    if caption:
        assert caption in [c.value for c in at.sidebar.caption]


@pytest.mark.parametrize("years, shown, hidden", [
    (("2023", "2023"), {65.7, 54.7}, {49.36, 44.4}),  # FY2023-24: 1 April 2023 – 31 March 2024
    (("2022", "2022"), {49.36, 44.4, 54.7}, {65.7}),  # FY2022-23, and January–October 2023 reaches into it
])
def test_a_fiscal_period_filters_by_fiscal_year(years: tuple[str, str], shown: set[float],
                                                hidden: set[float]) -> None:
    at = open_page("pages/trade.py", basis="fiscal", metric="trade_total", **{"from": years[0], "to": years[1]})
    values = {round(v, 2) for v in marks(spec(at), "Total trade")["y"]}
    assert shown <= values and not hidden & values


@pytest.mark.parametrize("start, expected", [
    ({}, ("2017", "2023")),                                 # the default stays the default: the fiscal one
    ({"from": "2022", "to": "2023"}, ("2022", "2023")),     # a range someone chose keeps its years
])
def test_changing_the_basis_keeps_a_chosen_range_and_moves_the_default(start: dict,
                                                                       expected: tuple[str, str]) -> None:
    at = open_page("pages/trade.py", **start)
    at.sidebar.segmented_control(key="sidebar_basis").set_value("fiscal").run()
    assert (at.query_params["from"], at.query_params["to"]) == expected


# --------------------------------------------------------------------------- the series on the Trade page


def test_trade_page_shows_the_series_year_by_year() -> None:
    at = open_page("pages/trade.py", basis="fiscal")
    rows = table(at).set_index(["Year", "Figure"])
    assert rows.loc[("2022-23", "Total trade"), "US$ bn"] == 44.4  # the later of two outlets that disagree
    assert rows.loc[("2022-23", "Total trade"), "Reports"] == 2
    assert rows.loc[("2022-23", "Total trade"), "Outlets"] == "Ledger Daily, Capital Courier"
    assert rows.loc[("2023-24", "Total trade"), "US$ bn"] == 65.7
    assert rows.loc[("2023-24", "Total trade"), "Change (%)"] == 48.0
    assert rows.loc[("2023-24", "Imports"), "US$ bn"] == 61.44 and rows.loc[("2023-24", "Exports"), "US$ bn"] == 4.26
    line = next(t for t in spec(at)["data"] if t.get("name") == "Total trade (series)")
    assert [round(y, 2) for y in line["y"]] == [44.4, 65.7]
    assert "Change on FY2022-23: +48.0 %" in line["hovertext"][1]
    assert "part of a year or another span" in texts(at)  # January–October 2023 is shown as such


def test_on_the_calendar_basis_no_fiscal_report_makes_a_year() -> None:
    at = open_page("pages/trade.py")
    assert not [d for d in at.dataframe if list(d.value.columns)[:1] == ["Year"] and "Change (%)" in d.value]
    assert not [t for t in spec(at)["data"] if t.get("name") == "Total trade (series)"]


def test_the_series_downloads_as_csv_with_its_provenance() -> None:
    at = open_page("pages/trade.py", basis="fiscal")
    button = next(b for b in at.get("download_button") if b.proto.label == "Download CSV of the series")
    assert button.proto.url or button.proto.label  # built on click; the browser test opens the file


def test_official_statistics_loaded_on_the_data_page_are_drawn_and_compared() -> None:
    at = load_official_on_the_data_page()
    assert "Loaded 6 official figures (6 new, 0 unchanged, 0 updated)." in [s.value for s in at.success]
    assert f"{SIMPLE.name}: reference CSV, 6 figures" in [t.value for t in at.text]
    at = open_page("pages/trade.py", basis="fiscal")
    figure = spec(at)
    names = {t.get("name") for t in figure["data"]}
    assert {"Total trade, official: India", "Imports, official: India", "Imports, official: Russia (mirror)"} <= names
    rows = table(at).set_index(["Year", "Figure"])
    assert (rows.loc[("2023-24", "Total trade"), "vs official (%)"],
            bool(rows.loc[("2023-24", "Total trade"), "More than 5 % off"])) == (2.7, False)
    assert (rows.loc[("2022-23", "Total trade"), "vs official (%)"],
            bool(rows.loc[("2022-23", "Total trade"), "More than 5 % off"])) == (-7.5, True)
    reports = next(d.value for d in at.dataframe if "Period" in d.value.columns)  # every report
    flagged = reports.set_index("As reported")["More than 5 % off official"]
    assert bool(flagged["about $44.4 billion"]) and not bool(flagged["$49.36 billion"])
    hover = " ".join(t for t in marks(figure, "Total trade")["hovertext"])
    assert ("Official, India's statistics · Test fixture (made-up values): $48 bn; this figure -7.5 % "
            "(more than 5 % off)") in hover
    notes = " ".join(a["text"] for a in figure["layout"]["annotations"])
    assert "official statistics: Test fixture (made-up values)" in notes


def test_a_bad_reference_file_is_named_on_the_data_page() -> None:
    at = open_page("pages/data.py")
    at.file_uploader(key="data_reference").set_value([("[notes](x).csv", b"a,b\n1,2\n", "text/csv")]).run()
    at.button(key="data_reference_load").click().run()
    expected = r"\[notes\]\(x\).csv: not loaded: the header is neither a UN Comtrade export"  # Markdown escaped
    assert [e.value[:len(expected)] for e in at.error] == [expected]


def test_pairs_compared_share_one_chart_and_one_table() -> None:
    at = open_page("pages/trade.py", basis="fiscal", compare="India–United States", metric="trade_total")
    figure = spec(at)
    assert figure["layout"]["title"]["text"].startswith("Trade compared: India–Russia, India–United States")
    assert at.query_params["compare"] == "India–United States"
    rows = table(at, "Pair")
    assert set(zip(rows["Pair"], rows["Year"], rows["US$ bn"], strict=True)) == {
        ("India–Russia", "2022-23", 44.4), ("India–Russia", "2023-24", 65.7), ("India–United States", "2023-24", 118.28)}
    cite = [c.value for c in at.code if "Figure Desk" in c.value][0]
    assert "Trade compared: India–Russia, India–United States" in cite and "compare=India" in cite


def test_overview_headline_comes_from_the_series() -> None:
    at = open_page("pages/overview.py")
    headline = next(m for m in at.metric if m.label.startswith("Total trade"))
    assert (headline.label, headline.value, headline.delta) == ("Total trade, FY2023-24", "$65.70 bn",
                                                                "+48.0 % on FY2022-23")


# --------------------------------------------------------------------------- briefing packs


@pytest.mark.parametrize("page", ["pages/trade.py", "pages/defence.py"])
def test_chart_pages_offer_the_briefing_pack(page: str) -> None:
    labels = [b.proto.label for b in open_page(page, basis="fiscal").get("download_button")]
    assert "Download briefing pack (HTML)" in labels


def test_trade_pack_holds_the_series_the_official_figures_and_every_source(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import exports

    monkeypatch.setattr(exports, "kaleido_available", lambda: False)  # tables instead of PNGs: fast, no browser
    load_official_on_the_data_page()
    view = reads.View(db=store_path(), pair=("India", "Russia"), start_year=2017, end_year=2023, as_of=None,
                   n_documents=0, n_facts=0, basis="fiscal")
    points, official = frames.trade_series(view), frames.official_series(view)
    pack = packs.trade_pack(view, [], points, official)
    assert "<h2>Trade series, year by year</h2>" in pack and "<h2>Official statistics</h2>" in pack
    assert "<td>2023-24</td><td>Total trade</td><td class=\"num\">65.7</td><td class=\"num\">48</td>" in pack
    for url in ("https://example.org/ledger/india-russia-fy23", "https://example.org/courier/oil-lifts-trade",
                "https://example.org/fixture-wire/india-russia-trade-fy24", "https://example.org/made-up/fy24"):
        assert html.escape(url) in pack, url
    assert "based on 3 news reports and 3 official sources" in pack  # India's two files, Russia's mirror
    assert "FY2017-18 to FY2023-24 (Indian fiscal years)" in pack


def test_defence_pack_holds_the_register_and_its_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    from dashboard import exports

    monkeypatch.setattr(exports, "kaleido_available", lambda: False)
    view = reads.View(db=store_path(), pair=("India", "Russia"), start_year=None, end_year=None, as_of=None,
                   n_documents=0, n_facts=0)
    register = frames.defence_register(view)
    pack = packs.defence_pack(view, [], register, frames.defence_deals(view))
    assert "<h2>Register</h2>" in pack and "<td>S-400</td>" in pack
    for url in ("https://example.org/herald/s400-deal", "https://example.org/herald/s400-deliveries"):
        assert html.escape(url) in pack


# --------------------------------------------------------------------------- the Data page


def test_data_page_reads_as_a_table_of_figures() -> None:
    columns = list(open_page("pages/data.py").dataframe[0].value.columns)
    assert columns[:12] == ["published", "metric", "value", "value_low", "value_high", "unit", "value_usd",
                            "effective_value_usd", "qualifier", "period_label", "period_start", "period_end"]
    order = [columns.index(c) for c in ("parties", "item", "status", "surface", "sentence", "title", "source", "url")]
    assert order == sorted(order)
