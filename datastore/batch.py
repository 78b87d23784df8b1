"""Batch extraction on Dask: article files in, Parquet shards out, then into the store; past one machine.

The work is ``ingest``'s: the same files (``ingest.article_paths``) through the same ``workers.extract_file``
(``read_document`` + ``extract``), run by Dask workers one partition of files at a time. Each partition
writes two shards into ``out_dir``: ``facts/part-NNNNN.parquet`` (one row per fact, ``parties`` a list
column) and ``documents/part-NNNNN.parquet`` (one row per document: text, pair, extractor version), so
``pandas.read_parquet(out_dir / "facts")`` reads every fact as one frame. A file that cannot be read
(``InputError``) or runs past its time budget (``BudgetExceeded``) is reported as (name, reason), not raised.
:func:`load_shards` then saves the documents with ``ingest``'s own batched saver (``ingest.save_in_batches``),
so loading the same shards twice, or shards of articles ``ingest`` already stored, changes nothing.

On a cluster the workers read the input files and write the shards themselves: both must be on storage
every worker sees under the same path, and the workers need this repository importable.

>>> summary = run_batch(["data/corpus"], "data/shards", workers=2)   # doctest: +SKIP
>>> load_shards("data/shards", "data/facts.db")                       # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import math
import os
import resource
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from datastore import store
from datastore.ingest import IngestSummary, article_paths, save_in_batches
from datastore.workers import extract_file
from extractors import EXTRACTOR_VERSION, Document, Fact

FACTS_DIR, DOCUMENTS_DIR = "facts", "documents"  # pandas.read_parquet(out_dir / "facts") reads every fact shard
SHARD = "part-{:05d}.parquet"


def _arrow_type(annotation: str) -> pa.DataType:
    """The Parquet column type for a dataclass field's annotation (model.py uses postponed annotations)."""
    text = str(annotation)
    if text.startswith("list"):
        return pa.list_(pa.string())
    for name, arrow in (("float", pa.float64()), ("int", pa.int64()), ("bool", pa.bool_())):
        if text.split(" | ")[0] == name:
            return arrow
    return pa.string()


def _schema(record: type, extra: tuple[pa.Field, ...] = ()) -> pa.Schema:
    """A fixed schema, so that every shard has the same column types even when a column is all empty."""
    return pa.schema([pa.field(f.name, _arrow_type(f.type)) for f in dataclasses.fields(record)] + list(extra))


FACT_SCHEMA = _schema(Fact)
DOCUMENT_SCHEMA = _schema(Document, (pa.field("extractor_version", pa.string()),))


@dataclass
class BatchSummary:
    """What a batch run did. ``failed`` holds (name, reason) for every file that was not extracted."""

    out_dir: Path
    documents: int = 0
    facts: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    shards: int = 0
    seconds: float = 0.0
    worker_peak_rss_mb: float = 0.0  # the largest resident set any worker process reached


# --------------------------------------------------------------------------- on a worker

# Loads the rules, the ECB rate table and dateparser (2 to 6 s, measured) before the first real document: the rate
# table otherwise loads inside the time budget of the first document with a non-dollar amount, which then fails as
# BudgetExceeded on a busy machine.
_WARM_UP = "NEW DELHI, May 2, 2023 — India and Russia agreed a Rs 500 crore (€60 million) deal for 12 helicopters."
_warm = False


def warm_up() -> None:
    """Load what the extractor loads lazily, once per process."""
    global _warm
    if not _warm:
        from extractors import extract_text

        extract_text(_WARM_UP)
        _warm = True


def _row(record: Document | Fact, schema: pa.Schema) -> dict[str, Any]:
    """The record's fields as a dict, shallow (dataclasses.asdict deep-copies every value, 4x slower)."""
    return {name: getattr(record, name) for name in schema.names if hasattr(record, name)}


def extract_partition(files: list[tuple[str, str]], index: int, out_dir: str,
                      published: str | None = None) -> dict[str, Any]:
    """Extract one partition's (name, absolute path) files and write its two shards.

    Each file goes through ``workers.extract_file``, exactly as in ``ingest``; documents and facts keep
    the name the file was given by, as ``ingest`` stores them. Returns counts, failures as (name, reason) and
    the worker's peak RSS.
    """
    warm_up()
    doc_rows: list[dict[str, Any]] = []
    fact_rows: list[dict[str, Any]] = []
    failed: list[tuple[str, str]] = []
    for name, path in files:
        result = extract_file(path, published)
        if isinstance(result, str):
            failed.append((name, result))
            continue
        doc, facts = result
        doc.path = name
        doc_rows.append(_row(doc, DOCUMENT_SCHEMA) | {"extractor_version": EXTRACTOR_VERSION})
        fact_rows.extend(_row(fact, FACT_SCHEMA) | {"path": name} for fact in facts)
    out = Path(out_dir)
    pq.write_table(pa.Table.from_pylist(fact_rows, schema=FACT_SCHEMA), out / FACTS_DIR / SHARD.format(index))
    pq.write_table(pa.Table.from_pylist(doc_rows, schema=DOCUMENT_SCHEMA), out / DOCUMENTS_DIR / SHARD.format(index))
    return {"documents": len(doc_rows), "facts": len(fact_rows), "failed": failed,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


# --------------------------------------------------------------------------- on the client

class _Cluster:
    """A Dask client: a LocalCluster of worker processes, or the scheduler at ``tcp://host:port``."""

    def __init__(self, scheduler: str | None, workers: int) -> None:
        self.scheduler, self.workers = scheduler, workers

    def __enter__(self):
        from distributed import Client, LocalCluster

        if self.scheduler:
            self.cluster = None
            self.client = Client(self.scheduler)
        else:
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def run_batch(paths: Iterable[str | os.PathLike[str]], out_dir: str | os.PathLike[str], scheduler: str | None = None,
              workers: int = 2, partition_size: int = 200, published: str | None = None) -> BatchSummary:
    """Extract every article under ``paths`` on Dask and write Parquet shards into ``out_dir`` (replacing old ones).

    ``scheduler=None`` starts a LocalCluster of ``workers`` single-threaded processes for the run;
    ``scheduler="tcp://host:port"`` uses a running cluster (``workers`` is then ignored). Files are split into
    partitions of at most ``partition_size``, and into at least two partitions per worker.
    """
    import dask
    import dask.bag

    started = time.perf_counter()
    out = Path(out_dir).resolve()
    for sub in (FACTS_DIR, DOCUMENTS_DIR):
        (out / sub).mkdir(parents=True, exist_ok=True)
        for old in (out / sub).glob("part-*.parquet"):
            old.unlink()
    files = [(name, str(Path(name).resolve())) for name in article_paths(paths)]
    summary = BatchSummary(out_dir=out)
    if not files:
        return summary
    with _Cluster(scheduler, workers) as client:
        # At most partition_size files a partition, and at least two partitions a worker, so that a small
        # batch still keeps every worker busy.
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        npartitions = min(len(files), max(math.ceil(len(files) / partition_size), 2 * n_workers))
        parts = dask.bag.from_sequence(files, npartitions=npartitions).to_delayed()
        tasks = [dask.delayed(extract_partition)(part, i, str(out), published) for i, part in enumerate(parts)]
        results = client.gather(client.compute(tasks))
    for result in results:
        summary.documents += result["documents"]
        summary.facts += result["facts"]
        summary.failed.extend(result["failed"])
        summary.worker_peak_rss_mb = max(summary.worker_peak_rss_mb, result["peak_rss_mb"])
    summary.shards = len(results)
    summary.seconds = time.perf_counter() - started
    return summary


def read_shards(out_dir: str | os.PathLike[str]) -> Iterator[tuple[Document, list[Fact], str]]:
    """(document, its facts in text order, extractor version) for every document in the shards, shard by shard."""
    out = Path(out_dir)
    for doc_shard in sorted((out / DOCUMENTS_DIR).glob("part-*.parquet")):
        by_doc: dict[str, list[Fact]] = {}
        for row in pq.read_table(out / FACTS_DIR / doc_shard.name).to_pylist():
            by_doc.setdefault(row["doc_id"], []).append(Fact(**row))
        for row in pq.read_table(doc_shard).to_pylist():
            version = row.pop("extractor_version")
            doc = Document(**row)
            yield doc, by_doc.get(doc.doc_id, []), version


def load_shards(out_dir: str | os.PathLike[str], db_path: str | os.PathLike[str]) -> dict[str, int]:
    """Save every document in the shards to the store; returns counts of new, unchanged and updated documents
    and of the facts stored (those of new and updated documents). Loading twice changes nothing the second time."""
    summary = IngestSummary()
    save_in_batches(db_path, ((doc.path, store.prepare_document(doc, facts, version))
                              for doc, facts, version in read_shards(out_dir)), summary)
    return {"new": summary.new, "unchanged": summary.unchanged, "updated": summary.updated,
            "facts_stored": summary.facts_stored}


def ingest_with_dask(paths: Iterable[str | os.PathLike[str]], db_path: str | os.PathLike[str],
                     scheduler: str | None = None, workers: int = 2, published: str | None = None,
                     partition_size: int = 200) -> IngestSummary:
    """``ingest`` on Dask: :func:`run_batch` into a temporary folder, then :func:`load_shards`.

    Returns the summary ``ingest.ingest_paths`` returns. With a remote ``scheduler`` the temporary
    folder must be one the workers can write to: set ``TMPDIR`` to a shared folder.
    """
    with tempfile.TemporaryDirectory(prefix="facts-shards-") as tmp:
        batch = run_batch(paths, tmp, scheduler=scheduler, workers=workers, partition_size=partition_size,
                          published=published)
        counts = load_shards(tmp, db_path)
    return IngestSummary(new=counts["new"], unchanged=counts["unchanged"], updated=counts["updated"],
                         failed=batch.failed, facts_stored=counts["facts_stored"])
