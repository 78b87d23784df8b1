"""Articles into the store: walk folders, fetch web pages and feeds' new entries, read and extract each, save.

A bad file or address is reported by name and skipped; the rest carry on. Re-running the same command is safe
and cheap: documents already stored with the same extraction come back 'unchanged', so an interrupted run
(Ctrl-C, a killed process) is resumed by running it again. The command line (``python -m extractors ingest``)
is :mod:`datastore.cli`; reading and extracting, in worker processes or not, is :mod:`datastore.workers`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import extractors  # attributes looked up at call time: the package loads its engine lazily
from datastore import store
from datastore.feeds import Entry, Feed, parse_feed
from datastore.fetching import FEED_TYPES, FetchError, HostPacer, Limits, fetch, is_web_address
from datastore.webpage import read_page
from datastore.workers import Prepared, prepared_in_order
from extractors.reading import TEXT_SUFFIXES

Progress = Callable[[int, int, str], None]  # (files done, files in total, name of the file just done)
FEED_DELAY_S = 1.0  # between two requests to one host while reading feeds
SAVE_BATCH = 64    # documents per write transaction: a commit costs about as much as a thousand fact rows


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
    summary = IngestSummary()
    batch_size = 1 if any(is_web_address(name) for name in names) else SAVE_BATCH
    prepared = prepared_in_order(names, published, workers, extractors.EXTRACTOR_VERSION, limits)
    save_in_batches(db_path, prepared, summary, total=len(names), progress=progress, batch_size=batch_size)
    return summary


def save_in_batches(db_path: store.DbPath, prepared: Iterable[tuple[str, Prepared]], summary: IngestSummary, *,
                    total: int = 0, progress: Progress | None = None, batch_size: int = SAVE_BATCH) -> None:
    """Write (name, rows or why it failed) into the store ``batch_size`` documents per transaction, counting each
    in ``summary``; files are reported (failed or saved) in input order once their batch is committed, to
    ``progress`` as (done, ``total``, name). The one writer of ``ingest`` and of a Dask batch's shards."""
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
                progress(done, total, name)
        batch.clear()

    # An idle connection held open meanwhile: otherwise each save closes the file's last connection, and
    # SQLite checkpoints the WAL on every such close (about half the time per transaction, measured).
    with store.connect(db_path):
        for name, result in prepared:
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
