"""Reading and extracting articles, in this process or in worker processes: the unit of work of ``ingest`` and of a
Dask batch job, and the worker processes that end with the ingest that started them.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice

import extractors  # attributes looked up at call time: the package loads its engine lazily
from datastore import store
from datastore.fetching import Limits, is_web_address
from datastore.webpage import read_url
from extractors.model import Document, Fact

Extracted = tuple[Document, list[Fact]] | str  # the document and its facts, or why the file failed
Prepared = store.PreparedDocument | str  # the rows to write, or why the file failed
TASK_FILES = 16    # files per task sent to a worker process: fewer, larger messages between processes


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
    except extractors.RulesError:  # not this file's fault: the run stops (see datastore.cli)
        raise
    except (UnicodeError, OSError) as exc:
        return f"cannot read: {exc}"
    except Exception as exc:  # noqa: BLE001 - reported per file, see docstring
        return f"extractor error: {type(exc).__name__}: {exc}"


def prepare_files(names: list[str], published: str | None, version: str, limits: Limits | None = None
                  ) -> list[Prepared]:
    """Read, extract and turn into rows several files: the unit of work of a worker process."""
    return [_prepare(name, published, version, limits) for name in names]


def _prepare(name: str, published: str | None, version: str, limits: Limits | None = None) -> Prepared:
    result = extract_file(name, published, limits)
    if isinstance(result, str):
        return result
    return store.prepare_document(*result, version, one_per_url=is_web_address(name))


def prepared_in_order(names: list[str], published: str | None, workers: int, version: str,
                      limits: Limits | None = None) -> Iterator[tuple[str, Prepared]]:
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

