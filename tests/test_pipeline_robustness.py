"""Bad submissions never crash the pipeline and cost exactly the part they affect.

All cases were graded in one pipeline run on a throwaway copy of the course
(tests/graded_course.py, the `graded_course` fixture; students from samples/
SAMPLE_STUDENTS and BAD_INPUTS), with a bogus `python3` kernelspec first on JUPYTER_PATH.
"""
import os
import subprocess
import sys

import nbformat
import pytest

from graded_course import (
    CELL_TIMEOUT, course_env, expected_sample_scores, gradebook_dump, pipeline_output, points_of, stamp)
from grader.manifest import ASSIGNMENTS


@pytest.fixture(scope="module")
def dump(graded_course):
    return gradebook_dump(graded_course)


def autograded(course, student, assignment):
    path = os.path.join(course, "autograded", student, assignment, ASSIGNMENTS[assignment].notebook)
    return nbformat.read(path, as_version=4)


def cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def errors(nb, grade_id):
    return {o.ename: o.evalue for o in cell(nb, grade_id).get("outputs", []) if o.output_type == "error"}


def scored(dump, student, assignment):
    return {k: v[0] for k, v in dump[student][assignment]["parts"].items()}


def full(assignment):
    return sum(points_of(assignment).values())


def source_cell(assignment, grade_id):
    nb = nbformat.read(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "source",
                                    assignment, ASSIGNMENTS[assignment].notebook), as_version=4)
    return cell(nb, grade_id)


# ----------------------------------------------------------------------------- tampered tests
@pytest.mark.e2e
def test_edited_test_cell_is_restored_and_assert_true_earns_nothing(graded_course, dump):
    """tampered_test replaced the He test by `assert True` over a Xavier answer: the real test runs, 0 points."""
    grade_id = "test_initialize_parameters_he"
    assert scored(dump, "tampered_test", "initialization")[grade_id] == 0
    nb = autograded(graded_course, "tampered_test", "initialization")
    assert cell(nb, grade_id).source == source_cell("initialization", grade_id).source  # hidden tests included
    assert errors(nb, grade_id)
    assert "test cell %s was edited" % grade_id in " ".join(stamp(graded_course, "tampered_test",
                                                                   "initialization")["notes"])
    # a removed hidden block comes back too
    grade_id = "test_gradient_check"
    nb = autograded(graded_course, "tampered_test", "gradient_checking")
    assert "### BEGIN HIDDEN TESTS" in cell(nb, grade_id).source
    assert scored(dump, "tampered_test", "gradient_checking")[grade_id] == 0


@pytest.mark.e2e
def test_deleted_test_cell_is_restored_and_scored_on_the_real_test(graded_course, dump):
    """Not left for manual grading: a correct answer gets the points, a wrong one 0."""
    parts = dump["deleted_test"]["initialization"]["parts"]
    score, maximum, needs_manual = parts["test_initialize_parameters_zeros"]
    assert score == maximum > 0 and not needs_manual
    nb = autograded(graded_course, "deleted_test", "initialization")
    restored = cell(nb, "test_initialize_parameters_zeros")
    assert "### BEGIN HIDDEN TESTS" in restored.source
    assert any("Hidden tests:" in o.get("text", "") for o in restored.outputs)
    assert scored(dump, "deleted_test", "regularization")["test_forward_propagation_with_dropout"] == 0
    assert scored(dump, "deleted_test", "gradient_checking")["test_gradient_check_n"] == points_of(
        "gradient_checking")["test_gradient_check_n"]


@pytest.mark.e2e
def test_test_cell_flipped_to_solution_is_repaired_not_failed(graded_course, dump):
    """Decision: repair before grading (roles come back from the gradebook by grade_id), so the notebook is
    graded instead of failing with nbgrader's "Inconsistent checksums"."""
    info = stamp(graded_course, "tampered_test", "regularization")
    assert info["status"] == "graded"
    assert any("metadata of cell test_compute_cost_with_regularization was changed" in n for n in info["notes"])
    parts = scored(dump, "tampered_test", "regularization")
    assert parts["test_compute_cost_with_regularization"] == 0  # the wrong answer under it
    assert parts["test_backward_propagation_with_regularization"] > 0
    nb = autograded(graded_course, "tampered_test", "regularization")
    meta = cell(nb, "test_compute_cost_with_regularization").metadata["nbgrader"]
    assert meta["grade"] and not meta["solution"] and meta["locked"]


# ----------------------------------------------------------------------------- execution trouble
@pytest.mark.e2e
def test_endless_loop_times_out_that_cell_only(graded_course, dump):
    parts = scored(dump, "endless_loop", "initialization")
    points = points_of("initialization")
    assert parts == {"test_initialize_parameters_zeros": points["test_initialize_parameters_zeros"],
                     "test_initialize_parameters_random": 0,
                     "test_initialize_parameters_he": points["test_initialize_parameters_he"]}
    message = errors(autograded(graded_course, "endless_loop", "initialization"),
                     "test_initialize_parameters_random")["CellTimeoutError"]
    assert "longer than the %s s" % CELL_TIMEOUT in message and "scores 0" in message


@pytest.mark.e2e
def test_kernel_crash_costs_the_parts_that_need_the_crashed_cell(graded_course, dump):
    parts = scored(dump, "kernel_crash", "regularization")
    points = points_of("regularization")
    assert parts["test_forward_propagation_with_dropout"] == 0
    for other in ("compute_cost_with_regularization", "backward_propagation_with_regularization",
                  "backward_propagation_with_dropout"):
        assert parts["test_" + other] == points["test_" + other], other
    nb = autograded(graded_course, "kernel_crash", "regularization")
    crashed = cell(nb, "forward_propagation_with_dropout")
    assert any(o.output_type == "error" and o.ename == "KernelDied" for o in crashed.outputs)


@pytest.mark.e2e
def test_invalid_json_gets_a_recorded_zero_with_a_reason(graded_course, dump):
    info = stamp(graded_course, "broken_json", "initialization")
    assert info["status"] == "failed" and "not JSON" in info["reason"]
    got = dump["broken_json"]["initialization"]
    assert got["score"] == 0 and got["max"] == full("initialization")
    assert not any(needs for _, _, needs in got["parts"].values())  # a zero, not "needs manual grading"
    assert "broken_json / initialization: ZERO" in pipeline_output(graded_course)
    page = open(os.path.join(graded_course, "feedback", "broken_json", "initialization", "Initialization.html")).read()
    assert "could not be graded" in page and "not JSON" in page


@pytest.mark.e2e
def test_missing_notebook_gets_a_recorded_zero_with_a_reason(graded_course, dump):
    info = stamp(graded_course, "missing_notebook", "gradient_checking")
    assert info["status"] == "failed" and "no notebook was submitted" in info["reason"]
    assert dump["missing_notebook"]["gradient_checking"]["score"] == 0
    assert "missing_notebook / gradient_checking: ZERO" in pipeline_output(graded_course)


@pytest.mark.e2e
def test_enormous_output_keeps_autograded_notebook_and_feedback_small(graded_course, dump):
    assert dump["huge_output"]["initialization"]["score"] == full("initialization")
    folder = os.path.join(graded_course, "autograded", "huge_output", "initialization", "Initialization.ipynb")
    assert os.path.getsize(folder) < 1_000_000
    page = os.path.join(graded_course, "feedback", "huge_output", "initialization", "Initialization.html")
    assert os.path.getsize(page) < 2_000_000
    text = "".join(o.get("text", "") for c in autograded(graded_course, "huge_output", "initialization").cells
                   for o in c.get("outputs", []))
    assert "truncated" in text


@pytest.mark.e2e
def test_stderr_in_a_test_cell_scores_zero_with_a_plain_message(graded_course, dump):
    parts = scored(dump, "noisy_stderr", "regularization")
    points = points_of("regularization")
    assert parts["test_compute_cost_with_regularization"] == 0  # a warning
    assert parts["test_backward_propagation_with_regularization"] == 0  # print(..., file=sys.stderr)
    assert parts["test_forward_propagation_with_dropout"] == points["test_forward_propagation_with_dropout"]
    nb = autograded(graded_course, "noisy_stderr", "regularization")
    message = errors(nb, "test_compute_cost_with_regularization")["OutputOnStderr"]
    assert "stderr" in message and "scores a test cell with any stderr output 0" in message
    notes = stamp(graded_course, "noisy_stderr", "regularization")["failing"]
    assert any("OutputOnStderr" in reason for _, reason in notes)


@pytest.mark.e2e
def test_bad_submissions_cost_nobody_else_anything(dump):
    for student, scores in expected_sample_scores().items():
        for assignment, expected in scores.items():
            assert dump[student][assignment]["score"] == pytest.approx(expected), (student, assignment)


@pytest.mark.e2e
def test_stray_python3_kernelspec_on_jupyter_path_does_not_win(graded_course, dump):
    """The whole graded course ran with a bogus `python3` kernelspec first on JUPYTER_PATH (grader/kernelspec.py
    pins the course's own): every notebook still ran (full marks for `correct`)."""
    spec = os.path.join(graded_course, ".stray-jupyter", "kernels", "python3", "kernel.json")
    assert "/bin/false" in open(spec).read()
    # control: in that environment, without the course's pin, Jupyter would pick the stray spec
    found = subprocess.run([sys.executable, "-c", "from jupyter_client.kernelspec import KernelSpecManager; "
                            "print(KernelSpecManager().find_kernel_specs()['python3'])"], cwd=graded_course,
                           capture_output=True, text=True, env=course_env(graded_course))
    assert found.stdout.strip() == os.path.dirname(spec), found.stdout + found.stderr
    assert dump["correct"]["regularization"]["score"] == full("regularization")
