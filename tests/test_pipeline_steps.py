"""The pipeline's steps on small hand-made courses: prechecks, fingerprints, verdict notes, table, stamps."""
import os
import shutil
import sys

import nbformat

from grader.verdict import Verdict, dumps, verdict_file
from hand_made import code, notebook
from pipeline.course import Course, submitted_pairs
from pipeline.feedback import write_failure_feedback
from pipeline.fingerprints import setup_fingerprint
from pipeline.nbgrader_process import nbgrader_env
from pipeline.notes import failing_parts
from pipeline.prechecks import precheck
from pipeline.stamps import read_stamp, write_stamp
from pipeline.table import render_table, table_notes

ASSIGNMENT, NOTEBOOK = "initialization", "Initialization.ipynb"  # an assignment the manifest knows


def released():
    return notebook(code("def f(): pass", "f", solution=True),
                    code("assert f() is None", "test_f", grade=True, points=2))


def course_with(folder, submission):
    """A course whose release is `released()` and whose student `s` handed in `submission` (notebook, text, None)."""
    course = Course(str(folder))
    os.makedirs(course.path("release", ASSIGNMENT))
    nbformat.write(released(), course.path("release", ASSIGNMENT, NOTEBOOK))
    os.makedirs(course.submitted("s", ASSIGNMENT))
    if submission is not None:
        with open(os.path.join(course.submitted("s", ASSIGNMENT), NOTEBOOK), "w", encoding="utf-8") as handle:
            handle.write(submission if isinstance(submission, str) else nbformat.writes(submission))
    return course


# ----------------------------------------------------------------------------- prechecks
def test_a_missing_or_broken_notebook_cannot_be_graded(tmp_path):
    assert "no notebook was submitted" in precheck(course_with(tmp_path / "a", None), "s", ASSIGNMENT)[0]
    assert "not JSON" in precheck(course_with(tmp_path / "b", '{"cells": ['), "s", ASSIGNMENT)[0]
    assert precheck(course_with(tmp_path / "c", released()), "s", ASSIGNMENT) == (None, [])


def test_repairs_are_announced(tmp_path):
    edited, flipped, deleted = released(), released(), released()
    edited.cells[1].source = "assert True"
    flipped.cells[1].metadata["nbgrader"]["solution"] = True
    del deleted.cells[1]
    notes = {name: precheck(course_with(tmp_path / name, nb), "s", ASSIGNMENT)[1]
             for name, nb in (("edited", edited), ("flipped", flipped), ("deleted", deleted))}
    assert notes == {"edited": ["test cell test_f was edited: the original test was restored and graded"],
                     "flipped": ["nbgrader metadata of cell test_f was changed: restored"],
                     "deleted": ["test cell test_f was deleted: restored and graded"]}


def test_only_known_assignments_are_graded(tmp_path):
    course = course_with(tmp_path, released())
    os.makedirs(course.submitted("s", "homework_7"))
    os.makedirs(course.submitted(".hidden", ASSIGNMENT))
    assert submitted_pairs(course, quiet=True) == [("s", ASSIGNMENT)]


# ----------------------------------------------------------------------------- fingerprints
def test_the_grading_fingerprint_is_the_grader_package_config_and_source(tmp_path):
    course = Course(str(tmp_path))
    for relative in ("grader/judge.py", "nbgrader_config.py", "source/%s/%s" % (ASSIGNMENT, NOTEBOOK),
                     "pipeline/table.py"):
        os.makedirs(os.path.dirname(course.path(relative)), exist_ok=True)
        with open(course.path(relative), "w") as handle:
            handle.write("v1")
    first = setup_fingerprint(course, ASSIGNMENT)
    with open(course.path("pipeline/table.py"), "w") as handle:
        handle.write("v2")
    assert setup_fingerprint(course, ASSIGNMENT) == first  # not grading code
    os.makedirs(course.path("grader/preprocessors"))
    with open(course.path("grader/preprocessors/new_step.py"), "w") as handle:
        handle.write("")
    assert setup_fingerprint(course, ASSIGNMENT) != first  # a new grader module counts without a list
    second = setup_fingerprint(course, ASSIGNMENT)
    with open(course.path("source", ASSIGNMENT, NOTEBOOK), "w") as handle:
        handle.write("v2")
    assert setup_fingerprint(course, ASSIGNMENT) != second


# ----------------------------------------------------------------------------- notes, table, stamps, feedback
def test_notes_give_the_graders_reason_for_each_zero(tmp_path):
    course = Course(str(tmp_path))
    os.makedirs(course.autograded("s", ASSIGNMENT))
    verdicts = [Verdict("test_a", "a", 2, False, reason="self-check: the 1/2 is missing"),
                Verdict("test_b", "b", 3, True)]
    with open(os.path.join(course.autograded("s", ASSIGNMENT), verdict_file(NOTEBOOK)), "w") as handle:
        handle.write(dumps(verdicts))
    parts = {"test_a": (0.0, 2.0), "test_b": (3.0, 3.0), "test_c": (0.0, 1.0)}
    assert failing_parts(course, "s", ASSIGNMENT, parts) == [("test_a", "self-check: the 1/2 is missing"),
                                                             ("test_c", "no points")]


def test_the_table_and_its_notes():
    scores = {("bo", "initialization"): (10.0, 10.0), ("al", "initialization"): (2.5, 10.0),
              ("al", "regularization"): (16.0, 16.0)}
    table = render_table(scores, {"initialization": 10.0, "regularization": 16.0}).splitlines()
    assert table[0].split() == ["student", "initialization", "regularization", "total"]
    assert table[2].split() == ["al", "2.5", "/", "10", "16", "/", "16", "18.5", "/", "26"]
    assert table[3].split() == ["bo", "10", "/", "10", "-", "10", "/", "26"]
    stamps = {("al", "initialization"): {"status": "graded", "notes": ["test cell test_a was edited"],
                                         "failing": [["test_a", "no points"]]},
              ("bo", "gradient_checking"): {"status": "failed", "reason": "not JSON"}}
    assert table_notes(stamps) == ["al / initialization: test cell test_a was edited",
                                   "al / initialization: test_a scored 0 (no points)",
                                   "bo / gradient_checking: 0 points, not JSON"]


def test_stamps_round_trip_and_a_broken_one_reads_as_none(tmp_path):
    course = Course(str(tmp_path))
    write_stamp(course, "s", ASSIGNMENT, {"score": 3.0, "fingerprint": "f"})
    assert read_stamp(course, "s", ASSIGNMENT) == {"score": 3.0, "fingerprint": "f"}
    with open(os.path.join(course.autograded("s", ASSIGNMENT), ".kit-grading.json"), "w") as handle:
        handle.write("{")
    assert read_stamp(course, "s", ASSIGNMENT) is None
    shutil.rmtree(course.autograded("s", ASSIGNMENT))
    assert read_stamp(course, "s", ASSIGNMENT) is None


def test_a_failure_page_escapes_the_reason(tmp_path):
    course = Course(str(tmp_path))
    write_failure_feedback(course, "s", ASSIGNMENT, "<script>x</script> is not JSON")
    with open(os.path.join(course.feedback("s", ASSIGNMENT), "Initialization.html"), encoding="utf-8") as handle:
        page = handle.read()
    assert "&lt;script&gt;" in page and "<script>" not in page


def test_nbgrader_runs_with_this_environment_and_no_pythonpath(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/somewhere")
    env = nbgrader_env(EXTRA="1")
    assert "PYTHONPATH" not in env and env["EXTRA"] == "1"
    assert env["PATH"].split(os.pathsep)[0] == os.path.dirname(sys.executable)
