"""A grading worker's one-pass autograde (pipeline/one_pass.py) writes what plain `nbgrader autograde` writes.

Two copies of the released course get the same admitted submissions: sample students whose test
cells were kept, deleted, edited or flipped, a notebook saved with CRLF line ends, a file that is not
JSON. One copy is graded by a worker (pipeline/workers.py's ScratchGrader, in a process of its own),
the other by plain `nbgrader autograde` with the course's configuration. The autograded notebooks
must be equal cell by cell (a restored test cell gets a new random id either way), and so must every
part's score and the failure.
"""
import json
import os
import subprocess
import sys

import nbformat
import pytest

from course_env import python_env
from pipeline.nbgrader_process import nbgrader_command
from pipeline.workers import INTAKE_FOLDER
from released_course import released_copy
from samples.notebook_edits import notebook_text, read_release
from samples.students import SAMPLE_STUDENTS

pytestmark = pytest.mark.e2e

ASSIGNMENT, NOTEBOOK = "initialization", "Initialization.ipynb"
KINDS = ("correct", "partly_wrong", "deleted_test", "tampered_test")

WORKER = """
import json, sys
from pipeline.gradebook import open_gradebook
from pipeline.grade_records import assignment_structure
from pipeline.workers import ScratchGrader, Task
with open_gradebook('.') as gradebook:
    structure = assignment_structure(gradebook, sys.argv[1])
grader = ScratchGrader('.')
answers = {}
for student in sys.argv[2:]:
    result = grader.grade(Task(student, sys.argv[1], structure))
    scores = {} if result.grades is None else {cell: values['auto_score'] for nb in result.grades.notebooks.values()
                                                for cell, values in nb['grades'].items()}
    answers[student] = {'success': result.success, 'failure': result.failure, 'scores': scores}
grader.close()
print(json.dumps(answers))
"""


def submissions(course):
    """Write the admitted copies (what intake leaves in .kit-intake/) into `course`; the students' names."""
    texts = {kind: notebook_text(SAMPLE_STUDENTS[kind](ASSIGNMENT, read_release(ASSIGNMENT, course))) for kind in KINDS}
    texts["crlf"] = texts["correct"].replace("\\n", "\\r\\n")   # in the cells' sources
    texts["not_json"] = '{"cells": [ cut off while saving'
    for student, text in texts.items():
        folder = os.path.join(course, INTAKE_FOLDER, student, ASSIGNMENT)
        os.makedirs(folder)
        with open(os.path.join(folder, NOTEBOOK), "w", encoding="utf-8") as handle:
            handle.write(text)
    return sorted(texts)


def cells(course, student):
    """The autograded notebook's cells without their ids (a restored cell's is random), or None."""
    path = os.path.join(course, "autograded", student, ASSIGNMENT, NOTEBOOK)
    if not os.path.exists(path):
        return None
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.pop("id", None)
    return notebook.cells


def plain_scores(course, students):
    from nbgrader.api import Gradebook, MissingEntry
    from pipeline.gradebook import course_settings
    scores = {}
    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db"), course_settings(course)[1]) as gradebook:
        for student in students:
            try:
                submission = gradebook.find_submission(ASSIGNMENT, student)
            except MissingEntry:
                continue
            scores[student] = {g.name: g.auto_score for nb in submission.notebooks for g in nb.grades}
    return scores


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("one-pass")
    worker, plain = released_copy(str(folder / "worker")), released_copy(str(folder / "plain"))
    students = submissions(worker)
    submissions(plain)
    env = python_env(worker, PYTHONDONTWRITEBYTECODE="1")
    env.pop("NBGRADER_DB_URL", None)
    answer = subprocess.run([sys.executable, "-c", WORKER, ASSIGNMENT] + students, cwd=worker, env=env,
                            capture_output=True, text=True, timeout=1200)
    assert answer.returncode == 0, answer.stderr[-3000:]
    env = python_env(plain, PYTHONDONTWRITEBYTECODE="1")
    env.pop("NBGRADER_DB_URL", None)
    env.pop("PYTHONPATH")   # nbgrader_config.py sets the import path, as for an instructor
    log = subprocess.run(nbgrader_command() + ["autograde", ASSIGNMENT, "--force",
                                               "--CourseDirectory.submitted_directory=" + INTAKE_FOLDER],
                         cwd=plain, env=env, capture_output=True, text=True, timeout=1200)
    return worker, plain, students, json.loads(answer.stdout.strip().splitlines()[-1]), log


def test_every_autograded_notebook_is_the_one_plain_nbgrader_writes(graded):
    worker, plain, students, _, log = graded
    for student in students:
        assert cells(worker, student) == cells(plain, student), student
    assert cells(worker, "correct") and cells(worker, "not_json") is None, log.stdout[-2000:] + log.stderr[-2000:]


def test_every_part_scores_as_under_plain_nbgrader_and_the_broken_file_fails_alike(graded):
    worker, plain, students, answers, _ = graded
    expected = plain_scores(plain, students)
    for student in students:
        if student == "not_json":
            # nbgrader records the submission before it reads the file, and no score
            assert not answers[student]["success"] and set(expected.get(student, {}).values()) <= {None}
            continue
        assert answers[student]["success"], answers[student]
        assert answers[student]["scores"] == expected[student], student
    assert answers["partly_wrong"]["scores"] != answers["correct"]["scores"]   # the comparison can tell them apart
