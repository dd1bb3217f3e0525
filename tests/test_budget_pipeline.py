"""The classmates' promise under the notebook budget: one pipeline run, one worker, hostile notebooks graded first.

A notebook that tries for 6 GB over four processes and one whose cells sleep (one of them
ignoring interrupts) are graded before two honest classmates on the same worker (--jobs 1).
Each hostile notebook is stopped at its budget, scored on what ran before, never graded
again; the classmates get their usual grades; the whole run (inside a memory cgroup of the
test's own) peaks under 3 GB. As root (cgroup guard) and as an ordinary user (watchdog).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from attacks.hostile_students import ASSIGNMENT, FUNCTIONS, NOTEBOOK, VICTIM
from budget_attacks import memory_hog
from grader.sandbox import budget, bwrap, cgroup_enter
from grader.sandbox.budget_cgroups import CgroupV1, kind
from graded_course import course_env
from released_course import released_copy

pytestmark = pytest.mark.e2e   # grades a class with nbgrader
MB = 1024 * 1024
HOG = memory_hog(4, "1536 << 20")   # tests/budget_attacks.py
SLEEP = "import time\ntime.sleep(300)\n"
DEAF = "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(300)\n"
WALL = 30   # seconds on the clock a notebook may take: the sleeper's wait; 5 times what an honest one needs here
BUDGET = {"KIT_SANDBOX_MEMORY_MB": "512", "KIT_SANDBOX_WALL_SECONDS": str(WALL)}


def hostile(root, payloads):
    """The release notebook with payloads[i] at the top of the answer cell of FUNCTIONS[i]."""
    from samples.notebook_edits import read_release
    nb = read_release(ASSIGNMENT, root)
    for function, payload in zip(FUNCTIONS, payloads):
        cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
                    and "def %s" % function in c.source)
        cell.source = payload + "\n" + cell.source
    return nb


@pytest.fixture(scope="module", params=["root", "user"])
def graded(request, tmp_path_factory):
    if os.geteuid() != 0 or not kind():
        pytest.skip("the run's peak is measured with a cgroup: root only")
    assert bwrap.problem() is None, bwrap.problem()
    if request.param == "user":   # pytest's own temp folder is root's alone: the user's course lives beside it
        base = tempfile.mkdtemp(prefix="kit-budget-user-")
        os.chmod(base, 0o755)
        request.addfinalizer(lambda: shutil.rmtree(base, ignore_errors=True))
        course = os.path.join(base, "course")
    else:
        course = str(tmp_path_factory.mktemp("budget-class") / "course")
    released_copy(course)
    env = course_env(course, **BUDGET)
    from samples.notebook_edits import read_release, write_submission
    from samples.students import correct
    write_submission("a_memory_hog", ASSIGNMENT, hostile(course, [HOG]), root=course)
    write_submission("b_sleeper", ASSIGNMENT, hostile(course, [SLEEP, DEAF, SLEEP]), root=course)
    write_submission(VICTIM, ASSIGNMENT, correct(ASSIGNMENT, read_release(ASSIGNMENT, course)), root=course)
    write_submission("honest_release", ASSIGNMENT, read_release(ASSIGNMENT, course), root=course)
    command = [sys.executable, "-m", "pipeline", "--no-samples", "--jobs", "1"]
    if request.param == "user":
        user = request.getfixturevalue("ordinary_user")
        user.own(os.path.dirname(course))
        command = user.command(command)
    cgroup = CgroupV1()
    try:
        enter = [sys.executable, "-I", "-S", cgroup_enter.__file__, json.dumps({"procs": cgroup.procs_files()[:1]})]
        result = subprocess.run(enter + command, cwd=course, env=env, capture_output=True, text=True, timeout=1500)
        peak = cgroup.peak_bytes()
    finally:
        cgroup.remove()
    from graded_course import gradebook_dump
    with open(os.path.join(course, "budget-pipeline-output.txt"), "w") as handle:
        handle.write("peak of the whole run: %.0f MB\n%s\n--- stderr ---\n%s"
                     % (peak / MB, result.stdout, result.stderr))
    return {"course": course, "result": result, "peak": peak, "dump": gradebook_dump(course), "who": request.param}


def autograded(graded, student):
    with open(os.path.join(graded["course"], "autograded", student, ASSIGNMENT, NOTEBOOK)) as handle:
        return handle.read()


def test_the_run_completes_and_classmates_keep_their_grades(graded):
    result, dump = graded["result"], graded["dump"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert dump[VICTIM][ASSIGNMENT]["score"] == dump[VICTIM][ASSIGNMENT]["max"] > 0, dump[VICTIM]
    release = dump["honest_release"][ASSIGNMENT]["score"]
    assert release is not None and release < dump[VICTIM][ASSIGNMENT]["max"]
    for attacker in ("a_memory_hog", "b_sleeper"):
        assert dump[attacker][ASSIGNMENT]["score"] is not None and dump[attacker][ASSIGNMENT]["score"] <= release


def test_hostile_notebooks_are_stopped_at_their_budget_and_graded_once(graded):
    output = graded["result"].stdout
    assert "grading it once more" not in output, output[-3000:]
    assert "ZERO" not in output, output[-3000:]   # scored on what ran, not recorded as failures
    hog, sleeper = autograded(graded, "a_memory_hog"), autograded(graded, "b_sleeper")
    assert budget.BUDGET_ERROR in hog and "memory budget (512 MB" in hog
    assert budget.BUDGET_ERROR in sleeper and "%d seconds on the clock" % WALL in sleeper
    assert budget.BUDGET_ERROR not in autograded(graded, VICTIM)


def test_the_whole_run_peaks_under_3_gb(graded):
    """6 GB tried by one notebook: the pipeline, nbgrader, the worker, the sandbox and the notebook together."""
    assert graded["peak"] < 3 * 1024 * MB, (graded["who"], graded["peak"] / MB)
