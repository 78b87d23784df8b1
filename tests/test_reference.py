"""Official statistics from files: the three layouts read, what is skipped and refused, idempotent loading, the
`reference` command. The files under tests/fixtures/official copy Comtrade's layouts with made-up values."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from datastore import reference, store
from extractors.fx import usd_rate

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = Path(__file__).resolve().parent / "fixtures" / "official"
COMTRADE = OFFICIAL / "comtrade-india-russia-made-up.csv"
CLASSIC = OFFICIAL / "comtrade-classic-india-united-states-made-up.csv"
SIMPLE = OFFICIAL / "reference-india-russia-fiscal-made-up.csv"
CAL23 = ("2023-01-01", "2023-12-31")
FY24 = ("2023-04-01", "2024-03-31")


@pytest.fixture(scope="module")
def countries() -> reference.Countries:
    return reference.default_countries()


def read(path: Path, countries: reference.Countries) -> reference.FileResult:
    return reference.read_reference(path.read_bytes(), path.name, countries)


def figures(result: reference.FileResult) -> set[tuple]:
    """The figures stated in US dollars (a converted one is checked on its own below)."""
    return {(r["reporter"], r["partner"], r["flow"], r["period_start"], r["period_end"], r["value_usd"])
            for r in result.rows if r["currency"] == "USD"}


# --------------------------------------------------------------------------- the three layouts


@dataclass(frozen=True)
class LayoutCase:
    id: str
    path: Path
    layout: str
    expected: frozenset[tuple]
    skipped: dict[str, int]


LAYOUTS = [
    LayoutCase("comtrade: M and X rows of both reporters; a chapter, the world and a re-export skipped", COMTRADE,
               reference.COMTRADE, frozenset({
                   ("India", "Russia", "imports", "2021-01-01", "2021-12-31", 9.5e9),
                   ("India", "Russia", "exports", "2021-01-01", "2021-12-31", 3e9),
                   ("India", "Russia", "imports", *CAL23, 50e9),
                   ("India", "Russia", "exports", *CAL23, 4e9),
                   ("Russia", "India", "exports", *CAL23, 48e9),  # Russia's own figure: the mirror of India's imports
                   ("Russia", "India", "imports", *CAL23, 5e9),
               }), {"a commodity, not all goods": 1, "partner is the world, not a country": 1,
                    "re-exports, re-imports or another sub-flow": 1}),
    LayoutCase("classic comtrade: Trade Flow words, 'USA' named by its ISO code; a re-export skipped", CLASSIC,
               reference.COMTRADE_CLASSIC, frozenset({
                   ("India", "United States", "imports", "2022-01-01", "2022-12-31", 50e9),
                   ("India", "United States", "exports", "2022-01-01", "2022-12-31", 80e9),
               }), {"re-exports, re-imports or another sub-flow": 1}),
    LayoutCase("simple: fiscal years, a mirror named by its reporter, thousands separators", SIMPLE, reference.SIMPLE,
               frozenset({
                   ("India", "Russia", "trade_total", *FY24, 64e9),
                   ("India", "Russia", "imports", *FY24, 60e9),
                   ("India", "Russia", "exports", *FY24, 4e9),
                   ("India", "Russia", "trade_total", "2022-04-01", "2023-03-31", 48e9),
                   ("Russia", "India", "exports", *FY24, 58e9),
               }), {}),
]


@pytest.mark.parametrize("case", LAYOUTS, ids=lambda c: c.id)
def test_each_layout_reads_its_figures(case: LayoutCase, countries: reference.Countries) -> None:
    result = read(case.path, countries)
    assert result.file_format == case.layout
    assert figures(result) == case.expected
    assert dict(result.skipped) == case.skipped
    assert result.problems == []


def test_comtrade_rows_keep_their_source(countries: reference.Countries) -> None:
    row = read(COMTRADE, countries).rows[0]
    assert (row["source"], row["url"], row["currency"], row["file"], row["file_format"]) == (
        "UN Comtrade", reference.COMTRADE_URL, "USD", COMTRADE.name, "comtrade")


def test_a_figure_in_another_currency_is_converted_at_the_period_average(countries: reference.Countries) -> None:
    rupees = next(r for r in read(SIMPLE, countries).rows if r["currency"] == "INR")
    months = [date(2023, m, 15) for m in range(4, 13)] + [date(2024, m, 15) for m in range(1, 4)]
    average = sum(usd_rate("INR", d)[0] for d in months) / 12
    assert rupees["value"] == 1e13 and rupees["value_usd"] == pytest.approx(1e13 * average)
    assert 1.1e11 < rupees["value_usd"] < 1.3e11  # Rs 10 lakh crore is some $120 billion in 2023-24


@pytest.mark.parametrize("header, layout", [
    (["typeCode", "freqCode", "period", "reporterDesc", "flowCode", "partnerDesc", "cmdCode", "primaryValue"],
     reference.COMTRADE),
    (["Classification", "Year", "Period", "Trade Flow", "Reporter", "Partner", "Trade Value (US$)"],
     reference.COMTRADE_CLASSIC),
    (list(reference.SIMPLE_COLUMNS), reference.SIMPLE),
])
def test_layout_is_told_by_its_header(header: list[str], layout: str) -> None:
    assert reference.detect_format(header) == layout


# --------------------------------------------------------------------------- what is refused

SIMPLE_HEAD = "pair,flow,period_start,period_end,value,currency,source,url\n"


@pytest.mark.parametrize("line, problem", [
    ("India–Narnia,imports,2023-04-01,2024-03-31,1,USD,S,", "pair 'India–Narnia' is not two countries we know"),
    ("India–Russia,re-exports,2023-04-01,2024-03-31,1,USD,S,", "flow 're-exports' is not exports, imports"),
    ("India–Russia,imports,2023-04-01,31/03/2024,1,USD,S,", "must be dates written YYYY-MM-DD"),
    ("India–Russia,imports,2024-04-01,2024-03-31,1,USD,S,", "period_end is before period_start"),
    ("India–Russia,imports,2023-04-01,2024-03-31,lots,USD,S,", "value 'lots' is not a number"),
    ("India–Russia,imports,2023-04-01,2024-03-31,-5,USD,S,", "is not a value a trade figure can have"),
    ("India–Russia,imports,2023-04-01,2024-03-31,5,dollars,S,", "currency 'dollars' is not an ISO code"),
    ("India–Russia,imports,2023-04-01,2024-03-31,5,USD,,", "source is empty"),
    ("India–Russia,imports,1990-04-01,1991-03-31,5,RUB,S,", "no US-dollar rate for RUB in Apr 1990"),
])
def test_a_bad_row_is_refused_by_line_and_the_rest_still_read(line: str, problem: str,
                                                              countries: reference.Countries) -> None:
    good = "India–Russia,imports,2023-04-01,2024-03-31,5,USD,S,\n"
    result = reference.read_reference((SIMPLE_HEAD + good + line + "\n").encode(), "mine.csv", countries)
    assert len(result.rows) == 1
    assert len(result.problems) == 1 and result.problems[0].startswith("line 3: ")
    assert problem in result.problems[0]


def test_the_same_figure_twice_keeps_the_later_and_says_so(countries: reference.Countries) -> None:
    text = SIMPLE_HEAD + "India–Russia,imports,2023-04-01,2024-03-31,5,USD,S,\n" + \
        "India–Russia,imports,2023-04-01,2024-03-31,6,USD,S,\n"
    result = reference.read_reference(text.encode(), "twice.csv", countries)
    assert [r["value"] for r in result.rows] == [6]
    assert result.problems == ["line 3: the same figure as line 2 with another value; the later one is kept"]


@pytest.mark.parametrize("data, reason", [
    (b"", "the file is empty"),
    (b"%PDF-1.7\x00\x00binary", "not a text file"),
    (b"country,year,amount\nIndia,2023,5\n", "neither a UN Comtrade export"),
])
def test_an_unreadable_file_is_refused_whole(data: bytes, reason: str, countries: reference.Countries) -> None:
    with pytest.raises(reference.ReferenceFileError, match=reason):
        reference.read_reference(data, "x.csv", countries)


def test_windows_1252_text_is_read(countries: reference.Countries) -> None:
    text = SIMPLE_HEAD + "India–Russia,imports,2023-04-01,2024-03-31,5,USD,Ministère,\n"
    result = reference.read_reference(text.encode("cp1252"), "old.csv", countries)
    assert result.rows[0]["source"] == "Ministère"


# --------------------------------------------------------------------------- loading


def test_loading_twice_changes_nothing_and_a_revision_updates(db_path: Path, countries: reference.Countries) -> None:
    files = [(p.name, p.read_bytes()) for p in (COMTRADE, CLASSIC, SIMPLE)]
    first = reference.load_files(files, db_path, countries)
    assert dict(first.outcomes) == {"new": 14}
    again = reference.load_files(files, db_path, countries)
    assert dict(again.outcomes) == {"unchanged": 14}
    revised = SIMPLE.read_text(encoding="utf-8").replace("64000000000", "64500000000")
    third = reference.load_files([("revised.csv", revised.encode())], db_path, countries)
    assert (third.outcomes["updated"], third.outcomes["unchanged"]) == (1, 5)
    frame = store.official_frame(db_path, [("Russia", "India")])
    row = frame[frame["flow"].eq("trade_total") & frame["period_start"].eq("2023-04-01")].iloc[0]
    assert (row["value"], row["file"], row["pair"]) == (64.5e9, "revised.csv", "India–Russia")
    assert len(store.official_frame(db_path)) == 14


def test_a_file_that_cannot_be_read_is_named_and_the_others_load(db_path: Path,
                                                                 countries: reference.Countries) -> None:
    summary = reference.load_files([("empty.csv", b""), (SIMPLE.name, SIMPLE.read_bytes())], db_path, countries)
    assert summary.failed == [("empty.csv", "the file is empty")]
    assert summary.outcomes["new"] == 6


@pytest.mark.parametrize("row, message", [
    ({"flow": "re-exports"}, "flow must be one of"),
    ({"source": None}, "needs 'source'"),
    ({"period_start": "1 April 2023"}, "Invalid isoformat"),
])
def test_the_store_refuses_an_official_figure_it_cannot_keep(db_path: Path, row: dict, message: str) -> None:
    good = {"reporter": "India", "partner": "Russia", "flow": "imports", "period_start": "2023-04-01",
            "period_end": "2024-03-31", "value": 1.0, "currency": "USD", "value_usd": 1.0, "source": "S",
            "url": None, "file": "f.csv", "file_format": "simple"}
    with pytest.raises(ValueError, match=message):
        store.save_official(db_path, [good | row])
    assert store.official_frame(db_path).empty


def test_the_official_table_migration_runs_in_any_order(db_path: Path) -> None:
    """Its statements create only its own table and indexes, and only when missing, so the migration can be
    renumbered when branches merge, or meet a store that already has the table."""
    with store.connect(db_path) as conn:
        official = next(m for m in store.MIGRATIONS if any("official_figures" in s for s in m))
        assert all("IF NOT EXISTS" in statement for statement in official)
        for statement in official:
            conn.execute(statement)  # a second time: no error
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "official_figures" in tables


def test_official_figures_are_read_for_a_pair_in_either_order(db_path: Path, countries: reference.Countries) -> None:
    reference.load_files([(CLASSIC.name, CLASSIC.read_bytes())], db_path, countries)
    both = [store.official_frame(db_path, [pair]) for pair in (("India", "United States"), ("United States", "India"))]
    assert len(both[0]) == len(both[1]) == 2
    assert store.official_frame(db_path, []).empty


# --------------------------------------------------------------------------- the command line


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extractors", "reference", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_the_command_prints_rows_pairs_and_years(tmp_path: Path) -> None:
    db = tmp_path / "facts.db"
    done = run_cli(str(COMTRADE), str(SIMPLE), "--db", str(db))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == (f"{COMTRADE.name}: UN Comtrade export, 6 figures; 3 rows skipped (a commodity, not all "
                        "goods: 1, partner is the world, not a country: 1, re-exports, re-imports or another "
                        "sub-flow: 1)")
    assert lines[1] == f"{SIMPLE.name}: reference CSV, 6 figures"
    assert lines[2:] == ["official figures: 12 loaded (12 new, 0 unchanged, 0 updated)",
                         "pairs: India–Russia (11), India–United States (1)",
                         "years: 2021, FY2022-23, 2023, FY2023-24"]
    again = run_cli(str(COMTRADE), "--db", str(db))
    assert "official figures: 6 loaded (0 new, 6 unchanged, 0 updated)" in again.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM official_figures").fetchone()[0] == 12


def test_the_command_names_a_file_it_cannot_read_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    done = run_cli(str(bad), str(SIMPLE), str(tmp_path / "missing.csv"), "--db", str(tmp_path / "facts.db"))
    assert done.returncode == 2
    assert "missing.csv: not loaded: No such file or directory" in done.stdout
    assert "notes.csv: not loaded: the header is neither a UN Comtrade export" in done.stdout
    assert "official figures: 6 loaded (6 new" in done.stdout


def test_the_command_is_listed_in_the_usage() -> None:
    done = subprocess.run([sys.executable, "-m", "extractors", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert "reference FILE... [--db FILE]" in done.stdout
