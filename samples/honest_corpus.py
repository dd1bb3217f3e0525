"""The honest-edit corpus: every honest edit (samples/honest_edits.py), hostile twins of the copies, two baselines.

The hostile twins start from the manifest's sample mistake and use the honest edits' moves to
try to gain points: an edited copy of the failing test that would pass, copies claiming 100
points, a passing test under the failing test's grade_id. Each must score what the mistake alone
scores (`mistake_only`), and no maximum may change; `unedited` is the reference notebook.
"""
from grader.manifest import ASSIGNMENTS
from samples.catalog_entries import catalog_entry
from samples.honest_edits import HONEST_EDITS, correct_notebook, pasted_copy, index_of_test
from samples.notebook_edits import apply_catalog_entry, fill_all


def _mistake(assignment, nb):
    """The manifest's sample mistake (what partly_wrong submits), and the function it breaks."""
    entry = catalog_entry(ASSIGNMENTS[assignment].samples.mistake)
    return apply_catalog_entry(fill_all(nb, assignment), entry), entry.function


def _passing(assignment, broken):
    return next(f for f in ASSIGNMENTS[assignment].functions if f != broken)


def edited_copy_that_passes(assignment, nb):
    """Above the real (failing) test, a copy of it edited to pass, with the test's metadata."""
    nb, broken = _mistake(assignment, nb)
    index = index_of_test(nb, broken)
    forged = pasted_copy(nb.cells[index])
    forged.source = "print('All checks passed')\n"
    nb.cells.insert(index, forged)
    return nb, None


def copy_claiming_points(assignment, nb):
    """Copies of a passing test cell claiming 100 points each, at the end and right below it."""
    nb, broken = _mistake(assignment, nb)
    index = index_of_test(nb, _passing(assignment, broken))
    for position in (len(nb.cells), index + 1):
        forged = pasted_copy(nb.cells[index])
        forged.metadata["nbgrader"]["points"] = 100
        nb.cells.insert(position, forged)
    return nb, None


def _forged_failing_test(assignment, nb):
    """(the notebook with the sample mistake, where its failing test is, a passing test's copy under its grade_id)."""
    nb, broken = _mistake(assignment, nb)
    forged = pasted_copy(nb.cells[index_of_test(nb, _passing(assignment, broken))])
    forged.metadata["nbgrader"]["grade_id"] = "test_" + broken
    return nb, index_of_test(nb, broken), forged


def faked_grade_id(assignment, nb):
    """A passing test's source under the failing test's grade_id, placed above the real failing test."""
    nb, index, forged = _forged_failing_test(assignment, nb)
    nb.cells.insert(index, forged)
    return nb, None


def replaced_by_faked_id(assignment, nb):
    """The failing test deleted and a passing test's copy put in its place under its grade_id."""
    nb, index, forged = _forged_failing_test(assignment, nb)
    nb.cells[index] = forged
    return nb, None


HOSTILE_TWINS = {
    "edited_copy_that_passes": edited_copy_that_passes,
    "copy_claiming_points": copy_claiming_points,
    "faked_grade_id": faked_grade_id,
    "replaced_by_faked_id": replaced_by_faked_id,
}


def mistake_only(assignment, nb):
    """The baseline of the hostile twins: the sample mistake, no other edit."""
    return _mistake(assignment, nb)[0], None


def write_corpus(root, assignments=None):
    """Write every honest variant (student = its name), every hostile twin and the two baselines
    (`unedited`, `mistake_only`) into root's submitted/; returns {student: HonestEdit or None}."""
    from samples.notebook_edits import read_release, write_submission
    assignments = assignments or [a for a in ASSIGNMENTS if ASSIGNMENTS[a].samples]
    students = {"unedited": None, "mistake_only": None}
    builders = {"unedited": lambda a, nb: (correct_notebook(a, nb), None), "mistake_only": mistake_only}
    for name, edit in HONEST_EDITS.items():
        students[name], builders[name] = edit, edit.build
    for name, build in HOSTILE_TWINS.items():
        students[name], builders[name] = None, build
    for student, build in builders.items():
        for assignment in assignments:
            content, file_name = build(assignment, read_release(assignment, root))
            write_submission(student, assignment, content, root=root, notebook_name=file_name)
    return students
