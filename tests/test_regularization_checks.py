"""Regularization assignment: self-checks, hidden cases, the catalog's entries, and what the release holds.

(a) the reference solutions pass their self-checks; (b) each typical mistake fails its
self-check with advice that names it, and fails the hidden tests; (e) the release gives no
solution away. The SPEC figures and the notebooks as they run: tests/test_regularization.py.
"""
import os
import re

import nbformat
import pytest

import checks_regularization as checks
import testCases
from grading_cases import stored_function
from notebook_runner import nbgrader_cells
from grader import judge
from grader.manifest import ASSIGNMENTS, ROOT, shipped_files
from grader.reference import regularization as reference
from proofs.catalog import build
from samples.catalog_entries import REFERENCE_LINES
from grader.reference import reference_blocks

ASSIGNMENT = "regularization"
SOURCE = os.path.join(ROOT, "source", ASSIGNMENT, "Regularization.ipynb")
RELEASE_DIR = os.path.join(ROOT, "release", ASSIGNMENT)
RELEASE = os.path.join(RELEASE_DIR, "Regularization.ipynb")
POINTS = {"compute_cost_with_regularization": 3, "backward_propagation_with_regularization": 4,
          "forward_propagation_with_dropout": 5, "backward_propagation_with_dropout": 4}
EXPERIMENTS = ("baseline", "L2", "dropout")   # the notebook's run_experiment calls
COST, BACK_L2 = "compute_cost_with_regularization", "backward_propagation_with_regularization"
FWD, BACK = "forward_propagation_with_dropout", "backward_propagation_with_dropout"


def test_a_right_entry_is_never_reported_next_to_a_wrong_one():
    """Issue 11.4: dA1[0, 2] of a correct solution prints as -0.00188234; a check that fails on another entry
    must not list it, and the entries it lists show expected and got with digits that tell them apart."""
    X, Y, cache = testCases.backward_propagation_with_dropout_test_case()
    right = reference.backward_propagation_with_dropout(X, Y, cache, checks.BACKWARD_KEEP)

    def almost(X, Y, cache, keep_prob):
        gradients = reference.backward_propagation_with_dropout(X, Y, cache, keep_prob)
        gradients["dA1"] = gradients["dA1"].copy()
        gradients["dA1"][0, 0] += 3e-7       # one entry off by a little more than the tolerance
        gradients["dA1"][0, 2] += 4e-9       # and one off by less: still right
        return gradients

    with pytest.raises(checks.SelfCheckFailed) as failure:
        checks.check_backward_propagation_with_dropout(almost)
    report = str(failure.value)
    assert "dA1 (keep_prob = 0.8): 1 of 10 entries are wrong: [0, 0] expected 0.36544439, got 0.36544469" in report
    assert "[0, 2]" not in report and "0.0018823" not in report
    assert right["dA1"][0, 0] == pytest.approx(0.36544439, abs=1e-8)


def test_expected_and_got_get_the_digits_that_tell_them_apart():
    from selfcheck_core import distinguishing_pair
    assert distinguishing_pair(-0.0018823360422263386, -0.00188233) == ("-0.00188234", "-0.00188233")
    assert distinguishing_pair(0.1234567812, 0.1234567849) == ("0.123456781", "0.123456785")
    assert distinguishing_pair(8.0, 6.0) == ("8", "6")
    assert distinguishing_pair(2.919335883291695e-10, 3e-10) == ("2.919336e-10", "3e-10")


# ----------------------------------------------------------------------------- (a) reference passes
@pytest.mark.parametrize("function", ASSIGNMENTS[ASSIGNMENT].functions)
def test_reference_module_functions_pass_too(function):
    getattr(checks, "check_" + function)(getattr(reference, function))


def test_the_mistakes_give_numbers_of_their_own():
    """On the visible examples the numbers the checks compare with are distinct, so a hint is never a guess."""
    stored = stored_function("regularization", COST)
    numbers = [mistake["outputs"][0] for mistake in stored["mistakes"].values()]
    numbers.append(checks.EXPECTED_COST)
    assert stored["expected"][0] == pytest.approx(checks.EXPECTED_COST, rel=1e-12)
    for i, a in enumerate(numbers):
        for b in numbers[i + 1:]:
            assert abs(a - b) > 1e-4, numbers


# ----------------------------------------------------------------------------- (b) mistakes are named
# ----------------------------------------------------------------------------- hidden cases separate them
def test_hidden_cases_use_other_inputs_than_the_visible_example():
    visible = {COST: ("lambd", checks.COST_LAMBD), BACK_L2: ("lambd", checks.BACKWARD_LAMBD),
               FWD: ("keep_prob", checks.FORWARD_KEEP), BACK: ("keep_prob", checks.BACKWARD_KEEP)}
    for function, (argument, value) in visible.items():
        calls = judge.hidden_calls(build.hidden_test_source(function))
        assert all(params[argument] != value for _, _, params in calls), calls
        assert len({params[argument] for _, _, params in calls}) == len(calls)  # a different value each time
        assert len({params["m"] for _, _, params in calls}) == len(calls)


def test_catalog_entries_of_this_assignment():
    """Variants: full marks and "All checks passed"; mutants: hidden tests fail, the self-check names them."""
    from proofs.catalog.build import assignment_of, function_source
    from samples.catalog_entries import ENTRIES
    seen = 0
    for entry in ENTRIES:
        if assignment_of(entry.function) != ASSIGNMENT:
            continue
        seen += 1
        namespace = build.reference_namespace(ASSIGNMENT)
        exec(function_source(entry), namespace)
        results = build.judged(entry.function, namespace[entry.function])
        passed, output = build.run_check(entry.function, namespace)
        if entry.kind == "variant":
            assert all(ok for ok, _ in results), (entry.id, results)
            assert passed, (entry.id, output)
        else:
            assert not any(ok for ok, _ in results), (entry.id, results)
            if entry.self_check_catches:
                assert not passed, (entry.id, output)
                if entry.hint:
                    assert entry.hint.lower() in output.lower(), (entry.id, output)
    assert seen >= 20


# ----------------------------------------------------------------------------- source notebook structure
def test_source_notebook_structure():
    """What tests/test_self_checks.py does not check for every assignment: the points, the test cells' first
    lines, the hidden calls' function, the skipped cells."""
    notebook = nbformat.read(SOURCE, as_version=4)
    cells = nbgrader_cells(notebook)
    assert {f.name: f.points for f in ASSIGNMENTS[ASSIGNMENT].graded} == POINTS
    assert sum(POINTS.values()) == 16
    for function in POINTS:
        test = cells["test_" + function]
        assert test.source.startswith("# Self-check: tells you in plain words what to fix.\ncheck_%s(%s)\n"
                                      % (function, function))
        assert all(name == function for name, _, _ in judge.hidden_calls(test.source))
    assert set(cells) == set(POINTS) | {"test_" + f for f in POINTS}
    skipped = [cell for cell in notebook.cells if "skip-in-autograde" in cell.metadata.get("tags", [])]
    assert len(skipped) == 5  # drawing the data, the three experiments and the results table
    for name in EXPERIMENTS:
        assert sum('run_experiment("%s"' % name in cell.source for cell in skipped) == 1
    assert notebook.metadata["kernelspec"] == {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                               "language": "python"}


def test_graded_and_test_cells_do_not_use_what_training_cells_compute():
    notebook = nbformat.read(SOURCE, as_version=4)
    names = {"results", "parameters", "train_X", "train_Y", "test_X", "test_Y"}
    for cell in notebook.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            used = set(re.findall(r"\b\w+\b", cell.source.split("### BEGIN HIDDEN TESTS")[0]))
            assert not used & names, cell.source


# ----------------------------------------------------------------------------- (e) no solution in the release
def leaked(line, lines):
    """A line of shipped text that is a solution line (also when only its code, without a comment, matches)."""
    stripped = line.strip()
    code_part = stripped.split("#")[0].strip()
    return stripped in lines or (code_part and code_part in {l.split("#")[0].strip() for l in lines})


def test_solution_lines_are_found():
    lines = build.solution_lines(ASSIGNMENT)
    assert REFERENCE_LINES["L2"] in lines and REFERENCE_LINES["DW1"] in lines
    assert "A2 = A2 / keep_prob" in lines and "dA1 = dA1 * D1" in lines
    assert len(lines) == 16


def test_release_notebook_has_no_solution_and_no_hidden_tests():
    notebook = nbformat.read(RELEASE, as_version=4)
    lines = build.solution_lines(ASSIGNMENT)
    for cell in notebook.cells:
        found = [line for line in cell.source.splitlines() if leaked(line, lines)]
        assert not found, found
        assert "BEGIN HIDDEN TESTS" not in cell.source and "grade_case" not in cell.source
        assert "BEGIN SOLUTION" not in cell.source
    for function in ASSIGNMENTS[ASSIGNMENT].functions:
        stubs = nbgrader_cells(notebook)[function].source.count("raise NotImplementedError()")
        assert stubs == len([l for l in reference_blocks(ASSIGNMENT)[function].splitlines()
                             if l.strip() == "### BEGIN SOLUTION"])


@pytest.mark.parametrize("filename", [f for f in shipped_files(ASSIGNMENT) if f.endswith(".py")])
def test_shipped_helpers_hold_no_solution_line(filename):
    lines = build.solution_lines(ASSIGNMENT)
    with open(os.path.join(RELEASE_DIR, filename), encoding="utf-8") as handle:
        found = [line.strip() for line in handle if leaked(line, lines)]
    assert not found, found
