"""The Dask batch path finds exactly what the single-process ingest finds, reports bad files, and loads idempotently.

One LocalCluster of two worker processes serves the module, reached by its tcp:// address as a remote cluster
would be; starting a cluster and loading the extractor in its workers is most of the time these tests take.
"""

from __future__ import annotations

import math
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from bench.corpus import generate
from datastore.batch import _Cluster, ingest_with_dask, load_shards, run_batch
from datastore.ingest import ingest_paths
from datastore.store import facts_frame

pytestmark = pytest.mark.slow

N_ARTICLES = 30
BAD_FILE = "scanned.txt"  # a PDF saved with a text suffix


@pytest.fixture(scope="module", autouse=True)
def plain_main_module():
    """A bare ``__main__`` while this module's worker processes start.

    Streamlit's script runner installs the app script as ``sys.modules["__main__"]`` and never puts the old one
    back, so once any AppTest has run in this pytest process, every spawned process (Dask workers, a process
    pool) re-executes that script and dies. A module with no file and no spec is not re-executed.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))
        yield


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("articles")
    for name, text in generate(N_ARTICLES, seed=4):
        (folder / name).write_text(text, encoding="utf-8")
    (folder / BAD_FILE).write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)))
    return folder


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def single_db(articles: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference: the same folder through the single-process ingest."""
    db = tmp_path_factory.mktemp("single") / "facts.db"
    summary = ingest_paths([articles], db, workers=1)
    assert summary.new == N_ARTICLES
    return db


def figures(db: Path) -> list[tuple]:
    """Every stored fact as (doc_id, start, end, surface, value, unit, metric, period_start), sorted."""
    frame = facts_frame(db, include_rejected=True, plausible_only=False)
    rows = []
    for row in frame.itertuples():
        value = None if row.value is None or (isinstance(row.value, float) and math.isnan(row.value)) else row.value
        period = row.period_start if isinstance(row.period_start, str) else None
        rows.append((row.doc_id, int(row.start), int(row.end), row.surface, value, row.unit, row.metric, period))
    return sorted(rows, key=repr)


def failed_names(failed: list[tuple[str, str]]) -> list[str]:
    return sorted(Path(name).name for name, _ in failed)


def test_local_cluster_matches_the_single_process_path(articles: Path, single_db: Path, scheduler: str,
                                                       tmp_path: Path) -> None:
    shards = tmp_path / "shards"
    batch = run_batch([articles], shards, scheduler=scheduler, partition_size=8)

    assert batch.documents == N_ARTICLES
    assert batch.shards == len(list((shards / "facts").glob("*.parquet"))) >= math.ceil((N_ARTICLES + 1) / 8)
    assert failed_names(batch.failed) == [BAD_FILE]
    assert "not a text document" in batch.failed[0][1]
    assert batch.failed == ingest_paths([articles / BAD_FILE], tmp_path / "unused.db").failed
    assert batch.worker_peak_rss_mb > 0

    facts = pd.read_parquet(shards / "facts")
    documents = pd.read_parquet(shards / "documents")
    assert len(facts) == batch.facts > N_ARTICLES
    assert len(documents) == N_ARTICLES
    assert set(facts["doc_id"]) <= set(documents["doc_id"])
    assert all(len(parties) <= 2 for parties in facts["parties"])

    db = tmp_path / "dask.db"
    assert load_shards(shards, db) == {"new": N_ARTICLES, "unchanged": 0, "updated": 0, "facts_stored": batch.facts}
    assert figures(db) == figures(single_db)
    # Loading again changes nothing, and neither does loading into the store the single-process path built:
    # the digests agree, so the two paths stored the same extraction.
    assert load_shards(shards, db)["unchanged"] == N_ARTICLES
    assert load_shards(shards, single_db)["unchanged"] == N_ARTICLES


def test_ingest_with_dask_reports_like_ingest(articles: Path, single_db: Path, scheduler: str,
                                              tmp_path: Path) -> None:
    db = tmp_path / "facts.db"
    summary = ingest_with_dask([articles], db, scheduler=scheduler)
    assert (summary.new, summary.unchanged, summary.updated) == (N_ARTICLES, 0, 0)
    assert failed_names(summary.failed) == [BAD_FILE]
    assert summary.facts_stored == len(figures(db))
    assert figures(db) == figures(single_db)


@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")  # the module's cluster holds it
def test_without_a_scheduler_a_local_cluster_of_the_given_size_is_started() -> None:
    with _Cluster(None, workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
