"""python -m proofs.catalog [--json FILE] [--workdir DIR | --course DIR] [entry id ...]: grade the catalogs
through nbgrader, print the table (entry, expected, got) and, with --json, write every result for the tests."""
import argparse
import json
import sys
import time
from dataclasses import asdict

from samples.catalog_entries import ENTRIES
from proofs.catalog.harness import describe_got, expected_text, run_catalog, summary, table


def as_record(result):
    e = result.entry
    return {"id": e.id, "kind": e.kind, "function": e.function, "hint": e.hint,
            "self_check_catches": e.self_check_catches, "tampering": bool(e.prelude),
            "score": result.score, "max_score": result.max_score, "parts": result.parts,
            "verdict": asdict(result.verdict) if result.verdict else None, "errors": result.errors,
            "passes": result.passes,
            "hidden": list(result.hidden), "problems": result.problems,
            "expected": expected_text(e), "got": describe_got(result)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entries", nargs="*", help="catalog entry ids (default: all)")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--workdir", help="grade in this folder (default: a temporary one, removed afterwards)")
    parser.add_argument("--course", help="grade in this course copy, made beforehand (it keeps what was graded)")
    args = parser.parse_args(argv)
    unknown = set(args.entries) - {e.id for e in ENTRIES}
    if unknown:
        parser.error("no catalog entry %s" % ", ".join(sorted(unknown)))
    entries = [e for e in ENTRIES if not args.entries or e.id in args.entries]
    started = time.monotonic()
    print("grading %d catalog entries through nbgrader autograde ..." % len(entries), flush=True)
    results, full = run_catalog(entries, workdir=args.workdir, course=args.course)
    seconds = time.monotonic() - started
    print(table(results))
    print()
    print(summary(results))
    print("full marks: %s; graded in %.0f s" % (", ".join("%s %s" % (a, m) for a, m in sorted(full.items())), seconds))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"full": full, "seconds": seconds, "results": [as_record(r) for r in results]}, handle, indent=1)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
