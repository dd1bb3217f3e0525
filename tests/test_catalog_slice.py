"""A thin slice of the catalogs through nbgrader (the e2e tier): every tampering entry and one mistake per
graded function lose their points, and the reference of every assignment gets full marks (the harness
stops otherwise). The catalogs are graded as one class by the pipeline's own grading step; plain `nbgrader
autograde` (no pipeline) gives the slice's Regularization submissions the same part scores.
The full catalogs: tests/test_catalog.py."""
import pytest

from catalog_builds import PLAIN_ASSIGNMENT, assert_loses_the_points, plain_students, read_plain, thin_slice
from grader.manifest import ASSIGNMENTS


def test_slice_covers_every_graded_function_and_every_tampering_entry():
    functions = {f for a in ASSIGNMENTS.values() for f in a.functions}
    assert {e.function for e in thin_slice()} == functions
    assert any(e.prelude for e in thin_slice())


@pytest.mark.e2e
def test_every_assignment_was_graded_with_full_marks_for_its_reference(catalog_slice):
    data, _ = catalog_slice
    assert data["full"] == {a.name: float(sum(f.points for f in a.graded)) for a in ASSIGNMENTS.values()}


@pytest.mark.e2e
@pytest.mark.parametrize("entry", thin_slice(), ids=lambda e: e.id)
def test_entry_loses_the_points_with_the_right_message(catalog_slice, entry):
    _, results = catalog_slice
    assert_loses_the_points(results[entry.id], entry)


@pytest.mark.e2e
def test_plain_nbgrader_autograde_gives_the_slice_the_pipelines_scores(catalog_slice):
    data, results = catalog_slice
    plain = read_plain(data["folder"])
    assert plain["exit"] == 0, plain["log"]
    students = plain_students()
    assert len(students) > 4 and any(results[s]["tampering"] for s in students if s in results)
    for student in students:
        got = {grade_id: tuple(pair) for grade_id, pair in plain["parts"][student].items()}
        assert got, (student, plain["log"])
        if student in results:
            assert got == {grade_id: tuple(pair) for grade_id, pair in results[student]["parts"].items()}, student
        else:   # the reference: full marks, as the pipeline gave it (the harness stops otherwise)
            assert all(score == maximum > 0 for score, maximum in got.values()), (PLAIN_ASSIGNMENT, got)
