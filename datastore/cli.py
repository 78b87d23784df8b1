"""The data layer's commands, as ``python -m extractors`` runs them: ``ingest`` (files, folders, web addresses and
feeds into the store, here or on Dask) and ``reference`` (official statistics files into the store).

Each ``*_main`` takes the words after the command and returns the exit status; what a run did is printed, every
failure as one line naming its file or address.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

import extractors
from datastore import store
from datastore.feeds import FeedsFileError, load_feeds
from datastore.fetching import HostPacer, Limits, is_web_address
from datastore.ingest import (
    FEED_DELAY_S,
    FeedReport,
    IngestSummary,
    article_paths,
    ingest_feeds,
    ingest_paths,
    merged,
)
from datastore.reference import load_files
from extractors.rules import rules_problem


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
                             "Parquet shards (datastore/batch.py), then into the store")
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


def ingest_main(argv: list[str] | None = None) -> int:
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
            from datastore.batch import ingest_with_dask  # pyarrow and dask only when asked for

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


def reference_main(argv: list[str] | None = None) -> int:
    """``reference FILE... [--db FILE]``: 0 when every file was read, else 2."""
    parser = argparse.ArgumentParser(
        prog="python -m extractors reference",
        description="Load official trade statistics (a UN Comtrade CSV export or a reference CSV) into the store.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="CSV files")
    parser.add_argument("--db", default=None, help="the store (default: $FACTS_DB, else data/facts.db)")
    args = parser.parse_args(argv)
    db = args.db or store.default_db_path()
    files: list[tuple[str, bytes]] = []
    unreadable: list[tuple[str, str]] = []
    for name in args.files:
        try:
            files.append((name, Path(name).read_bytes()))
        except OSError as exc:
            unreadable.append((Path(name).name, exc.strerror or str(exc)))
    try:
        summary = load_files(files, db)
    except Exception as exc:  # rules that cannot be read, a store that is not ours: one line, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    summary.failed[:0] = unreadable
    for line in summary.lines():
        print(line)
    return 2 if summary.failed else 0
