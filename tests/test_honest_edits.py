"""Every honest edit grades like the unedited notebook; its hostile twins gain nothing (issue: honest notebooks).

The corpus (samples/honest_edits.py, samples/honest_corpus.py) is generated from the release and
the reference solutions: every kind of honest edit on all three notebooks, the hostile twins, and
two baselines graded next to them (`unedited`: the reference; `mistake_only`: the manifest's sample mistake). It is
graded as one class through the real pipeline (python -m pipeline), and as one class per
assignment through plain `nbgrader autograde` with the course's configuration. Expected scores
are the baselines' scores from the same run, never numbers written here.
"""
import os
import subprocess
import sys

import pytest

from graded_course import course_env, gradebook_dump
from grader.manifest import ASSIGNMENTS
from pipeline.course import copy_course
from samples.honest_corpus import HOSTILE_TWINS, write_corpus
from samples.honest_edits import HONEST_EDITS

pytestmark = pytest.mark.e2e
GRADED = [a for a in ASSIGNMENTS if ASSIGNMENTS[a].samples]


def _run(course, *command):
    result = subprocess.run([sys.executable, "-m"] + list(command), cwd=course, env=course_env(course),
                            capture_output=True, text=True, timeout=3000)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def pipeline_class(tmp_path_factory):
    """The whole corpus graded in one pipeline run; (gradebook dump, the run's output)."""
    course = copy_course(str(tmp_path_factory.mktemp("honest") / "course"))
    students = write_corpus(course)
    result = _run(course, "pipeline", "--no-samples")
    with open(os.path.join(course, "pipeline-output.txt"), "w") as handle:
        handle.write(result.stdout + result.stderr)
    return {"dump": gradebook_dump(course), "output": result.stdout, "students": students}


@pytest.fixture(scope="module")
def plain_class(tmp_path_factory):
    """The corpus (files plain nbgrader can read) graded by `nbgrader autograde A`, one call per assignment."""
    course = copy_course(str(tmp_path_factory.mktemp("plain") / "course"))
    _run(course, "authoring.make_release")
    students = write_corpus(course, plain_nbgrader=True)
    logs = {}
    for assignment in GRADED:
        result = subprocess.run(["nbgrader", "autograde", assignment], cwd=course, env=course_env(course),
                                capture_output=True, text=True, timeout=3000)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        logs[assignment] = result.stdout + result.stderr
    return {"dump": gradebook_dump(course), "logs": logs, "students": students}


def _score(graded, student, assignment):
    row = graded["dump"][student][assignment]
    return row["score"], row["max"]


def _check_scores(graded):
    for assignment in GRADED:
        full = _score(graded, "unedited", assignment)
        wrong = _score(graded, "mistake_only", assignment)
        assert full[0] == full[1] > wrong[0] and wrong[1] == full[1], (assignment, full, wrong)
        for student in graded["students"]:
            expected = wrong if student in HOSTILE_TWINS else full if student in HONEST_EDITS else None
            if expected is not None:
                assert _score(graded, student, assignment) == expected, (student, assignment, graded["dump"][student])
                parts = graded["dump"][student][assignment]["parts"]
                assert not any(p[2] for p in parts.values()), (student, parts)  # nothing left for manual grading


def test_the_pipeline_grades_every_honest_edit_like_the_unedited_notebook(pipeline_class):
    assert set(pipeline_class["students"]) >= set(HONEST_EDITS) | set(HOSTILE_TWINS)
    _check_scores(pipeline_class)


def test_the_pipeline_says_what_it_did(pipeline_class):
    notes = pipeline_class["output"].split("\nNotes:\n", 1)[1]
    for student, edit in HONEST_EDITS.items():
        mine = [line for line in notes.splitlines() if line.strip().startswith(student + " / ")]
        for assignment in GRADED:
            of_it = " ".join(line for line in mine if line.strip().startswith("%s / %s:" % (student, assignment)))
            if edit.note:
                assert edit.note in of_it, (student, assignment, mine)
            assert "scored 0" not in of_it and "could not grade" not in of_it, (student, assignment, mine)
    assert "0 points" not in notes


def test_plain_nbgrader_grades_every_honest_edit_alike(plain_class):
    assert not set(HONEST_EDITS) - set(plain_class["students"]) - {
        name for name, edit in HONEST_EDITS.items() if not edit.plain_nbgrader}
    _check_scores(plain_class)
    for assignment, log in plain_class["logs"].items():
        for note in ("appeared twice", "was split in two", "was merged with other code"):
            assert note in log, (assignment, note)
        assert "Duplicate grade id" not in log and "There was an error" not in log


def test_both_paths_give_the_same_scores(pipeline_class, plain_class):
    for student in plain_class["students"]:
        for assignment in GRADED:
            assert _score(pipeline_class, student, assignment) == _score(plain_class, student, assignment), student
