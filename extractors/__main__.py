"""Command line: `python -m extractors extract FILE...`, `ingest PATH...` and `reference FILE...`.

The `extract` output is a contract other tools depend on: one fact per line, every key present.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date

from extractors import FACT_FIELDS, BudgetExceeded, InputError, extract, read_document


def _published(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date in YYYY-MM-DD form") from exc


def _plain(value: object) -> object:
    """Whole-number floats print as integers (44000000000, not 44000000000.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return int(value)
    return value


def extract_main(argv: list[str]) -> int:
    from extractors.rules import rules_problem

    parser = argparse.ArgumentParser(prog="python -m extractors extract",
                                     description="Print every figure in the given articles, one fact per line.")
    parser.add_argument("files", nargs="+", metavar="FILE", help=".txt, .md or .html files; - for stdin")
    parser.add_argument("--published", type=_published, help="publication date YYYY-MM-DD (overrides the dateline)")
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    args = parser.parse_args(argv)
    problem = rules_problem()  # before any file is read: one line, not a traceback per article
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    out = sys.stdout
    writer = None
    if args.format == "csv":
        writer = csv.DictWriter(out, fieldnames=list(FACT_FIELDS), extrasaction="ignore")
        writer.writeheader()
    failed = 0
    for name in args.files:
        try:
            doc = read_document(name, published=args.published)
            facts = extract(doc)
        except (InputError, BudgetExceeded) as exc:
            print(f"error: {exc}", file=sys.stderr)
            failed += 1
            continue
        for fact in facts:
            record = fact.as_record()
            record["path"] = name
            if writer is not None:
                row = {k: record[k] for k in FACT_FIELDS}
                row["parties"] = ";".join(row["parties"])
                writer.writerow({k: _plain(v) if v is not None else "" for k, v in row.items()})
            else:
                out.write(json.dumps({k: _plain(v) for k, v in record.items()}, ensure_ascii=False) + "\n")
        out.flush()
    return 2 if failed else 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m extractors {extract,ingest,reference} ...\n\n"
              "  extract FILE... [--published YYYY-MM-DD] [--format jsonl|csv]   print facts\n"
              "  ingest PATH... [--db FILE]                                     load into the store\n"
              "  reference FILE... [--db FILE]                                  load official statistics")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "extract":
        return extract_main(rest)
    if command == "ingest":  # this module is the top of the stack: the only one here that reaches the data layer
        from datastore.cli import ingest_main

        return ingest_main(rest)
    if command == "reference":  # official statistics beside the news (datastore.reference)
        from datastore.cli import reference_main

        return reference_main(rest)
    print(f"error: unknown command '{command}' (use extract, ingest or reference)", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
