"""Articles into the store: walk folders, fetch web pages and feeds' new entries, read and extract each, save.

A bad file or address is reported by name and skipped; the rest carry on. Re-running the same command is safe
and cheap: documents already stored with the same extraction come back 'unchanged', so an interrupted run
(Ctrl-C, a killed process) is resumed by running it again.

    python -m extractors ingest data/corpus --db data/facts.db --workers 4
    python -m extractors ingest https://example.org/news/story --feeds data/feeds.yaml
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Literal, TextIO

import extractors  # attributes looked up at call time: the package loads its engine lazily
from dashboard import store
from dashboard.feeds import Entry, Feed, FeedsFileError, load_feeds, parse_feed
from dashboard.fetching import FEED_TYPES, FetchError, HostPacer, Limits, fetch, is_web_address
from dashboard.webpage import read_page, read_url
from extractors.model import Document, Fact
from extractors.reading import TEXT_SUFFIXES
from extractors.rules import rules_problem

Progress = Callable[[int, int, str], None]  # (files done, files in total, name of the file just done)
FEED_DELAY_S = 1.0  # between two requests to one host while reading feeds
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
    """The files (and web addresses) to ingest, in a deterministic order.

    Folders are walked recursively (sorted, symlinked folders and dot-folders/files skipped) for the suffixes
    the reader understands; a path named explicitly is kept whatever its suffix, and a missing one too, so the
    reader can say by name what is wrong with it. A file reached twice is ingested once. ``http(s)://``
    addresses are kept as given (once each), to be fetched.
    """
    found: list[str] = []
    seen: set[str] = set()
    for given in paths:
        if is_web_address(str(given)):
            address = str(given).strip()
            if address not in seen:
                seen.add(address)
                found.append(address)
            continue
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


def extract_file(path: str, published: str | None = None, limits: Limits | None = None) -> Extracted:
    """Read (or fetch, for a web address) and extract one file; a string result says why it failed.

    Returns failures instead of raising because it runs in worker processes: ``InputError`` does not survive
    pickling (its ``__init__`` takes two arguments). An unexpected extractor error fails only this file (with
    its type in the reason) so one odd article cannot stop a corpus.
    """
    try:
        if is_web_address(path):
            doc = read_url(path, published=published, limits=limits)
        else:
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


def prepare_files(names: list[str], published: str | None, version: str, limits: Limits | None = None
                  ) -> list[Prepared]:
    """Read, extract and turn into rows several files: the unit of work of a worker process."""
    return [_prepare(name, published, version, limits) for name in names]


def _prepare(name: str, published: str | None, version: str, limits: Limits | None = None) -> Prepared:
    result = extract_file(name, published, limits)
    if isinstance(result, str):
        return result
    return store.prepare_document(*result, version, one_per_url=is_web_address(name))


def _prepared(names: list[str], published: str | None, workers: int, version: str, limits: Limits | None = None
              ) -> Iterator[tuple[str, Prepared]]:
    """(name, result) in input order. With several workers, reading, extraction and row building run in
    spawned processes (forking a process that has threads can deadlock), a few files per task, with a
    bounded queue so memory stays flat."""
    if workers <= 1 or len(names) <= 1:
        for name in names:
            yield name, _prepare(name, published, version, limits)
        return
    size = max(1, min(TASK_FILES, len(names) // (4 * workers)))
    tasks = iter([names[i:i + size] for i in range(0, len(names), size)])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=tie_to_parent, initargs=(os.getpid(),))
    try:
        pending = deque((task, pool.submit(prepare_files, task, published, version, limits))
                        for task in islice(tasks, 3 * workers))
        while pending:
            task, future = pending.popleft()
            following = next(tasks, None)
            if following is not None:
                pending.append((following, pool.submit(prepare_files, following, published, version, limits)))
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
    limits: Limits | None = None,
) -> IngestSummary:
    """Ingest files, folders and web addresses into the store at ``db_path``: read (or fetch) → extract → save,
    up to :data:`SAVE_BATCH` documents per transaction (an interrupted run keeps every batch already committed;
    with web addresses among them, every document is committed as it comes, since each took a fetch).
    Only this process writes; ``workers`` > 1 parallelises reading, fetching and extraction."""
    names = article_paths(paths)
    version = extractors.EXTRACTOR_VERSION
    summary = IngestSummary()
    batch_size = 1 if any(is_web_address(name) for name in names) else SAVE_BATCH
    with store.connect(db_path):  # an idle connection held open spares a WAL checkpoint after every batch
        _save_all(names, db_path, published, progress, workers, version, summary, limits, batch_size)
    return summary


def _save_all(names: list[str], db_path: store.DbPath, published: str | None, progress: Progress | None,
              workers: int, version: str, summary: IngestSummary, limits: Limits | None = None,
              batch_size: int = SAVE_BATCH) -> None:
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

    for name, result in _prepared(names, published, workers, version, limits):
        batch.append((name, result))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()


# --------------------------------------------------------------------------- feeds

@dataclass
class FeedReport:
    """What one check of one feed found; ``error`` is why the feed itself could not be read."""

    feed: Feed
    error: str | None = None
    entries: int = 0
    new_entries: int = 0
    stored: int = 0
    failed: int = 0

    def __str__(self) -> str:
        if self.error is not None:
            return f"feed {self.feed.name}: not read: {self.error}"
        return (f"feed {self.feed.name}: {self.entries} entr{'y' if self.entries == 1 else 'ies'}, "
                f"{self.new_entries} new, {self.stored} stored, {self.failed} failed")


def ingest_feeds(
    feeds: Sequence[Feed],
    db_path: store.DbPath,
    progress: Progress | None = None,
    pacer: HostPacer | None = None,
    limits: Limits | None = None,
) -> tuple[IngestSummary, list[FeedReport]]:
    """Read each feed, then fetch, extract and store the entries not read before (one transaction per entry,
    which also marks it read), at most one request per host every ``pacer.delay_s`` seconds. A feed or entry
    that fails is reported by its address and the rest carry on; an entry that failed for a passing reason
    (a timeout, a server error) is tried again on the next check."""
    version = extractors.EXTRACTOR_VERSION
    pacer = pacer or HostPacer(FEED_DELAY_S)
    summary = IngestSummary()
    reports: list[FeedReport] = []
    queue: list[tuple[FeedReport, Entry]] = []
    for feed in feeds:
        report = FeedReport(feed)
        reports.append(report)
        try:
            fetched = fetch(feed.url, accept=FEED_TYPES, limits=limits, pacer=pacer, feed=True)
            entries = parse_feed(fetched.body, fetched.final_url, fetched.content_type)
        except FetchError as exc:
            report.error = exc.reason
            summary.failed.append((feed.url, exc.reason))
            store.record_feed_check(db_path, feed.url, error=exc.reason)
            continue
        unseen = set(store.unseen_entries(db_path, feed.url, [e.key for e in entries]))
        fresh = [e for e in {e.key: e for e in entries}.values() if e.key in unseen]  # a key listed twice: once
        report.entries, report.new_entries = len(entries), len(fresh)
        queue.extend((report, entry) for entry in fresh)
    for done, (report, entry) in enumerate(queue, start=1):
        result = _feed_entry(report.feed, entry, version, pacer, limits)
        if isinstance(result, tuple):
            failure, reason = result
            store.save_feed_entry(db_path, report.feed.url, entry.key, entry.url, failure)
            summary.failed.append((entry.url, reason))
            report.failed += 1
        else:
            outcome = store.save_feed_entry(db_path, report.feed.url, entry.key, entry.url, result)
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            if outcome != "unchanged":
                summary.facts_stored += len(result.rows)
                report.stored += 1
        if progress is not None:
            progress(done, len(queue), entry.url)
    for report in reports:
        if report.error is None:
            store.record_feed_check(db_path, report.feed.url, entries=report.entries,
                                    new_entries=report.new_entries, stored=report.stored, failed=report.failed)
    return summary, reports


def _feed_entry(feed: Feed, entry: Entry, version: str, pacer: HostPacer, limits: Limits | None
                ) -> store.PreparedDocument | tuple[Literal["failed", "retry"], str]:
    """One entry's document as rows to write, or ('failed' | 'retry', why). The entry's date stands in for a
    page that gives none; the feed's pair for a story that names no two countries."""
    try:
        doc = read_page(fetch(entry.url, limits=limits, pacer=pacer), fallback_published=entry.published)
        facts = extractors.extract(doc)
    except FetchError as exc:
        return ("retry" if exc.retry else "failed"), exc.reason
    except extractors.InputError as exc:
        return "failed", exc.reason
    except extractors.BudgetExceeded as exc:
        return "failed", str(exc).removeprefix(f"{entry.url}: ")
    except extractors.RulesError:  # not this entry's fault: the run stops
        raise
    except Exception as exc:  # noqa: BLE001 - one odd page must not stop the feeds
        return "failed", f"extractor error: {type(exc).__name__}: {exc}"
    if feed.pair and len(doc.pair) < 2:
        doc.pair = list(feed.pair)
    return store.prepare_document(doc, facts, version, one_per_url=True)


def merged(first: IngestSummary, second: IngestSummary) -> IngestSummary:
    """Two runs' summaries as one (files and addresses, then feeds)."""
    return IngestSummary(new=first.new + second.new, unchanged=first.unchanged + second.unchanged,
                         updated=first.updated + second.updated, failed=[*first.failed, *second.failed],
                         facts_stored=first.facts_stored + second.facts_stored)


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


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of seconds between 0 and 3600")
    return seconds


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m extractors ingest",
        description="Extract the figures in articles and store them. Re-running is safe: unchanged documents "
                    "are skipped, so an interrupted run is resumed by running it again.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="article files, folders searched recursively for .txt, .md and .html files, or "
                             "http(s):// addresses of article pages")
    parser.add_argument("--feeds", type=Path, metavar="FILE",
                        help="a feeds list (feeds.yaml): fetch the entries of each feed not read before")
    parser.add_argument("--db", type=Path, metavar="FILE", help="the store (default: $FACTS_DB or data/facts.db)")
    parser.add_argument("--published", type=_iso_date, metavar="YYYY-MM-DD",
                        help="publication date for every file (overrides datelines)")
    parser.add_argument("--workers", type=_positive, default=1, metavar="N",
                        help="processes reading and extracting in parallel (default 1)")
    parser.add_argument("--feed-delay", type=_seconds, default=FEED_DELAY_S, metavar="S",
                        help=f"seconds between two requests to one host while reading feeds (default {FEED_DELAY_S:g})")
    parser.add_argument("--timeout", type=_seconds, metavar="S",
                        help=f"seconds to wait for a web server to connect, and for each piece of its answer "
                             f"(default {Limits.connect_s:g} and {Limits.read_s:g})")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local: extract in --workers processes here (default); dask: on a Dask cluster via "
                             "Parquet shards (dashboard/batch.py), then into the store")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="with --engine dask: a running Dask scheduler (default: a LocalCluster of --workers)")
    return parser


def _usage_problem(args: argparse.Namespace) -> str | None:
    if not args.paths and args.feeds is None:
        return "nothing to ingest: give article files, folders or web addresses, or --feeds FILE"
    if args.scheduler and args.engine != "dask":
        return "--scheduler needs --engine dask"
    if args.engine == "dask" and (args.feeds is not None or any(is_web_address(p) for p in args.paths)):
        return "--engine dask reads files only; fetch web addresses and feeds with the local engine"
    if args.feeds is not None and not args.feeds.is_file():
        return f"{args.feeds}: no such feeds list"
    return None


def main(argv: list[str] | None = None) -> int:
    """``ingest [PATH|URL...] [--feeds FILE] [--db FILE] [--published YYYY-MM-DD] [--workers N]``; returns the
    exit status: 0 if any document was processed or nothing failed (a feed check that found nothing new), 2 if
    the rules or the feeds list cannot be loaded or everything failed (or no file was found), 130 if
    interrupted."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help or a usage error, already printed by argparse
        return exc.code if isinstance(exc.code, int) else 2
    problem = _usage_problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    problem = rules_problem()  # once, before any file is read: a broken rules file fails every article alike
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    try:
        feeds = load_feeds(args.feeds) if args.feeds is not None else []
    except FeedsFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    db_path = args.db or store.default_db_path()
    names = article_paths(args.paths)
    if args.paths and not names:
        print(f"error: no article files (.txt, .md, .html) in {', '.join(args.paths)}", file=sys.stderr)
        return 2
    limits = Limits() if args.timeout is None else Limits(connect_s=args.timeout, read_s=args.timeout)

    progress = ProgressLine(sys.stderr) if sys.stderr.isatty() else None
    reports: list[FeedReport] = []
    try:
        summary = IngestSummary()
        if names and args.engine == "dask":
            from dashboard.batch import ingest_with_dask  # imports dask only when asked for

            summary = ingest_with_dask(names, db_path, scheduler=args.scheduler, workers=args.workers,
                                       published=args.published)
        elif names:
            summary = ingest_paths(names, db_path, published=args.published, progress=progress,
                                   workers=args.workers, limits=limits)
        if feeds:
            if progress:
                progress.clear()
            from_feeds, reports = ingest_feeds(feeds, db_path, progress=progress,
                                               pacer=HostPacer(args.feed_delay), limits=limits)
            summary = merged(summary, from_feeds)
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
    for report in reports:
        print(report)
    print(summary)
    return 0 if summary.processed or not summary.failed else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
