"""Reference solutions of the graded functions: the one copy, one module per assignment.

The graded cells of the source notebooks are written from these modules by
`python -m authoring.sync_solutions`, and a test fails when they drift apart.
Each block starts with a `# GRADED FUNCTION: name` (or `# COURSE CODE: name`)
line and ends where the next block starts.
"""
import functools
import importlib
import inspect
import re

from grader.manifest import ASSIGNMENTS, graded_function

HEADER = re.compile(r"^# (GRADED FUNCTION|COURSE CODE): (\w+)\s*$")


def reference_module(assignment):
    """The module of `assignment`'s reference solutions."""
    return importlib.import_module(ASSIGNMENTS[assignment].reference)


@functools.cache
def reference_blocks(assignment):
    """{name: cell text} of every headed block of the assignment's reference module, in file order."""
    lines = inspect.getsource(reference_module(assignment)).splitlines()
    starts = [i for i, line in enumerate(lines) if HEADER.match(line)]
    blocks = {}
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        blocks[HEADER.match(lines[start]).group(2)] = "\n".join(lines[start:end]).rstrip()
    return blocks


def assignment_of(function):
    """The assignment whose reference module has a block for `function` (graded, or course code)."""
    for assignment in ASSIGNMENTS:
        if function in reference_blocks(assignment):
            return assignment
    raise KeyError(function)


def reference(function):
    """The reference implementation of graded function `function`."""
    graded_function(function)
    return getattr(reference_module(assignment_of(function)), function)
