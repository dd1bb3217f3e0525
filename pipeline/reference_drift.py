"""Drift: where a source notebook's graded code differs from its block in grader/reference (the one copy).

The release step refuses a drifted notebook; `python -m authoring.sync_solutions` rewrites or reports it.
Each source notebook records (metadata METADATA_KEY) a fingerprint of the text sync last wrote into each
cell, which tells the two causes apart: the reference module changed (OUTDATED) or the cell was edited
in the notebook (EDITED).
"""
import hashlib
import os

import nbformat

from grader.manifest import ASSIGNMENTS, ROOT
from grader.reference import HEADER, reference_blocks

METADATA_KEY = "kit_reference_sync"   # notebook metadata: {block name: fingerprint of the text sync wrote}
EDITED, OUTDATED = "edited in the notebook", "reference module changed"


def notebook_path(assignment, root=None):
    return os.path.join(root or ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook)


def fingerprint(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def headed_cells(notebook):
    """{block name: cell} of the notebook's `# GRADED FUNCTION` / `# COURSE CODE` cells."""
    cells = {}
    for cell in notebook.cells:
        first = cell.source.splitlines()[0] if cell.cell_type == "code" and cell.source else ""
        match = HEADER.match(first)
        if match:
            cells[match.group(2)] = cell
    return cells


def compare(assignment, notebook):
    """{block name: EDITED or OUTDATED} for every cell that differs from its reference block."""
    blocks = reference_blocks(assignment)
    cells = headed_cells(notebook)
    missing = sorted(set(blocks) - set(cells))
    if missing:
        raise SystemExit("%s: no cell for %s" % (notebook_path(assignment), ", ".join(missing)))
    written = notebook.metadata.get(METADATA_KEY, {})
    return {name: (OUTDATED if written.get(name) == fingerprint(cells[name].source) else EDITED)
            for name, text in blocks.items() if cells[name].source != text}


def drift(root=None):
    """{assignment: {block: EDITED or OUTDATED}} for the source notebooks (under `root`) that differ from the
    reference modules; {} when every notebook holds the reference code."""
    found = {}
    for assignment in ASSIGNMENTS:
        path = notebook_path(assignment, root)
        if os.path.exists(path):
            differences = compare(assignment, nbformat.read(path, as_version=4))
            if differences:
                found[assignment] = differences
    return found


def drift_message(found):
    lines = []
    for assignment, differences in found.items():
        for name, kind in sorted(differences.items()):
            lines.append("  source/%s/%s: %s (%s)" % (assignment, ASSIGNMENTS[assignment].notebook, name, kind))
    return "\n".join(lines)
