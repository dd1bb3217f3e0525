"""Turn a catalog entry into code: the rewritten graded function, and its solution-cell text."""
import contextlib
import io
import re

from tools.reference import GRADED
from tools.sync_solutions import reference_blocks

MARKER_LINE = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def assignment_of(function):
    for assignment, names in GRADED.items():
        if function in names:
            return assignment
    raise KeyError(function)


def function_source(entry):
    """The reference block of entry.function with the entry's edits applied (nbgrader markers removed)."""
    text = reference_blocks(assignment_of(entry.function))[entry.function]
    for old, new in entry.edits:
        if old not in text:
            raise ValueError("%s: %r is not in the reference %s" % (entry.id, old, entry.function))
        text = text.replace(old, new, 1)
    return "\n".join(line for line in text.splitlines() if not MARKER_LINE.match(line))


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


def run_self_check(entry):
    """Define the entry's function as a notebook would and run its visible self-check.

    Returns (passed, printed text).
    """
    import importlib
    assignment = assignment_of(entry.function)
    namespace = notebook_namespace(assignment)
    output = io.StringIO()
    checks = importlib.import_module("checks_" + assignment)
    with contextlib.redirect_stdout(output):
        try:
            exec(function_source(entry), namespace)
            getattr(checks, "check_" + entry.function)(namespace[entry.function])
            passed = True
        except AssertionError as error:
            print(error)
            passed = False
        except Exception as error:  # a mutant may crash the check's caller: that is a failure too
            print("%s: %s" % (type(error).__name__, error))
            passed = False
    return passed, output.getvalue()
