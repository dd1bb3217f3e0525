"""A throwaway course with a small class of Initialization submissions, graded by `python -m pipeline`.

The class graded by the local workers into SQLite is built once per test run (tests/conftest.py, the
`class_graded` fixture; tests/test_postgres_gradebook.py and tests/test_dask_pool.py compare their
gradings with it): `python tests/class_course.py FOLDER` is that build (FOLDER/course).
"""
import os
import subprocess
import sys

from course_env import python_env
from released_course import released_copy
from samples.students import build_bad_inputs, build_student, correct, partly_wrong, unimplemented

ASSIGNMENT = "initialization"
COURSE_ID = "practical-aspects-of-deep-learning"
CLASS = {"correct": correct, "partly_wrong": partly_wrong, "unimplemented": unimplemented,
         "release": lambda assignment, nb: nb}   # handed in as released
BROKEN = ["broken_json"]                         # a bad input: a recorded zero, never graded
BUILD = ("class-course", [sys.executable, os.path.abspath(__file__), "{folder}"])   # graded locally into SQLite


def class_course(folder, sqlite=True):
    """A course copy at `folder` (released, tests/released_course.py; its SQLite gradebook left out unless `sqlite`)
    with Initialization submissions of every CLASS student and the BROKEN ones."""
    course = released_copy(folder, gradebook=sqlite)
    for student in CLASS:
        build_student(student, CLASS[student], root=course, assignments=[ASSIGNMENT])
    build_bad_inputs(course, BROKEN)
    return course


def run_pipeline(course, *args, db_url=None):
    """`python -m pipeline --no-samples ARGS` in `course` (gradebook: `db_url`, else its SQLite); its output."""
    env = python_env(course, NBGRADER_KIT_CELL_TIMEOUT="15", PYTHONDONTWRITEBYTECODE="1")
    env.pop("NBGRADER_DB_URL", None)
    if db_url:
        env["NBGRADER_DB_URL"] = db_url
    result = subprocess.run([sys.executable, "-m", "pipeline", "--no-samples"] + list(args), cwd=course, env=env,
                            capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def gradebook_rows(db_url):
    """Every submission's score, timestamp, comments and per-part rows, read with nbgrader's Gradebook API."""
    from nbgrader.api import Gradebook
    rows = {}
    with Gradebook(db_url, COURSE_ID) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                rows[(submission.student.id, assignment.name)] = {
                    "score": (float(submission.score), float(submission.max_score)),
                    "timestamp": submission.timestamp,
                    "parts": {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade, g.max_score)
                              for nb in submission.notebooks for g in nb.grades},
                    "comments": sorted((c.name, c.manual_comment or "") for nb in submission.notebooks
                                       for c in nb.comments)}
    return rows


def check_class_rows(rows):
    """The class's rows are all there and tell its students apart (so an equality of two gradings means something)."""
    assert sorted(rows) == sorted((s, ASSIGNMENT) for s in list(CLASS) + BROKEN)
    score = {student: row["score"] for (student, _), row in rows.items()}
    assert score["correct"][0] == score["correct"][1] > score["partly_wrong"][0] > score["release"][0]
    assert score["broken_json"][0] == 0
    assert any("not JSON" in text for _, text in rows[("broken_json", ASSIGNMENT)]["comments"])


if __name__ == "__main__":   # the shared build: the class graded by the local workers into SQLite
    run_pipeline(class_course(os.path.join(sys.argv[1], "course")))
