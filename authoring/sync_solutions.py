"""Write the reference code blocks into the source notebooks (the reference modules are the one copy).

A notebook code cell whose first line is `# GRADED FUNCTION: name` or
`# COURSE CODE: name` gets the text of the same block of grader/reference/<assignment>.py.

    python -m authoring.sync_solutions           # bring the notebooks up to date with the reference modules
    python -m authoring.sync_solutions --check   # exit 1 when a notebook and its reference module differ
    python -m authoring.sync_solutions --force   # also overwrite cells that were edited in the notebook

An instructor's edit is never lost silently. Each source notebook records (in its metadata) a
fingerprint of the text this command last wrote into each cell, so a difference between a cell and
its reference block has one of two causes:

* the reference module changed since the last sync: the cell is rewritten;
* the cell was edited in the notebook: the command refuses to overwrite it, says which cells, and
  exits 1. Copy the edit into grader/reference/<assignment>.py and sync again (or pass --force to
  throw the notebook's version away).

Release generation (`python -m authoring.make_release`, the pipeline's release step) refuses a
source notebook that differs from its reference module in either way (pipeline/reference_drift.py).
"""
import os
import sys

import nbformat

from grader.manifest import ASSIGNMENTS
from grader.reference import reference_blocks
from pipeline.reference_drift import (  # noqa: F401  (EDITED, notebook_path: part of this command's interface)
    EDITED, METADATA_KEY, OUTDATED, compare, drift, drift_message, fingerprint, headed_cells, notebook_path)


def sync(assignment, write=True, force=False):
    """(rewritten, refused): the blocks brought up to date (written when `write`) and those edited in the
    notebook that were left alone (all of them rewritten with `force`)."""
    path = notebook_path(assignment)
    notebook = nbformat.read(path, as_version=4)
    blocks, cells = reference_blocks(assignment), headed_cells(notebook)
    differences = compare(assignment, notebook)
    rewritten = [name for name, kind in differences.items() if kind == OUTDATED or force]
    refused = [name for name, kind in differences.items() if kind == EDITED and not force]
    for name in rewritten:
        cells[name].source = blocks[name]
    written = dict(notebook.metadata.get(METADATA_KEY, {}))
    for name in blocks:
        if name not in refused:
            written[name] = fingerprint(cells[name].source)
    if write and (rewritten or written != notebook.metadata.get(METADATA_KEY)):
        notebook.metadata[METADATA_KEY] = written
        nbformat.write(notebook, path)
    return rewritten, refused


def main(argv=None):
    argv = argv if argv is not None else sys.argv[1:]
    check, force = "--check" in argv, "--force" in argv
    if check:
        found = drift()
        if found:
            print("source notebooks differ from grader/reference:\n" + drift_message(found))
            print("Edits belong in grader/reference/<assignment>.py; then run python -m authoring.sync_solutions.")
        return 1 if found else 0
    status = 0
    for assignment in ASSIGNMENTS:
        if not os.path.exists(notebook_path(assignment)):
            continue
        rewritten, refused = sync(assignment, force=force)
        if rewritten:
            print("%s: rewrote %s" % (assignment, ", ".join(rewritten)))
        if refused:
            status = 1
            print("%s: NOT overwritten, edited in the notebook since the last sync: %s\n"
                  "  Copy the edit into grader/reference/%s.py (the one copy of the graded code) and run this "
                  "again, or pass --force to discard the notebook's version." % (assignment, ", ".join(refused),
                                                                                 assignment))
    return status


if __name__ == "__main__":
    sys.exit(main())
