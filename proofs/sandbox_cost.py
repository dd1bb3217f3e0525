"""What the sandbox costs per notebook: the same submissions graded with and without it, in one run.

    python -m proofs.sandbox_cost [--notebooks N]

In a throwaway course copy, N correct submissions of each assignment are graded by one
grading process (pipeline/workers.py's ScratchGrader: nbgrader's autograde into a scratch
gradebook, then the feedback page) four ways: a Jupyter kernel per notebook or the fork
server, each inside bubblewrap and without it (settings.unsafe_no_sandbox). It prints wall and
CPU seconds per notebook (descendants included) and checks that the four ways score alike.
"""
import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

from grader import settings as kit_settings
from grader.manifest import ASSIGNMENTS, ROOT
from proofs.class_benchmark import become_subreaper, cpu_seconds, reap_orphans

WAYS = [("kernel", True), ("kernel", False), ("fork", True), ("fork", False)]


def _grade_all(course, tasks, executor, sandboxed):
    """(wall, cpu, {student/assignment: score}) of grading `tasks` in a fresh process, one way."""
    code = ("import json, sys, time\n"
            "from pipeline.workers import ScratchGrader, Task\n"
            "tasks = [Task(**t) for t in json.load(sys.stdin)]\n"
            "grader = ScratchGrader(%r, executor=%r)\n"
            "grader.grade(tasks[0])  # warm-up: imports, the fork server's start\n"
            "start, scores = time.monotonic(), {}\n"
            "for task in tasks:\n"
            "    result = grader.grade(task)\n"
            "    notebook = next(iter(result.grades.notebooks.values())) if result.grades else {'grades': {}}\n"
            "    scores[task.student + '/' + task.assignment] = sum(g['auto_score'] or 0\n"
            "                                                       for g in notebook['grades'].values())\n"
            "print(json.dumps({'wall': time.monotonic() - start, 'scores': scores}))\n"
            "grader.close()\n" % (course, executor))
    import json
    env = replace(kit_settings.current(), unsafe_no_sandbox=not sandboxed, executor=executor).environment()
    env["PYTHONPATH"] = os.pathsep.join([course, os.path.join(course, "utils")])
    before = cpu_seconds()
    result = subprocess.run([sys.executable, "-c", code], input=json.dumps(tasks), cwd=course, env=env,
                            capture_output=True, text=True, timeout=3600)
    reap_orphans()
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    report = json.loads(result.stdout.strip().splitlines()[-1])
    return report["wall"], cpu_seconds() - before, report["scores"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=4, help="submissions per assignment (default 4)")
    args = parser.parse_args(argv)
    from grader.sandbox.bwrap import problem
    assert problem() is None, problem()
    from pipeline.course import Course, copy_course
    from pipeline.grade_records import assignment_structure
    from pipeline.gradebook import open_gradebook
    from pipeline.intake import admit
    from pipeline.release import generate_release
    from pipeline.workers import INTAKE_FOLDER
    from samples.notebook_edits import read_release, write_submission
    from samples.students import correct
    become_subreaper()
    workdir = tempfile.mkdtemp(prefix="kit-sandbox-cost-")
    course = copy_course(os.path.join(workdir, "course"), ROOT)
    with contextlib.redirect_stdout(io.StringIO()):
        generate_release(Course(course))
    tasks = []
    with open_gradebook(course) as gradebook:
        for assignment, spec in ASSIGNMENTS.items():
            structure = assignment_structure(gradebook, assignment)
            for index in range(args.notebooks):
                student = "student%02d" % index
                write_submission(student, assignment, correct(assignment, read_release(assignment, course)),
                                 root=course)
                admit(os.path.join(course, "submitted", student, assignment), spec.notebook,
                      os.path.join(course, INTAKE_FOLDER, student, assignment), student, assignment)
                tasks.append({"student": student, "assignment": assignment, "structure": structure})
    print("sandbox cost: %d notebooks graded four ways by one grading process each (after one warm-up notebook)"
          % len(tasks))
    rows, scores = [], {}
    for executor, sandboxed in WAYS:
        wall, cpu, scores[(executor, sandboxed)] = _grade_all(course, tasks, executor, sandboxed)
        rows.append((executor, sandboxed, wall / len(tasks), cpu / (len(tasks) + 1)))
        print("  %-6s %-16s wall %6.2f s/notebook   CPU %6.2f s/notebook (all processes, warm-up included)"
              % (executor, "in the sandbox" if sandboxed else "without sandbox", rows[-1][2], rows[-1][3]),
              flush=True)
    for executor in ("kernel", "fork"):
        inside = next(r for r in rows if r[0] == executor and r[1])
        outside = next(r for r in rows if r[0] == executor and not r[1])
        print("  %s: the sandbox costs %+.2f s of wall time and %+.2f s of CPU per notebook"
              % (executor, inside[2] - outside[2], inside[3] - outside[3]))
    same = len({tuple(sorted(s.items())) for s in scores.values()}) == 1
    print("  scores: %s" % ("identical all four ways" if same else "DIFFER: %r" % scores))
    return 0 if same else 1


if __name__ == "__main__":
    started = time.monotonic()
    code = main()
    print("done in %.0f s" % (time.monotonic() - started))
    sys.exit(code)
