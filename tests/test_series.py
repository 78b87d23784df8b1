"""The trade series and official statistics beside it, on hand-made fact rows (no Streamlit, no store reads beyond
the frame's shape): which reports make a year, the change on the year before, mirrors kept apart, reports set
against the official figure of their period, the period selector's default span, and the charts drawn from them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pytest

from dashboard import charts, labels, queries, series
from dashboard.corroboration import canonical_figures
from datastore import store
from tests.test_charts import facts, trade_row

CY21, CY23, CY24 = ("2021-01-01", "2021-12-31"), ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31")
FY23, FY24 = ("2022-04-01", "2023-03-31"), ("2023-04-01", "2024-03-31")
JAN_OCT_23 = ("2023-01-01", "2023-10-31")


@pytest.fixture(scope="module")
def columns(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The columns store.facts_frame returns, so hand-made rows have exactly the store's shape."""
    return list(store.facts_frame(tmp_path_factory.mktemp("empty") / "facts.db").columns)


def report(bn: float, period: tuple[str, str], outlet: str, published: str, **extra: Any) -> dict[str, Any]:
    """One news report, one article of its own (doc id from outlet and date), India–Russia."""
    extra.setdefault("pair", "India–Russia")
    return trade_row(bn, *period, doc_id=f"{outlet}-{published}", source=outlet, published=published, **extra)


def series_of(columns: list[str], rows: list[dict[str, Any]], basis: str) -> pd.DataFrame:
    frame = facts(columns, *rows)
    return series.trade_series(canonical_figures(queries.trade_facts(frame)), frame, basis)


# --------------------------------------------------------------------------- which reports make a year


@dataclass(frozen=True)
class SeriesCase:
    id: str
    rows: tuple[dict[str, Any], ...]
    basis: str
    # (metric, year, US$ bn, reports, outlets, change in %, or None)
    expected: tuple[tuple[str, str, float, int, int, float | None], ...]
    outlets: tuple[str, ...] = field(default=())  # of the first point, oldest report first


SERIES_CASES = [
    SeriesCase("three outlets on a calendar year: the value two agree with, the later of them",
               (report(57, CY23, "ANI", "2024-07-10"), report(57.2, CY23, "Tass", "2024-07-01"),
                report(50, CY23, "Mint", "2024-08-01")), "calendar",
               (("trade_total", "2023", 57.0, 3, 3, None),), ("Tass", "ANI", "Mint")),
    SeriesCase("a report for ten months never stands in for the year",
               (report(54.7, JAN_OCT_23, "Vestnik", "2023-12-23"),), "calendar", ()),
    SeriesCase("a fiscal year is a point on the fiscal basis …",
               (report(65.7, FY24, "PTI", "2024-05-20"),), "fiscal", (("trade_total", "2023-24", 65.7, 1, 1, None),)),
    SeriesCase("… and only a report on the calendar basis",
               (report(65.7, FY24, "PTI", "2024-05-20"),), "calendar", ()),
    SeriesCase("change on the year just before; a missing year breaks it",
               (report(13, CY21, "PTI", "2025-08-20"), report(57, CY23, "ANI", "2024-07-10"),
                report(60, CY24, "ANI", "2025-02-01")), "calendar",
               (("trade_total", "2021", 13.0, 1, 1, None), ("trade_total", "2023", 57.0, 1, 1, None),
                ("trade_total", "2024", 60.0, 1, 1, 5.263))),
    SeriesCase("consecutive fiscal years",
               (report(49.36, FY23, "PTI", "2024-05-20"), report(65.7, FY24, "PTI", "2024-05-20", start=90)),
               "fiscal", (("trade_total", "2022-23", 49.36, 1, 1, None),
                          ("trade_total", "2023-24", 65.7, 1, 1, 33.104))),
    SeriesCase("one commodity's trade is not the pair's total",
               (report(40, CY23, "Reuters", "2024-01-10", item="crude oil"),), "calendar", ()),
    SeriesCase("each metric is a series of its own",
               (report(61.44, FY24, "PTI", "2024-05-20", metric="imports"),
                report(4.26, FY24, "PTI", "2024-05-20", metric="exports", start=50)), "fiscal",
               (("exports", "2023-24", 4.26, 1, 1, None), ("imports", "2023-24", 61.44, 1, 1, None))),
    SeriesCase("Russia's exports to India are India's imports (the pair's home side)",
               (report(41.6, FY23, "Firstpost", "2023-04-28", metric="exports", parties=["Russia", "India"],
                       pair_a="India", pair_b="Russia"),), "fiscal", (("imports", "2022-23", 41.6, 1, 1, None),)),
]


@pytest.mark.parametrize("case", SERIES_CASES, ids=lambda c: c.id)
def test_series_points(columns: list[str], case: SeriesCase) -> None:
    points = series_of(columns, list(case.rows), case.basis)
    found = [(r.metric, r.year, round(r.usd_bn, 2), r.n_reports, r.n_outlets,
              None if math.isnan(r.change) else round(r.change * 100, 3)) for r in points.itertuples()]
    assert found == list(case.expected)
    if case.outlets:
        assert list(points["outlets"].iloc[0]) == list(case.outlets)


def test_a_point_carries_its_canonical_report_and_every_report_behind_it(columns: list[str]) -> None:
    points = series_of(columns, [report(57, CY23, "ANI", "2024-07-10", surface="$57 billion", qualifier="approx",
                                        url="https://example.org/ani"),
                                 report(56.8, CY23, "Tass", "2024-07-01")], "calendar")
    point = points.iloc[0]
    assert (point["as_reported"], point["qualifier"], point["canonical_source"], point["canonical_url"]) == (
        "$57 billion", "approx", "ANI", "https://example.org/ani")
    assert sorted(point["fact_ids"]) == [1, 2] and point["canonical_fact_id"] == 1
    assert point["x"] == pd.Timestamp("2023-07-02 12:00")  # the middle of the year: where it is drawn
    assert not point["conflict"]


def test_no_reports_give_an_empty_series_with_every_column(columns: list[str]) -> None:
    empty = series_of(columns, [report(5, JAN_OCT_23, "X", "2024-01-01")], "calendar")
    assert empty.empty and list(empty.columns) == list(series.SERIES_COLUMNS)
    assert series.latest_point(empty) is None


@pytest.mark.parametrize("values, starts, ends, expected", [
    ([10.0, 15.0], ["2021-01-01", "2022-01-01"], ["2021-12-31", "2022-12-31"], [None, 50.0]),
    ([10.0, 15.0], ["2021-01-01", "2023-01-01"], ["2021-12-31", "2023-12-31"], [None, None]),  # 2022 missing
    ([0.0, 15.0], ["2021-01-01", "2022-01-01"], ["2021-12-31", "2022-12-31"], [None, None]),   # no change on 0
    ([8.0, 6.0], ["2021-04-01", "2022-04-01"], ["2022-03-31", "2023-03-31"], [None, -25.0]),
])
def test_year_on_year(values: list[float], starts: list[str], ends: list[str], expected: list[float | None]) -> None:
    changes, _ = series.year_on_year(values, starts, ends)
    assert [None if math.isnan(c) else round(c * 100, 6) for c in changes] == expected


# --------------------------------------------------------------------------- official statistics


def official(*rows: tuple[str, str, str, tuple[str, str], float], source: str = "UN Comtrade") -> pd.DataFrame:
    """Rows as store.official_frame gives them: (reporter, partner, flow, period, US$ bn)."""
    return pd.DataFrame([{
        "official_id": i, "reporter": reporter, "partner": partner, "flow": flow, "period_start": period[0],
        "period_end": period[1], "value": bn * 1e9, "currency": "USD", "value_usd": bn * 1e9, "source": source,
        "url": "https://comtrade.un.org/", "file": "f.csv", "file_format": "comtrade",
        "pair": labels.pair_label((reporter, partner)),
    } for i, (reporter, partner, flow, period, bn) in enumerate(rows, start=1)])


MIRRORED = official(("India", "Russia", "imports", CY23, 50), ("India", "Russia", "exports", CY23, 4),
                    ("Russia", "India", "exports", CY23, 48), ("Russia", "India", "imports", CY23, 5))


def test_mirror_statistics_are_two_series_never_averaged() -> None:
    rows = series.official_figures(MIRRORED)
    found = {(r.metric, r.reporter, r.mirror, r.derived, round(r.usd_bn, 2)) for r in rows.itertuples()}
    assert found == {
        ("imports", "India", False, False, 50.0), ("exports", "India", False, False, 4.0),
        ("imports", "Russia", True, False, 48.0),   # Russia's exports to India: India's imports, as Russia sees them
        ("exports", "Russia", True, False, 5.0),
        ("trade_total", "India", False, True, 54.0), ("trade_total", "Russia", True, True, 53.0),  # each its own
    }
    labels = set(rows.loc[rows["metric"].eq("imports"), "label"])
    assert labels == {"India's statistics · UN Comtrade", "Russia's statistics (mirror) · UN Comtrade"}


def test_a_stated_total_is_not_added_to_again() -> None:
    rows = series.official_figures(official(("India", "Russia", "imports", FY24, 60),
                                            ("India", "Russia", "exports", FY24, 4),
                                            ("India", "Russia", "trade_total", FY24, 64.5)))
    assert rows.loc[rows["metric"].eq("trade_total"), "usd_bn"].tolist() == [64.5]


@pytest.mark.parametrize("basis, years", [("calendar", ["2023"]), ("fiscal", ["2023-24"])])
def test_official_series_keep_whole_years_of_the_basis(basis: str, years: list[str]) -> None:
    rows = series.official_figures(official(("India", "Russia", "imports", CY23, 50),
                                            ("India", "Russia", "imports", FY24, 60),
                                            ("India", "Russia", "imports", ("2023-05-01", "2023-05-31"), 5)))
    assert series.official_series(rows, basis)["year"].tolist() == years


@dataclass(frozen=True)
class AgainstCase:
    id: str
    news_bn: float
    metric: str
    period: tuple[str, str]
    official_bn: float | None
    by: str | None
    flagged: bool


AGAINST_CASES = [
    AgainstCase("4 % above India's figure: within 5 %", 56.16, "trade_total", CY23, 54.0,
                "India's statistics · UN Comtrade · exports + imports", False),
    AgainstCase("5.6 % above: flagged", 57.0, "trade_total", CY23, 54.0,
                "India's statistics · UN Comtrade · exports + imports", True),
    AgainstCase("7.5 % below: flagged", 46.25, "imports", CY23, 50.0, "India's statistics · UN Comtrade", True),
    AgainstCase("no official figure for a part of a year", 54.7, "trade_total", JAN_OCT_23, None, None, False),
    AgainstCase("no official figure for another year", 13.0, "trade_total", CY21, None, None, False),
]


@pytest.mark.parametrize("case", AGAINST_CASES, ids=lambda c: c.id)
def test_a_report_against_the_official_figure_of_its_period(case: AgainstCase) -> None:
    news = pd.DataFrame({"pair": ["India–Russia"], "metric": [case.metric], "period_start": [case.period[0]],
                         "period_end": [case.period[1]], "value_usd": [case.news_bn * 1e9]})
    row = series.against_official(news, series.official_figures(MIRRORED)).iloc[0]
    if case.official_bn is None:
        assert pd.isna(row["official_usd"]) and row["official_by"] is None and not row["off_official"]
        return
    assert row["official_usd"] == pytest.approx(case.official_bn * 1e9)
    assert row["official_by"] == case.by  # the home country's figure, not the mirror
    assert row["vs_official"] == pytest.approx(case.news_bn / case.official_bn - 1)
    assert bool(row["off_official"]) is case.flagged


def test_only_a_mirror_figure_is_compared_as_one() -> None:
    news = pd.DataFrame({"pair": ["India–Russia"], "metric": ["imports"], "period_start": [CY23[0]],
                         "period_end": [CY23[1]], "value_usd": [50e9]})
    mirror = series.official_figures(official(("Russia", "India", "exports", CY23, 48)))
    row = series.against_official(news, mirror).iloc[0]
    assert row["official_by"] == "Russia's statistics (mirror) · UN Comtrade"
    assert series.official_note(row["official_usd"], row["official_by"], row["vs_official"]) == (
        "Official, Russia's statistics (mirror) · UN Comtrade: $48 bn; this figure +4.2 %")


def test_series_table_reads_year_value_change_reports_outlets(columns: list[str]) -> None:
    points = series_of(columns, [report(49.36, FY23, "PTI", "2024-05-20"),
                                 report(65.7, FY24, "PTI", "2024-05-20", start=90),
                                 report(65.7, FY24, "ANI", "2024-07-10")], "fiscal")
    plain = series.series_table(points)
    assert list(plain.columns[:6]) == ["Year", "Figure", "US$ bn", "Change (%)", "Reports", "Outlets"]
    assert "Official US$ bn" not in plain.columns  # none loaded: no empty columns
    row = plain.iloc[1]
    assert (row["Year"], row["US$ bn"], row["Change (%)"], row["Reports"], row["Outlets"]) == (
        "2023-24", 65.7, 33.1, 2, "PTI, ANI")
    against = series.against_official(points, series.official_figures(
        official(("India", "Russia", "trade_total", FY24, 64), source="Ministry")))
    table = series.series_table(against)
    assert (table.iloc[1]["Official US$ bn"], table.iloc[1]["vs official (%)"],
            table.iloc[1]["More than 5 % off"]) == (64.0, 2.7, False)


# --------------------------------------------------------------------------- the period selector's default


@pytest.mark.parametrize("periods, basis, expected", [
    ([(*FY24, "2024-05-20")], "calendar", (2023, 2024)),
    ([(*FY24, "2024-05-20")], "fiscal", (2023, 2023)),
    ([(*CY23, "2024-07-10"), (None, "2030-12-31", "2024-07-09")], "calendar", (2023, 2024)),  # a target: its article
    ([(*CY23, "2024-07-10"), ("1960-01-01", "1964-12-31", "2024-03-11")], "calendar", (2023, 2024)),  # a window
    ([(None, None, "2019-03-11")], "fiscal", (2018, 2018)),  # no period: the article's date, 11 Mar 2019 = FY2018-19
])
def test_the_data_span_is_what_the_stories_report_on(periods: list[tuple], basis: str,
                                                     expected: tuple[int, int]) -> None:
    frame = pd.DataFrame(periods, columns=["effective_period_start", "effective_period_end", "published"])
    assert queries.data_span(frame, basis) == expected


@pytest.mark.parametrize("basis, expected", [("calendar", (1960, 2030)), ("fiscal", (1959, 2030))])
def test_the_selector_still_reaches_every_year(basis: str, expected: tuple[int, int]) -> None:
    frame = pd.DataFrame([("1960-01-01", "1964-12-31", "2024-03-11"), (None, "2030-12-31", "2024-07-09")],
                         columns=["effective_period_start", "effective_period_end", "published"])
    assert queries.year_bounds(frame, basis) == expected


# --------------------------------------------------------------------------- charts


def traces(figure: Any, name: str) -> list[dict]:
    return [t for t in figure.to_dict()["data"] if t.get("name") == name and t.get("x") not in (None, [None])]


def test_trade_chart_draws_the_series_the_reports_and_each_official_series(columns: list[str]) -> None:
    rows = [report(13, CY21, "PTI", "2025-08-20"), report(57, CY23, "ANI", "2024-07-10"),
            report(60, CY24, "ANI", "2025-02-01"), report(54.7, JAN_OCT_23, "Vestnik", "2023-12-23")]
    frame = facts(columns, *rows)
    points = series.trade_series(canonical_figures(queries.trade_facts(frame)), frame, "calendar")
    stated = series.official_figures(MIRRORED)
    figure = charts.trade_chart(queries.trade_figures(frame), pair_label="India–Russia", basis="calendar",
                                as_of="2025-08-20", series=points, official=series.official_series(stated))
    line = traces(figure, "Total trade (series)")[0]
    assert line["y"] == [13.0, None, 57.0, 60.0]  # 2022 is missing: the line breaks rather than bridging it
    assert "Change on 2023: +5.3 %" in line["hovertext"][3]
    marks = traces(figure, "Total trade")[0]
    assert sorted(marks["y"]) == [13.0, 54.7, 57.0, 60.0] and marks["opacity"] == 0.4  # every report, faint
    india, russia = (traces(figure, f"Imports, official: {who}")[0] for who in ("India", "Russia (mirror)"))
    assert india["y"] == [50.0] and russia["y"] == [48.0]  # two series, never one averaged line
    assert india["line"]["dash"] != russia["line"]["dash"]
    assert traces(figure, "Total trade, official: India")[0]["y"] == [54.0]
    notes = " ".join(a["text"] for a in figure.to_dict()["layout"]["annotations"])
    assert "official statistics: UN Comtrade" in notes


def test_compare_chart_has_a_line_per_pair(columns: list[str]) -> None:
    rows = [report(65.7, FY24, "PTI", "2024-05-20"), report(49.36, FY23, "PTI", "2023-05-20", start=5),
            report(118.28, FY24, "PTI", "2024-05-12", pair="India–United States", start=9),
            report(118.4, FY24, "GTRI", "2024-05-12", pair="China–India", start=12)]
    frame = facts(columns, *rows)
    points = series.trade_series(canonical_figures(queries.trade_facts(frame)), frame, "fiscal")
    figure = charts.compare_chart(points, pairs=["India–Russia", "India–United States", "China–India"],
                                  basis="fiscal", as_of=None)
    assert traces(figure, "India–Russia · Total trade")[0]["y"] == [49.36, 65.7]
    assert traces(figure, "India–United States · Total trade")[0]["y"] == [118.28]
    assert traces(figure, "China–India · Total trade")[0]["y"] == [118.4]
    colours = {traces(figure, f"{p} · Total trade")[0]["line"]["color"] for p in
               ("India–Russia", "India–United States", "China–India")}
    assert len(colours) == 3
    assert figure.to_dict()["layout"]["title"]["text"].startswith("Trade compared: India–Russia, India–United States")
