"""Plain `nbgrader autograde` warns about an edited test cell, and only about that (issue 11, point 11).

The gradebook stores each test cell with its hidden tests; the students' copies lack them. Stock
nbgrader therefore logs "Attribute 'checksum' for cell test_... has changed!" for every honest
student. grader/preprocessors/restore_cells.py keeps the warning for real edits only.
"""
import subprocess
import sys

import pytest

from course_env import python_env
from released_course import released_copy
from samples import notebook_edits as edits

pytestmark = pytest.mark.e2e
ASSIGNMENT = "gradient_checking"
WARNING = "Attribute 'checksum' for cell"


@pytest.fixture(scope="module")
def autograde_log(tmp_path_factory):
    course = released_copy(str(tmp_path_factory.mktemp("course")))   # generate_assignment ran there
    env = python_env(course)
    env.pop("NBGRADER_DB_URL", None)

    def nbgrader(*args):
        result = subprocess.run([sys.executable, "-m", "nbgrader"] + list(args), cwd=course, env=env,
                                capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return result.stdout + result.stderr

    honest = edits.fill_all(edits.read_release(ASSIGNMENT, course), ASSIGNMENT, root=course)
    edits.write_submission("honest", ASSIGNMENT, honest, root=course)
    edited = edits.edit_test_cell(edits.fill_all(edits.read_release(ASSIGNMENT, course), ASSIGNMENT, root=course),
                                  "gradient_check", "assert True\n")
    edits.write_submission("edited", ASSIGNMENT, edited, root=course)
    return {student: nbgrader("autograde", ASSIGNMENT, "--student", student, "--force")
            for student in ("honest", "edited")}


def test_an_honest_student_gets_no_checksum_warning(autograde_log):
    assert WARNING not in autograde_log["honest"], autograde_log["honest"][-3000:]


def test_an_edited_test_cell_is_still_reported(autograde_log):
    lines = [line for line in autograde_log["edited"].splitlines() if WARNING in line]
    assert len(lines) == 1 and "test_gradient_check " in lines[0], autograde_log["edited"][-3000:]
