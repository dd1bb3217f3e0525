"""The instructor pipeline on a throwaway copy of the course: the sample students' grade table.

This module also builds the graded course the other pipeline test modules read
(`graded_course`): a copy of the course in a temp folder (never the repository's
gradebook, submitted/ or autograded/), on which `python -m pipeline --bad-inputs`
ran once, with a bogus `python3` kernelspec first on JUPYTER_PATH. Under pytest-xdist
the copy is built once per test run, in the background as soon as the workers collect
this module, and shared by the workers.
"""
import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import time

import nbformat
import pytest

import background
from course_env import python_env
from grader.manifest import ASSIGNMENTS, ROOT
from pipeline.course import copy_course

CELL_TIMEOUT = "15"  # seconds per graded cell in the test courses (the course default is 60)
SAMPLES = ["correct", "partly_wrong", "unimplemented", "tampered_test", "deleted_test"]


def bogus_kernel_path(folder):
    """A JUPYTER_PATH entry whose `python3` kernelspec is not a Python at all (a stray spec on a user's path)."""
    spec = os.path.join(folder, "kernels", "python3")
    os.makedirs(spec, exist_ok=True)
    with open(os.path.join(spec, "kernel.json"), "w") as handle:
        json.dump({"argv": ["/bin/false", "{connection_file}"], "display_name": "Stray Python 3",
                   "language": "python"}, handle)
    return folder


def course_env(course, **extra):
    env = python_env(course)
    env.pop("NBGRADER_DB_URL", None)  # never the user's database
    env["NBGRADER_KIT_CELL_TIMEOUT"] = CELL_TIMEOUT
    env["JUPYTER_PATH"] = bogus_kernel_path(os.path.join(course, ".stray-jupyter"))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def run_pipeline(course, *args, **popen):
    """`python -m pipeline` in `course`; returns the CompletedProcess (output as text)."""
    return subprocess.run([sys.executable, "-m", "pipeline"] + list(args), cwd=course, capture_output=True,
                          text=True, env=course_env(course), timeout=1500, **popen)


def _build(course):
    copy_course(course)
    started = time.monotonic()
    result = run_pipeline(course, "--bad-inputs")
    with open(os.path.join(course, "pipeline-output.txt"), "w") as handle:
        handle.write(result.stdout + "\n--- stderr ---\n" + result.stderr)
    with open(os.path.join(course, "pipeline-seconds.txt"), "w") as handle:
        handle.write("%.1f" % (time.monotonic() - started))
    if result.returncode != 0:
        sys.exit(result.stdout[-3000:] + result.stderr[-3000:])


def source_notebooks_missing():
    return [a for a, spec in ASSIGNMENTS.items()
            if not os.path.exists(os.path.join(ROOT, "source", a, spec.notebook))]


def require_source_notebooks():
    missing = source_notebooks_missing()
    if missing:
        pytest.skip("source notebooks not written yet: %s" % ", ".join(missing))


# built once per test run (tests/background.py): `python tests/test_pipeline_table.py FOLDER/course`
BUILD = ("graded-course", [sys.executable, os.path.abspath(__file__), os.path.join("{folder}", "course")])


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    """Path of the graded course copy, built once per test run (once for all xdist workers)."""
    require_source_notebooks()
    folder, status = background.result(*BUILD, tmp_path_factory=tmp_path_factory)
    if status["returncode"] != 0:
        pytest.fail("building the shared graded course failed:\n" + status["tail"])
    return os.path.join(folder, "course")


if not source_notebooks_missing():
    background.start(*BUILD)


# ----------------------------------------------------------------------------- reading a graded course
def points_of(assignment):
    """{grade_id: points} of the source notebook's test cells."""
    nb = nbformat.read(os.path.join(ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"]) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def gradebook_dump(course):
    """{student: {assignment: {"score", "max", "parts": {grade_id: [score, max, needs_manual]}}}}, read straight
    from the course copy's SQLite gradebook (nbgrader's score rule: the manual score if any, else the auto score)."""
    db = sqlite3.connect(os.path.join(course, "gradebook.db"))
    try:
        out = {}
        for student, assignment in db.execute("select sa.student_id, a.name from submitted_assignment sa "
                                              "join assignment a on a.id = sa.assignment_id"):
            out.setdefault(student, {})[assignment] = {"score": 0.0, "max": 0.0, "parts": {}}
        rows = db.execute(
            "select sa.student_id, a.name, bc.name, g.auto_score, g.manual_score, g.needs_manual_grade, gc.max_score "
            "from grade g join submitted_notebook sn on g.notebook_id = sn.id "
            "join submitted_assignment sa on sn.assignment_id = sa.id join assignment a on sa.assignment_id = a.id "
            "join base_cell bc on g.cell_id = bc.id join grade_cells gc on gc.id = bc.id")
        for student, assignment, grade_id, auto, manual, needs_manual, maximum in rows:
            entry = out[student][assignment]
            score = manual if manual is not None else (auto or 0.0)
            entry["parts"][grade_id] = [score, maximum, bool(needs_manual)]
            entry["score"] += score
            entry["max"] += maximum
        return out
    finally:
        db.close()


def parts(course, student, assignment):
    """{grade_id: (score, max)} of a submission ({} when there is none)."""
    entry = gradebook_dump(course).get(student, {}).get(assignment, {"parts": {}})
    return {k: (v[0], v[1]) for k, v in entry["parts"].items()}


def stamp(course, student, assignment):
    with open(os.path.join(course, "autograded", student, assignment, ".kit-grading.json")) as handle:
        return json.load(handle)


def pipeline_output(course):
    with open(os.path.join(course, "pipeline-output.txt")) as handle:
        return handle.read()


def expected_sample_scores():
    """What each sample student must score, from the source notebooks' points."""
    p = {a: points_of(a) for a in ASSIGNMENTS}
    full = {a: sum(p[a].values()) for a in ASSIGNMENTS}
    lose = lambda a, *functions: full[a] - sum(p[a]["test_" + f] for f in functions)  # noqa: E731
    return {
        "correct": dict(full),
        "partly_wrong": {"initialization": lose("initialization", "initialize_parameters_he"),
                         "regularization": lose("regularization", "compute_cost_with_regularization"),
                         "gradient_checking": lose("gradient_checking", "gradient_check")},
        "unimplemented": {a: lose(a, *ASSIGNMENTS[a].samples.unimplemented) for a in ASSIGNMENTS},
        "tampered_test": {"initialization": lose("initialization", "initialize_parameters_he"),
                          "regularization": lose("regularization", "compute_cost_with_regularization"),
                          "gradient_checking": lose("gradient_checking", "gradient_check")},
        "deleted_test": {"initialization": full["initialization"],
                         "regularization": lose("regularization", "forward_propagation_with_dropout"),
                         "gradient_checking": full["gradient_checking"]},
    }


# ----------------------------------------------------------------------------- tests
def test_sample_students_score_as_designed(graded_course):
    dump = gradebook_dump(graded_course)
    for student, scores in expected_sample_scores().items():
        for assignment, expected in scores.items():
            got = dump[student][assignment]
            assert got["score"] == pytest.approx(expected), (student, assignment, got["parts"])
            assert not any(needs for _, _, needs in got["parts"].values()), (student, assignment)


def test_pipeline_prints_progress_and_the_grade_table(graded_course):
    output = pipeline_output(graded_course)
    assert re.search(r"\[\d+/\d+\] correct / initialization: 10?[\d.]* / [\d.]+ \(", output), output[:3000]
    table = output[output.index("student "):].split("\n\n")[0]
    header = table.splitlines()[0].split()
    assert header == ["student"] + list(ASSIGNMENTS) + ["total"]
    expected = expected_sample_scores()
    maxima = expected["correct"]
    rows = {line.split()[0]: line for line in table.splitlines()[2:] if line.strip()}
    for student in SAMPLES:
        fmt = lambda v: ("%.2f" % v).rstrip("0").rstrip(".")  # noqa: E731
        for assignment in ASSIGNMENTS:
            assert "%s / %s" % (fmt(expected[student][assignment]), fmt(maxima[assignment])) in rows[student]
        total = sum(expected[student].values())
        assert rows[student].rstrip().endswith("%s / %s" % (fmt(total), fmt(sum(maxima.values()))))


def test_grades_csv_is_nbgraders_export_of_the_gradebook(graded_course):
    dump = gradebook_dump(graded_course)
    with open(os.path.join(graded_course, "grades.csv")) as handle:
        rows = list(csv.DictReader(handle))
    exported = {(r["student_id"], r["assignment"]): float(r["score"]) for r in rows}
    in_gradebook = {(s, a): v["score"] for s, d in dump.items() for a, v in d.items()}
    assert {pair: exported[pair] for pair in in_gradebook} == pytest.approx(in_gradebook)
    assert all(score == 0 for pair, score in exported.items() if pair not in in_gradebook)  # not submitted
    assert exported[("correct", "initialization")] > 0


def test_feedback_for_every_submission(graded_course):
    for student in SAMPLES:
        for assignment, spec in ASSIGNMENTS.items():
            name = os.path.splitext(spec.notebook)[0] + ".html"
            assert os.path.exists(os.path.join(graded_course, "feedback", student, assignment, name))


def test_grading_used_the_copy_not_the_repository(graded_course):
    """The tests grade a copy: its own gradebook next to its own nbgrader_config.py."""
    assert os.path.abspath(graded_course) != ROOT
    assert os.path.exists(os.path.join(graded_course, "gradebook.db"))
    assert os.path.isdir(os.path.join(graded_course, "autograded", "correct", "initialization"))


if __name__ == "__main__":  # the shared build (see BUILD)
    _build(sys.argv[1])
