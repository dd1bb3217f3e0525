"""Every honest edit grades like the unedited notebook; its hostile twins gain nothing (issue: honest notebooks).

The corpus (samples/honest_edits.py, samples/honest_corpus.py) is generated from the release and
the reference solutions: every kind of honest edit on all three notebooks, the hostile twins, and
two baselines graded next to them (`unedited`: the reference; `mistake_only`: the manifest's sample
mistake). It is graded as one class twice in one course copy: by the real pipeline (python -m
pipeline, as root), then, from a gradebook that has forgotten those grades, by ONE plain `nbgrader
autograde "*"` call over every student and assignment with the course's configuration, as an
ordinary user. Expected scores are the baselines' scores from the same run, never numbers written here.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest
from nbgrader.api import Gradebook

from graded_course import course_env, gradebook_dump
from grader.manifest import ASSIGNMENTS
from released_course import released_copy
from samples.honest_corpus import HOSTILE_TWINS, write_corpus
from samples.honest_edits import HONEST_EDITS

pytestmark = pytest.mark.e2e
GRADED = [a for a in ASSIGNMENTS if ASSIGNMENTS[a].samples]


def _run(course, command, user=None):
    """`command` run in the course (as `user`, a tests/ordinary_user.OrdinaryUser, when given); it must succeed."""
    if user:
        user.own(course)
        command = user.command(command, {"HOME": user.home})
    result = subprocess.run(command, cwd=course, env=course_env(course), capture_output=True, text=True, timeout=3000)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def forget_grades(course, students):
    """The gradebook without the students (and so their grades) and no autograded folder: plain nbgrader starts
    from the assignments alone, so no grade of the pipeline's can be left over."""
    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db")) as gradebook:
        for student in students:
            gradebook.remove_student(student)
    shutil.rmtree(os.path.join(course, "autograded"))
    assert gradebook_dump(course) == {}


def notes_by_submission(log):
    """{(student, assignment): the log lines from its "Sanitizing <submitted notebook>" to the next one}."""
    sections, current = {}, None
    for line in log.splitlines():
        if "] Sanitizing " in line:
            folder = os.path.dirname(line.split("] Sanitizing ", 1)[1].strip())
            current = (os.path.basename(os.path.dirname(folder)), os.path.basename(folder))
        elif current:
            sections.setdefault(current, []).append(line)
    return {key: "\n".join(lines) for key, lines in sections.items()}


@pytest.fixture(scope="module")
def graded(ordinary_user):
    """{"pipeline": ..., "plain": ...}: each {"dump", "output", "students"} of the one course copy."""
    course = tempfile.mkdtemp(prefix="kit-honest-")
    os.chmod(course, 0o755)
    released_copy(course)   # its release generated (tests/released_course.py)
    students = write_corpus(course)
    result = _run(course, [sys.executable, "-m", "pipeline", "--no-samples"])
    pipeline = {"dump": gradebook_dump(course), "output": result.stdout, "students": students}
    forget_grades(course, students)
    result = _run(course, ["nbgrader", "autograde", "*"], user=ordinary_user)
    owner = os.stat(os.path.join(course, "autograded", "unedited", GRADED[0], ASSIGNMENTS[GRADED[0]].notebook))
    assert owner.st_uid == ordinary_user.uid   # graded by the ordinary user
    plain = {"dump": gradebook_dump(course), "output": result.stdout + result.stderr, "students": students}
    yield {"pipeline": pipeline, "plain": plain}
    shutil.rmtree(course, ignore_errors=True)


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


def test_the_pipeline_grades_every_honest_edit_like_the_unedited_notebook(graded):
    assert set(graded["pipeline"]["students"]) >= set(HONEST_EDITS) | set(HOSTILE_TWINS)
    _check_scores(graded["pipeline"])


def test_the_pipeline_says_what_it_did(graded):
    notes = graded["pipeline"]["output"].split("\nNotes:\n", 1)[1]
    for student, edit in HONEST_EDITS.items():
        mine = [line for line in notes.splitlines() if line.strip().startswith(student + " / ")]
        for assignment in GRADED:
            of_it = " ".join(line for line in mine if line.strip().startswith("%s / %s:" % (student, assignment)))
            if edit.note:
                assert edit.note in of_it, (student, assignment, mine)
            assert "scored 0" not in of_it and "could not grade" not in of_it, (student, assignment, mine)
    assert "0 points" not in notes


def test_plain_nbgrader_grades_every_honest_edit_alike_and_says_what_it_did(graded):
    """A byte-order mark, CRLF and a renamed download included: nbgrader_config.py reads the file as the pipeline
    does (grader/submission_reader.py), and each repair is a warning in nbgrader's log for that submission."""
    plain = graded["plain"]
    assert set(plain["students"]) >= set(HONEST_EDITS) | set(HOSTILE_TWINS)
    _check_scores(plain)
    log = plain["output"]
    assert "Duplicate grade id" not in log and "There was an error" not in log and "Traceback" not in log, log[-3000:]
    assert "No submitted file" not in log and "Skipping unknown notebook" not in log, log[-3000:]
    sections = notes_by_submission(log)
    for student, edit in HONEST_EDITS.items():
        for assignment in GRADED:
            if edit.note:
                assert edit.note in sections[(student, assignment)], (student, assignment, sections.get(
                    (student, assignment)))


def test_both_paths_give_the_same_scores(graded):
    for student in graded["pipeline"]["students"]:
        for assignment in GRADED:
            assert (graded["pipeline"]["dump"][student][assignment]
                    == graded["plain"]["dump"][student][assignment]), (student, assignment)
