"""Grading on a real Dask cluster (`dask scheduler` and two `dask worker` processes on 127.0.0.1)."""
import os

import pytest

from class_course import ASSIGNMENT, check_class_rows, class_course, gradebook_rows, run_pipeline
from pipeline.dask_cluster import dask_cluster
from pipeline.dask_pool import DaskPool
from pipeline.grade_records import assignment_structure
from pipeline.gradebook import open_gradebook
from pipeline.intake import admit
from pipeline.workers import INTAKE_FOLDER, Task
from samples.notebook_edits import read_release, write_submission
from samples.students import endless_loop

pytestmark = pytest.mark.e2e  # runs nbgrader, a kernel or a training


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, class_graded):
    """The class graded by the pipeline on a two-worker Dask cluster that sees it (what it printed), and the same
    class graded by the local workers (its gradebook rows: the shared build of tests/class_course.py)."""
    folder = tmp_path_factory.mktemp("dask")
    course = class_course(str(folder / "course"))
    local = gradebook_rows("sqlite:///" + os.path.join(class_graded, "gradebook.db"))
    with dask_cluster(course, str(folder)) as address:
        yield course, address, local, run_pipeline(course, "--dask", address)


def test_pipeline_on_dask_grades_like_the_local_run(cluster):
    course, address, local, output = cluster
    assert "grading on the Dask cluster at %s (2 workers)" % address in output
    assert "Dask: graded on 2 worker(s)" in output, output[-2000:]
    check_class_rows(local)
    assert gradebook_rows("sqlite:///" + os.path.join(course, "gradebook.db")) == local


def structure(course):
    with open_gradebook(course) as gradebook:
        return assignment_structure(gradebook, ASSIGNMENT)


def test_dask_cuts_off_a_submission_past_its_deadline_and_grades_on(cluster):
    """The worker of an overdue submission is restarted; the cluster then grades the next submission normally."""
    course, address, _, _ = cluster
    write_submission("stuck", ASSIGNMENT, endless_loop(read_release(ASSIGNMENT, course)), root=course)
    admission = admit(os.path.join(course, "submitted", "stuck", ASSIGNMENT), "Initialization.ipynb",
                      os.path.join(course, INTAKE_FOLDER, "stuck", ASSIGNMENT), "stuck", ASSIGNMENT)
    assert admission.problem is None
    [result] = DaskPool(address, course, deadline=5, poll=0.5).run([Task("stuck", ASSIGNMENT, structure(course))])
    assert result.cut_off and not result.success and "longer than the 5 s" in result.error
    [again] = DaskPool(address, course, 600).run([Task("correct", ASSIGNMENT, structure(course))])
    assert again.success, again.error[-2000:]
    [notebook] = again.grades.notebooks.values()
    assert notebook["grades"] and all(g["auto_score"] > 0 for g in notebook["grades"].values())


def test_dask_pool_refuses_workers_without_the_course(cluster, tmp_path):
    _, address, _, _ = cluster
    with pytest.raises(SystemExit, match="not on this worker"):
        list(DaskPool(address, str(tmp_path / "elsewhere"), 600).run([Task("x", ASSIGNMENT, {})]))


def test_dask_pool_says_how_to_start_workers_that_cannot_import_the_course(cluster, tmp_path):
    course, _, _, _ = cluster
    with dask_cluster(course, str(tmp_path), workers=1, course_on_path=False) as address:
        with pytest.raises(SystemExit, match="cannot import the course's code .*PYTHONPATH=%s:" % course):
            list(DaskPool(address, course, 600).run([Task("x", ASSIGNMENT, {})]))
