"""Graded functions as a notebook defines them: rewritten sources, self-check runs, hidden-test verdicts.

One implementation for the catalog harness and the assignment tests: a function is its reference
block (grader/reference) with text edits applied; it runs in a namespace like the notebook's.
"""
import contextlib
import importlib
import io
import os
import re
import warnings

import nbformat
import numpy as np

from authoring.sync_solutions import reference_blocks
from grader.manifest import ASSIGNMENTS, ROOT
from grader.reference import GRADED

MARKER_LINE = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def assignment_of(function):
    """The assignment whose reference module holds `function` (a graded function or provided course code)."""
    for assignment, names in GRADED.items():
        if function in names or function in reference_blocks(assignment):
            return assignment
    raise KeyError(function)


def edited_source(assignment, function, edits=(), label=None):
    """The reference block of `function` with each (old, new) edit applied once, nbgrader markers removed."""
    text = reference_blocks(assignment)[function]
    for old, new in edits:
        if old not in text:
            raise ValueError("%s: %r is not in the reference %s" % (label or function, old, function))
        text = text.replace(old, new, 1)
    return "\n".join(line for line in text.splitlines() if not MARKER_LINE.match(line))


def function_source(entry):
    """The reference block of entry.function with the entry's edits applied (nbgrader markers removed)."""
    return edited_source(assignment_of(entry.function), entry.function, entry.edits, entry.id)


def cell_source(entry):
    """Solution-cell text for a submission: header line, tampering prelude (if any), the function."""
    source = function_source(entry)
    header, _, rest = source.partition("\n")
    return header + "\n" + entry.prelude + rest


def notebook_namespace(assignment):
    """A namespace like the notebook's after its import cells and provided code (for in-process checks)."""
    namespace = {}
    exec("import numpy as np", namespace)
    if assignment == "initialization":
        exec("from init_utils import *", namespace)
    elif assignment == "regularization":
        exec("from reg_utils import *\nfrom testCases import *", namespace)
    else:
        exec("from gc_utils import *\nfrom testCases import *", namespace)
        for name, text in reference_blocks(assignment).items():
            if text.startswith("# COURSE CODE") or name in ("forward_propagation", "backward_propagation"):
                exec(text, namespace)
        exec("from nn_core import forward_propagation as three_layer_forward, compute_cost", namespace)
        for name in ("forward_propagation_n", "backward_propagation_n"):
            exec(reference_blocks(assignment)[name], namespace)
    return namespace


def reference_namespace(assignment):
    """notebook_namespace(assignment) with every graded function defined by its reference solution."""
    namespace = notebook_namespace(assignment)
    for function in GRADED[assignment]:
        exec(edited_source(assignment, function), namespace)
    return namespace


def define(namespace, function, edits=()):
    """(Re)define `function` in `namespace` from its reference block with text edits applied."""
    exec(edited_source(assignment_of(function), function, edits), namespace)
    return namespace[function]


def run_check(function, namespace):
    """Run the visible self-check of `function` on namespace[function]; returns (passed, printed text).

    A crash inside the check (a mutant may break its caller) counts as a failed check.
    """
    checks = importlib.import_module("checks_" + assignment_of(function))
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
    namespace = notebook_namespace(assignment_of(entry.function))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(function_source(entry), namespace)
    except Exception as error:
        return False, "%s: %s" % (type(error).__name__, error)
    return run_check(entry.function, namespace)


def source_notebook(assignment, root=None):
    """The source notebook of `assignment` in the course at `root` (default: this checkout)."""
    path = os.path.join(root or ROOT, "source", assignment, ASSIGNMENTS[assignment]["notebook"])
    return nbformat.read(path, as_version=4)


def hidden_test_source(function, root=None):
    """The source of `function`'s test cell (grade_id test_<function>) in its source notebook."""
    for cell in source_notebook(assignment_of(function), root).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "test_" + function:
            return cell.source
    raise LookupError("no test cell for %s" % function)


def judged(function, implementation, root=None):
    """grader.judge's verdicts [(passed, message), ...] on `implementation` for the hidden calls of its test cell."""
    import grading_cases
    from grader import judge
    source = hidden_test_source(function, root)
    records = []
    for name, case, params in judge.hidden_calls(source):
        with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            output, error = grading_cases.run_case(implementation, case, params)
        records.append({"function": name, "case": case, "params": params,
                        "output": None if error else grading_cases.encode(output), "error": error})
    return judge.judge_records(source, records)


def solution_lines(assignment, extra_texts=()):
    """Stripped non-empty lines between BEGIN/END SOLUTION in the graded reference blocks (and extra texts)."""
    blocks = reference_blocks(assignment)
    lines = set()
    for text in [blocks[f] for f in GRADED[assignment]] + list(extra_texts):
        inside = False
        for line in text.splitlines():
            if MARKER_LINE.match(line):
                inside = line.strip().startswith("### BEGIN")
            elif inside and line.strip():
                lines.add(line.strip())
    return lines
