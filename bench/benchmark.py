"""Speed and memory of the whole pipeline on a synthetic corpus, printed as a table against our targets.

    python -m bench.benchmark [--mb 20] [--runs 3] [--budget 30] [--skip-peer] [--skip-dashboard]

Each figure is the median of ``--runs`` runs (min–max beside it). Every measurement runs in a fresh Python
process, so its peak resident memory is its own. Rates that are compared (extraction vs the floor, ours vs
quantulum3) are measured on the same articles in the same process, run after run. Sections whose full
pass would take longer than ``--budget`` seconds a run use the first N articles of the corpus instead,
and say so. One-off loading (rules, ECB rates, quantulum3's unit tables) is done before timing starts.

Sections: floor (read + decode + sentence split), extraction (text → facts, no database), this release against
the previous one (bench/BASELINE names its commit; both extract the same articles in alternating runs), peer
(quantulum3 ``parser.parse``), ingest (fresh SQLite store; 1 and 2 worker processes, and Dask on a
LocalCluster of 2 workers), dashboard (100,000-fact store with official statistics loaded: every page under
AppTest, cold and warm, the Trade page also on the fiscal basis and with three pairs compared, and
``streamlit run`` until ``/_stcore/health`` answers).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
SEED = 1
DASHBOARD_FACTS = 100_000
INGEST_TARGET_ARTICLES = 10_000

# Targets from the "Performance and scale" issue.
TARGET_MB_S_PER_CORE = 5.0
TARGET_FLOOR_RATIO = 10.0
TARGET_PEER_SPEEDUP = 100.0
TARGET_INGEST_10K_S = 30.0
TARGET_WARM_MS = 200.0
TARGET_COLD_MS = 1500.0


# =========================================================================== measured in child processes

def _rss_mb() -> float:
    """Current resident set of this process (Linux /proc), MiB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB; MiB


def _fresh_db(folder: Path, name: str) -> Path:
    path = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def task_extraction(paths: list[str], runs: int, budget_s: float) -> dict[str, Any]:
    """Floor and extraction, run after run on the same articles; the floor on the whole corpus too."""
    from datastore.batch import warm_up
    from extractors import extract, read_document
    from extractors.reading import decode
    from extractors.sentences import split_sentences

    def floor(files: list[str]) -> float:
        started = time.perf_counter()
        for name in files:
            text, _ = decode(Path(name).read_bytes(), name)
            split_sentences(text)
        return time.perf_counter() - started

    def extraction(files: list[str]) -> tuple[float, int]:
        started, n_facts = time.perf_counter(), 0
        for name in files:
            n_facts += len(extract(read_document(name)))
        return time.perf_counter() - started, n_facts

    warm_up()
    rss_ready = _rss_mb()
    probe = paths[: min(len(paths), 20)]
    probe_s, _ = extraction(probe)
    per_article = probe_s / len(probe)
    n = len(paths) if per_article * len(paths) <= budget_s else max(len(probe), int(budget_s / per_article))
    subset = paths[:n]
    floor_full, floor_s, extract_s = [], [], []
    n_facts = 0
    for _ in range(runs):
        floor_full.append(floor(paths))
        floor_s.append(floor(subset))
        seconds, n_facts = extraction(subset)
        extract_s.append(seconds)
    return {"n": n, "bytes": sum(Path(p).stat().st_size for p in subset),
            "bytes_full": sum(Path(p).stat().st_size for p in paths), "facts": n_facts,
            "floor_full_s": floor_full, "floor_s": floor_s, "extract_s": extract_s,
            "rss_ready_mb": rss_ready, "peak_rss_mb": _peak_rss_mb()}


def task_peer(paths: list[str], runs: int, budget_s: float) -> dict[str, Any]:
    """quantulum3 and our extractor on the same texts, one article at a time."""
    import warnings

    warnings.filterwarnings("ignore", module="quantulum3")  # "classifier dependencies not installed"
    from quantulum3 import parser

    from datastore.batch import warm_up
    from extractors import extract, read_document

    warm_up()
    docs = [read_document(p) for p in paths[:200]]
    bodies = [doc.text[doc.body_start:] for doc in docs]
    started = time.perf_counter()
    parser.parse("India and Russia traded nearly $44 billion in 2023.")  # loads its unit tables
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    for body in bodies[:3]:
        parser.parse(body)
    per_article = (time.perf_counter() - started) / 3
    m = max(3, min(len(docs), int(budget_s / per_article)))
    peer_s, ours_s, peer_quantities = [], [], 0
    for _ in range(runs):
        started = time.perf_counter()
        peer_quantities = sum(len(parser.parse(body)) for body in bodies[:m])
        peer_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        for doc in docs[:m]:
            extract(doc)
        ours_s.append(time.perf_counter() - started)
    return {"n": m, "bytes": sum(len(b.encode("utf-8")) for b in bodies[:m]), "peer_s": peer_s, "ours_s": ours_s,
            "load_s": load_s, "quantities": peer_quantities}


def task_ingest(paths: list[str], runs: int, workers: int, engine: str, folder: str) -> dict[str, Any]:
    """Articles into a fresh SQLite store, `runs` times; engine 'pool' is ingest_paths, 'dask' the batch path."""
    folder = Path(folder)
    seconds, extra, summary = [], [], None
    worker_rss = 0.0
    for run in range(runs):
        db = _fresh_db(folder, f"ingest-{engine}-{workers}-{run}.db")
        started = time.perf_counter()
        if engine == "dask":
            from datastore.batch import load_shards, run_batch

            shards = folder / f"shards-{run}"
            batch = run_batch(paths, shards, workers=workers)
            batch_s = time.perf_counter() - started
            counts = load_shards(shards, db)
            worker_rss = max(worker_rss, batch.worker_peak_rss_mb)
            summary = {"new": counts["new"], "failed": len(batch.failed), "facts_stored": counts["facts_stored"]}
            extra.append(batch_s)
            shutil.rmtree(shards, ignore_errors=True)
        else:
            from datastore.ingest import ingest_paths

            result = ingest_paths(paths, db, workers=workers)
            summary = {"new": result.new, "failed": len(result.failed) if isinstance(result.failed, list)
                       else result.failed, "facts_stored": result.facts_stored}
        seconds.append(time.perf_counter() - started)
    return {"n": len(paths), "seconds": seconds, "batch_s": extra, "summary": summary,
            "peak_rss_mb": _peak_rss_mb(), "children_peak_rss_mb": _peak_rss_mb(resource.RUSAGE_CHILDREN),
            "worker_peak_rss_mb": worker_rss}


def _save_copies(job: tuple[str, str, list[int]]) -> int:
    """One builder process: save copies `copies` of the source documents under new doc ids."""
    import dataclasses
    import pickle

    from datastore.store import connect, save_documents

    source, db, copies = job
    with open(source, "rb") as handle:
        version, extracted = pickle.load(handle)
    saved = 0
    with connect(db):  # held open so that no save's close checkpoints the WAL (see datastore.ingest.save_in_batches)
        for copy in copies:
            batch = []
            for doc, facts in extracted:
                doc_id = f"{doc.doc_id}-r{copy:04d}"
                batch.append((dataclasses.replace(doc, doc_id=doc_id), [dataclasses.replace(f, doc_id=doc_id)
                                                                        for f in facts]))
                saved += len(facts)
            save_documents(db, batch, version)
    return saved


def task_build_store(paths: list[str], db: str, n_facts: int) -> dict[str, Any]:
    """A store of at least `n_facts` facts: extract some articles, then save copies under other doc ids,
    two builder processes at a time (the store takes concurrent writers)."""
    import multiprocessing
    import pickle

    from datastore.batch import warm_up
    from datastore.store import connect
    from extractors import EXTRACTOR_VERSION, extract, read_document

    started = time.perf_counter()
    warm_up()
    extracted = []
    for name in paths[:120]:
        doc = read_document(name)
        extracted.append((doc, extract(doc)))
    per_copy = sum(len(f) for _, f in extracted)
    n_copies = -(-n_facts // per_copy)
    source = f"{db}.source.pickle"
    with open(source, "wb") as handle:
        pickle.dump((EXTRACTOR_VERSION, extracted), handle)
    with connect(db):  # create and migrate the schema once, before the builders race for it
        pass
    jobs = [(source, db, list(range(i, n_copies, 2))) for i in range(2)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        saved = sum(pool.map(_save_copies, jobs))
    os.unlink(source)
    from datastore.reference import load_files

    official = load_files([(f.name, f.read_bytes()) for f in OFFICIAL_FILES if f.exists()], db)
    return {"facts": saved, "documents": n_copies * len(extracted), "seconds": time.perf_counter() - started,
            "official": len(official.loaded)}


# Every page, the two the targets name first; the others are timed against the same targets for reference. A page
# may be opened with URL parameters (the Trade page on the fiscal basis, three pairs compared).
PAGES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("pages/trade.py", "Trade", {}), ("pages/data.py", "Data", {}), ("pages/overview.py", "Overview", {}),
    ("pages/defence.py", "Defence", {}), ("pages/documents.py", "Documents", {}), ("pages/review.py", "Review", {}),
    ("pages/trade.py", "Trade (fiscal years)", {"basis": "fiscal"}),
    ("pages/trade.py", "Trade (three pairs compared)", {"basis": "fiscal", "compare": ["India–United States",
                                                                                       "China–Russia"]}),
)
TARGET_PAGES = ("Trade", "Data")
# The Trade page with the series (issue 16) has tighter targets than the rest: cold, warm in ms.
PAGE_TARGETS_MS = {"Trade": (1000.0, 150.0)}
# Official statistics loaded into the dashboard store, so the Trade page draws and compares them as it would.
OFFICIAL_FILES = (ROOT / "tests" / "fixtures" / "official" / "comtrade-india-russia-made-up.csv",
                  ROOT / "tests" / "fixtures" / "official" / "reference-india-russia-fiscal-made-up.csv")


def task_pages(db: str, runs: int) -> dict[str, Any]:
    """Every page under AppTest: cold (first run after clearing Streamlit's caches) and warm (a rerun)."""
    os.environ["FACTS_DB"] = db
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    def session(params: dict[str, Any]) -> AppTest:
        """A new session opened on a URL with these parameters (the sidebar and widgets read them on arrival)."""
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()  # the default page: imports every module once, outside the timings
        return at

    at = session({})
    results: dict[str, Any] = {}
    for page, name, params in PAGES:
        cold, warm = [], []
        if params:
            at = session(params)
        for _ in range(runs):
            st.cache_data.clear()
            st.cache_resource.clear()
            at.switch_page(page)
            started = time.perf_counter()
            at.run()
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - started)
        errors = [str(e.message) for e in at.exception] + [str(e.value) for e in at.error]
        results[name] = {"cold_s": cold, "warm_s": warm, "errors": errors}
    return results


# Extraction speed of a checkout, run with that checkout as the working directory so that its own `extractors`
# package is imported: the same script measures this release and the previous one.
_SIDE_BY_SIDE = """
import json, sys, time
from pathlib import Path
from extractors import extract, read_document
paths = json.loads(Path(sys.argv[1]).read_text())
extract(read_document(paths[0]))  # rules, FX rates and caches loaded before timing
started = time.perf_counter()
n_facts = sum(len(extract(read_document(p))) for p in paths)
print("RESULT " + json.dumps({"seconds": time.perf_counter() - started, "facts": n_facts}))
"""


def baseline_ref() -> str | None:
    """The previous release's commit, as bench/BASELINE names it (first word of its first line)."""
    path = ROOT / "bench" / "BASELINE"
    if not path.exists():
        return None
    words = path.read_text(encoding="utf-8").split()
    return words[0] if words else None


def checkout(ref: str, folder: Path) -> Path | None:
    """The files of `ref` unpacked into `folder` (git archive), or None when git or the commit is missing."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return folder


def time_checkout(root: Path, paths_file: Path) -> dict[str, Any]:
    env = os.environ | {"PYTHONPATH": str(root), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-c", _SIDE_BY_SIDE, str(paths_file)], cwd=root, env=env,
                          capture_output=True, text=True)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise Failed(f"extraction in {root} failed (exit {done.returncode}):\n{done.stderr.strip()[-800:]}")


TASKS = {"extraction": task_extraction, "peer": task_peer, "ingest": task_ingest, "build_store": task_build_store,
         "pages": task_pages}


def _child(spec: str) -> int:
    request = json.loads(spec)
    task = TASKS[request.pop("task")]
    if "paths_file" in request:
        request["paths"] = json.loads(Path(request.pop("paths_file")).read_text())
    result = task(**request)
    print("RESULT " + json.dumps(result), flush=True)
    return 0


# =========================================================================== the parent: orchestration and report

class Failed(RuntimeError):
    pass


def run_child(task: str, scratch: Path, paths: list[str] | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run one task in a fresh interpreter and return what it measured; raise Failed with its stderr."""
    request = {"task": task, **kwargs}
    if paths is not None:
        paths_file = scratch / f"paths-{task}-{len(paths)}.json"
        paths_file.write_text(json.dumps(paths))
        request["paths_file"] = str(paths_file)
    env = os.environ | {"PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-m", "bench.benchmark", "--child", json.dumps(request)], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
    raise Failed(f"{task} failed (exit {done.returncode}):\n{tail}")


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    if len(values) < 2:
        return ""
    return f" ({fmt.format(min(values))}–{fmt.format(max(values))})"


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": model, "cores": str(cores), "python": platform.python_version(), "os": platform.platform()}


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def benchmark_corpus(mb: float) -> list[str]:
    """The benchmark corpus, written once per size under bench/out/ and reused while complete."""
    from bench.corpus import write

    folder = OUT / f"corpus-{mb:g}mb-seed{SEED}"
    marker = folder / "COMPLETE"
    if marker.exists():
        names = marker.read_text().split()
        if all((folder / name).exists() for name in names):
            return [str(folder / name) for name in names]
    shutil.rmtree(folder, ignore_errors=True)
    paths = write(folder, mb, seed=SEED)
    marker.write_text("\n".join(p.name for p in paths))
    return [str(p) for p in paths]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_start(db: Path, runs: int) -> list[float]:
    """Seconds from `streamlit run app.py` to /_stcore/health answering 200, per run; the server is killed after."""
    times = []
    for _ in range(runs):
        port = free_port()
        log = tempfile.TemporaryFile()
        env = os.environ | {"FACTS_DB": str(db), "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            while True:
                if server.poll() is not None:
                    log.seek(0)
                    raise Failed(f"streamlit exited with {server.returncode}:\n{log.read().decode()[-2000:]}")
                if time.perf_counter() - started > 60:
                    raise Failed("streamlit did not answer /_stcore/health within 60 s")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as reply:
                        if reply.status == 200:
                            break
                except OSError:
                    time.sleep(0.05)
            times.append(time.perf_counter() - started)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
    return times


class Report:
    """Rows of the result table, printed as Markdown."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str]] = []
        self.notes: list[str] = []

    def row(self, what: str, measured: str, target: str = "", verdict: bool | None = None) -> None:
        mark = "" if verdict is None else ("met" if verdict else "**missed**")
        self.rows.append((what, measured, target, mark))
        print(f"  {what}: {measured}" + (f"   [target {target}: {mark}]" if target else ""), flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"  note: {text}", flush=True)

    def markdown(self) -> str:
        lines = ["| measure | median of runs (min–max) | target | |", "|---|---|---|---|"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows]
        return "\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in self.notes)


def section_extraction(report: Report, paths: list[str], args: argparse.Namespace, scratch: Path) -> dict:
    print("\n[floor and extraction]", flush=True)
    r = run_child("extraction", scratch, paths, runs=args.runs, budget_s=args.budget)
    mb_full, mb = r["bytes_full"] / 1e6, r["bytes"] / 1e6
    floor_full = [mb_full / s for s in r["floor_full_s"]]
    floor = [mb / s for s in r["floor_s"]]
    ours = [mb / s for s in r["extract_s"]]
    articles = [r["n"] / s for s in r["extract_s"]]
    ratio = median(floor) / median(ours)
    report.row("Floor: read + decode + sentence split", f"{median(floor_full):.1f} MB/s{spread(floor_full, '{:.1f}')}"
               f" on {len(paths)} articles ({mb_full:.1f} MB)")
    subset = "" if r["n"] == len(paths) else f" (first {r['n']} articles, {mb:.2f} MB: the full corpus exceeds --budget)"
    report.row("Extraction, 1 process (text → facts)",
               f"{median(ours):.3f} MB/s{spread(ours, '{:.3f}')}, {median(articles):.1f} articles/s, "
               f"{r['facts'] / r['n']:.1f} facts/article{subset}", f"≥ {TARGET_MB_S_PER_CORE:g} MB/s per core",
               median(ours) >= TARGET_MB_S_PER_CORE)
    report.row("Extraction vs floor (same articles, same runs)", f"{ratio:,.0f}× slower than the floor",
               f"≤ {TARGET_FLOOR_RATIO:g}×", ratio <= TARGET_FLOOR_RATIO)
    report.row("Peak memory, extraction", f"{r['peak_rss_mb']:.0f} MiB RSS (after loading rules and rates: "
               f"{r['rss_ready_mb']:.0f} MiB)")
    return {"articles_per_s": median(articles)}


def section_release(report: Report, paths: list[str], args: argparse.Namespace, scratch: Path,
                    articles_per_s: float) -> None:
    """This release against the previous one on the same articles, runs alternating, each in a fresh process."""
    print("\n[this release against the previous one]", flush=True)
    ref = baseline_ref()
    base = checkout(ref, scratch / "previous") if ref else None
    if base is None:
        report.note("previous release not compared: bench/BASELINE names no commit this clone has")
        return
    n = min(len(paths), max(100, int(articles_per_s * args.budget / 2)))
    paths_file = scratch / "side-by-side.json"
    paths_file.write_text(json.dumps(paths[:n]))
    mb = sum(Path(p).stat().st_size for p in paths[:n]) / 1e6
    ours, theirs = [], []
    try:
        for _ in range(args.runs):  # alternating: a neighbour's load falls on both
            ours.append(mb / time_checkout(ROOT, paths_file)["seconds"])
            theirs.append(mb / time_checkout(base, paths_file)["seconds"])
    except Failed as exc:
        report.note(f"side-by-side comparison failed: {exc}")
        return
    ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
    report.row(f"Extraction, previous release ({ref})", f"{median(theirs):.3f} MB/s{spread(theirs, '{:.3f}')} on the "
               f"first {n} articles ({mb:.2f} MB)")
    report.row("Extraction, this release (same articles, alternating runs)",
               f"{median(ours):.3f} MB/s{spread(ours, '{:.3f}')}: {median(ratios):.0%} of the previous speed"
               f"{spread(ratios, '{:.0%}')}", "≥ 80% of the previous", median(ratios) >= 0.8)


def section_peer(report: Report, paths: list[str], args: argparse.Namespace, scratch: Path) -> None:
    print("\n[peer: quantulum3]", flush=True)
    try:
        import quantulum3  # noqa: F401
    except ImportError:
        report.note("peer skipped: quantulum3 is not installed (`pip install -r requirements-bench.txt`, "
                    "or `make bench`)")
        return
    r = run_child("peer", scratch, paths, runs=args.runs, budget_s=args.budget)
    mb = r["bytes"] / 1e6
    peer = [mb / s for s in r["peer_s"]]
    speedups = [p / o for p, o in zip(r["peer_s"], r["ours_s"], strict=True)]
    report.row("Peer: quantulum3 parser.parse, one article at a time",
               f"{median(peer):.4f} MB/s{spread(peer, '{:.4f}')} on the first {r['n']} articles ({mb:.2f} MB; "
               f"a subset: it is slow); its one-off load {r['load_s']:.1f} s not counted")
    report.row("Our speed-up over quantulum3 (same articles, same runs)", f"{median(speedups):.1f}×"
               f"{spread(speedups, '{:.1f}')}", f"≥ {TARGET_PEER_SPEEDUP:g}×",
               median(speedups) >= TARGET_PEER_SPEEDUP)


def section_ingest(report: Report, paths: list[str], args: argparse.Namespace, scratch: Path,
                   articles_per_s: float) -> None:
    print("\n[ingest]", flush=True)
    # Enough articles for about --budget seconds of ingest with one process (saving to the store roughly
    # halves the extraction rate), at least 100.
    n = min(len(paths), max(100, int(articles_per_s * args.budget / 2)))
    subset = paths[:n]
    report.note(f"ingest runs use the first {n} articles of the corpus; 10,000-article times are extrapolated "
                "linearly from the measured rate, start-up (process pool or Dask cluster) included, so they "
                "are upper bounds")
    runs = [("Ingest, ingest_paths workers=1", "pool", 1), ("Ingest, ingest_paths workers=2", "pool", 2),
            ("Ingest, Dask LocalCluster 2 workers", "dask", 2)]
    for label, engine, workers in runs:
        if engine == "pool":
            try:
                import datastore.ingest  # noqa: F401
            except ImportError as exc:
                report.note(f"{label} skipped: datastore.ingest is not importable ({exc})")
                continue
        try:
            r = run_child("ingest", scratch, subset, runs=args.runs, workers=workers, engine=engine,
                          folder=str(scratch))
        except Failed as exc:
            report.note(f"{label} failed: {exc}")
            continue
        rates = [n / s for s in r["seconds"]]
        ten_k = INGEST_TARGET_ARTICLES / median(rates)
        target, verdict = ("", None)
        if workers == 2:
            target, verdict = f"10,000 articles ≤ {TARGET_INGEST_10K_S:g} s", ten_k <= TARGET_INGEST_10K_S
        extra = ""
        if engine == "dask":
            extra = f"; extraction on the cluster {median(r['batch_s']):.1f} s of {median(r['seconds']):.1f} s"
        report.row(label, f"{median(rates):.1f} articles/s{spread(rates, '{:.1f}')} → 10,000 articles in "
                   f"~{ten_k:,.0f} s{extra}", target, verdict)
        memory = f"{r['peak_rss_mb']:.0f} MiB RSS in the calling process"
        if r["worker_peak_rss_mb"]:
            memory += f", {r['worker_peak_rss_mb']:.0f} MiB in the largest Dask worker"
        elif r["children_peak_rss_mb"] and workers > 1:
            memory += f", {r['children_peak_rss_mb']:.0f} MiB in the largest worker process"
        report.row(f"Peak memory, {label[len('Ingest, '):]}", memory)
        summary = r["summary"]
        if summary["new"] != n:
            report.note(f"{label}: {summary['new']} of {n} articles stored new, {summary['failed']} failed")


def section_dashboard(report: Report, paths: list[str], args: argparse.Namespace, scratch: Path) -> None:
    print("\n[dashboard]", flush=True)
    missing = [p for p in ("app.py", *(page for page, _, _ in PAGES)) if not (ROOT / p).exists()]
    if missing:
        report.note(f"dashboard skipped: {', '.join(missing)} not there yet")
        return
    shm = Path("/dev/shm")
    folder = Path(tempfile.mkdtemp(prefix="bench-store-", dir=shm if shm.is_dir() else None))
    try:
        db = folder / "facts.db"
        built = run_child("build_store", scratch, paths, db=str(db), n_facts=DASHBOARD_FACTS)
        report.note(f"dashboard store: {built['facts']:,} facts in {built['documents']:,} documents (facts of 120 "
                    f"extracted articles, copied under other doc ids with store.save_document, two writers, on "
                    f"{'tmpfs' if folder.parent == shm else 'disk'}) built in {built['seconds']:.0f} s; "
                    f"{built.get('official', 0)} official figures loaded (tests/fixtures/official, made-up values)")
        r = run_child("pages", scratch, db=str(db), runs=args.runs)
        for _, name, _ in PAGES:
            cold = [s * 1000 for s in r[name]["cold_s"]]
            warm = [s * 1000 for s in r[name]["warm_s"]]
            named = name in TARGET_PAGES
            cold_target, warm_target = PAGE_TARGETS_MS.get(name, (TARGET_COLD_MS, TARGET_WARM_MS))
            report.row(f"{name} page, 100k facts, cold (caches cleared)",
                       f"{median(cold):,.0f} ms{spread(cold, '{:,.0f}')}",
                       f"≤ {cold_target:,.0f} ms" + ("" if named else " (reference)"),
                       median(cold) <= cold_target)
            report.row(f"{name} page, 100k facts, warm rerun", f"{median(warm):,.0f} ms{spread(warm, '{:,.0f}')}",
                       f"≤ {warm_target:,.0f} ms" + ("" if named else " (reference)"),
                       median(warm) <= warm_target)
            if r[name]["errors"]:
                report.note(f"{name} page showed errors: {r[name]['errors'][:2]}")
        started = serve_start(db, args.runs)
        report.row("`streamlit run` until /_stcore/health answers", f"{median(started):.2f} s{spread(started)}")
    except Failed as exc:
        report.note(f"dashboard section failed: {exc}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is reported (default 3)")
    parser.add_argument("--budget", type=float, default=30.0,
                        help="seconds one run of a slow section may take before it uses a subset (default 30)")
    parser.add_argument("--skip-peer", action="store_true", help="skip the quantulum3 comparison")
    parser.add_argument("--skip-dashboard", action="store_true", help="skip the 100k-fact dashboard timings")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child)

    info = machine()
    load_at_start = load_average()
    print(f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, {info['os']}")
    print(f"Load average at start: {load_at_start} (other work on the machine slows every figure)")
    started = time.perf_counter()
    paths = benchmark_corpus(args.mb)
    size = sum(Path(p).stat().st_size for p in paths) / 1e6
    print(f"Corpus: {len(paths)} synthetic articles, {size:.1f} MB (bench.corpus, seed {SEED}), "
          f"{args.runs} runs per figure")
    report = Report()
    OUT.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-", dir=OUT))
    try:
        measured = section_extraction(report, paths, args, scratch)
        section_release(report, paths, args, scratch, measured["articles_per_s"])
        if args.skip_peer:
            report.note("peer skipped (--skip-peer)")
        else:
            section_peer(report, paths, args, scratch)
        section_ingest(report, paths, args, scratch, measured["articles_per_s"])
        if args.skip_dashboard:
            report.note("dashboard skipped (--skip-dashboard)")
        else:
            section_dashboard(report, paths, args, scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report.note(f"machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}; corpus {len(paths)} "
                f"articles, {size:.1f} MB; load average (1, 5, 15 min) {load_at_start} at the start, "
                f"{load_average()} at the end; whole benchmark {time.perf_counter() - started:.0f} s")
    table = report.markdown()
    print("\n" + table)
    (OUT / "benchmark.md").write_text(table + "\n", encoding="utf-8")
    print(f"\n(written to {OUT / 'benchmark.md'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
