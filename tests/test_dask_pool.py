"""Grading on a real Dask cluster (`dask scheduler` and two `dask worker` processes on 127.0.0.1)."""
import pytest

from class_course import ASSIGNMENT, grade_through, initialization_class
from dask_cluster import dask_cluster
from pipeline.dask_pool import DaskPool
from pipeline.grade_records import assignment_structure
from pipeline.gradebook import open_gradebook
from pipeline.intake import admit
from pipeline.workers import INTAKE_FOLDER, Task, WorkerPool
from samples.students import endless_loop
from samples.notebook_edits import read_release, write_submission


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A course with a small Initialization class, and a two-worker Dask cluster that sees it."""
    folder = tmp_path_factory.mktemp("dask")
    course = initialization_class(str(folder / "course"))
    with dask_cluster(course.root, str(folder)) as address:
        yield course, address


def test_dask_grades_equal_the_local_pool(cluster):
    course, address = cluster
    local = grade_through(WorkerPool(course.root, 2, 600), course)
    pool = DaskPool(address, course.root, 600)
    on_dask = grade_through(pool, course)
    assert on_dask == local
    assert len(pool.graded_on) == 2 and sum(pool.graded_on.values()) == len(local), pool.graded_on
    full = {part: (top, top) for part, (_, top) in local["correct"].items()}
    assert local["correct"] == full
    assert local["partly_wrong"] != full and local["release"] != full


def test_dask_cuts_off_a_submission_past_its_deadline_and_grades_on(cluster):
    """The worker of an overdue submission is restarted; the cluster then grades the next class normally."""
    course, address = cluster
    write_submission("stuck", ASSIGNMENT, endless_loop(read_release(ASSIGNMENT, course.root)), root=course.root)
    admission = admit(course.submitted("stuck", ASSIGNMENT), course.notebook(ASSIGNMENT),
                      "%s/%s/stuck/%s" % (course.root, INTAKE_FOLDER, ASSIGNMENT), "stuck", ASSIGNMENT)
    assert admission.problem is None
    with open_gradebook(course.root) as gradebook:
        structure = assignment_structure(gradebook, ASSIGNMENT)
    [result] = DaskPool(address, course.root, deadline=5, poll=0.5).run([Task("stuck", ASSIGNMENT, structure)])
    assert result.cut_off and not result.success and "longer than the 5 s" in result.error
    again = grade_through(DaskPool(address, course.root, 600), course, students=["correct"])
    assert all(score == top for score, top in again["correct"].values())


def test_dask_pool_refuses_workers_without_the_course(cluster, tmp_path):
    _, address = cluster
    with pytest.raises(SystemExit, match="not on this worker"):
        list(DaskPool(address, str(tmp_path / "elsewhere"), 600).run([Task("x", ASSIGNMENT, {})]))
