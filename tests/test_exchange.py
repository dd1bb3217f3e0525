"""nbgrader's exchange works on one machine out of the box (issue 11, point 11).

Without an exchange folder, JupyterLab's Assignment List and the formgrader report "exchange
directory does not exist". nbgrader_config.py puts it in the course folder (NBGRADER_EXCHANGE
overrides it): an assignment released by the instructor is listed and fetched by a student.
"""
import os
import subprocess
import sys

import pytest

from course_env import python_env
from pipeline.course import COURSE_PARTS, copy_course

pytestmark = pytest.mark.e2e


def test_release_list_and_fetch_through_the_course_exchange(tmp_path):
    course = copy_course(str(tmp_path / "course"), parts=[p for p in COURSE_PARTS if p != "release"])
    env = python_env(course)
    for name in ("NBGRADER_DB_URL", "NBGRADER_EXCHANGE"):
        env.pop(name, None)

    def nbgrader(*args, cwd=course):
        result = subprocess.run([sys.executable, "-m", "nbgrader"] + list(args), cwd=cwd, env=env,
                                capture_output=True, text=True, timeout=600)
        output = result.stdout + result.stderr
        assert result.returncode == 0 and "does not exist" not in output and "[ERROR]" not in output, output[-3000:]
        return output

    assert "Released assignments:" in nbgrader("list")
    nbgrader("generate_assignment", "gradient_checking", "--force")
    nbgrader("release_assignment", "gradient_checking")
    assert os.path.isdir(os.path.join(course, "exchange", "practical-aspects-of-deep-learning", "outbound",
                                      "gradient_checking"))
    listed = nbgrader("list")
    assert "practical-aspects-of-deep-learning gradient_checking" in listed, listed
    student = tmp_path / "student"
    student.mkdir()
    with open(student / "nbgrader_config.py", "w") as handle:  # what a student's folder says about the course
        handle.write("c = get_config()\nc.CourseDirectory.course_id = 'practical-aspects-of-deep-learning'\n"
                     "c.Exchange.root = %r\n" % os.path.join(course, "exchange"))
    nbgrader("fetch_assignment", "gradient_checking", cwd=str(student))
    assert (student / "gradient_checking" / "Gradient_Checking.ipynb").exists()
