"""Re-running the pipeline is safe: same scores, nothing stale, nothing lost or duplicated.

Works on its own small graded copy of the course (three students: `correct`, and the
`kernel_crash` and `noisy_stderr` bad inputs), built here rather than copied from the
shared one so that it grades in parallel with it; it can change submissions and kill
runs without disturbing the modules that only read the shared copy. Tests run in file
order and build on each other's state (the course copy is per module).
"""
import os
import signal
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest

from graded_course import course_env, gradebook_dump, points_of, run_pipeline, stamp
from grader.manifest import ASSIGNMENTS
from released_course import released_copy

pytestmark = pytest.mark.e2e  # grades its own course copy with nbgrader


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    own = released_copy(os.path.join(str(tmp_path_factory.mktemp("reruns")), "course"))   # its release generated
    code = ("from samples.students import build_samples, build_bad_inputs\n"
            "build_samples(students=['correct'])\nbuild_bad_inputs(students=['kernel_crash', 'noisy_stderr'])\n")
    written = subprocess.run([sys.executable, "-c", code], cwd=own, capture_output=True, text=True,
                             env=course_env(own))
    assert written.returncode == 0, written.stderr[-2000:]
    result = run_pipeline(own, "--no-samples")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "autograde: 5 submission(s) to grade" in result.stdout
    return own


def submissions_module(course):
    """The course copy's samples.notebook_edits, run in a subprocess (writes into the copy's submitted/)."""
    def write(student, assignment, builder_code):
        code = ("from samples.notebook_edits import *\n"
                "nb = read_release(%r)\n%s\nwrite_submission(%r, %r, nb, timestamp=%r)\n"
                % (assignment, builder_code, student, assignment, "2026-02-01 10:00:00.000000 UTC"))
        result = subprocess.run([sys.executable, "-c", code], cwd=course, capture_output=True, text=True,
                                env=course_env(course))
        assert result.returncode == 0, result.stderr[-2000:]
    return write


def mtimes(course):
    found = {}
    for base, _, files in os.walk(os.path.join(course, "autograded")):
        for name in files:
            if name.endswith(".ipynb") or name == ".kit-grading.json":
                path = os.path.join(base, name)
                found[os.path.relpath(path, course)] = os.path.getmtime(path)
    return found


def scores(course):
    return {(s, a): v["score"] for s, d in gradebook_dump(course).items() for a, v in d.items()}


def test_rerun_with_nothing_changed_grades_nothing(course):
    before_scores, before_files = scores(course), mtimes(course)
    started = time.monotonic()
    result = run_pipeline(course, "--no-samples")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "autograde: 0 submission(s) to grade" in result.stdout
    assert "feedback: up to date" in result.stdout and "grades.csv up to date" in result.stdout
    assert scores(course) == before_scores and mtimes(course) == before_files
    assert time.monotonic() - started < 60  # no nbgrader call at all (generous bound for a loaded CI machine)


def test_regrading_the_same_submissions_gives_the_same_scores(course):
    before = gradebook_dump(course)
    result = run_pipeline(course, "--no-samples", "--force", "--student", "kernel_crash", "--student", "noisy_stderr")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "autograde: 2 submission(s) to grade" in result.stdout
    after = gradebook_dump(course)
    assert after == before


def test_a_new_student_changes_nobody_else(course):
    """Grading `newcomer` (with a stray python3 kernelspec on JUPYTER_PATH) leaves every other grade and file alone."""
    before_scores, before_files = scores(course), mtimes(course)
    write = submissions_module(course)
    write("newcomer", "initialization", "fill_all(nb, 'initialization')\napply_catalog_entry(nb, 'he_xavier')")
    result = run_pipeline(course, "--no-samples")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "autograde: 1 submission(s) to grade" in result.stdout
    after = scores(course)
    points = points_of("initialization")
    assert after.pop(("newcomer", "initialization")) == sum(points.values()) - points["test_initialize_parameters_he"]
    assert after == before_scores
    changed = {k for k, v in mtimes(course).items() if before_files.get(k) != v}
    assert changed and all(k.startswith(os.path.join("autograded", "newcomer")) for k in changed)


def test_a_failed_regrade_never_reports_the_old_grade(course):
    """nbgrader keeps the previous grade when a forced re-autograde fails; the pipeline removes it first.

    `correct` re-submits Initialization with a notebook whose kernel dies in more cells than the grader
    restarts for: nbgrader gives up on it. The table, gradebook and CSV must say 0 (with the reason), not 6.
    """
    full = sum(points_of("initialization").values())
    assert scores(course)[("correct", "initialization")] == full
    write = submissions_module(course)
    crash = "import os\nos._exit(1)"
    write("correct", "initialization", "fill_all(nb, 'initialization')\n" + "\n".join(
        "prepend_to_cell(nb, %r, %r)\ninsert_code_cell(nb, %r, %r)" % (f, crash, "test_" + f, crash)
        for f in ("initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he")))
    result = run_pipeline(course, "--no-samples")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "correct / initialization: ZERO, nbgrader could not grade it" in result.stdout
    assert scores(course)[("correct", "initialization")] == 0
    info = stamp(course, "correct", "initialization")
    assert info["status"] == "failed" and "giving up" in info["reason"], info
    with open(os.path.join(course, "grades.csv")) as handle:
        row = next(line for line in handle if line.startswith("initialization,") and ",correct," in line)
    assert row.rstrip().split(",")[-2] == "0.0"


def _counts(course):
    db = sqlite3.connect(os.path.join(course, "gradebook.db"))
    try:
        submissions = db.execute("select s.student_id, a.name, count(*) from submitted_assignment s "
                                 "join assignment a on a.id = s.assignment_id group by s.student_id, a.name").fetchall()
        grades = db.execute("select count(*) from grade").fetchone()[0]
    finally:
        db.close()
    return {(s, a): n for s, a, n in submissions}, grades


def test_an_interrupted_run_loses_nothing_and_duplicates_nothing(course):
    write = submissions_module(course)
    late = ["late_%d" % i for i in range(3)]
    for student in late:
        write(student, "gradient_checking", "fill_all(nb, 'gradient_checking')")
    before = scores(course)
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "--no-samples", "--jobs", "1"], cwd=course,
                               env=course_env(course), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    seen = ""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:  # kill the whole run (pipeline and nbgrader) as the 2nd one starts
        chunk = os.read(process.stdout.fileno(), 4096).decode(errors="replace")
        seen += chunk
        if "[1/3]" in seen or not chunk:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    process.stdout.close()
    assert "[1/3] late_0" in seen and "[2/3]" not in seen, seen
    graded_before_kill = [s for s in late if os.path.exists(
        os.path.join(course, "autograded", s, "gradient_checking", ".kit-grading.json"))]
    assert graded_before_kill == late[:1]
    result = run_pipeline(course, "--no-samples")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "autograde: 2 submission(s) to grade, " in result.stdout  # the first one was kept
    after = scores(course)
    full = sum(points_of("gradient_checking").values())
    for student in late:
        assert after.pop((student, "gradient_checking")) == full
    assert after == before
    submissions, grades = _counts(course)
    assert all(n == 1 for n in submissions.values())
    per_assignment = {a: len(points_of(a)) for a in ASSIGNMENTS}
    assert grades == sum(per_assignment[a] for _, a in submissions)
    nb = nbformat.read(os.path.join(course, "autograded", late[1], "gradient_checking", "Gradient_Checking.ipynb"),
                       as_version=4)
    assert nb.cells
