"""Gradient Checking assignment: self-checks, hidden cases, and the source and release notebooks.

(a) the reference solutions pass their self-checks; (b) each typical mistake fails its
self-check with advice that names it, and loses points in the hidden tests; (c) the source
notebook runs headless, prints the SPEC figures and the per-block report; (d) the release
runs as shipped with readable failures only where unimplemented code is called; (e) the
release gives no solution away.
"""
import os
import re

import nbformat
import pytest

import checks_gradient_checking as checks
from notebook_runner import nbgrader_cells, passed_test_cells, stdout_text, stub_failures
from grader.manifest import ASSIGNMENTS, ROOT, shipped_files
from proofs.catalog import build
from samples.catalog_entries import REFERENCE_LINES

ASSIGNMENT = "gradient_checking"
SOURCE = os.path.join(ROOT, "source", ASSIGNMENT, "Gradient_Checking.ipynb")
RELEASE_DIR = os.path.join(ROOT, "release", ASSIGNMENT)
RELEASE = os.path.join(RELEASE_DIR, "Gradient_Checking.ipynb")
FIX_ID = "backward_propagation_n_fixed"
POINTS = {"forward_propagation": 1, "backward_propagation": 1, "gradient_check": 4, "gradient_check_n": 6}


# the mistakes the self-checks must name (samples/catalog_entries.py)
MISTAKES = build.self_check_mistakes(ASSIGNMENT)


# ----------------------------------------------------------------------------- (a) reference passes
def test_reference_module_functions_pass_too(capsys):
    """The checks also work on functions whose globals are a module's (the swap is undone)."""
    from grader.reference import gradient_checking as reference_module
    forward, backward = reference_module.forward_propagation, reference_module.backward_propagation
    for function in ASSIGNMENTS[ASSIGNMENT].functions:
        getattr(checks, "check_" + function)(getattr(reference_module, function))
    assert reference_module.forward_propagation is forward and reference_module.backward_propagation is backward
    assert "forward_propagation_n" in vars(reference_module)


def test_checks_restore_the_notebook_functions():
    namespace = build.reference_namespace(ASSIGNMENT)
    saved = {name: namespace[name] for name in ("forward_propagation", "backward_propagation",
                                                 "forward_propagation_n")}
    build.run_check("gradient_check", namespace)
    build.run_check("gradient_check_n", namespace)
    assert all(namespace[name] is value for name, value in saved.items())
    build.define(namespace, "gradient_check",
                 [(REFERENCE_LINES["GAPPROX"], "gradapprox = (J_plus - J_minus) / epsilon")])
    assert not build.run_check("gradient_check", namespace)[0]
    assert all(namespace[name] is value for name, value in saved.items())


# ----------------------------------------------------------------------------- (b) mistakes are named
@pytest.mark.parametrize("stubbed, message", [
    ("forward_propagation", "calls forward_propagation, which is not implemented yet"),
    ("backward_propagation", "calls backward_propagation, which is not implemented yet"),
])
def test_gradient_check_says_which_helper_is_missing(stubbed, message):
    namespace = build.reference_namespace(ASSIGNMENT)
    exec("def %s(x, theta):\n    raise NotImplementedError()\n" % stubbed, namespace)
    passed, output = build.run_check("gradient_check", namespace)
    assert not passed and message in output, output


@pytest.mark.parametrize("helper, edits, hint", [
    ("forward_propagation", [("J = theta * x", "J = theta + x")],
     "relies on your forward_propagation, which returns 6"),
    ("backward_propagation", [("dtheta = x", "dtheta = theta")],
     "relies on your backward_propagation, which returns 4"),
])
def test_correct_gradient_check_blames_a_wrong_helper(helper, edits, hint):
    namespace = build.reference_namespace(ASSIGNMENT)
    build.define(namespace, helper, edits)
    passed, output = build.run_check("gradient_check", namespace)
    assert not passed and hint in output, output
    assert "one-sided" not in output and "norm" not in output  # gradient_check itself is not blamed


# ----------------------------------------------------------------------------- hidden cases separate them
def test_hidden_cases_pass_the_catalog_variants():
    from proofs.catalog.build import assignment_of, function_source
    from samples.catalog_entries import VARIANTS
    for entry in VARIANTS:
        if assignment_of(entry.function) != ASSIGNMENT:
            continue
        namespace = build.reference_namespace(ASSIGNMENT)
        exec(function_source(entry), namespace)
        results = build.judged(entry.function, namespace[entry.function])
        assert all(passed for passed, _ in results), (entry.id, results)
        assert build.run_check(entry.function, namespace)[0], entry.id


# ----------------------------------------------------------------------------- source notebook structure
def test_source_notebook_structure():
    """What tests/test_self_checks.py does not check for every assignment: the points, the fix cell."""
    notebook = nbformat.read(SOURCE, as_version=4)
    cells = nbgrader_cells(notebook)
    assert {f.name: f.points for f in ASSIGNMENTS[ASSIGNMENT].graded} == POINTS
    assert sum(POINTS.values()) == 12
    fix = cells[FIX_ID].metadata["nbgrader"]
    assert fix["solution"] and not fix["grade"] and "points" not in fix
    assert "def backward_propagation_n(" in cells[FIX_ID].source
    assert notebook.metadata["kernelspec"]["name"] == "python3"


# ----------------------------------------------------------------------------- (c) the source notebook runs
def code_cells_containing(notebook, text):
    return [cell for cell in notebook.cells if cell.cell_type == "code" and text in cell.source]


def printed_number(cell, label):
    match = re.search(re.escape(label) + r"\s*=\s*([-+0-9.eE]+)", stdout_text(cell))
    assert match, "no %r in %r" % (label, stdout_text(cell))
    return float(match.group(1))


def report_of(cell):
    """{block: (difference, verdict)} from the output of print_gradient_report."""
    rows = re.findall(r"^(\w+)\s+relative difference = (\S+)\s+(ok|MISMATCH)", stdout_text(cell), re.M)
    return {block: (float(value), verdict) for block, value, verdict in rows}


@pytest.mark.e2e
def test_source_notebook_runs_cleanly(executed_source):
    passed_test_cells(executed_source, POINTS)


@pytest.mark.e2e
def test_source_notebook_prints_the_spec_figures(executed_source):
    assert printed_number(code_cells_containing(executed_source, "J = forward_propagation(x, theta)")[0], "J") == 8
    assert printed_number(code_cells_containing(executed_source, "dtheta = backward_propagation(x, theta)")[0],
                          "dtheta") == 2
    one_d = code_cells_containing(executed_source, "difference = gradient_check(x, theta)")[0]
    assert "The gradient is correct!" in stdout_text(one_d)
    assert printed_number(one_d, "difference") == pytest.approx(2.919335883291695e-10, rel=1e-9)
    buggy, fixed = code_cells_containing(executed_source, "difference = gradient_check_n(parameters, gradients, X, Y)")
    assert "There is a mistake in the backward propagation!" in stdout_text(buggy)
    assert printed_number(buggy, "difference") == pytest.approx(0.28509315678069896, rel=1e-9)
    assert "works perfectly fine" in stdout_text(fixed)
    assert printed_number(fixed, "difference") == pytest.approx(1.19e-7, rel=0.01)
    assert printed_number(fixed, "difference") < 2e-7


@pytest.mark.e2e
def test_report_names_exactly_the_two_bugs(executed_source):
    before, after = code_cells_containing(executed_source, "print_gradient_report(")
    report = report_of(before)
    assert set(report) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert {block for block, (_, verdict) in report.items() if verdict == "MISMATCH"} == {"W2", "b1"}
    report = report_of(after)
    assert set(report) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert all(verdict == "ok" for _, verdict in report.values()), report


# ----------------------------------------------------------------------------- (d) the release as shipped
STUDENT_CODE = re.compile(r"\b(forward_propagation|backward_propagation|gradient_check|gradient_check_n|"
                          r"check_\w+)\(|backward_propagation_n\(X, Y, cache\)")


@pytest.mark.e2e
def test_release_fails_only_where_unimplemented_code_is_called(executed_release):
    failing = stub_failures(executed_release, STUDENT_CODE)
    # what needs no student code still runs: the flattening demo, the first report, the plots and timings
    for text in ("dictionary_to_vector(parameters)", "def cube(theta)", "numerical_gradient(",
                 "cost_with_dropout_on_layer_1"):
        for cell in code_cells_containing(executed_release, text):
            assert executed_release.cells.index(cell) not in failing, text
    first_report = code_cells_containing(executed_release, "print_gradient_report(")[0]
    assert {b for b, (_, v) in report_of(first_report).items() if v == "MISMATCH"} == {"W2", "b1"}


# ----------------------------------------------------------------------------- (e) no solution in the release
def solution_lines():
    """The solution lines of the graded functions and of the fix cell."""
    fix = nbgrader_cells(nbformat.read(SOURCE, as_version=4))[FIX_ID].source
    return build.solution_lines(ASSIGNMENT, [fix])


def test_solution_lines_are_found():
    lines = solution_lines()
    assert REFERENCE_LINES["GAPPROX_N"] in lines and "dW2 = 1. / m * np.dot(dZ2, A1.T)" in lines
    assert len(lines) >= 15


def test_release_notebook_has_no_solution_and_no_hidden_tests():
    notebook = nbformat.read(RELEASE, as_version=4)
    lines = solution_lines()
    for cell in notebook.cells:
        leaked = [line for line in cell.source.splitlines() if line.strip() in lines]
        assert not leaked, leaked
        assert "BEGIN HIDDEN TESTS" not in cell.source and "grade_case" not in cell.source
        assert "BEGIN SOLUTION" not in cell.source
    fix = nbgrader_cells(notebook)[FIX_ID]
    assert fix.source.count("raise NotImplementedError()") == 2
    assert "dW2 = 1. / m * np.dot(dZ2, A1.T) * 2" not in fix.source  # the student writes the lines


@pytest.mark.parametrize("filename", [f for f in shipped_files(ASSIGNMENT) if f.endswith(".py")])
def test_shipped_helpers_hold_no_solution_line(filename):
    lines = solution_lines()
    with open(os.path.join(RELEASE_DIR, filename), encoding="utf-8") as handle:
        leaked = [line.strip() for line in handle if line.strip() in lines]
    assert not leaked, leaked
