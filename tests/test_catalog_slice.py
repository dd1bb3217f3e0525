"""A thin slice of the catalogs through nbgrader (the e2e tier): every tampering entry and one mistake per
graded function lose their points, and the reference of every assignment gets full marks (the harness
stops otherwise). The full catalogs: tests/test_catalog.py."""
import pytest

from catalog_builds import assert_loses_the_points, thin_slice
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
