"""Graded functions as a notebook defines them: rewritten sources, self-check runs, hidden-test verdicts.

One implementation for the catalog harness and the assignment tests: a function is its reference
block (grader/reference) with text edits applied (samples/notebook_edits.py writes that text); it runs
in a namespace like the notebook's.
"""
import contextlib
import importlib
import io
import os
import warnings

import nbformat
import numpy as np

from grader.manifest import ASSIGNMENTS, ROOT
from grader.reference import assignment_of, reference_blocks
from samples.notebook_edits import (  # noqa: F401  (cell_source: part of this module's interface)
    cell_source, edited_source, function_source, solution_regions, without_solution_markers)


def reference_namespace(assignment):
    """A namespace like the notebook's after its import cells ran and every block of its reference module
    (graded functions and course code) was defined, in file order."""
    namespace = {}
    exec(ASSIGNMENTS[assignment].notebook_imports, namespace)
    for text in reference_blocks(assignment).values():
        exec(without_solution_markers(text), namespace)
    return namespace


def define(namespace, function, edits=()):
    """(Re)define `function` in `namespace` from its reference block with text edits applied."""
    exec(edited_source(assignment_of(function), function, edits), namespace)
    return namespace[function]


def run_check(function, namespace):
    """Run the visible self-check of `function` on namespace[function]; returns (passed, printed text).

    A crash inside the check (a mutant may break its caller) counts as a failed check.
    """
    checks = importlib.import_module(ASSIGNMENTS[assignment_of(function)].self_checks)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        try:
            getattr(checks, "check_" + function)(namespace[function])
            passed = True
        except AssertionError as error:
            print(error)
            passed = False
        except Exception as error:
            print("%s: %s" % (type(error).__name__, error))
            passed = False
    return passed, output.getvalue()


def run_self_check(entry):
    """Define the entry's function as a notebook would and run its visible self-check: (passed, printed text)."""
    namespace = reference_namespace(assignment_of(entry.function))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(function_source(entry), namespace)
    except Exception as error:
        return False, "%s: %s" % (type(error).__name__, error)
    return run_check(entry.function, namespace)


def source_notebook(assignment, root=None):
    """The source notebook of `assignment` in the course at `root` (default: this checkout)."""
    path = os.path.join(root or ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook)
    return nbformat.read(path, as_version=4)


def hidden_test_source(function, root=None):
    """The source of `function`'s test cell (grade_id test_<function>) in its source notebook."""
    for cell in source_notebook(assignment_of(function), root).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_" + function:
            return cell.source
    raise LookupError("no test cell for %s" % function)


def judged(function, implementation, root=None):
    """grader.judge's CaseResults on `implementation` for the hidden calls of its test cell."""
    import grading_cases
    from grader import judge
    source = hidden_test_source(function, root)
    records = []
    for _, case, params in judge.hidden_calls(source):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            records.append(grading_cases.record_call(implementation, case, params))
    return judge.judge_records(source, records)


def solution_lines(assignment, extra_texts=()):
    """Stripped non-empty lines between BEGIN/END SOLUTION in the graded reference blocks (and extra texts)."""
    blocks = reference_blocks(assignment)
    texts = [blocks[f] for f in ASSIGNMENTS[assignment].functions] + list(extra_texts)
    return {line.strip() for text in texts for region in solution_regions(text) for line in region if line.strip()}


def self_check_mistakes(assignment):
    """The mistakes of `assignment`'s functions its self-checks must name: the catalog's and the finer ones."""
    from samples.catalog_entries import MUTANTS, SELF_CHECK_MUTANTS
    return [e for e in MUTANTS + SELF_CHECK_MUTANTS if e.self_check_catches and assignment_of(e.function) == assignment]
