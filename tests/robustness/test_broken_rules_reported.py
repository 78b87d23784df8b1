"""A broken rules file is said once, in one line, wherever the rules are needed: `extract`, `ingest`, the app.

test_rules_validation.py pins what the one line says (file, line, rule). Here the same line must reach the
person: the CLI prints it and exits 2 before reading any article (never a traceback, never once per file),
and every page of the app shows it in an error panel while the rest of the page keeps working.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.ui.uploads import RULES_BROKEN_REASON
from dashboard.ui.widgets import md_escape
from datastore.ingest import ingest_paths
from extractors import RulesError
from extractors.rules import RULES_DIR, load_rules
from tests.test_pages import APP, FIXTURES, PAGES, TIMEOUT, build_store

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "India and Russia traded nearly $65.7 billion in 2023-24.\n"


@dataclass(frozen=True)
class Break:
    file: str
    old: str
    new: str
    id: str


BREAKS = [
    Break("patterns.yaml", "- id: money.word_after\n  kind: money\n  priority: 0\n",
          "- id: money.word_after\n  kind: money\n  prioritty: 0\n", id="unknown key (the probe's own case)"),
    Break("patterns.yaml", "- id: money.word_after\n  kind: money\n", "- id: money.word_after\n\tkind: money\n",
          id="broken YAML (a tab)"),
    Break("patterns.yaml", "  pattern: '{signed_number}\\s?{pct}'", "  pattern: '{signed_number}\\s?({pct}'",
          id="pattern that does not compile"),
    Break("patterns.yaml", "  pattern: '{signed_number}\\s?{pct}'", "  pattern: '{signed_number}(?:\\s+\\w+)+{pct}'",
          id="nested quantifier"),
    Break("metrics.yaml", "  label: Deal value\n", "  label: Deal value\n  colour: red\n",
          id="unknown key in metrics.yaml (the labels the pages use)"),
]


def broken_rules(tmp_path: Path, brk: Break) -> tuple[Path, str]:
    """A copy of the rules with one break, and the message loading it gives."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    path = folder / brk.file
    text = path.read_text(encoding="utf-8")
    assert brk.old in text, f"the case no longer applies: {brk.old!r} is not in {brk.file}"
    path.write_text(text.replace(brk.old, brk.new, 1), encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        load_rules(folder)
    return folder, str(caught.value)


def run_module(*args: str, rules: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "EXTRACTOR_RULES": str(rules)}
    return subprocess.run([sys.executable, "-m", "extractors", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=environment)


@pytest.fixture(params=BREAKS, ids=[b.id for b in BREAKS])
def broken(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    return broken_rules(tmp_path, request.param)


# --------------------------------------------------------------------------- command line

def test_extract_says_it_in_one_line_and_exits_2_before_reading_any_file(broken: tuple[Path, str],
                                                                        tmp_path: Path) -> None:
    folder, message = broken
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    missing = tmp_path / "missing.txt"  # were files read, its own error line would follow
    result = run_module("extract", str(good), str(missing), rules=folder)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"error: {message}"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ingest_stops_at_once_with_the_same_line(broken: tuple[Path, str], workers: str, tmp_path: Path) -> None:
    folder, message = broken
    articles = tmp_path / "articles"
    articles.mkdir()
    for i in range(3):
        (articles / f"a{i}.txt").write_text(f"Article {i}. {ARTICLE}", encoding="utf-8")
    db = tmp_path / "facts.db"
    result = run_module("ingest", str(articles), "--db", str(db), "--workers", workers, rules=folder)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [f"error: {message}"]
    assert not db.exists()  # nothing read, nothing written


def test_ingest_as_a_library_raises_the_rules_error_instead_of_failing_every_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever calls ingest_paths without the CLI's check gets one RulesError, not N failed files."""
    folder, message = broken_rules(tmp_path, BREAKS[0])
    monkeypatch.setenv("EXTRACTOR_RULES", str(folder))
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        ingest_paths([str(article), str(article.with_name("b.txt"))], tmp_path / "facts.db")
    assert str(caught.value) == message


# --------------------------------------------------------------------------- the app

@pytest.fixture(scope="module")
def store_copy_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store") / "facts.db"
    build_store(db, sorted(FIXTURES.glob("*.md")))  # with the good rules, before any break
    return db


@pytest.fixture
def app_env(store_copy_source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = tmp_path / "facts.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{store_copy_source}{suffix}").exists():
            shutil.copy(f"{store_copy_source}{suffix}", f"{db}{suffix}")
    monkeypatch.setenv("FACTS_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    return db


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    return at


def panel_says(at: AppTest, message: str) -> bool:
    return any(md_escape(message) in e.value for e in at.error)


WHAT_STILL_WORKS = {  # a page and something on it that does not need the rules
    "pages/overview.py": "plotly_chart",
    "pages/trade.py": "plotly_chart",
    "pages/defence.py": "plotly_chart",
    "pages/documents.py": "dataframe",  # the stored documents
    "pages/data.py": "dataframe",
    "pages/review.py": "dataframe",
}


@pytest.mark.parametrize("brk", [pytest.param(b, id=b.id) for b in (BREAKS[0], BREAKS[-1])])
@pytest.mark.parametrize("page", list(WHAT_STILL_WORKS))
def test_every_page_shows_the_line_in_a_panel_and_the_rest_works(page: str, brk: Break, app_env: Path,
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder, message = broken_rules(tmp_path, brk)
    monkeypatch.setenv("EXTRACTOR_RULES", str(folder))
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert panel_says(at, message)
    assert len(at.error) == 1, [e.value for e in at.error]  # no store error or the like besides
    assert at.get(WHAT_STILL_WORKS[page]), f"{page} lost what does not need the rules"


def test_documents_page_refuses_new_text_while_the_rules_are_broken(app_env: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    folder, message = broken_rules(tmp_path, BREAKS[0])
    monkeypatch.setenv("EXTRACTOR_RULES", str(folder))
    at = open_page("pages/documents.py")
    at.text_area(key="docs_paste").set_value(ARTICLE).run()
    assert not at.exception, [e.value for e in at.exception]
    assert panel_says(at, message)
    assert any(RULES_BROKEN_REASON in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "docs_save"]  # nothing to save
    assert at.get("dataframe")  # the stored documents are still listed


def test_no_panel_when_the_rules_load(app_env: Path) -> None:
    """Guard for the tests above: the panel is the break's doing."""
    at = open_page("pages/trade.py")
    assert not at.exception and not at.error
