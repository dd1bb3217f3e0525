"""Every release notebook, as shipped: fails only where unimplemented code runs, and hides solutions and hidden tests."""
import os

import nbformat
import pytest

from notebook_runner import outputs_of
from grader.manifest import ASSIGNMENTS, ROOT, shipped_files
from samples.notebook_edits import solution_regions
from grader.reference import reference_blocks

pytestmark = pytest.mark.e2e  # runs notebooks in kernels

STUDENT_ERRORS = {"NotImplementedError", "SelfCheckFailed"}


def release_notebook(assignment):
    return os.path.join(ROOT, "release", assignment, ASSIGNMENTS[assignment].notebook)


def solution_lines(assignment):
    """Every non-blank line inside the reference's solution regions and the source notebook's solution cells."""
    lines = set()
    for text in reference_blocks(assignment).values():
        lines |= {line.strip() for region in solution_regions(text) for line in region if line.strip()}
    source = nbformat.read(os.path.join(ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook), 4)
    for cell in source.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            lines |= {line.strip() for region in solution_regions(cell.source) for line in region if line.strip()}
    return lines - {"pass", "return parameters"}


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_release_fails_only_at_unimplemented_regions(assignment, run_notebook):
    notebook = run_notebook(release_notebook(assignment), allow_errors=True)
    failing = []
    for cell in notebook.cells:
        for error in outputs_of(cell, "error"):
            failing.append(cell)
            assert error.ename in STUDENT_ERRORS, "%s: %s in cell:\n%s" % (error.ename, error.evalue, cell.source)
        assert not outputs_of(cell, "stream", "stderr"), cell.source
    assert failing, "a release notebook with nothing implemented should stop at the graded functions"
    for cell in failing:
        assert any(name + "(" in cell.source for name in ASSIGNMENTS[assignment].functions) or "model(" in cell.source or \
            "run_experiment(" in cell.source or "backward_propagation_n" in cell.source, cell.source


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_release_holds_no_solution_and_no_hidden_test(assignment):
    lines = solution_lines(assignment)
    assert len(lines) >= len(ASSIGNMENTS[assignment].functions)
    folder = os.path.join(ROOT, "release", assignment)
    for relative in shipped_files(assignment) + [ASSIGNMENTS[assignment].notebook]:
        if not relative.endswith((".py", ".ipynb")):
            continue
        path = os.path.join(folder, relative)
        if relative.endswith(".ipynb"):
            text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        leaked = sorted(line for line in {l.strip() for l in text.splitlines()} if line in lines)
        assert not leaked, "%s shows solution lines: %s" % (relative, leaked)
        if relative.endswith(".ipynb"):
            for marker in ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "grade_case(", "BEGIN SOLUTION"):
                assert marker not in text, "%s contains %r" % (relative, marker)
