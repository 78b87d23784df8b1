"""Ingestion with the real reader and extractor: idempotence, bad files, folders, the CLI, and surviving SIGKILL."""

from __future__ import annotations

import codecs
import io
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import extractors
from datastore import cli, ingest, store

REPO = Path(__file__).resolve().parents[1]


def article(i: int) -> str:
    """A small invented article with two figures; distinct for every i."""
    return (
        f"India and Russia trade report {i}\n\n"
        f"New Delhi, 3 March 2024 - Trade between India and Russia reached ${40 + i % 50}.{i % 10} billion in "
        f"2023, officials said in report {i}. Russia agreed to deliver {2 + i % 9} helicopters to India.\n"
    )


def write_articles(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"article-{i:03d}.md" for i in range(start, start + n)]
    for i, path in enumerate(paths, start=start):
        path.write_text(article(i), encoding="utf-8")
    return paths


def stored_facts(db_path: Path) -> list[tuple]:
    frame = store.facts_frame(db_path, include_rejected=True, plausible_only=False)
    return sorted(frame[["doc_id", "start", "end", "surface", "value", "metric"]].itertuples(index=False))


def inconsistent_documents(db_path: Path) -> list[str]:
    """Documents whose stored fact count is not their n_facts: a half-written document."""
    with sqlite3.connect(db_path) as conn:
        return [doc_id for (doc_id,) in conn.execute(
            "SELECT doc_id FROM documents d WHERE n_facts <> (SELECT count(*) FROM facts f WHERE f.doc_id = d.doc_id)"
        )]


def test_the_sample_article_has_facts(tmp_path, db_path):
    """Guards the other tests: they are only meaningful if the extractor finds figures in `article`."""
    summary = ingest.ingest_paths(write_articles(tmp_path / "in", 1), db_path)
    assert (summary.new, summary.facts_stored) == (1, 2)


# --------------------------------------------------------------------------- idempotence

VARIANTS: list[tuple[str, Callable[[str], bytes]]] = [
    ("same bytes", lambda text: text.encode("utf-8")),
    ("CRLF line endings", lambda text: text.replace("\n", "\r\n").encode("utf-8")),
    ("extra spaces and blank lines", lambda text: ("\n" + text.replace(". ", ".   ").replace("\n", "  \n\n"))
     .encode("utf-8")),
    ("UTF-8 byte-order mark", lambda text: codecs.BOM_UTF8 + text.encode("utf-8")),
    ("UTF-16", lambda text: text.encode("utf-16")),
]


@pytest.mark.parametrize("encode", [v[1] for v in VARIANTS], ids=[v[0] for v in VARIANTS])
def test_the_same_article_again_is_unchanged(tmp_path, db_path, encode):
    original, copy = tmp_path / "a" / "report.md", tmp_path / "b" / "report.md"
    original.parent.mkdir()
    copy.parent.mkdir()
    original.write_text(article(1), encoding="utf-8")
    copy.write_bytes(encode(article(1)))

    first = ingest.ingest_paths([original], db_path)
    facts = stored_facts(db_path)
    again = ingest.ingest_paths([copy], db_path)

    assert (first.new, again.unchanged, again.facts_stored, again.failed) == (1, 1, 0, [])
    assert len(store.documents_frame(db_path)) == 1
    assert stored_facts(db_path) == facts


def test_re_ingesting_a_folder_changes_nothing(tmp_path, db_path):
    folder = tmp_path / "corpus"
    write_articles(folder, 5)
    first = ingest.ingest_paths([folder], db_path)
    facts = stored_facts(db_path)
    again = ingest.ingest_paths([folder], db_path)
    assert (first.new, first.facts_stored) == (5, len(facts))
    assert (again.new, again.unchanged, again.updated, again.facts_stored) == (0, 5, 0, 0)
    assert stored_facts(db_path) == facts


def test_new_extractor_version_replaces_facts_and_keeps_reviews(tmp_path, db_path, monkeypatch):
    folder = tmp_path / "corpus"
    write_articles(folder, 3)
    ingest.ingest_paths([folder], db_path)
    reviewed = store.facts_frame(db_path).iloc[0]
    store.save_reviews(db_path, [reviewed[["doc_id", "start", "end", "surface", "value"]].to_dict()
                                 | {"status": "correct", "corrected_value": 1.0, "reviewer": "t"}])

    monkeypatch.setattr(extractors, "EXTRACTOR_VERSION", "rules-changed")
    summary = ingest.ingest_paths([folder], db_path)

    assert (summary.updated, summary.unchanged) == (3, 0)
    assert set(store.documents_frame(db_path)["extractor_version"]) == {"rules-changed"}
    frame = store.facts_frame(db_path)
    assert frame.loc[frame["surface"] == reviewed["surface"], "effective_value"].tolist() == [1.0]
    assert store.orphaned_reviews(db_path).empty


# --------------------------------------------------------------------------- bad files

BAD_FILES = [
    # (id, file name, bytes or None for a path that does not exist, words of the reason)
    ("empty", "empty.txt", b"", "empty document"),
    ("only whitespace", "blank.md", b"  \n\n\t\n", "empty document"),
    ("NUL bytes", "binary.txt", b"India\x00Russia\x00trade" * 20, "NUL bytes"),
    ("a PDF named .txt", "report.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF file"),
    ("missing", "missing.txt", None, "no such file"),
]


@pytest.mark.parametrize(("name", "content", "reason"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_reported_by_name_and_skipped(tmp_path, db_path, name, content, reason):
    good = write_articles(tmp_path / "corpus", 2)
    bad = tmp_path / "corpus" / name
    if content is not None:
        bad.write_bytes(content)

    summary = ingest.ingest_paths([good[0], bad, good[1]], db_path)

    assert [(failed_name, reason in why) for failed_name, why in summary.failed] == [(str(bad), True)]
    assert summary.new == 2
    assert len(store.documents_frame(db_path)) == 2


def test_folder_walk_is_recursive_sorted_and_filtered(tmp_path):
    files = ["b.md", "a.txt", "sub/c.HTML", "sub/d.htm", "notes.csv", ".hidden/e.md", ".f.md", "z/y/x.txt"]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("text")
    explicit = [tmp_path / "notes.csv", tmp_path / "b.md"]  # named explicitly: kept, and b.md only once

    found = ingest.article_paths([tmp_path, *explicit])

    assert [Path(p).relative_to(tmp_path).as_posix() for p in found] == [
        "a.txt", "b.md", "sub/c.HTML", "sub/d.htm", "z/y/x.txt", "notes.csv",
    ]


def test_workers_store_what_a_single_process_stores(tmp_path):
    folder = tmp_path / "corpus"
    write_articles(folder, 6)
    (folder / "empty.txt").write_bytes(b"")
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    seen: list[str] = []

    sequential = ingest.ingest_paths([folder], one)
    parallel = ingest.ingest_paths([folder], two, workers=2, progress=lambda done, total, name: seen.append(name))

    assert parallel == sequential
    assert stored_facts(two) == stored_facts(one)
    assert seen == ingest.article_paths([folder])  # progress in input order


# --------------------------------------------------------------------------- the command line

def run_main(argv: list[str], capsys) -> tuple[int, str, str]:
    code = cli.ingest_main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_reports_summary_on_stdout_and_failures_on_stderr(tmp_path, db_path, capsys):
    good = write_articles(tmp_path / "corpus", 2)
    (tmp_path / "corpus" / "empty.txt").write_bytes(b"")

    code, out, err = run_main([str(tmp_path / "corpus"), "--db", str(db_path)], capsys)

    assert code == 0
    assert out == "documents: 2 new, 0 unchanged, 0 updated, 1 failed; facts stored: 4\n"
    assert err == f"failed: {tmp_path / 'corpus' / 'empty.txt'}: empty document\n"  # no progress: not a TTY
    assert run_main([*map(str, good), "--db", str(db_path)], capsys)[1].startswith("documents: 0 new, 2 unchanged")


EXIT_CODES = [
    # (id, files to create (None = an article), extra arguments, exit code, words on stderr)
    ("all good", {"a.md": None}, [], 0, ""),
    ("some bad", {"a.md": None, "b.txt": b""}, [], 0, "failed:"),
    ("all bad", {"b.txt": b"", "c.txt": b"\x00\x00\x00"}, [], 2, "failed:"),
    ("nothing to ingest", {"notes.csv": b"x"}, [], 2, "no article files"),
    ("bad date", {"a.md": None}, ["--published", "2024-13-01"], 2, "not a date"),
    ("bad worker count", {"a.md": None}, ["--workers", "0"], 2, "not a positive whole number"),
]


@pytest.mark.parametrize(("files", "extra", "code", "words"), [c[1:] for c in EXIT_CODES],
                         ids=[c[0] for c in EXIT_CODES])
def test_cli_exit_codes(tmp_path, db_path, capsys, files, extra, code, words):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, content in files.items():
        (folder / name).write_bytes(article(0).encode() if content is None else content)
    got, _, err = run_main([str(folder), "--db", str(db_path), *extra], capsys)
    assert (got, words in err) == (code, True)


def test_cli_published_date_applies_to_every_file(tmp_path, db_path, capsys):
    write_articles(tmp_path / "corpus", 2)
    assert cli.ingest_main([str(tmp_path / "corpus"), "--db", str(db_path), "--published", "2020-02-02"]) == 0
    assert set(store.documents_frame(db_path)["published"]) == {"2020-02-02"}


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_progress_is_one_updating_line_on_a_terminal(tmp_path, db_path, monkeypatch, capsys):
    write_articles(tmp_path / "corpus", 2)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    assert cli.ingest_main([str(tmp_path / "corpus"), "--db", str(db_path)]) == 0

    shown = terminal.getvalue()
    assert "\r[  1/2] article-000.md" in shown and "\r[  2/2] article-001.md" in shown
    assert "\n" not in shown and shown.endswith("\r")  # cleared before the summary is printed
    assert capsys.readouterr().out.startswith("documents: 2 new")


def test_extractors_cli_ingest_command(tmp_path, db_path):
    write_articles(tmp_path / "corpus", 2)
    done = subprocess.run([sys.executable, "-m", "extractors", "ingest", str(tmp_path / "corpus"), "--db",
                           str(db_path)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (0, "documents: 2 new, 0 unchanged, 0 updated, 0 failed; "
                                                 "facts stored: 4\n"), done.stderr


# --------------------------------------------------------------------------- SIGKILL

def count_documents(db_path: Path) -> int:
    try:
        with sqlite3.connect(db_path, timeout=10) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.OperationalError:  # the child has not created the tables yet
        return 0


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_sigkill_mid_ingest_loses_nothing_committed_and_a_rerun_finishes(tmp_path):
    n = 300
    write_articles(tmp_path / "corpus", n)
    db_path = tmp_path / "facts.db"
    command = [sys.executable, "-m", "extractors", "ingest", str(tmp_path / "corpus"), "--db", str(db_path)]

    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while child.poll() is None and time.monotonic() < deadline:
        if db_path.exists() and count_documents(db_path) >= 10:
            child.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    _, err = child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL, f"not killed mid-run: {child.returncode} {err.decode()}"

    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    survived = count_documents(db_path)
    assert 10 <= survived < n
    assert inconsistent_documents(db_path) == []

    rerun = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)

    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout.startswith(f"documents: {n - survived} new, {survived} unchanged, 0 updated, 0 failed")
    assert count_documents(db_path) == n
    assert inconsistent_documents(db_path) == []
    assert sorted(store.documents_frame(db_path)["path"]) == sorted(
        str(p) for p in (tmp_path / "corpus").glob("*.md"))
