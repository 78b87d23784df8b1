"""Score the extractor against public peer specs and our own gold articles; prints pass rates.

    python -m bench.evaluate [--shared ../shared] [--show-failures N] [--dev-only] [-v]

Scoring (strict, per case):
- currency / percent / dimension (Recognizers-Text): every expected item with a value is found
  (our surface covers the expected span, value equal within 0.1%), and no extra fact of that kind.
  Items RT gives without a value (a bare currency word) are not required. Cent/pence are compared
  in hundredths of the main unit; RT's dimension cases count only units our rules cover.
- date periods (RT DatePeriodParser): for inputs our period finder recognises, start and end
  (RT's end is exclusive); reported as coverage and accuracy.
- quantulum3 money: money items found with equal value, years and designations ignored as the peer README says.
- development set (`shared/eval/dev`, real stories): the team's scorer (`shared/eval/score.py`) judges each
  figure's span, value and meaning; run here in one process (the scorer itself runs the CLI per case).
- gold: each annotated fact found with the same surface, value, unit, qualifier, metric, item,
  status and period; precision counts facts we emit that the annotator did not list.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import yaml

from extractors import extract, extract_text, read_document
from extractors.periods import find_periods

ROOT = Path(__file__).resolve().parent.parent
SUBUNITS = {"Cent": 0.01, "Pence": 0.01, "Penny": 0.01}
QUANTULUM_SUBUNITS = {"cent": 0.01, "penny": 0.01, "dime": 0.1}


def _load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return False
    return math.isclose(a, b, rel_tol=1e-3, abs_tol=1e-9)


def _covers(fact, item: dict, text: str) -> bool:
    start = item.get("start")
    if start is None:
        start = text.find(item["text"])
    end = start + len(item["text"])
    return fact.start <= start and fact.end >= end


def score_rt(path: Path, kind: str) -> tuple[int, int, list[str]]:
    passed = total = 0
    failures: list[str] = []
    for case in _load(path):
        total += 1
        text = case["input"]
        facts = [f for f in extract_text(text, published="2016-11-07") if f.kind == kind]
        required = [e for e in case["expected"] if e.get("value") is not None]
        ok = True
        used: set[int] = set()
        for item in required:
            expected = float(item["value"]) * SUBUNITS.get(item.get("unit", ""), 1.0)
            hit = next((i for i, f in enumerate(facts) if i not in used and _covers(f, item, text)
                        and (_close(f.value, expected) or _close(f.value_low, expected))), None)
            if hit is None:
                ok = False
                break
            used.add(hit)
        optional = len(case["expected"]) - len(required)
        if ok and len(facts) - len(used) > optional:
            ok = False
        passed += ok
        if not ok:
            failures.append(f"{case['id']}: {text[:110]!r} expected {[e['text'] for e in required]} "
                            f"got {[f.surface for f in facts]}")
    return passed, total, failures


def score_periods(path: Path) -> tuple[int, int, int, list[str]]:
    recognised = correct = total = 0
    failures: list[str] = []
    for case in _load(path):
        if not case.get("reference_date") or not case["expected"]:
            continue
        total += 1
        ref = date.fromisoformat(case["reference_date"][:10])
        found = find_periods(case["input"], ref)
        if not found:
            continue
        recognised += 1
        expected = case["expected"][0]["value"]
        window = [(expected[k]["start"], expected[k]["end"]) for k in ("past", "future") if k in expected]
        got = found[0]
        if got.start is None or got.end is None:  # "since 2001", "by 2030": open ranges RT writes otherwise
            failures.append(f"{case['id']}: {case['input'][:90]!r} expected {window} got open {got.label}")
            continue
        ours = (got.start.isoformat(), (got.end + timedelta(days=1)).isoformat())
        if ours in window:
            correct += 1
        else:
            failures.append(f"{case['id']}: {case['input'][:90]!r} expected {window} got {ours} ({got.label})")
    return recognised, correct, total, failures


def score_quantulum(path: Path) -> tuple[int, int, list[str]]:
    passed = total = 0
    failures: list[str] = []
    for case in _load(path):
        money = [e for e in case["expected"] if e["category"] == "money"]
        if not money:
            continue
        total += 1
        text = case["input"]
        facts = [f for f in extract_text(text) if f.kind == "money"]
        ok = all(any(_covers(f, e, text) and (_close(f.value, e["value"] * QUANTULUM_SUBUNITS.get(e["unit"], 1)) or (
            "range" in e and _close(f.value_low, e["range"][0]))) for f in facts) for e in money)
        passed += ok
        if not ok:
            failures.append(f"{case['id']}: {text[:100]!r} expected {[e['text'] for e in money]} "
                            f"got {[f.surface for f in facts]}")
    return passed, total, failures


GOLD_FIELDS = ("kind", "value", "value_low", "value_high", "unit", "qualifier", "metric", "item", "status",
               "period_start", "period_end")


def score_gold(gold_dir: Path, corpus_dir: Path) -> tuple[Counter, list[str]]:
    counts: Counter = Counter()
    failures: list[str] = []
    for gold_file in sorted(gold_dir.glob("*.yaml")):
        gold = yaml.safe_load(gold_file.read_text(encoding="utf-8"))
        article = corpus_dir / gold["article"]
        if not article.exists():
            continue
        facts = extract(read_document(article))
        by_surface = {f.surface: f for f in facts}
        listed = set()
        for item in gold.get("facts") or []:
            counts["expected"] += 1
            fact = by_surface.get(item["surface"]) or next(
                (f for f in facts if item["surface"] in f.surface or f.surface in item["surface"]), None)
            if fact is None:
                failures.append(f"{gold_file.stem}: missed {item['surface']!r}")
                continue
            listed.add(id(fact))
            counts["found"] += 1
            fields = [k for k in GOLD_FIELDS if k in item and (k not in ("item", "status") or item["kind"] == "count")]
            wrong = [k for k in fields if not _same(getattr(fact, k), item[k], k)]  # items and statuses: counts
            for k in fields:
                if k in item:
                    counts[f"field:{k}"] += 1
                    counts[f"right:{k}"] += k not in wrong
            if not wrong:
                counts["exact"] += 1
            else:
                failures.append(f"{gold_file.stem}: {item['surface']!r} differs in "
                                + ", ".join(f"{k} (ours {getattr(fact, k)!r}, gold {item[k]!r})" for k in wrong))
        counts["emitted"] += len(facts)
        counts["extra"] += sum(1 for f in facts if id(f) not in listed)
    return counts, failures


def _same(ours: object, gold: object, field: str = "") -> bool:
    """Equal as the team's scorer judges (shared/eval/score.py): numbers within 0.1%, items case-blind with one
    inside the other, units equal in pint."""
    if gold is None or ours is None:
        return gold is None and ours is None
    if field == "item":
        a, b = str(ours).lower(), str(gold).lower()
        return a in b or b in a
    if isinstance(gold, (int, float)) and isinstance(ours, (int, float)):
        return _close(float(ours), float(gold))
    if isinstance(gold, date):
        return str(ours) == gold.isoformat()
    if isinstance(gold, str) and isinstance(ours, str) and gold != ours and field == "unit":
        try:
            from extractors.units import registry

            ureg = registry()
            return ureg.Quantity(1, gold) == ureg.Quantity(1, ours)
        except Exception:  # not units at all
            pass
    return str(ours).lower() == str(gold).lower()


def _gold_rows(label: str, gold_dir: Path, corpus_dir: Path, rows: list, all_failures: dict) -> None:
    counts, failures = score_gold(gold_dir, corpus_dir)
    if not counts["expected"]:
        return
    recall = counts["found"] / counts["expected"]
    precision = (counts["emitted"] - counts["extra"]) / max(counts["emitted"], 1)
    rows.append((f"{label}: figures found (recall)", f"{counts['found']}/{counts['expected']} = {recall:.1%}"))
    rows.append((f"{label}: precision", f"{counts['emitted'] - counts['extra']}/{counts['emitted']} = {precision:.1%}"))
    rows.append((f"{label}: every field right", f"{counts['exact']}/{counts['expected']}"
                                               f" = {counts['exact'] / counts['expected']:.1%}"))
    for k in GOLD_FIELDS:
        if counts[f"field:{k}"]:
            rows.append((f"  {label} field {k}", f"{counts[f'right:{k}'] / counts[f'field:{k}']:.1%}"))
    all_failures[label] = failures


def _scorer(shared: Path):
    """The team's scorer module (`shared/eval/score.py`), or None when the folder is absent."""
    path = shared / "eval" / "score.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("figure_desk_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return int(value)
    return value


def score_dev(shared: Path, verbose: bool = False, names: list[str] | None = None,
              folder: Path | None = None) -> dict | None:
    """A set of real-news cases (the development set, or `folder`) scored as `score.py` scores it, with the
    extractor run in this process."""
    scorer = _scorer(shared)
    if scorer is None:
        return None
    files = sorted((folder or shared / "eval" / "dev").glob("*.yaml"))
    if names:
        files = [f for f in files if any(n in f.name for n in names)]
    tp = fn = fp = negs = strict = full = npred = 0
    attr: dict[str, list[int]] = {}
    lines: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            case = yaml.safe_load(f.read_text(encoding="utf-8"))
            path = Path(tmp) / "case.txt"
            path.write_text(case["text"], encoding="utf-8")
            preds = [{k: _plain(v) for k, v in fact.as_record().items()} for fact in extract(read_document(path))]
            rows, spurious, neg_hits = scorer.score_case(case, preds)
            for g, p in rows:
                if p is None:
                    fn += 1
                    lines.append(f"MISS {case['id']}: {g['surface']!r} ({g['kind']})")
                    continue
                tp += 1
                verdict = scorer.judge(g, p)
                strict += verdict["kind"] and verdict["value"]
                full += all(verdict.values())
                for k, ok in verdict.items():
                    attr.setdefault(k, [0, 0])
                    attr[k][0] += ok
                    attr[k][1] += 1
                    if not ok:
                        gv = (g.get("period_start"), g.get("period_end")) if k == "period" else (
                            (g.get("value"), g.get("unit")) if k == "value" else g.get(k))
                        pv = (p.get("period_start"), p.get("period_end")) if k == "period" else (
                            (p.get("value"), p.get("unit")) if k == "value" else p.get(k))
                        lines.append(f"WRONG {k} {case['id']}: {g['surface']!r} gold={gv} got={pv}")
            fp += len(spurious)
            npred += len(preds)
            negs += len(neg_hits)
            lines += [f"SPURIOUS {case['id']}: {p.get('surface')!r} ({p.get('kind')}, {p.get('value')})"
                      for p in spurious]
            lines += [f"TRAP {case['id']}: {neg!r} gave {surface!r}" for neg, surface in neg_hits]

    def f1(p: float, r: float) -> float:
        return 2 * p * r / (p + r) if p + r else 0.0

    gold = tp + fn
    result = {
        "cases": len(files), "gold": gold, "missed": fn, "spurious": fp, "trap_hits": negs,
        "span_f1": f1(tp / max(tp + fp, 1), tp / max(gold, 1)),
        "strict_f1": f1(strict / max(npred, 1), strict / max(gold, 1)),
        "full_f1": f1(full / max(npred, 1), full / max(gold, 1)),
        "accuracy": {k: v[0] / v[1] for k, v in sorted(attr.items()) if v[1]},
    }
    if verbose:
        print("\n".join(sorted(lines)))
    return result


def _dev_rows(shared: Path, rows: list, verbose: bool, names: list[str] | None = None,
              folder: Path | None = None, label: str = "development set") -> None:
    result = score_dev(shared, verbose, names, folder)
    if result is None:
        rows.append((label, f"skipped: {shared / 'eval'} not found"))
        return
    rows.append((f"{label}: cases / figures", f"{result['cases']} / {result['gold']}"
                                               f" ({result['missed']} missed, {result['spurious']} spurious,"
                                               f" {result['trap_hits']} trap hits)"))
    for key in ("span_f1", "strict_f1", "full_f1"):
        rows.append((f"{label}: {key.replace('_f1', '')} F1", f"{result[key]:.3f}"))
    for name, value in result["accuracy"].items():
        rows.append((f"  {label} accuracy {name}", f"{value:.3f}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--show-failures", type=int, default=0, metavar="N")
    parser.add_argument("--dev-only", action="store_true", help="score the development set only")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every development-set miss")
    parser.add_argument("--extra-only", action="store_true", help="score tests/eval_extra only")
    parser.add_argument("cases", nargs="*", help="development cases to score (parts of file names)")
    args = parser.parse_args(argv)
    shared = Path(args.shared)
    rt = shared / "peer-specs" / "recognizers-text"
    rows: list[tuple[str, str]] = []
    all_failures: dict[str, list[str]] = {}
    if not args.extra_only:
        _dev_rows(shared, rows, args.verbose, args.cases)
    if not args.dev_only:
        _dev_rows(shared, rows, args.verbose and args.extra_only, args.cases, ROOT / "tests" / "eval_extra",
                  "second set (tests/eval_extra)")
    if args.dev_only or args.extra_only or args.cases:
        for label, value in rows:
            print(f"{label:<50}  {value}")
        return 0
    if rt.is_dir():
        for name, kind in (("currency_model", "money"), ("percent_model", "percent")):
            p, t, f = score_rt(rt / f"{name}.en.jsonl", kind)
            rows.append((f"Recognizers-Text {name}", f"{p}/{t} = {p / t:.1%}"))
            all_failures[name] = f
        rec, cor, tot, f = score_periods(rt / "date_period_parser.en.jsonl")
        rows.append(("Recognizers-Text date periods", f"recognised {rec}/{tot}; of those correct {cor}/{rec or 1}"
                                                        f" = {cor / (rec or 1):.1%}"))
        all_failures["date_periods"] = f
    else:
        rows.append(("Recognizers-Text", f"skipped: {rt} not found"))
    q = shared / "peer-specs" / "quantulum3" / "money_count.en.jsonl"
    if q.exists():
        p, t, f = score_quantulum(q)
        rows.append(("quantulum3 money cases", f"{p}/{t} = {p / max(t, 1):.1%}"))
        all_failures["quantulum3"] = f
    for label, gold_dir, corpus_dir in (
        ("gold articles", ROOT / "tests" / "gold", ROOT / "data" / "corpus"),
        ("held-out articles", ROOT / "tests" / "gold_heldout", ROOT / "tests" / "gold_heldout"),
    ):
        _gold_rows(label, gold_dir, corpus_dir, rows, all_failures)
    width = max(len(r[0]) for r in rows)

    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    if args.show_failures:
        for name, failures in all_failures.items():
            if failures:
                print(f"\n## {name}: {len(failures)} failing")
                for line in failures[: args.show_failures]:
                    print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
