"""Articles on disk into the store: walk folders, read and extract each file, save documents in batches.

A bad file is reported by name and skipped; the rest carry on. Re-running the same command is safe and cheap:
documents already stored with the same extraction come back 'unchanged', so an interrupted run (Ctrl-C, a
killed process) is resumed by running it again.

    python -m extractors ingest data/corpus --db data/facts.db --workers 4
"""

from __future__ import annotations

import argparse
import ctypes
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import TextIO

import extractors  # attributes looked up at call time: the package loads its engine lazily
from dashboard import store
from extractors.model import Document, Fact
from extractors.reading import TEXT_SUFFIXES
from extractors.rules import rules_problem

Progress = Callable[[int, int, str], None]  # (files done, files in total, name of the file just done)
Extracted = tuple[Document, list[Fact]] | str  # the document and its facts, or why the file failed


@dataclass
class IngestSummary:
    """What a run did. ``failed`` holds (name, reason) per file; ``facts_stored`` counts the facts written
    (those of new and updated documents)."""

    new: int = 0
    unchanged: int = 0
    updated: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    facts_stored: int = 0

    @property
    def processed(self) -> int:
        return self.new + self.unchanged + self.updated

    def __str__(self) -> str:
        return (f"documents: {self.new} new, {self.unchanged} unchanged, {self.updated} updated, "
                f"{len(self.failed)} failed; facts stored: {self.facts_stored}")


def article_paths(paths: Iterable[str | os.PathLike[str]]) -> list[str]:
    """The files to ingest, in a deterministic order.

    Folders are walked recursively (sorted, symlinked folders and dot-folders/files skipped) for the suffixes
    the reader understands; a path named explicitly is kept whatever its suffix, and a missing one too, so the
    reader can say by name what is wrong with it. A file reached twice is ingested once.
    """
    found: list[str] = []
    seen: set[str] = set()
    for given in paths:
        for path in _walk(Path(given)) if Path(given).is_dir() else [Path(given)]:
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                found.append(str(path))
    return found


def _walk(folder: Path) -> Iterator[Path]:
    suffixes = {s.lower() for s in TEXT_SUFFIXES}
    for root, dirs, files in os.walk(folder):  # does not follow symlinked folders: no cycles
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and Path(name).suffix.lower() in suffixes:
                yield Path(root, name)


def extract_file(path: str, published: str | None = None) -> Extracted:
    """Read and extract one file; a string result says why it failed.

    Returns failures instead of raising because it runs in worker processes: ``InputError`` does not survive
    pickling (its ``__init__`` takes two arguments). An unexpected extractor error fails only this file (with
    its type in the reason) so one odd article cannot stop a corpus.
    """
    try:
        doc = extractors.read_document(path, published=published)
        return doc, extractors.extract(doc)
    except extractors.InputError as exc:
        return exc.reason
    except extractors.BudgetExceeded as exc:
        return str(exc).removeprefix(f"{path}: ")
    except extractors.RulesError:  # not this file's fault: the run stops (see main)
        raise
    except (UnicodeError, OSError) as exc:
        return f"cannot read: {exc}"
    except Exception as exc:  # noqa: BLE001 - reported per file, see docstring
        return f"extractor error: {type(exc).__name__}: {exc}"


SAVE_BATCH = 64    # documents per write transaction: a commit costs about as much as a thousand fact rows
TASK_FILES = 16    # files per task sent to a worker process: fewer, larger messages between processes
Prepared = store.PreparedDocument | str  # the rows to write, or why the file failed


def prepare_files(names: list[str], published: str | None, version: str) -> list[Prepared]:
    """Read, extract and turn into rows several files: the unit of work of a worker process."""
    return [_prepare(name, published, version) for name in names]


def _prepare(name: str, published: str | None, version: str) -> Prepared:
    result = extract_file(name, published)
    return result if isinstance(result, str) else store.prepare_document(*result, version)


def _prepared(names: list[str], published: str | None, workers: int, version: str
              ) -> Iterator[tuple[str, Prepared]]:
    """(name, result) in input order. With several workers, reading, extraction and row building run in
    spawned processes (forking a process that has threads can deadlock), a few files per task, with a
    bounded queue so memory stays flat."""
    if workers <= 1 or len(names) <= 1:
        for name in names:
            yield name, _prepare(name, published, version)
        return
    size = max(1, min(TASK_FILES, len(names) // (4 * workers)))
    tasks = iter([names[i:i + size] for i in range(0, len(names), size)])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=tie_to_parent, initargs=(os.getpid(),))
    try:
        pending = deque((task, pool.submit(prepare_files, task, published, version)) for task in islice(tasks, 3 * workers))
        while pending:
            task, future = pending.popleft()
            following = next(tasks, None)
            if following is not None:
                pending.append((following, pool.submit(prepare_files, following, published, version)))
            yield from zip(task, future.result(), strict=True)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


PARENT_POLL_S = 0.5  # how often a worker checks that the ingest process is still there
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def tie_to_parent(parent: int) -> None:
    """Run first in each worker process: end it when the ingest process ends, however that happens.

    A parent killed with SIGKILL runs no cleanup, and its idle workers would wait for work forever. On Linux
    the kernel kills a worker as soon as its parent goes (PR_SET_PDEATHSIG); elsewhere, and as a second
    line, a daemon thread polls the parent's pid. A parent already gone by now ends the worker at once.
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no prctl to be had: the thread below still watches
            pass
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-ingest-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:  # once the parent is gone the worker is someone else's child
        time.sleep(PARENT_POLL_S)
    os._exit(1)


def ingest_paths(
    paths: Iterable[str | os.PathLike[str]],
    db_path: store.DbPath,
    published: str | None = None,
    progress: Progress | None = None,
    workers: int = 1,
) -> IngestSummary:
    """Ingest files and folders into the store at ``db_path``: read → extract → save, up to
    :data:`SAVE_BATCH` documents per transaction (an interrupted run keeps every batch already committed).
    Only this process writes; ``workers`` > 1 parallelises reading and extraction."""
    names = article_paths(paths)
    version = extractors.EXTRACTOR_VERSION
    summary = IngestSummary()
    with store.connect(db_path):  # an idle connection held open spares a WAL checkpoint after every batch
        _save_all(names, db_path, published, progress, workers, version, summary)
    return summary


def _save_all(names: list[str], db_path: store.DbPath, published: str | None, progress: Progress | None,
              workers: int, version: str, summary: IngestSummary) -> None:
    """Save in batches; files are reported (failed or saved) in input order once their batch is committed."""
    batch: list[tuple[str, Prepared]] = []
    done = 0

    def flush() -> None:
        nonlocal done
        saved = [result for _, result in batch if not isinstance(result, str)]
        outcomes = iter(store.save_prepared(db_path, saved) if saved else [])
        for name, result in batch:
            if isinstance(result, str):
                summary.failed.append((name, result))
            else:
                outcome = next(outcomes)
                setattr(summary, outcome, getattr(summary, outcome) + 1)
                if outcome != "unchanged":
                    summary.facts_stored += len(result.rows)
            done += 1
            if progress is not None:
                progress(done, len(names), name)
        batch.clear()

    for name, result in _prepared(names, published, workers, version):
        batch.append((name, result))
        if len(batch) >= SAVE_BATCH:
            flush()
    if batch:
        flush()


# --------------------------------------------------------------------------- command line

class ProgressLine:
    """One status line rewritten in place (``\\r[ 12/45] file.md``), cut to the terminal's width so it never
    wraps (a wrapped line cannot be rewritten)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = 0

    def __call__(self, done: int, total: int, name: str) -> None:
        width = max(3, len(str(total)))
        line = f"[{done:>{width}}/{total}] {Path(name).name}"
        line = line[: shutil.get_terminal_size().columns - 1]
        self.stream.write("\r" + line.ljust(self.shown))
        self.stream.flush()
        self.shown = len(line)

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.stream.flush()
            self.shown = 0


def _iso_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date in YYYY-MM-DD form") from exc


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"'{value}' is not a positive whole number")
    return int(value)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m extractors ingest",
        description="Extract the figures in articles and store them. Re-running is safe: unchanged documents "
                    "are skipped, so an interrupted run is resumed by running it again.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="article files, or folders searched recursively for .txt, .md and .html files")
    parser.add_argument("--db", type=Path, metavar="FILE", help="the store (default: $FACTS_DB or data/facts.db)")
    parser.add_argument("--published", type=_iso_date, metavar="YYYY-MM-DD",
                        help="publication date for every file (overrides datelines)")
    parser.add_argument("--workers", type=_positive, default=1, metavar="N",
                        help="processes reading and extracting in parallel (default 1)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local: extract in --workers processes here (default); dask: on a Dask cluster via "
                             "Parquet shards (dashboard/batch.py), then into the store")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="with --engine dask: a running Dask scheduler (default: a LocalCluster of --workers)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """``ingest PATH... [--db FILE] [--published YYYY-MM-DD] [--workers N]``; returns the exit status:
    0 if any document was processed, 2 if the rules cannot be loaded or every file failed (or none was found),
    130 if interrupted."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error, already printed by argparse
        return exc.code if isinstance(exc.code, int) else 2
    if args.scheduler and args.engine != "dask":
        print("error: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    problem = rules_problem()  # once, before any file is read: a broken rules file fails every article alike
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    db_path = args.db or store.default_db_path()
    names = article_paths(args.paths)
    if not names:
        print(f"error: no article files (.txt, .md, .html) in {', '.join(args.paths)}", file=sys.stderr)
        return 2

    progress = ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    try:
        if args.engine == "dask":
            from dashboard.batch import ingest_with_dask  # imports dask only when asked for

            summary = ingest_with_dask(names, db_path, scheduler=args.scheduler, workers=args.workers,
                                       published=args.published)
        else:
            summary = ingest_paths(names, db_path, published=args.published, progress=progress,
                                   workers=args.workers)
    except extractors.RulesError as exc:  # a worker read other rules than this process checked
        if progress:
            progress.clear()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        if progress:
            progress.clear()
        print("interrupted: documents saved so far are kept; run the same command again to finish",
              file=sys.stderr)
        return 130
    if progress:
        progress.clear()
    for name, reason in summary.failed:
        print(f"failed: {name}: {reason}", file=sys.stderr)
    print(summary)
    return 0 if summary.processed else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
