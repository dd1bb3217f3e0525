"""What the self-checks and hidden cases of every assignment do alike, graded function by graded function.

The reference solutions pass their self-checks without a warning and every hidden case; the release
stub and odd return values get a readable report; the source notebook's graded and test cells are
set up for nbgrader with the manifest's points; each mistake of the catalog that the self-checks
must name fails with that advice and loses points in the hidden tests; the checks leave NumPy's
global random state as they found it. What only one assignment does stays in its own test module.
"""
import os

import nbformat
import numpy as np
import pytest

from grader import judge
from grader.manifest import ASSIGNMENTS, ROOT
from notebook_runner import execute_in_plain_kernel, nbgrader_cells
from proofs.catalog import build

GRADED = [(assignment, function) for assignment, spec in ASSIGNMENTS.items() for function in spec.functions]
MISTAKES = [(assignment, entry) for assignment in ASSIGNMENTS for entry in build.self_check_mistakes(assignment)]
# mistakes whose report names the exception the function raised instead of a likely cause
REPORTED_AS_ERRORS = {"gcn_vector_not_dictionary"}
# assignments whose hidden cases are all lost to every mistake (elsewhere some mistakes pass a case or two)
EVERY_CASE_FAILS = {"regularization"}


def graded_id(pair):
    return pair[0] + ":" + (pair[1] if isinstance(pair[1], str) else pair[1].id)


@pytest.mark.parametrize("assignment, function", GRADED, ids=[graded_id(pair) for pair in GRADED])
def test_reference_passes_its_self_check(assignment, function, warnings_are_errors):
    passed, output = build.run_check(function, build.reference_namespace(assignment))
    assert passed, output
    assert output.strip().endswith("All checks passed for %s." % function)


@pytest.mark.parametrize("assignment, function", GRADED, ids=[graded_id(pair) for pair in GRADED])
def test_checks_leave_the_global_random_state_alone(assignment, function):
    np.random.seed(7)
    expected = np.random.rand(3)
    np.random.seed(7)
    build.run_check(function, build.reference_namespace(assignment))
    np.testing.assert_array_equal(np.random.rand(3), expected)


@pytest.mark.parametrize("assignment, function", GRADED, ids=[graded_id(pair) for pair in GRADED])
def test_stub_reports_not_implemented(assignment, function):
    namespace = build.reference_namespace(assignment)
    exec("def %s(*args, **kwargs):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n" % function, namespace)
    passed, output = build.run_check(function, namespace)
    assert not passed
    assert "%s is not implemented yet" % function in output


@pytest.mark.parametrize("function, body, hint", [
    ("compute_cost_with_regularization", "return None", "returned nothing"),
    ("compute_cost_with_regularization", "return 'small'", "should be a number"),
    ("backward_propagation_with_regularization", "return None", "returned nothing"),
    ("backward_propagation_with_regularization", "return {'dW1': 0}", "missing the key(s)"),
    ("forward_propagation_with_dropout", "return None", "returned nothing"),
    ("forward_propagation_with_dropout", "return 0.5", "should return the pair (A3, cache)"),
    ("backward_propagation_with_dropout", "return None", "returned nothing"),
    ("gradient_check", "return None", "returned nothing"),
    ("gradient_check_n", "return None", "returned nothing"),
    ("gradient_check", "return 'small'", "should be a number"),
])
def test_odd_return_values_are_explained(function, body, hint):
    namespace = build.reference_namespace(build.assignment_of(function))
    exec("def %s(*args, **kwargs):\n    %s\n" % (function, body), namespace)
    passed, output = build.run_check(function, namespace)
    assert not passed and hint in output, output


@pytest.mark.parametrize("assignment, entry", MISTAKES, ids=[graded_id(pair) for pair in MISTAKES])
def test_mistake_fails_self_check_with_specific_hint(assignment, entry):
    namespace = build.reference_namespace(assignment)
    build.define(namespace, entry.function, entry.edits)
    passed, output = build.run_check(entry.function, namespace)
    assert not passed, "%s passed the self-check:\n%s" % (entry.id, output)
    assert ("raised" if entry.id in REPORTED_AS_ERRORS else "Likely cause") in output, output
    for hint in (entry.hint,) + entry.also_says:
        assert hint.lower() in output.lower(), "%s: %r not in\n%s" % (entry.id, hint, output)


@pytest.mark.parametrize("assignment, function", GRADED, ids=[graded_id(pair) for pair in GRADED])
def test_hidden_cases_pass_the_reference(assignment, function):
    results = build.judged(function, build.reference_namespace(assignment)[function])
    assert len(results) >= 3 and all(passed for passed, _ in results), results


@pytest.mark.parametrize("assignment, entry", MISTAKES, ids=[graded_id(pair) for pair in MISTAKES])
def test_hidden_cases_fail_each_mistake(assignment, entry):
    namespace = build.reference_namespace(assignment)
    results = build.judged(entry.function, build.define(namespace, entry.function, entry.edits))
    lost = all if assignment in EVERY_CASE_FAILS else any
    assert lost(not passed for passed, _ in results), "%s keeps its points: %s" % (entry.id, results)


@pytest.mark.parametrize("assignment", ["gradient_checking", "regularization"])
def test_graded_and_test_cells_are_set_up_for_nbgrader(assignment):
    spec = ASSIGNMENTS[assignment]
    notebook = nbformat.read(os.path.join(ROOT, "source", assignment, spec.notebook), as_version=4)
    cells = nbgrader_cells(notebook)
    for graded in spec.graded:
        meta = cells[graded.name].metadata["nbgrader"]
        assert meta["solution"] and not meta["grade"] and not meta["locked"]
        assert cells[graded.name].source.startswith("# GRADED FUNCTION: " + graded.name)
        test = cells[graded.grade_id]
        meta = test.metadata["nbgrader"]
        assert meta["grade"] and meta["locked"] and not meta["solution"] and meta["points"] == graded.points
        assert "check_%s(%s)" % (graded.name, graded.name) in test.source
        assert len(judge.hidden_calls(test.source)) >= 3
    total = sum(graded.points for graded in spec.graded)
    assert "worth %g points" % total in notebook.cells[0].source
    for cell in notebook.cells:
        if "skip-in-autograde" in cell.metadata.get("tags", []):
            meta = cell.metadata.get("nbgrader", {})
            assert not meta.get("grade") and not meta.get("solution"), cell.source[:80]


# ----------------------------------------------------------------------------- under autograde (issue 20.1)
XAVIER_HE = ('import numpy as np\n'
             'def initialize_parameters_he(layers_dims):\n'
             '    np.random.seed(3)\n'
             '    parameters = {}\n'
             '    for l in range(1, len(layers_dims)):\n'
             '        parameters["W%d" % l] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(1 / '
             'layers_dims[l - 1])\n'
             '        parameters["b%d" % l] = np.zeros((layers_dims[l], 1))\n'
             '    return parameters\n')
TEST_CELL = ('from checks_initialization import check_initialize_parameters_he\n'
             'check_initialize_parameters_he(initialize_parameters_he)\n'
             '### BEGIN HIDDEN TESTS\n'
             'from grading_cases import grade_case\n'
             'grade_case(initialize_parameters_he, "layers", layers_dims=[5, 4, 3, 1])\n'
             '### END HIDDEN TESTS\n')


@pytest.mark.e2e  # starts a Jupyter kernel
def test_under_autograde_a_failed_check_lets_the_hidden_cases_run_and_the_judge_names_the_mistake(tmp_path):
    """The self-check's report is the cell's error (so it scores 0), and the hidden case after it still runs:
    the judge, outside the kernel, names the mistake from the recorded output."""
    import shutil

    import grading_cases
    from grader.mistakes import MATCHES, mistakes_for

    folder = str(tmp_path / "initialization")
    shutil.copytree(os.path.join(ROOT, "release", "initialization"), folder)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(XAVIER_HE), nbformat.v4.new_code_cell(TEST_CELL)]
    execute_in_plain_kernel(notebook, folder, str(tmp_path / "jupyter"), env={"NBGRADER_EXECUTION": "autograde"})
    outputs = notebook.cells[1].outputs
    errors = [o for o in outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["SelfCheckFailed"], outputs
    assert "Xavier" in "\n".join(errors[0].traceback)
    records = [o.data[grading_cases.RECORD_MIME] for o in outputs
               if o.output_type == "display_data" and grading_cases.RECORD_MIME in o.get("data", {})]
    hidden = [r for r in records if r.get("kind") != "self_check"]
    assert len(hidden) == 1 and any(r.get("kind") == "self_check" for r in records), records
    (result,) = judge.judge_records(TEST_CELL, hidden)
    label = next(m.label for m in mistakes_for("initialize_parameters_he") if m.id == "he_xavier")
    assert not result.passed and result.mistake == label and MATCHES % label in result.message
