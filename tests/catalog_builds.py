"""The catalog builds the tests read: the full catalogs, and a thin slice of them (`python tests/catalog_builds.py
FOLDER [entry id ...]` is one build: the entries graded in a released course copy, their results in FOLDER/catalog.json).

The slice is every tampering entry and one mistake per graded function: enough to show the
nbgrader path end to end (restored tests, the out-of-kernel judge, verdicts) in a few minutes.
"""
import json
import os
import sys

import pytest

from grader.manifest import ASSIGNMENTS
from samples.catalog_entries import MUTANTS


def thin_slice():
    """The tampering entries, then the first plain mistake of each graded function."""
    functions = [f for assignment in ASSIGNMENTS.values() for f in assignment.functions]
    firsts = [next(e for e in MUTANTS if e.function == f and not e.prelude) for f in functions]
    return [e for e in MUTANTS if e.prelude] + firsts


def _build(name, entries):
    return (name, [sys.executable, os.path.abspath(__file__), "{folder}"] + [e.id for e in entries])


PLAIN_ASSIGNMENT = "regularization"   # the slice's entries of this assignment are graded by plain nbgrader too


def build(folder, ids):
    """Grade the entries `ids` (all when empty) in a copy of the course with its release generated, then the
    slice's PLAIN_ASSIGNMENT submissions again by plain `nbgrader autograde` (FOLDER/plain.json)."""
    from proofs.catalog.__main__ import main
    from released_course import released_copy
    course = released_copy(os.path.join(folder, "course"))
    code = main(["--json", os.path.join(folder, "catalog.json"), "--course", course] + list(ids))
    grade_plainly(course, os.path.join(folder, "plain"))
    return code


def plain_students():
    """The slice's PLAIN_ASSIGNMENT students (entry ids) and that assignment's reference student."""
    from grader.reference import assignment_of
    from proofs.catalog.harness import REFERENCE_STUDENT
    return [e.id for e in thin_slice() if assignment_of(e.function) == PLAIN_ASSIGNMENT] + [
        REFERENCE_STUDENT % PLAIN_ASSIGNMENT]


def grade_plainly(graded, folder):
    """Copy plain_students()' submissions from the course `graded` into a fresh released copy at `folder` and grade
    them there with `nbgrader autograde` and the course's nbgrader_config.py, as an instructor would without the
    pipeline; their part scores go to plain.json next to it."""
    import shutil
    from pipeline.course import Course
    from pipeline.gradebook import open_gradebook, part_scores
    from pipeline.nbgrader_process import nbgrader
    from released_course import released_copy
    course = released_copy(os.path.join(folder, "course"))
    students = plain_students()
    for student in students:
        shutil.copytree(os.path.join(graded, "submitted", student, PLAIN_ASSIGNMENT),
                        os.path.join(course, "submitted", student, PLAIN_ASSIGNMENT))
    code, log = nbgrader(Course(course), ["autograde", PLAIN_ASSIGNMENT, "--force"])
    with open_gradebook(course) as gradebook:
        parts = {student: part_scores(gradebook, PLAIN_ASSIGNMENT, student) for student in students}
    with open(os.path.join(folder, "plain.json"), "w", encoding="utf-8") as handle:
        json.dump({"exit": code, "log": log[-4000:], "parts": parts}, handle, indent=1)


def read_plain(folder):
    """What grade_plainly wrote for a finished build."""
    with open(os.path.join(folder, "plain", "plain.json"), encoding="utf-8") as handle:
        return json.load(handle)


FULL = _build("catalog", [])
SLICE = _build("catalog-slice", thin_slice())


def read_build(folder, status):
    """(data, {entry id: result}) of a finished catalog build (data["folder"]: where it is); the test fails with
    its log when it did not run."""
    path = os.path.join(folder, "catalog.json")
    if not os.path.exists(path):
        pytest.fail("grading the catalogs failed (exit %s):\n%s" % (status["returncode"], status["tail"]))
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    data["folder"] = folder
    return data, {r["id"]: r for r in data["results"]}


def context(result):
    return "%s: %s\nerrors: %s\nverdict: %s" % (result["id"], result["got"], result["errors"][:3], result["verdict"])


def assert_full_marks(data, result, entry):
    """A variant: full marks, no error anywhere, its self-check and every hidden case passed."""
    full = next(v for a, v in data["full"].items() if entry.function in ASSIGNMENTS[a].functions)
    assert result["score"] == result["max_score"] == full, context(result)
    assert all(score == maximum for score, maximum in result["parts"].values()), context(result)
    assert result["errors"] == [], context(result)
    verdict = result["verdict"]
    assert verdict["passed"] and verdict["self_check_passed"], context(result)
    assert verdict["hidden_passed"] == verdict["hidden_total"] > 0, context(result)
    assert result["hidden"][0] == result["hidden"][1] > 0, context(result)
    assert result["problems"] == [], context(result)


def assert_loses_the_points(result, entry):
    """A mutant: its part scores 0 with a reason; the self-check names the mistake; the hidden tests catch it."""
    score, maximum = result["parts"]["test_" + entry.function]
    assert maximum > 0 and score == 0, context(result)
    assert result["score"] < result["max_score"], context(result)
    verdict = result["verdict"]
    assert not verdict["passed"] and verdict["reason"], context(result)
    if entry.self_check_catches:
        assert verdict["self_check_passed"] is False, context(result)
        if entry.hint:  # named in the diagnosis ("Likely cause: ..."), not just in the list of wrong values
            assert entry.hint.lower() in " ".join(verdict["self_check_causes"]).lower(), context(result)
    if entry.prelude:  # tampering inside the kernel: the verdict is made outside it
        assert 0 < verdict["hidden_total"] and verdict["hidden_passed"] < verdict["hidden_total"], context(result)
    else:  # the hidden tests on their own catch it too (judged in-process on the same cases)
        assert result["hidden"][0] < result["hidden"][1], context(result)
    assert result["problems"] == [], context(result)


if __name__ == "__main__":   # the background build (tests/conftest.py)
    sys.exit(build(sys.argv[1], sys.argv[2:]))
