"""A re-graded submission's per-test outcomes replace the old ones, as its grade does (the real pipeline, one
student re-submitting Initialization: correct, then with the sample mistake, then a file that is not JSON)."""
import csv
import os
import sqlite3

import pytest

from class_course import run_pipeline
from grader.manifest import ASSIGNMENTS
from released_course import released_copy
from pipeline.kit_tables import NOT_GRADED
from samples.catalog_entries import catalog_entry
from samples.notebook_edits import write_submission
from samples.students import build_student, correct, partly_wrong

pytestmark = pytest.mark.e2e
ASSIGNMENT, STUDENT = "initialization", "ana"


def outcomes(course):
    with sqlite3.connect(os.path.join(course, "gradebook.db")) as db:
        return {g: (p, m, label) for g, p, m, label in db.execute(
            "select grade_id, points, max_points, mistake from kit_test_outcome where student_id = ? and "
            "assignment = ?", (STUDENT, ASSIGNMENT))}


def csv_rows(course):
    with open(os.path.join(course, "reports", "grades_by_test.csv"), newline="") as handle:
        return [r for r in csv.DictReader(handle) if (r["student_id"], r["assignment"]) == (STUDENT, ASSIGNMENT)]


def test_outcomes_follow_each_regrade(tmp_path):
    course = released_copy(str(tmp_path / "course"))
    tests = {g.grade_id for g in ASSIGNMENTS[ASSIGNMENT].graded}
    build_student(STUDENT, correct, root=course, assignments=[ASSIGNMENT])
    run_pipeline(course)
    assert {g: label for g, (_, _, label) in outcomes(course).items()} == {g: "" for g in tests}

    build_student(STUDENT, partly_wrong, root=course, assignments=[ASSIGNMENT])
    run_pipeline(course)
    wrong = "test_" + catalog_entry(ASSIGNMENTS[ASSIGNMENT].samples.mistake).function
    now = outcomes(course)
    assert set(now) == tests and now[wrong][0] == 0 and now[wrong][2] not in ("", NOT_GRADED)
    assert all(now[g][2] == "" and now[g][0] == now[g][1] for g in tests - {wrong})
    assert {r["test"]: r["mistake"] for r in csv_rows(course)} == {g: now[g][2] for g in tests}

    write_submission(STUDENT, ASSIGNMENT, '{"cells": [', root=course)
    run_pipeline(course)
    assert {g: (p, label) for g, (p, _, label) in outcomes(course).items()} == {g: (0, NOT_GRADED) for g in tests}
    assert [r["mistake"] for r in csv_rows(course)] == [NOT_GRADED] * len(tests)
    with open(os.path.join(course, "reports", "class_report.html"), encoding="utf-8") as handle:
        assert "not graded: %s is not a valid notebook file" % ASSIGNMENTS[ASSIGNMENT].notebook in handle.read()
