"""The trust boundary: hostile submissions graded with honest classmates in one sandboxed pipeline run.

Every attacker of tests/attacks/hostile_students.py (one or more per attack class:
instructor files, gradebook writes, poisoned helpers, surviving processes, other
students' work, forged output, signals, resource exhaustion, malformed files) is graded
in the same run as two honest classmates. Each test checks the three promises:
the classmates' scores and files are untouched, the attacker scores no more than the
unmodified release notebook, and the course files hash the same before and after.
"""
import csv
import hashlib
import os
import subprocess
import sys
import time

import pytest

from attacks.hostile_students import ASSIGNMENT, MALFORMED, PAYLOADS, SURVIVOR, VICTIM, write_class
from grader.sandbox import bwrap
from released_course import released_copy
from graded_course import course_env, gradebook_dump

pytestmark = pytest.mark.e2e  # runs nbgrader, a kernel or a training

EXCLUDED = {"submitted", "autograded", "feedback", ".kit-intake", ".kit-cache", ".jupyter-kernel", ".stray-jupyter",
            "__pycache__", ".home", "pipeline-output.txt", "grades.csv", "gradebook.db", "gradebook.db-journal",
            "reports", ".kit-report-salt"}


def course_files_digest(course):
    """{path: sha256} of every course file (code, notebooks, data, release) a grading run must not change."""
    digests = {}
    for base, dirs, files in os.walk(course):
        dirs[:] = [d for d in dirs if d not in EXCLUDED]
        for name in files:
            if name in EXCLUDED or (base == course and name.startswith(("pipeline-", "attack-"))):
                continue
            path = os.path.join(base, name)
            with open(path, "rb") as handle:
                digests[os.path.relpath(path, course)] = hashlib.sha256(handle.read()).hexdigest()
    return digests


def folder_digest(folder):
    digests = {}
    for base, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(base, name)
            if not os.path.islink(path):
                with open(path, "rb") as handle:
                    digests[os.path.relpath(path, folder)] = hashlib.sha256(handle.read()).hexdigest()
    return digests


def structure_rows(course):
    """The assignment's recorded cells (sources and checksums) in the gradebook: what autograde trusts."""
    import sqlite3
    db = sqlite3.connect(os.path.join(course, "gradebook.db"))
    try:
        return sorted(db.execute("select name, source, checksum, locked from source_cell"))
    finally:
        db.close()


def surviving_attackers():
    """Processes still running under the name the surviving-process attacker gives its grandchild."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/cmdline" % name, "rb") as handle:
                    if SURVIVOR.encode() in handle.read():
                        found.append(int(name))
            except OSError:
                pass
    return found


def solution_lines(course):
    """Lines of the source notebook's solutions that the release does not contain (what must never leak)."""
    import nbformat
    source = nbformat.read(os.path.join(course, "source", ASSIGNMENT, "Initialization.ipynb"), as_version=4)
    release = nbformat.read(os.path.join(course, "release", ASSIGNMENT, "Initialization.ipynb"), as_version=4)
    released = "\n".join(c.source for c in release.cells)
    lines = set()
    for cell in source.cells:
        inside = False
        for line in cell.source.splitlines():
            if "### BEGIN SOLUTION" in line or "### BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "### END SOLUTION" in line or "### END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 12 and line.strip() not in released:
                lines.add(line.strip())
    assert lines
    return lines


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    """A course copy, its release generated, then the class with every attacker graded in one pipeline run."""
    problem = bwrap.problem()
    assert problem is None, "the attack tests need the sandbox, which cannot start here: " + problem
    course = str(tmp_path_factory.mktemp("attacked") / "course")
    released_copy(course)   # its release generated (authoring.make_release's step, tests/released_course.py)
    env = course_env(course)
    students = write_class(course)
    before = {"course": course_files_digest(course), "structure": structure_rows(course),
              "victim": folder_digest(os.path.join(course, "submitted", VICTIM))}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pipeline", "--no-samples"], cwd=course, env=env,
                            capture_output=True, text=True, timeout=1800)
    seconds = time.monotonic() - started
    with open(os.path.join(course, "attack-pipeline-output.txt"), "w") as handle:
        handle.write(result.stdout + "\n--- stderr ---\n" + result.stderr)
    time.sleep(6)  # longer than the surviving-process payload waits before it strikes
    return {"course": course, "result": result, "students": students, "before": before, "seconds": seconds,
            "dump": gradebook_dump(course), "after_wait": folder_digest(os.path.join(course, "submitted", VICTIM))}


def score(attacked, student):
    return attacked["dump"].get(student, {}).get(ASSIGNMENT, {}).get("score")


def assert_three_promises(attacked, attacker):
    """Classmates untouched, attacker no better than the release, course files unchanged."""
    dump = attacked["dump"]
    assert attacked["result"].returncode == 0, attacked["result"].stdout[-3000:] + attacked["result"].stderr[-3000:]
    full = dump[VICTIM][ASSIGNMENT]["max"]
    assert dump[VICTIM][ASSIGNMENT]["score"] == full > 0, dump[VICTIM]
    assert not any(p[2] for p in dump[VICTIM][ASSIGNMENT]["parts"].values())
    baseline = score(attacked, "honest_release")
    assert baseline is not None and baseline < full
    assert score(attacked, attacker) is not None, "%s has no grade" % attacker
    assert score(attacked, attacker) <= baseline, (attacker, dump[attacker])
    assert folder_digest(os.path.join(attacked["course"], "submitted", VICTIM)) == attacked["before"]["victim"]
    assert attacked["after_wait"] == attacked["before"]["victim"]
    assert course_files_digest(attacked["course"]) == attacked["before"]["course"]
    assert structure_rows(attacked["course"]) == attacked["before"]["structure"]


@pytest.mark.parametrize("attacker", sorted(PAYLOADS))
def test_hostile_code_gains_nothing_and_harms_no_one(attacked, attacker):
    assert_three_promises(attacked, attacker)


@pytest.mark.parametrize("attacker", MALFORMED)
def test_malformed_submission_is_graded_or_zeroed_and_harms_no_one(attacked, attacker):
    assert_three_promises(attacked, attacker)


def test_every_submitted_pair_is_in_grades_csv(attacked):
    with open(os.path.join(attacked["course"], "grades.csv")) as handle:
        exported = {(r["student_id"], r["assignment"]) for r in csv.DictReader(handle)}
    assert {(s, ASSIGNMENT) for s in attacked["students"]} <= exported


def test_grades_csv_was_not_rewritten_after_the_export(attacked):
    with open(os.path.join(attacked["course"], "grades.csv")) as handle:
        text = handle.read()
    assert "overwritten" not in text and text.startswith("assignment,")


def test_no_student_process_outlives_the_run(attacked):
    assert surviving_attackers() == []


def test_copied_solutions_are_not_reachable(attacked):
    output = open(os.path.join(attacked["course"], "autograded", "copy_solutions", ASSIGNMENT,
                               "Initialization.ipynb")).read()
    assert "reference not reachable" in output and "ModuleNotFoundError" in output
    assert score(attacked, "copy_solutions") == 0


def test_instructor_files_never_reach_feedback(attacked):
    page = open(os.path.join(attacked["course"], "feedback", "read_instructor_files", ASSIGNMENT,
                             "Initialization.html")).read()
    import html
    text = html.unescape(page)
    for secret in ["BEGIN HIDDEN TESTS", "BEGIN SOLUTION", VICTIM, "SQLite format"] + sorted(
            solution_lines(attacked["course"])):
        assert secret not in text, secret
    assert "cannot read" in page  # the attempt ran, and failed inside the sandbox


def test_forged_log_lines_change_nothing(attacked):
    output = open(os.path.join(attacked["course"], "attack-pipeline-output.txt")).read()
    assert "%s / %s: 10 / 10" % (VICTIM, ASSIGNMENT) in output
    assert "There was an error processing assignment: %s" % attacked["course"] not in output


def test_resource_exhaustion_is_contained(attacked):
    dump = attacked["dump"]
    for attacker in ("exhaust_processes", "exhaust_memory", "exhaust_output", "exhaust_disk"):
        assert attacker in dump
    notebook = os.path.join(attacked["course"], "autograded", "exhaust_output", ASSIGNMENT, "Initialization.ipynb")
    assert os.path.getsize(notebook) < 20 * 1024 * 1024  # 300 MB printed, a bounded amount kept


def test_malformed_files_get_a_reason(attacked):
    output = open(os.path.join(attacked["course"], "attack-pipeline-output.txt")).read()
    for attacker, words in [("deep_json", "nests more than"), ("notebook_is_dir", "is a folder"),
                            ("notebook_is_fifo", "not a regular file"), ("notebook_symlink_to_source", "is a link")]:
        line = next(l for l in output.splitlines() if l.strip().startswith("%s / %s: ZERO" % (attacker, ASSIGNMENT)))
        assert words in line, line
        page = open(os.path.join(attacked["course"], "feedback", attacker, ASSIGNMENT, "Initialization.html")).read()
        assert words in page
    assert "timestamp.txt could not be read as a date" in output


def test_links_in_a_submission_are_never_followed(attacked):
    for student in ("symlink_to_gradebook", "symlink_loops"):
        for folder in ("autograded", "feedback", ".kit-intake"):
            path = os.path.join(attacked["course"], folder, student, ASSIGNMENT)
            if os.path.isdir(path):
                names = set(os.listdir(path))
                assert not names & {"gradebook.db", "solutions.ipynb", "ref.py", "a", "b"}, (folder, names)


def test_plain_nbgrader_autograde_runs_kernels_in_the_sandbox_too(attacked):
    """`nbgrader autograde` with the course configuration (no pipeline) on the solution-copying attacker:
    its kernel cannot reach the reference solutions either, and nothing of the course changes."""
    course = attacked["course"]
    result = subprocess.run(["nbgrader", "autograde", ASSIGNMENT, "--student", "copy_solutions", "--force"],
                            cwd=course, env=course_env(course), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    notebook = open(os.path.join(course, "autograded", "copy_solutions", ASSIGNMENT, "Initialization.ipynb")).read()
    assert "reference not reachable" in notebook
    assert gradebook_dump(course)["copy_solutions"][ASSIGNMENT]["score"] == 0
    assert course_files_digest(course) == attacked["before"]["course"]
