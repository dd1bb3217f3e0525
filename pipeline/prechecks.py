"""Before grading: can nbgrader grade this submission at all, and which repairs will it make?"""
import json
import os

import nbformat


def _role(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return {k: bool(meta.get(k, False)) for k in ("grade", "solution", "locked")} if isinstance(meta, dict) else {}


def precheck(course, student, assignment, folder=None):
    """(reason it cannot be graded or None, notes on repairs nbgrader will make); `folder` is the
    submission's admitted copy (pipeline/intake.py) unless told otherwise."""
    folder = folder or course.submitted(student, assignment)
    expected = course.notebook(assignment)
    path = os.path.join(folder, expected)
    if not os.path.exists(path):
        others = sorted(f for f in os.listdir(folder) if f.endswith(".ipynb"))
        if others:
            return ("no %s in the submission (found %s; notebooks are graded by their name)"
                    % (expected, ", ".join(others)), [])
        return "no notebook was submitted (%s is missing)" % expected, []
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        json.loads(text)
    except UnicodeDecodeError:
        return "%s is not a text file, so not a notebook" % expected, []
    except ValueError as error:
        return ("%s is not a valid notebook file: it is not JSON (%s), maybe it was cut off while saving"
                % (expected, error), [])
    try:
        submitted = nbformat.reads(text, as_version=4)
        cells = list(submitted.cells)
    except Exception as error:
        return "%s is not a valid notebook file (%s)" % (expected, str(error).splitlines()[0][:200]), []
    notes = []
    try:
        release = nbformat.read(course.path("release", assignment, expected), as_version=4)
    except Exception:
        return None, notes
    by_id = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str) and meta["grade_id"]:
            by_id.setdefault(meta["grade_id"], cell)
    for cell in release.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not grade_id or not (meta.get("grade") or meta.get("solution")):
            continue
        mine = by_id.get(grade_id)
        test = meta.get("grade") and not meta.get("solution")
        if mine is None:
            notes.append("test cell %s was deleted: restored and graded" % grade_id if test
                         else "answer cell %s is missing: its test cannot pass" % grade_id)
            continue
        if _role(mine) != _role(cell):
            notes.append("nbgrader metadata of cell %s was changed: restored" % grade_id)
        if test and mine.source != cell.source:
            notes.append("test cell %s was edited: the original test was restored and graded" % grade_id)
    return None, notes
