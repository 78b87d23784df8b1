"""`kill -9` of an ingest run leaves no process behind: its workers and multiprocessing's resource tracker end
with it (they used to wait for work forever, idle, 3 kills out of 3).

Processes are read from /proc (Linux), so the test skips elsewhere; the deadlines only turn a hang into a
failure.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")]

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "corpus"
N_ARTICLES = 2000  # tens of seconds of work for two workers: still running when it is killed
START_S = 60  # for the run to get going
END_S = 10    # for its processes to end once it is killed ("within a few seconds")


def stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """pid → start time of every live process below `root`."""
    parents: dict[int, int] = {}
    started: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := stat(int(entry.name))) is not None and info[1] != "Z":
            parents[int(entry.name)], started[int(entry.name)] = info[0], info[2]
    found: dict[int, int] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in found:
                found[pid] = started[pid]
                frontier.append(pid)
    return found


def alive(processes: dict[int, int]) -> list[int]:
    """Those still running (a zombie has ended; a reused pid is another process)."""
    return [pid for pid, start in processes.items()
            if (info := stat(pid)) is not None and info[1] != "Z" and info[2] == start]


def wait_for(condition, what: str) -> None:  # noqa: ANN001 - a no-argument predicate
    deadline = time.monotonic() + START_S
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def stored_documents(db: Path) -> int:
    """Documents committed so far, read beside the writer (WAL lets a reader in)."""
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """Copies of the sample corpus, each made a distinct document by its own last line."""
    folder = tmp_path / "articles"
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md"))]
    for i in range(N_ARTICLES):
        (folder / f"a{i:05d}.md").write_text(f"{texts[i % len(texts)]}\nCopy {i}.\n", encoding="utf-8")
    return folder


def test_killing_ingest_ends_its_workers_and_the_resource_tracker(articles: Path, tmp_path: Path) -> None:
    db = tmp_path / "facts.db"
    env = {k: v for k, v in os.environ.items() if k != "EXTRACTOR_RULES"}
    ingest = subprocess.Popen([sys.executable, "-m", "extractors", "ingest", str(articles), "--db", str(db),
                               "--workers", "2"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    below: dict[int, int] = {}
    try:
        def working() -> bool:  # both workers and the tracker up, and a first batch committed
            assert ingest.poll() is None, "ingest ended before it could be killed: give it more articles"
            below.update(descendants(ingest.pid))
            return len(below) >= 3 and stored_documents(db) > 0

        wait_for(working, "two workers at work")
        below.update(descendants(ingest.pid))
        os.kill(ingest.pid, signal.SIGKILL)
        ingest.wait()

        deadline = time.monotonic() + END_S
        while alive(below) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive(below) == [], "processes left running after ingest was killed"
    finally:
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()
        for pid in alive(below):  # only what this test started, checked by start time
            os.kill(pid, signal.SIGKILL)


def test_the_parent_watch_alone_ends_an_orphan() -> None:
    """The portable second line (a thread polling the parent's pid), without Linux's PR_SET_PDEATHSIG: a
    process running only the watch ends once its parent is killed."""
    watched = ("import os; from datastore.workers import _watch_parent; parent = os.getppid(); "
               "print(os.getpid(), flush=True); _watch_parent(parent)")
    parent_code = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {watched!r}]); time.sleep(120)"
    parent = subprocess.Popen([sys.executable, "-c", parent_code], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    child: dict[int, int] = {}
    try:
        pid = int(parent.stdout.readline())  # the child's pid, once it knows its parent: safe to kill that now
        info = stat(pid)
        assert info is not None and info[0] == parent.pid
        child[pid] = info[2]
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + END_S
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert alive(child) == [], "the watch did not end the orphan"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for pid in alive(child):
            os.kill(pid, signal.SIGKILL)
