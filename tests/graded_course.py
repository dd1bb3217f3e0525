"""The graded course the pipeline tests read, and what they read it with.

`build(course)` copies the course, its release generated (tests/released_course.py), to a temp folder (never the repository's gradebook,
submitted/ or autograded/), writes the sample and bad-input students there
(`python -m samples --bad-inputs`) and runs `python -m pipeline` once, with a
bogus `python3` kernelspec first on JUPYTER_PATH. tests/conftest.py runs it once per test
run (the `graded_course` fixture); `python tests/graded_course.py FOLDER` is that build.
"""
import json
import os
import sqlite3
import subprocess
import sys
import time

import nbformat

from course_env import python_env
from grader.manifest import ASSIGNMENTS, ROOT
from released_course import released_copy

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


def build(course):
    released_copy(course)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "samples", "--bad-inputs"], cwd=course, capture_output=True,
                            text=True, env=course_env(course), timeout=1500)
    if result.returncode == 0:
        written = result.stdout
        result = run_pipeline(course)
        result.stdout = written + result.stdout
    with open(os.path.join(course, "pipeline-output.txt"), "w") as handle:
        handle.write(result.stdout + "\n--- stderr ---\n" + result.stderr)
    with open(os.path.join(course, "pipeline-seconds.txt"), "w") as handle:
        handle.write("%.1f" % (time.monotonic() - started))
    if result.returncode != 0:
        sys.exit(result.stdout[-3000:] + result.stderr[-3000:])


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


if __name__ == "__main__":  # the shared build (tests/conftest.py)
    build(sys.argv[1])
