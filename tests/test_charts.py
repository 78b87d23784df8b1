"""Queries (pandas transforms) and charts (plotly figures), tested without Streamlit on hand-made fact rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import plotly.io as pio
import pytest

from dashboard import charts, labels, queries
from dashboard.charts.style import json_values
from dashboard.labels import safe_url
from dashboard.ui.evidence import fact_ids, highlight_html
from dashboard.ui.widgets import md_escape
from datastore import store


@pytest.fixture(scope="module")
def columns(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The columns store.facts_frame returns, so hand-made rows have exactly the store's shape."""
    return list(store.facts_frame(tmp_path_factory.mktemp("empty") / "facts.db").columns)


def facts(columns: list[str], *rows: dict[str, Any]) -> pd.DataFrame:
    """Fact rows with sensible defaults: an exact USD trade figure from one India–Russia article."""
    defaults = {
        "kind": "money", "unit": "USD", "qualifier": "exact", "metric": "trade_total", "figure": 1,
        "doc_id": "d1", "source": "Fixture Wire", "published": "2024-05-20", "title": "T", "path": "p",
        "sentence": "s", "start": 0, "end": 1, "surface": "$1 billion", "pair": "India–Russia",
        "review_status": None, "plausible": True,
    }
    records = []
    for i, row in enumerate(rows, start=1):
        record = dict.fromkeys(columns) | defaults | {"fact_id": i, "figure": i} | row
        for name in ("value", "value_usd"):
            record.setdefault(name, None)
        for name in ("value", "value_usd", "period_start", "period_end", "item"):
            record[f"effective_{name}"] = row.get(f"effective_{name}", record[name])
        records.append(record)
    frame = pd.DataFrame(records, columns=columns)
    numbers = ("value", "value_low", "value_high", "value_usd", "fx_rate", "corrected_value", "effective_value",
               "effective_value_usd")
    return frame.astype({c: "float64" for c in numbers} | {c: "int64" for c in ("fact_id", "start", "end")})


def trade_row(value_bn: float, begins: str | None, ends: str | None, **extra: Any) -> dict[str, Any]:
    return {"value": value_bn * 1e9, "value_usd": value_bn * 1e9, "period_start": begins, "period_end": ends,
            "surface": f"${value_bn} billion", **extra}


def drawn(figure: dict, name: str) -> dict:
    """The trace called `name` that holds marks (legend-only key entries carry no fact ids)."""
    found = [t for t in figure["data"] if t.get("name") == name and t.get("customdata")]
    assert len(found) == 1, [t.get("name") for t in figure["data"]]
    return found[0]


# --------------------------------------------------------------------------- periods and formatting


@pytest.mark.parametrize("start, end, expected", [
    ("2023-01-01", "2023-12-31", "calendar_year"),
    ("2022-04-01", "2023-03-31", "fiscal_year"),
    ("2023-01-01", "2023-08-31", "part_year"),        # "first eight months"
    ("2022-04-01", "2022-08-31", "part_year"),        # April–August of a fiscal year
    ("2019-01-01", "2023-12-31", "multi_year"),       # SIPRI's five-year windows
    ("2022-04-01", "2024-03-31", "multi_year"),
    (None, None, "none"),
    ("2023-01-01", None, "none"),
    ("not a date", "2023-12-31", "none"),
])
def test_period_coverage(start: str | None, end: str | None, expected: str) -> None:
    assert queries.period_coverage(start, end) == expected


@pytest.mark.parametrize("day, expected", [
    (date(2023, 3, 31), "2022-23"), (date(2023, 4, 1), "2023-24"), (date(2000, 1, 15), "1999-00"),
    (date(2099, 12, 31), "2099-00"),
])
def test_fiscal_year_label(day: date, expected: str) -> None:
    assert labels.fiscal_year_label(day) == expected


@pytest.mark.parametrize("end, basis, expected", [
    ("2023-03-31", "calendar", "2023"), ("2023-03-31", "fiscal", "2022-23"), ("2023-10-31", "fiscal", "2023-24"),
    (None, "fiscal", None),
])
def test_basis_year_files_a_figure_under_the_year_it_ends_in(end: str | None, basis: str,
                                                              expected: str | None) -> None:
    assert queries.basis_year(end, basis) == expected


@pytest.mark.parametrize("value, expected", [
    (65.7e9, "$65.70 bn"), (5e9, "$5 bn"), (500e6, "$500 m"), (992.73e6, "$993 m"), (1234.0, "$1,234"),
    (None, ""), (float("nan"), ""),
])
def test_format_usd(value: float | None, expected: str) -> None:
    assert labels.format_usd(value) == expected


@pytest.mark.parametrize("value, expected", [
    (65_700_000_000.0, "65,700,000,000"), (12.5, "12.5"), (601427.0, "601,427"), (None, ""),
])
def test_format_number(value: float | None, expected: str) -> None:
    assert labels.format_number(value) == expected


@pytest.mark.parametrize("text, expected", [
    ("India–Russia", ("India", "Russia")), ("Russia-India", ("India", "Russia")),
    ("India/United States", ("India", "United States")), ("India", None), ("–Russia", None),
])
def test_parse_pair(text: str, expected: tuple[str, str] | None) -> None:
    assert labels.parse_pair(text) == expected


# --------------------------------------------------------------------------- trade


def test_same_figure_in_two_currencies_counts_once_in_dollars(columns: list[str]) -> None:
    rows = facts(columns,
                 {"surface": "Rs 40,000 crore", "unit": "INR", "value": 4e11, "value_usd": 5.42e9, "start": 10,
                  "fx_rate": 0.01355, "fx_date": "2018-10-05", "metric": "deal_value", "figure": 1},
                 {"surface": "$5.43 billion", "unit": "USD", "value": 5.43e9, "value_usd": 5.43e9, "start": 30,
                  "metric": "deal_value", "figure": 1})
    kept = queries.one_row_per_figure(rows)
    assert list(kept["surface"]) == ["$5.43 billion"]
    assert list(kept["reported_as"]) == ["$5.43 billion; Rs 40,000 crore"]


def test_reports_of_one_period_stay_separate_and_side_by_side(columns: list[str]) -> None:
    rows = facts(columns,
                 trade_row(49.36, "2022-04-01", "2023-03-31", doc_id="a", source="Ledger Daily"),
                 trade_row(44.4, "2022-04-01", "2023-03-31", doc_id="b", qualifier="approx"),
                 trade_row(54.7, "2023-01-01", "2023-10-31", doc_id="c"))
    trade = queries.trade_figures(rows, basis="fiscal").set_index("usd_bn")
    assert sorted(trade.index) == [44.4, 49.36, 54.7]  # nothing averaged
    assert trade.loc[49.36, "n_reports"] == 2 and trade.loc[54.7, "n_reports"] == 1
    first, second = sorted(trade.loc[[49.36, 44.4], "x_mark"])
    assert pd.Timestamp("2022-04-01") < first < second < pd.Timestamp("2023-04-01")
    assert trade.loc[49.36, "full_year"] and not trade.loc[54.7, "full_year"]
    assert trade.loc[54.7, "basis_year"] == "2023-24"


@pytest.mark.parametrize("basis, full", [("calendar", [True, False]), ("fiscal", [False, True])])
def test_whole_year_depends_on_the_basis(columns: list[str], basis: str, full: list[bool]) -> None:
    rows = facts(columns, trade_row(57, "2023-01-01", "2023-12-31"),
                 trade_row(65.7, "2023-04-01", "2024-03-31", doc_id="d2"))
    trade = queries.trade_figures(rows, basis=basis).sort_values("usd_bn")
    assert list(trade["full_year"]) == full


def test_target_sits_at_its_deadline_and_undated_figures_are_not_placed(columns: list[str]) -> None:
    rows = facts(columns, trade_row(100, "2024-07-09", "2030-12-31", metric="target"),
                 trade_row(3.3, None, None, metric="exports"),
                 {"kind": "percent", "unit": "percent", "value": 9.0, "metric": "trade_total"})
    trade = queries.trade_figures(rows).set_index("metric")
    assert trade.loc["target", "coverage"] == "target"
    assert trade.loc["target", "x_mark"] == pd.Timestamp("2030-12-31")
    assert trade.loc["exports", "coverage"] == "none" and pd.isna(trade.loc["exports", "x_mark"])
    assert len(trade) == 2  # the percentage is not a trade value
    assert list(queries.undated_table(trade.reset_index())["US$ bn"]) == [3.3]


def test_range_bounds_are_converted_at_the_midpoint_rate(columns: list[str]) -> None:
    rows = facts(columns, {"qualifier": "range", "unit": "EUR", "value_low": 3e9, "value_high": 5e9,
                           "value_usd": 4.4e9, "period_start": "2023-01-01", "period_end": "2023-12-31"})
    trade = queries.trade_figures(rows).iloc[0]
    assert (trade["usd_low_bn"], trade["usd_bn"], trade["usd_high_bn"]) == pytest.approx((3.3, 4.4, 5.5))


@pytest.mark.parametrize("full_years_only, expected", [(True, 65.7), (False, 18.0)])
def test_latest_trade_figure(columns: list[str], full_years_only: bool, expected: float) -> None:
    rows = facts(columns, trade_row(57, "2023-01-01", "2023-12-31"),
                 trade_row(65.7, "2023-04-01", "2024-03-31", doc_id="d2"),
                 trade_row(18.0, "2024-01-01", "2024-04-30", doc_id="d3"))
    latest = queries.latest_trade_figure(rows, full_years_only=full_years_only)
    assert latest["usd_bn"] == pytest.approx(expected)


def test_latest_trade_figure_is_none_without_dated_totals(columns: list[str]) -> None:
    assert queries.latest_trade_figure(facts(columns, trade_row(5, None, None))) is None


# --------------------------------------------------------------------------- defence


def s400_reports(columns: list[str]) -> pd.DataFrame:
    return facts(
        columns,
        {"kind": "count", "unit": "unit", "value": 5.0, "metric": "order", "status": "ordered", "item": "S-400",
         "supplier": "Russia", "recipient": "India", "doc_id": "deal", "start": 40, "published": "2018-10-05",
         "source": "Defence Herald", "surface": "five S-400 squadrons"},
        {"value": 5.43e9, "value_usd": 5.43e9, "metric": "deal_value", "doc_id": "deal", "start": 10,
         "published": "2018-10-05", "source": "Defence Herald", "surface": "$5.43 billion"},
        {"kind": "count", "unit": "unit", "value": 3.0, "metric": "delivery", "status": "delivered",
         "item": "S-400", "doc_id": "later", "published": "2024-03-01", "source": "Fixture Wire"},
        {"kind": "count", "unit": "unit", "value": 12.0, "metric": "production", "item": "reactor",
         "status": "under_construction", "doc_id": "nuclear"},
    )


def test_register_row_is_shaped_like_sipri(columns: list[str]) -> None:
    register = queries.defence_register(s400_reports(columns), ("India", "Russia"))
    assert list(register["System"]) == ["S-400"]  # reactors are not defence equipment
    row = register.iloc[0]
    assert (row["Supplier"], row["Recipient"], row["Ordered"], row["Delivered"], row["Remaining"]) == (
        "Russia", "India", 5, 3, 2)
    assert row["Deal value (US$ bn)"] == pytest.approx(5.43) and row["Order year"] == 2018
    assert row["Status"] == "Delivering" and row["Delivery reports"] == "Mar 2024"
    assert row["Sources"] == "2 reports: Defence Herald, Fixture Wire"
    assert sorted(row["fact_ids"]) == [1, 2, 3]


def test_register_has_one_row_per_system_and_buyer(columns: list[str]) -> None:
    count = {"kind": "count", "unit": "unit", "metric": "order", "status": "ordered", "item": "Rafale",
             "supplier": "France"}
    rows = facts(columns,
                 {**count, "value": 36.0, "recipient": "India", "doc_id": "a"},
                 {**count, "value": 24.0, "recipient": "Egypt", "doc_id": "b"},
                 {**count, "value": 32.0, "status": "delivered", "metric": "delivery", "recipient": None, "doc_id": "c"},
                 {**count, "value": 26.0, "item": "VVER-1000", "item_noun": "reactor", "supplier": "Russia",
                  "recipient": "India", "doc_id": "d"})
    register = queries.defence_register(rows, ("France", "India"))
    table = {(r["System"], r["Recipient"]): (r["Ordered"], r["Delivered"]) for _, r in register.iterrows()}
    # the delivery report names no buyer: it joins the system's usual one; a reactor is not arms
    assert table.keys() == {("Rafale", "India"), ("Rafale", "Egypt")}
    assert table[("Rafale", "India")][0] == 36 and table[("Rafale", "Egypt")][0] == 24


@pytest.mark.parametrize("metric, parties, shown", [
    ("exports", ["India", "Russia"], "exports"),      # India's exports to Russia
    ("exports", ["Russia", "India"], "imports"),      # Russia's exports to India are India's imports
    ("imports", ["Russia", "India"], "exports"),
    ("exports", ["Russia"], None),                    # Russia's exports to the world: not the pair's trade
    ("trade_total", ["Russia", "India"], "trade_total"),
], ids=["home-side", "partner-exports", "partner-imports", "one-country", "total"])
def test_trade_is_read_from_the_pairs_home_side(columns: list[str], metric: str, parties: list[str],
                                                 shown: str | None) -> None:
    rows = facts(columns, trade_row(4.3, "2023-04-01", "2024-03-31", metric=metric, parties=parties,
                                    pair_a="India", pair_b="Russia"))
    trade = queries.trade_figures(rows)
    assert list(trade["metric"]) == ([shown] if shown else [])


def test_register_takes_the_balance_from_corroboration_when_given(columns: list[str]) -> None:
    balance = pd.DataFrame([{"pair": "India–Russia", "item": "S-400", "ordered": 5.0, "delivered": 4.0,
                             "remaining": 2.0, "warning": "delivered 4 + remaining 2 = 6, but 5 ordered"}])
    row = queries.defence_register(s400_reports(columns), ("India", "Russia"), balance).iloc[0]
    assert (row["Delivered"], row["Remaining"]) == (4, 2)
    assert row["Check"].startswith("delivered 4 + remaining 2")


def test_register_supplier_falls_back_to_the_systems_usual_origin(columns: list[str]) -> None:
    rows = facts(columns, {"kind": "count", "unit": "unit", "value": 36.0, "metric": "order",
                           "status": "ordered", "item": "Rafale"})
    row = queries.defence_register(rows, ("France", "India")).iloc[0]
    assert (row["Supplier"], row["Recipient"]) == ("France", "India")  # origin from items.yaml


def test_deal_values_link_to_the_nearest_system_and_skip_articles_without_one(columns: list[str]) -> None:
    rows = pd.concat([s400_reports(columns), facts(columns, {
        "value": 65e9, "value_usd": 65e9, "metric": "deal_value", "doc_id": "trade-story"})])
    rows["fact_id"] = range(1, len(rows) + 1)
    deals = queries.defence_deals(rows)
    assert list(deals["system"]) == ["S-400"] and list(deals["usd_bn"]) == [pytest.approx(5.43)]


@pytest.mark.parametrize("deal_start, system", [
    (12, "Rafale"),   # nearer the first count
    (88, "S-400"),    # nearer the second
    (50, "Rafale"),   # as near to both: the first in the article's order
])
def test_a_deal_takes_the_system_counted_nearest_to_it(columns: list[str], deal_start: int, system: str) -> None:
    count = {"kind": "count", "unit": "unit", "metric": "order", "status": "ordered", "doc_id": "both"}
    rows = facts(columns,
                 {**count, "value": 36.0, "item": "Rafale", "start": 20, "supplier": "France"},
                 {**count, "value": 5.0, "item": "S-400", "start": 80, "supplier": "Russia"},
                 {"value": 5e9, "value_usd": 5e9, "metric": "deal_value", "doc_id": "both", "start": deal_start})
    deal = queries.defence_deals(rows).iloc[0]
    assert (deal["system"], deal["supplier"]) == (system, "France" if system == "Rafale" else "Russia")


def test_pending_deliveries(columns: list[str]) -> None:
    pending = queries.pending_deliveries(queries.defence_register(s400_reports(columns)))
    assert list(pending["System"]) == ["S-400"]


def test_timeline_has_trade_and_defence_lanes(columns: list[str]) -> None:
    rows = pd.concat([s400_reports(columns), facts(columns, trade_row(65.7, "2023-04-01", "2024-03-31",
                                                                        doc_id="t"))])
    rows["fact_id"] = range(1, len(rows) + 1)
    events = queries.timeline_events(rows)
    assert sorted(set(events["lane"])) == ["Deal values", "Deliveries", "Orders", "Trade"]
    trade = events[events["lane"].eq("Trade")].iloc[0]
    assert trade["when"] == pd.Timestamp("2024-03-31")


def test_register_and_timeline_take_the_trade_and_deals_a_page_already_has(columns: list[str]) -> None:
    rows = pd.concat([s400_reports(columns), facts(columns, trade_row(65.7, "2023-04-01", "2024-03-31",
                                                                        doc_id="t"))])
    rows["fact_id"] = range(1, len(rows) + 1)
    deals, trade = queries.defence_deals(rows), queries.trade_figures(rows)
    pd.testing.assert_frame_equal(queries.defence_register(rows, ("India", "Russia"), deals=deals),
                                  queries.defence_register(rows, ("India", "Russia")))
    pd.testing.assert_frame_equal(queries.timeline_events(rows, trade, deals), queries.timeline_events(rows))
    assert queries.latest_of(trade)["fact_id"] == queries.latest_trade_figure(rows)["fact_id"]


def test_timeline_without_trade_figures_still_has_defence_events(columns: list[str]) -> None:
    events = queries.timeline_events(s400_reports(columns))
    assert sorted(set(events["lane"])) == ["Deal values", "Deliveries", "Orders"]
    assert set(events["supplier"]) == {"Russia"}  # the delivery report names none: S-400's usual origin


def test_no_figures_make_empty_frames_not_errors(columns: list[str]) -> None:
    none = facts(columns)
    assert queries.trade_figures(none).empty and queries.timeline_events(none).empty
    assert queries.defence_register(none).empty and queries.defence_deals(none).empty
    assert queries.latest_trade_figure(none) is None and queries.year_bounds(none) is None


# --------------------------------------------------------------------------- data table


@pytest.mark.parametrize("filters, expected_ids", [
    ({}, [1, 2, 3]),
    ({"metrics": ["exports"]}, [2]),
    ({"kinds": ["percent"]}, [3]),
    ({"sources": [labels.MISSING_OUTLET]}, [3]),
    ({"qualifiers": ["approx"], "metrics": ["trade_total"]}, [1]),
    ({"qualifiers": ["approx"], "metrics": ["exports"]}, []),
])
def test_filter_facts(columns: list[str], filters: dict, expected_ids: list[int]) -> None:
    rows = facts(columns, trade_row(1, None, None, qualifier="approx"), trade_row(2, None, None, metric="exports"),
                 {"kind": "percent", "unit": "percent", "source": None})
    shown = queries.filter_facts(rows, **filters)
    assert list(shown["fact_id"]) == expected_ids
    assert list(shown.columns) == list(queries.DATA_COLUMNS)


def test_document_table_numbers_figures_in_text_order(columns: list[str]) -> None:
    rows = facts(columns, trade_row(2, None, None, start=40, end=53, surface="$2 billion"),
                 {"start": 5, "end": 13, "surface": "3-5 bn", "qualifier": "range", "value_low": 3e9,
                  "value_high": 5e9})
    table = queries.document_facts_table(rows)
    assert list(table["#"]) == [1, 2] and list(table["Figure"]) == ["3-5 bn", "$2 billion"]
    assert list(table["Value"]) == ["3,000,000,000–5,000,000,000", "2,000,000,000"]


# --------------------------------------------------------------------------- charts


def fy_reports(columns: list[str]) -> pd.DataFrame:
    return facts(columns,
                 trade_row(49.36, "2022-04-01", "2023-03-31", doc_id="a", source="Ledger Daily"),
                 trade_row(44.4, "2022-04-01", "2023-03-31", doc_id="b", qualifier="approx",
                           source="Capital <b>Courier</b>"),
                 trade_row(10, "2017-01-01", "2017-12-31", doc_id="c", qualifier="at_least"),
                 trade_row(100, "2024-07-09", "2030-12-31", metric="target", doc_id="c"))


def trade_figure(columns: list[str], basis: str = "calendar") -> dict:
    trade = queries.trade_figures(fy_reports(columns), basis)
    return charts.trade_chart(trade, pair_label="India–Russia", basis=basis, as_of="2024-05-20").to_dict()


def test_trade_chart_marks_carry_fact_ids_and_qualifier_symbols(columns: list[str]) -> None:
    figure = trade_figure(columns)
    total = drawn(figure, "Total trade")
    by_id = dict(zip(total["customdata"], zip(total["y"], total["marker"]["symbol"], strict=True), strict=True))
    assert by_id == {1: (49.36, "circle"), 2: (44.4, "circle-open"), 3: (10, "triangle-up")}
    target = drawn(figure, "Target (stated goal)")
    assert target["marker"]["symbol"] == ["star"] and target["customdata"] == [4]


def test_chart_dates_are_iso_strings_encoded_exactly_as_plotly_encodes_timestamps() -> None:
    stamps = [pd.Timestamp("2023-01-01"), pd.Timestamp("2023-06-02 08:30:00.5"), None,
              pd.Timestamp("2023-06-02 08:30:00.000000250"), pd.Timestamp("1969-12-31 23:59:59.25")]
    plain = json_values(pd.Series(stamps, dtype="datetime64[ns]"))
    assert plain == ["2023-01-01T00:00:00", "2023-06-02T08:30:00.500000", None, "2023-06-02T08:30:00.000000250",
                     "1969-12-31T23:59:59.250000"]
    assert plain == [s.isoformat() if s is not None else None for s in stamps]
    assert pio.to_json({"x": plain}) == pio.to_json({"x": stamps})


def test_map_unique_computes_once_per_distinct_combination() -> None:
    calls = []

    def label(number: int, text: str) -> str:
        calls.append((number, text))
        return f"{number}-{text}"

    out = queries.map_unique(label, pd.Series([1, 1, 2, 1]), pd.Series(["x", "x", "x", "y"]))
    assert out == ["1-x", "1-x", "2-x", "1-y"] and calls == [(1, "x"), (2, "x"), (1, "y")]
    # NaNs are one value; 0.0 and -0.0 are two (they print differently)
    signs = queries.map_unique(lambda v: f"{v:g}", pd.Series([float("nan"), 0.0, float("nan"), -0.0, 0.0]))
    assert signs == ["nan", "0", "nan", "-0", "0"]


def test_a_figure_redrawn_from_its_spec_is_the_same_figure(columns: list[str]) -> None:
    from dashboard.briefing import figure_data_frame
    from dashboard.ui.reads import DrawnFigure

    trade = queries.trade_figures(fy_reports(columns))
    built = charts.trade_chart(trade, pair_label="India–Russia", basis="calendar", as_of="2024-05-20")
    drawn_again = DrawnFigure(built.to_dict())
    assert pio.to_json(drawn_again.to_dict()) == pio.to_json(built.to_dict())
    # exports read the figure through plotly's objects, not only through to_dict()
    pd.testing.assert_frame_equal(figure_data_frame(drawn_again), figure_data_frame(built))
    assert drawn_again.layout.title.text == built.layout.title.text


def test_trade_chart_key_explains_line_styles_and_symbols(columns: list[str]) -> None:
    key = [t["name"] for t in trade_figure(columns)["data"] if t.get("legend") == "legend2"]
    assert key == ["Whole calendar year", "Part of a year or other span", "Exact", "Approximate",
                   "Lower bound (at least)"]


def test_chart_text_from_articles_is_escaped(columns: list[str]) -> None:
    figure = trade_figure(columns)
    hover = " ".join(h for t in figure["data"] for h in (t.get("hovertext") or []))
    assert "Capital &lt;b&gt;Courier&lt;/b&gt;" in hover and "<b>Courier</b>" not in hover
    notes = figure["layout"]["annotations"][0]["text"]
    assert "Capital &lt;b&gt;Courier&lt;/b&gt;" in notes


@pytest.mark.parametrize("basis, ticks, axis", [
    # 2017–2030 is 14 years: every second year is labelled
    ("calendar", ["2017", "2023", "2029"], "Calendar year"),
    ("fiscal", ["2016-17", "2022-23", "2030-31"], "Indian fiscal year (April–March)"),
])
def test_year_axis_labels_follow_the_basis(columns: list[str], basis: str, ticks: list[str], axis: str) -> None:
    layout = trade_figure(columns, basis)["layout"]
    assert all(t in layout["xaxis"]["ticktext"] for t in ticks), layout["xaxis"]["ticktext"]
    assert layout["xaxis"]["title"]["text"] == axis


def test_figure_carries_title_source_basis_and_date(columns: list[str]) -> None:
    layout = trade_figure(columns, "fiscal")["layout"]
    assert layout["title"]["text"] == "India–Russia trade, US$ billion"
    assert layout["annotations"][0]["text"] == (
        "Source: 3 news reports, Capital &lt;b&gt;Courier&lt;/b&gt;, Fixture Wire, Ledger Daily; "
        "figures extracted and normalised by Figure Desk<br>"
        "Period basis: Indian fiscal years (April–March) · Data as of 20 May 2024")
    assert layout["template"]["layout"]["font"]["size"] == 14


@pytest.mark.parametrize("sources, expected", [
    (["PTI"], "Source: 1 news report, PTI; figures extracted and normalised by Figure Desk"),
    (["PTI", "PTI", "ANI"], "Source: 3 news reports, PTI, ANI; figures extracted and normalised by Figure Desk"),
    (["A", "B", "C", "D", "E", "F"],
     "Source: 6 news reports, A, B, C, D and 2 others; figures extracted and normalised by Figure Desk"),
    ([None], "Source: 1 news report, outlet unknown; figures extracted and normalised by Figure Desk"),
])
def test_source_line(sources: list[str | None], expected: str) -> None:
    rows = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(sources))], "source": sources})
    assert charts.source_line(rows) == expected


def test_deal_and_delivery_charts(columns: list[str]) -> None:
    reports = s400_reports(columns)
    deals = charts.deal_values_chart(queries.defence_deals(reports), pair_label="India–Russia",
                                     as_of=None).to_dict()
    russia = drawn(deals, "Russia")
    assert russia["y"] == [pytest.approx(5.43)] and russia["text"] == ["S-400"] and russia["customdata"] == [2]
    register = queries.defence_register(reports, ("India", "Russia"))
    delivered = charts.deliveries_chart(queries.deliveries(reports), register, pair_label="India–Russia",
                                        as_of=None).to_dict()
    line = drawn(delivered, "S-400")
    assert line["y"] == [3] and line["customdata"] == [3]
    assert any(s.get("y0") == 5 for s in delivered["layout"]["shapes"])  # the ordered rule


def test_country_colours_are_fixed_and_unknown_countries_get_muted_ones() -> None:
    assert charts.country_colour("Russia") == charts.COUNTRY_COLOURS["Russia"]
    assert charts.country_colour(None) == charts.UNKNOWN_COLOUR
    assert charts.country_colour("Narnia", ["Narnia"]) == charts.FALLBACK_COLOURS[0]


# --------------------------------------------------------------------------- UI helpers without Streamlit


@pytest.mark.parametrize("text, spans, expected", [
    ("Trade hit $5 bn.", [(10, 15, "Total trade")],
     'Trade hit <mark style="{m}" title="1 · Total trade">$5 bn</mark><sup>1</sup>.'),
    ("<b>$5 bn</b>", [(3, 8, "x")], '&lt;b&gt;<mark style="{m}" title="1 · x">$5 bn</mark><sup>1</sup>&lt;/b&gt;'),
    ("ab <script>", [(0, 2, 'say "hi"')],
     '<mark style="{m}" title="1 · say &quot;hi&quot;">ab</mark><sup>1</sup> &lt;script&gt;'),
    ("abcdef", [(0, 4, "x"), (2, 5, "overlaps")], '<mark style="{m}" title="1 · x">abcd</mark><sup>1</sup>ef'),
    ("abc", [(1, 9, "past the end")], "abc"),
])
def test_highlight_html(text: str, spans: list, expected: str) -> None:
    body = highlight_html(text, spans)
    inner = body[body.index(">") + 1: -len("</div>")]
    assert inner == expected.format(m="background:#fde68a;padding:0 2px;border-radius:3px")


def test_highlight_html_skips_front_matter() -> None:
    text = "---\ntitle: x\n---\nTrade $5 bn"
    start = text.index("$5 bn")
    body = highlight_html(text, [(start, start + 5, "t")], offset=text.index("Trade"))
    assert "title: x" not in body and ">$5 bn</mark>" in body


@pytest.mark.parametrize("event, expected", [
    ({"selection": {"points": [{"customdata": 7}, {"customdata": [8, "x"]}, {"customdata": 7}]}}, [7, 8]),
    ({"selection": {"points": [{"x": 1}]}}, []),
    ({"selection": {"points": []}}, []),
    (None, []),
])
def test_fact_ids_from_a_plotly_selection(event: Any, expected: list[int]) -> None:
    assert fact_ids(event) == expected


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a", "https://example.org/a"), ("http://x.org", "http://x.org"),
    ("javascript:alert(1)", None), ("//evil.org", None), (None, None), ("ftp://x.org/f", None),
])
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected



@pytest.mark.parametrize("text, expected", [
    ("Rafale jets for India", "Rafale jets for India"),
    ("[x](javascript:y)", r"\[x\]\(javascript:y\)"),
    ("costs $5 and $6", r"costs \$5 and \$6"),          # no LaTeX
    ("*bold* _em_ `code` <b>", r"\*bold\* \_em\_ \`code\` \<b\>"),
])
def test_md_escape(text: str, expected: str) -> None:
    assert md_escape(text) == expected
