"""The `python -m extractors extract` contract, through a real subprocess.

Every JSONL line carries the FACT_FIELDS keys in order; start/end index the decoded file text (BOM removed,
CRLF and front matter kept); a file that cannot be read is one line on stderr naming it, exit code 2, and the
other files in the same call are still processed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extractors import FACT_FIELDS
from extractors.rules import RULES_DIR

ROOT = Path(__file__).resolve().parents[2]
GOOD = "India and Russia traded nearly $65.7 billion in 2023-24, and India's imports rose 33%.\n"


def run_cli(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None,
            timeout: int = 120) -> subprocess.CompletedProcess[bytes]:
    """The CLI as a user runs it, from the project root; the timeout only turns a hang into a failure."""
    environment = {k: v for k, v in os.environ.items() if k != "EXTRACTOR_RULES"}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "extractors", "extract", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=timeout, env=environment)


def records(result: subprocess.CompletedProcess[bytes]) -> list[dict]:
    return [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]


def error_lines(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    return result.stderr.decode("utf-8").splitlines()


# --------------------------------------------------------------------------- offsets and keys

CRLF_ARTICLE = ("---\r\ntitle: Trade record\r\npublished: 2024-05-20\r\n---\r\n"
                "India and Russia traded nearly $65.7 billion in 2023-24.\r\n\r\n"
                "India's imports from Russia rose 33% to ＄４４ billion.\r\n")
PLAIN_ARTICLE = "India and Russia signed a \u201c€44 billion\u201d deal and 12 helicopters in 2023.\n"

FILES = [
    pytest.param(codecs.BOM_UTF8 + CRLF_ARTICLE.encode(), CRLF_ARTICLE, "article.md",
                 ["nearly $65.7 billion", "33%", "＄４４ billion"], id="utf-8 BOM, CRLF, front matter, full width"),
    pytest.param(codecs.BOM_UTF16_LE + CRLF_ARTICLE.encode("utf-16-le"), CRLF_ARTICLE, "article.md",
                 ["nearly $65.7 billion", "33%", "＄４４ billion"], id="utf-16 LE, CRLF, front matter"),
    pytest.param(PLAIN_ARTICLE.encode("cp1252"), PLAIN_ARTICLE, "article.txt", ["€44 billion", "12 helicopters"],
                 id="windows-1252"),
]


@pytest.mark.parametrize(("data", "text", "name", "surfaces"), FILES)
def test_jsonl_keys_in_order_and_offsets_slice_the_decoded_file(data: bytes, text: str, name: str,
                                                                 surfaces: list[str], tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = run_cli(str(path))
    assert result.returncode == 0, result.stderr
    lines = records(result)
    assert [r["surface"] for r in lines] == surfaces
    for record in lines:
        assert list(record)[:len(FACT_FIELDS)] == list(FACT_FIELDS)
        assert text[record["start"]:record["end"]] == record["surface"]
        assert record["path"] == str(path)


def test_front_matter_metadata_reaches_every_line(tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_bytes(codecs.BOM_UTF8 + CRLF_ARTICLE.encode())
    lines = records(run_cli(str(path)))
    assert {(r["title"], r["published"]) for r in lines} == {("Trade record", "2024-05-20")}


def test_csv_has_the_fact_fields_header(tmp_path: Path) -> None:
    path = tmp_path / "article.md"
    path.write_bytes(codecs.BOM_UTF8 + CRLF_ARTICLE.encode())
    result = run_cli("--format", "csv", str(path))
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout.decode("utf-8"), newline="")))
    assert rows[0] == list(FACT_FIELDS)
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["surface"] for r in body] == ["nearly $65.7 billion", "33%", "＄４４ billion"]
    assert all(CRLF_ARTICLE[int(r["start"]):int(r["end"])] == r["surface"] for r in body)


# --------------------------------------------------------------------------- bad files among good ones

BAD_FILES = [
    pytest.param(None, "no such file", id="missing file"),
    pytest.param(b"", "empty document", id="empty file"),
    pytest.param(b" \r\n\t\r\n", "empty document", id="whitespace-only file"),
    pytest.param(b"---\ntitle: Draft\n---\n", "empty document (no text after the front matter)",
                 id="front-matter-only file"),
    pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not a text document (a PDF file)", id="binary file (PDF)"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text document (a PNG image)", id="binary file (PNG)"),
]


@pytest.mark.parametrize(("data", "reason"), BAD_FILES)
def test_bad_file_reported_on_one_line_and_the_good_file_still_processed(data: bytes | None, reason: str,
                                                                           tmp_path: Path) -> None:
    bad = tmp_path / "bad file.txt"
    if data is not None:
        bad.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = run_cli(str(bad), str(good))
    assert result.returncode == 2
    assert error_lines(result) == [f"error: {bad}: {reason}"]
    assert [r["surface"] for r in records(result)] == ["nearly $65.7 billion", "33%"]
    assert {r["path"] for r in records(result)} == {str(good)}


def test_every_bad_file_gets_its_own_line(tmp_path: Path) -> None:
    names = []
    for i, (data, _) in enumerate(p.values for p in BAD_FILES):
        path = tmp_path / f"bad{i}.txt"
        if data is not None:
            path.write_bytes(data)
        names.append(str(path))
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = run_cli(names[0], str(good), *names[1:])
    assert result.returncode == 2
    assert [line.split(": ")[1] for line in error_lines(result)] == names
    assert len(records(result)) == 2


def test_all_good_files_exit_zero(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = run_cli(str(good), str(good))
    assert (result.returncode, result.stderr, len(records(result))) == (0, b"", 4)


# --------------------------------------------------------------------------- --published and stdin

DATELINE = "NEW DELHI, 20 May 2024: India and Russia traded $44 billion last year.\n"


@pytest.mark.parametrize(("args", "published", "period"), [
    pytest.param([], "2024-05-20", "2023", id="dateline"),
    pytest.param(["--published", "2020-01-01"], "2020-01-01", "2019", id="--published overrides the dateline"),
])
def test_published_option_overrides_the_dateline(args: list[str], published: str, period: str,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "dateline.txt"
    path.write_text(DATELINE, encoding="utf-8")
    [record] = records(run_cli(*args, str(path)))
    assert (record["published"], record["period_label"]) == (published, period)


def test_published_option_must_be_a_date(tmp_path: Path) -> None:
    result = run_cli("--published", "yesterday", "-", stdin=DATELINE.encode())
    assert result.returncode == 2
    assert b"'yesterday' is not a date in YYYY-MM-DD form" in result.stderr


def test_dash_reads_stdin() -> None:
    result = run_cli("-", stdin=codecs.BOM_UTF8 + GOOD.encode())
    assert result.returncode == 0, result.stderr
    lines = records(result)
    assert [(r["path"], r["surface"]) for r in lines] == [("-", "nearly $65.7 billion"), ("-", "33%")]
    assert all(GOOD[r["start"]:r["end"]] == r["surface"] for r in lines)


def test_binary_stdin_reported_as_dash() -> None:
    result = run_cli("-", stdin=b"%PDF-1.4\n")
    assert (result.returncode, error_lines(result)) == (2, ["error: -: not a text document (a PDF file)"])


# --------------------------------------------------------------------------- the time budget

def test_document_past_the_time_budget_reported_and_the_next_file_processed(tmp_path: Path) -> None:
    """A rules folder with a slow rule the load-time check lets through (see test_rules_validation)."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    with (rules / "patterns.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\n- id: money.slow\n  kind: money\n  pattern: '[0-9](?:\\s+){0,16}$(?:{curword})?'\n")
    slow = tmp_path / "slow.txt"
    slow.write_text("India paid 1" + " " * 60 + "rupee.\n", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    result = run_cli(str(slow), str(good), env={"EXTRACTOR_RULES": str(rules)})
    assert result.returncode == 2
    [line] = error_lines(result)
    assert line.startswith(f"error: {slow}: ") and "money.slow" in line and "longer than" in line
    assert [r["path"] for r in records(result)] == [str(good), str(good)]
