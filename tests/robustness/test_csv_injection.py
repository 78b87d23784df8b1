"""CSV formula injection (OWASP): article text must reach a spreadsheet as text, never as a formula.

A sentence quoted from a news page is attacker-controlled. Each case is exported through csv_bytes, read back
raw with the csv module (what a spreadsheet sees) and through read_export (what our own tools see).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
import pytest

from dashboard.exports import FORMULA_TRIGGERS, csv_bytes, neutralise_cell, read_export, restore_cell

EXPORTED_AT = datetime(2025, 11, 25, tzinfo=UTC)

DANGEROUS_SENTENCES = [
    pytest.param('=HYPERLINK("http://x","y")', id="HYPERLINK"),
    pytest.param("+1+1", id="plus"),
    pytest.param("-2+3", id="minus"),
    pytest.param("@SUM(A1)", id="at"),
    pytest.param("\t=1", id="tab"),
    pytest.param("\r=1", id="carriage-return"),
    pytest.param("=cmd|' /C calc'!A0", id="DDE"),
    pytest.param("\uff1d1+1", id="full-width equals"),
    pytest.param("'=1+1", id="already quoted: quoted again so the round trip is exact"),
    # spreadsheets skip leading blanks before a formula (issue 19)
    pytest.param(" =1+1", id="bug: a space before ="),
    pytest.param("\n=1+1", id="bug: a line break before ="),
    pytest.param("\u00a0=1+1", id="bug: a no-break space before ="),
    pytest.param("  @SUM(A1)", id="bug: two spaces before @"),
    pytest.param("\u3000+1+1", id="bug: an ideographic space before +"),
    pytest.param("\u200b=1+1", id="bug: a zero-width space before ="),
    pytest.param("\ufeff-1+1", id="bug: a byte-order mark before -"),
    pytest.param("\x0b\x0c=1+1", id="bug: vertical tab and form feed before ="),
    pytest.param("' =1+1", id="a quote, then a space, then ="),
    pytest.param(" \t1", id="a space before a tab"),
]


def spreadsheet_cells(data: bytes) -> list[list[str]]:
    """The rows a spreadsheet would see, header comment lines included."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def exported_sentence(sentence: str) -> str:
    frame = pd.DataFrame({"sentence": [sentence], "value": [-12.5]})
    rows = spreadsheet_cells(csv_bytes(frame, {}, EXPORTED_AT))
    header_at = next(i for i, row in enumerate(rows) if row[0] == "sentence")
    return rows[header_at + 1][0]


@pytest.mark.parametrize("sentence", DANGEROUS_SENTENCES)
def test_formula_like_sentence_exports_inert(sentence: str) -> None:
    cell = exported_sentence(sentence)
    assert cell == "'" + sentence
    assert not cell.startswith(FORMULA_TRIGGERS)


@pytest.mark.parametrize("sentence", DANGEROUS_SENTENCES)
def test_formula_like_sentence_reads_back_unchanged(sentence: str) -> None:
    frame = pd.DataFrame({"sentence": [sentence], "value": [-12.5]})
    assert read_export(csv_bytes(frame, {}, EXPORTED_AT))["sentence"].tolist() == [sentence]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(-12.5, -12.5, id="negative float stays a number"),
        pytest.param(-3, -3, id="negative int stays a number"),
        pytest.param(Decimal("-1.25"), Decimal("-1.25"), id="negative Decimal stays a number"),
        # Decision pinned: OWASP exempts numeric columns, not numeric-looking text ("-2+3" looks close).
        pytest.param("-12", "'-12", id="numeric-looking text is prefixed"),
        pytest.param("12", "12", id="digits without a trigger are untouched"),
        pytest.param("Trade rose 8%", "Trade rose 8%", id="ordinary text untouched"),
        pytest.param("'Tis the season", "'Tis the season", id="a leading quote alone is not escaped"),
        pytest.param(" =1+1", "' =1+1", id="bug: a leading space hid the trigger"),
        pytest.param(" Trade rose 8%", " Trade rose 8%", id="leading space before ordinary text untouched"),
        pytest.param("\u00a0\n12", "\u00a0\n12", id="blanks before digits untouched"),
        pytest.param("' hello", "' hello", id="a quote and a space alone are not escaped"),
        pytest.param(None, None, id="missing stays missing"),
    ],
)
def test_neutralise_cell(value: object, expected: object) -> None:
    assert neutralise_cell(value) == expected
    assert restore_cell(neutralise_cell(value)) == value


def test_negative_numbers_stay_numeric_in_the_file_and_after_reading() -> None:
    frame = pd.DataFrame({"value": [-12.5, 3.0], "change": [-2, 5], "note": ["-2+3", "ok"]})
    data = csv_bytes(frame, {}, EXPORTED_AT)
    rows = spreadsheet_cells(data)
    header_at = next(i for i, row in enumerate(rows) if row[0] == "value")
    assert rows[header_at + 1] == ["-12.5", "-2", "'-2+3"]
    back = read_export(data)
    assert back["value"].tolist() == [-12.5, 3.0] and back["value"].dtype.kind == "f"
    assert back["change"].tolist() == [-2, 5] and back["change"].dtype.kind == "i"


def test_dangerous_column_names_and_list_items_are_neutralised() -> None:
    frame = pd.DataFrame({"=1+1": ["x"], "parties": [["@evil", "India"]]})
    rows = spreadsheet_cells(csv_bytes(frame, {}, EXPORTED_AT))
    header_at = next(i for i, row in enumerate(rows) if not row[0].startswith("#"))
    assert rows[header_at] == ["'=1+1", "parties"]
    assert rows[header_at + 1] == ["x", "'@evil; India"]
    assert read_export(csv_bytes(frame, {}, EXPORTED_AT)).to_dict("list") == {
        "=1+1": ["x"], "parties": [["@evil", "India"]],
    }


@pytest.mark.parametrize(
    "filter_value",
    [
        pytest.param('x,=HYPERLINK("http://x","y")', id="comma would open a second cell"),
        pytest.param("a\r\n=1+1", id="newline would open a second line"),
        pytest.param('"quoted", -1', id="quotes"),
    ],
)
def test_filter_values_stay_inside_one_comment_cell(filter_value: str) -> None:
    data = csv_bytes(pd.DataFrame({"value": [1.0]}), {"search": filter_value}, EXPORTED_AT)
    rows = spreadsheet_cells(data)
    comment_rows = [row for row in rows if row[0].startswith("#")]
    assert all(len(row) == 1 for row in comment_rows)
    assert not any(cell.startswith(FORMULA_TRIGGERS) for row in rows for cell in row)
    assert read_export(data).attrs["header"]["filter search"] == " ".join(filter_value.split())
