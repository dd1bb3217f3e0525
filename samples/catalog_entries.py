"""The variant and mutant catalogs, read from the tables samples/catalog_<part>.toml.

Each entry rewrites one graded function of the reference solution by plain text
edits (old -> new, each `old` must occur in the reference block) and, for
tampering entries, adds top-level code to the solution cell. Variants are
correct solutions written differently: full marks and "All checks passed".
Mutants are mistakes students make: they must lose the points of that function
in the hidden tests, and the self-check must name the mistake (`hint`, a
case-insensitive substring of the self-check's output).

The tables: one file per assignment, then the tampering mutants of every assignment.
A file's `[lines]` names reference lines; an edit whose `old` is such a name (from any
file) stands for that line. `[[variant]]` and `[[mutant]]` are graded through nbgrader
by the catalog run; `[[self_check_mutant]]` are finer mistakes the assignment tests
check in-process. An entry has `id`, `function`, `edits` and, as the Entry fields say,
`prelude`, `hint`, `self_check_catches` and `also_says`.
"""
import os
import tomllib
from dataclasses import dataclass

PARTS = ("initialization", "regularization", "gradient_checking", "tampering")  # the catalogs' order
FOLDER = os.path.dirname(os.path.abspath(__file__))


@dataclass(frozen=True)
class Entry:
    id: str
    function: str
    edits: tuple = ()
    prelude: str = ""          # code put before the function in the solution cell (tampering)
    hint: str = None           # mutants: substring expected in the self-check output
    kind: str = "mutant"
    self_check_catches: bool = True  # False: only the hidden tests can catch it (e.g. hard-coded output)
    also_says: tuple = ()      # mutants: more substrings the self-check output must hold (the assignment tests)


def _read_tables():
    tables = []
    for part in PARTS:
        with open(os.path.join(FOLDER, "catalog_%s.toml" % part), "rb") as handle:
            tables.append(tomllib.load(handle))
    return tables


def _entries(tables, table, kind, lines):
    """The Entry of every `table` row of every file, in the files' order."""
    entries = []
    for rows in (t.get(table, []) for t in tables):
        for row in rows:
            edits = tuple((lines.get(old, old), new) for old, new in row.get("edits", ()))
            entries.append(Entry(row["id"], row["function"], edits, prelude=row.get("prelude", ""),
                                 hint=row.get("hint"), kind=kind,
                                 self_check_catches=row.get("self_check_catches", True),
                                 also_says=tuple(row.get("also_says", ()))))
    return entries


_TABLES = _read_tables()
REFERENCE_LINES = {name: line for t in _TABLES for name, line in t.get("lines", {}).items()}
VARIANTS = _entries(_TABLES, "variant", "variant", REFERENCE_LINES)
MUTANTS = _entries(_TABLES, "mutant", "mutant", REFERENCE_LINES)
# Finer mistakes the self-checks must name, checked in-process by the assignment tests (the catalog
# run does not grade them through nbgrader).
SELF_CHECK_MUTANTS = _entries(_TABLES, "self_check_mutant", "mutant", REFERENCE_LINES)
ENTRIES = VARIANTS + MUTANTS


def catalog_entry(entry_id):
    """The entry called `entry_id` (KeyError when there is none)."""
    for entry in ENTRIES:
        if entry.id == entry_id:
            return entry
    raise KeyError("no catalog entry %r" % entry_id)
