"""The pipeline's grades.csv (pipeline/export.py: nbgrader's CSV plugin, in the pipeline's process) is what
`nbgrader export` writes."""
import os
import subprocess

import pytest

from course_env import python_env
from pipeline.nbgrader_process import nbgrader_command

pytestmark = pytest.mark.e2e  # reads the shared graded course and runs nbgrader


def test_grades_csv_is_byte_for_byte_what_nbgrader_export_writes(graded_course, tmp_path):
    target = str(tmp_path / "exported.csv")
    env = python_env(graded_course)
    env.pop("PYTHONPATH")   # nbgrader_config.py sets the import path, as for an instructor
    result = subprocess.run(nbgrader_command() + ["export", "--to=" + target], cwd=graded_course, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    with open(target, encoding="utf-8") as handle:
        expected = handle.read()
    with open(os.path.join(graded_course, "grades.csv"), encoding="utf-8") as handle:
        written = handle.read()
    assert written == expected and expected.count("\n") > 10


def test_a_failed_export_leaves_the_old_grades_csv_and_no_partial_file(tmp_path):
    from pipeline.course import Course
    from pipeline.export import write_grades_csv
    course = Course(str(tmp_path))
    with open(course.path("nbgrader_config.py"), "w") as handle:   # a gradebook that cannot be opened
        handle.write("c = get_config()\nc.CourseDirectory.db_url = 'sqlite:////nonexistent/folder/gradebook.db'\n")
    with open(course.path("grades.csv"), "w") as handle:
        handle.write("the old export\n")
    with pytest.raises(Exception):
        write_grades_csv(course, course.path("grades.csv"))
    assert open(course.path("grades.csv")).read() == "the old export\n"
    assert sorted(os.listdir(str(tmp_path))) == ["grades.csv", "nbgrader_config.py"]
