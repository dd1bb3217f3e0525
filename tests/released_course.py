"""A course copy whose release is already generated, for tests that grade a class of their own.

A fresh copy of the course has no gradebook, so the pipeline's first step runs `nbgrader
generate_assignment` for every assignment (half a minute on a busy machine) before it grades
anything; the matplotlib font list is built again too. The tests that grade a class of their own
copy this template instead: made once per test run (shared by the xdist workers, tests/background.py)
by exactly that release step, so the pipeline finds its release up to date. Tests about the release
itself use pipeline.course.copy_course.

    python tests/released_course.py FOLDER     (the build: FOLDER/course)
"""
import os
import subprocess
import sys

import background
from course_env import python_env
from pipeline.course import COURSE_PARTS, copy_course

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = ("released-course", [sys.executable, os.path.join(ROOT, "tests", "released_course.py"), "{folder}"])
RELEASED_PARTS = COURSE_PARTS + ["gradebook.db", ".kit-cache"]   # what the release step and the font list add
RELEASE = ("from pipeline.course import Course; from pipeline.release import generate_release; "
           "from grader.sandbox.launch import font_cache_files; generate_release(Course('.')); font_cache_files()")


def build(folder):
    course = copy_course(os.path.join(folder, "course"))
    env = python_env(course, PYTHONDONTWRITEBYTECODE="1")
    env.pop("NBGRADER_DB_URL", None)
    subprocess.run([sys.executable, "-c", RELEASE], cwd=course, env=env, check=True, timeout=1200)


def template(tmp_path_factory=None):
    """The template course (built on first use, once per test run)."""
    folder, status = background.result(*BUILD, tmp_path_factory=tmp_path_factory)
    if status["returncode"] != 0:
        raise RuntimeError("building the released course template failed:\n" + status["tail"])
    return os.path.join(folder, "course")


def released_copy(destination, gradebook=True):
    """A copy of the course at `destination` with its release generated and known to its SQLite gradebook
    (without that gradebook when `gradebook` is false: for a course graded into another database)."""
    parts = RELEASED_PARTS if gradebook else [p for p in RELEASED_PARTS if p != "gradebook.db"]
    return copy_course(destination, root=template(), parts=parts)


if __name__ == "__main__":
    build(sys.argv[1])
