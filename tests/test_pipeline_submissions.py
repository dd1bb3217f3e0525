"""samples/: sample submissions built from the release notebooks and the reference solutions (fast)."""
import json
import os

import nbformat
import pytest

from grader.manifest import ASSIGNMENTS, ROOT
from samples import notebook_edits as edits
from samples import students

pytestmark = pytest.mark.skipif(
    not all(os.path.exists(edits.release_path(a)) for a in ASSIGNMENTS), reason="release/ not generated yet")


def stubs(nb, grade_id):
    cell = nb.cells[edits.find_cell_index(nb, grade_id=grade_id)]
    return len(edits.stub_positions(cell.source.splitlines()))


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_every_stub_of_a_graded_function_has_a_reference_region(assignment):
    nb = edits.read_release(assignment)
    for function in ASSIGNMENTS[assignment].functions:
        assert stubs(nb, function) == len(edits.reference_regions(function)) > 0, function


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_correct_submission_is_the_source_without_markers(assignment):
    """Filled from the reference, each graded cell equals the source notebook's cell minus nbgrader's markers."""
    nb = students.correct(assignment, edits.read_release(assignment))
    source = nbformat.read(os.path.join(ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook),
                           as_version=4)
    for function in ASSIGNMENTS[assignment].functions:
        expected = "\n".join(line for line in edits.function_cell(source, function).source.splitlines()
                             if line.strip() not in (edits.BEGIN, edits.END))
        assert edits.function_cell(nb, function).source == expected
    assert not any(edits.stub_positions(c.source.splitlines()) for c in nb.cells
                   if c.metadata.get("nbgrader", {}).get("solution"))


def test_sample_students_differ_where_designed():
    for assignment in ASSIGNMENTS:
        correct = students.correct(assignment, edits.read_release(assignment))
        wrong = students.partly_wrong(assignment, edits.read_release(assignment))
        differing = [f for f in ASSIGNMENTS[assignment].functions
                     if edits.function_cell(correct, f).source != edits.function_cell(wrong, f).source]
        assert len(differing) == 1, (assignment, differing)
        unimplemented = students.unimplemented(assignment, edits.read_release(assignment))
        assert [f for f in ASSIGNMENTS[assignment].functions if stubs(unimplemented, f)] == list(ASSIGNMENTS[assignment].samples.unimplemented)
    nb = students.tampered_test("regularization", edits.read_release("regularization"))
    meta = nb.cells[edits.find_cell_index(nb, grade_id="test_compute_cost_with_regularization")].metadata
    assert meta["nbgrader"]["solution"] is True
    nb = students.deleted_test("initialization", edits.read_release("initialization"))
    with pytest.raises(edits.SubmissionError):
        edits.find_cell_index(nb, grade_id="test_initialize_parameters_zeros")


def test_fill_refuses_a_region_count_mismatch():
    nb = edits.read_release("initialization")
    with pytest.raises(edits.SubmissionError):
        edits.fill_function(nb, "initialize_parameters_he", regions=[["x = 1"], ["y = 2"]])


def test_write_submission_is_idempotent_and_in_nbgraders_layout(tmp_path):
    nb = students.correct("initialization", edits.read_release("initialization"))
    assert edits.write_submission("alice", "initialization", nb, root=str(tmp_path))
    folder = tmp_path / "submitted" / "alice" / "initialization"
    assert sorted(os.listdir(folder)) == ["Initialization.ipynb", "timestamp.txt"]
    assert (folder / "timestamp.txt").read_text().strip() == edits.SAMPLE_TIMESTAMP
    json.loads((folder / "Initialization.ipynb").read_text())
    assert not edits.write_submission("alice", "initialization", nb, root=str(tmp_path))
    assert edits.write_submission("alice", "initialization", None, root=str(tmp_path))  # notebook gone
    assert os.listdir(folder) == ["timestamp.txt"]


def test_bad_inputs_are_what_they_claim():
    text = students.broken_json(edits.read_release("initialization"))
    with pytest.raises(ValueError):
        json.loads(text)
    assert students.missing_notebook(None) is None
    nb = students.kernel_crash(edits.read_release("regularization"))
    assert "os._exit(1)" in edits.function_cell(nb, "forward_propagation_with_dropout").source
    nb = students.endless_loop(edits.read_release("initialization"))
    assert "while True:" in edits.function_cell(nb, "initialize_parameters_random").source
