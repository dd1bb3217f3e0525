"""Write the reference code blocks into the source notebooks (the reference modules are the one copy).

A notebook code cell whose first line is `# GRADED FUNCTION: name` or
`# COURSE CODE: name` gets the text of the same block of grader/reference/<assignment>.py.

Usage: python -m authoring.sync_solutions [--check]   (--check: exit 1 if a notebook is out of date)
"""
import os
import sys

import nbformat

from grader.manifest import ASSIGNMENTS, ROOT
from grader.reference import HEADER, reference_blocks


def notebook_path(assignment):
    return os.path.join(ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook)


def sync(assignment, write=True):
    """Names of the blocks whose notebook cell differed (and was rewritten when `write`)."""
    path = notebook_path(assignment)
    notebook = nbformat.read(path, as_version=4)
    blocks = reference_blocks(assignment)
    changed, seen = [], set()
    for cell in notebook.cells:
        first = cell.source.splitlines()[0] if cell.cell_type == "code" and cell.source else ""
        match = HEADER.match(first)
        if match and match.group(2) in blocks:
            seen.add(match.group(2))
            if cell.source != blocks[match.group(2)]:
                changed.append(match.group(2))
                cell.source = blocks[match.group(2)]
    missing = sorted(set(blocks) - seen)
    if missing:
        raise SystemExit("%s: no cell for %s" % (path, ", ".join(missing)))
    if changed and write:
        nbformat.write(notebook, path)
    return changed


def main(argv=None):
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = {}
    for assignment in ASSIGNMENTS:
        if os.path.exists(notebook_path(assignment)):
            changed = sync(assignment, write=not check)
            if changed:
                stale[assignment] = changed
    for assignment, names in stale.items():
        print("%s: %s %s" % (assignment, "out of date:" if check else "rewrote", ", ".join(names)))
    return 1 if (check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
