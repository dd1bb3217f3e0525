"""The class benchmark: N full submissions graded end to end by the pipeline, against stock nbgrader and the reference path.

    python -m proofs.benchmark --class N [--sample S] [--jobs J] [--executor fork|kernel] [--dask ADDR] [--keep]

(--jobs, --executor, --dask: grader/settings.py, as for python -m pipeline.)

In a throwaway course copy: release, write the class (proofs/class_corpus.py), then time
`pipeline.run.run` (intake, grading in worker processes, the one gradebook writer, feedback,
export, table) with a progress bar. For S of the same submissions, in copies of the released
course: stock nbgrader (settings.stock: every cell runs) in one `nbgrader autograde`,
and the reference path (plain `nbgrader autograde` with the course configuration and a Jupyter
kernel per notebook, one submission at a time); their per-part scores must equal ours (exit
status 1 when not). Every gradebook here is a throwaway copy's SQLite, whatever NBGRADER_DB_URL says.
"""
import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

from grader import settings as kit_settings
from grader.manifest import ASSIGNMENTS, ROOT
from proofs.class_corpus import describe, sample_indices, student_name, write_class
from proofs.class_extras import report_dask, report_late
from proofs.class_phases import cpu_lines, wall_lines
from proofs.class_measures import MemoryPeak, RunCpu, become_subreaper, cpu_seconds, reap_orphans

class TimingPool:
    """Wraps a pool's run(tasks): a progress bar, every WorkerResult kept, and the caller's (writer's) time per result."""

    def __init__(self, inner, bar, cpu=None):
        self.inner, self.bar, self.cpu = inner, bar, cpu or RunCpu()
        self.results, self.writer_seconds, self.writer_cpu = [], 0.0, 0.0
        self.first_call = self.first_result = self.last_result = None
        self.cpu_marks = {}   # "first_call", "last_result": the run's CPU seconds (RunCpu) then

    def run(self, tasks):
        tasks = list(tasks)
        if self.first_call is None:
            self.first_call, self.cpu_marks["first_call"] = time.monotonic(), self.cpu.seconds()
        self.bar.total = (self.bar.total or 0) + len(tasks)
        self.bar.refresh()
        for result in self.inner.run(tasks):
            now, cpu = time.monotonic(), time.thread_time()
            self.first_result = self.first_result or (now, result.seconds)
            self.results.append(result)
            self.bar.update(1)
            yield result
            self.writer_seconds += time.monotonic() - now
            self.writer_cpu += time.thread_time() - cpu
        self.last_result, self.cpu_marks["last_result"] = time.monotonic(), self.cpu.seconds()


def nbgrader_autograde(course, students, settings, *args):
    """Seconds of one `nbgrader autograde "*" --force ARGS` in `course` with `settings`; stops unless every
    student got graded."""
    from pipeline.nbgrader_process import nbgrader_command, nbgrader_env
    environment = nbgrader_env(settings)
    started = time.monotonic()
    result = subprocess.run(nbgrader_command() + ["autograde", "*", "--force"] + list(args), cwd=course,
                            capture_output=True, text=True, env=environment)
    seconds = time.monotonic() - started
    missing = [s for s in students if not os.path.isdir(os.path.join(course, "autograded", s))]
    if result.returncode not in (0, 1) or missing:
        raise SystemExit("nbgrader autograde failed in %s (nothing graded for %s):\n%s"
                         % (course, ", ".join(missing), (result.stdout + result.stderr)[-3000:]))
    return seconds


def part_scores_of(course, pairs):
    """{pair: {grade_id: (score, max)}} from a course copy's SQLite gradebook (nbgrader's zero for what has none)."""
    from nbgrader.api import Gradebook, MissingEntry
    from pipeline.gradebook import course_settings
    scores = {}
    with Gradebook("sqlite:///" + os.path.join(course, "gradebook.db"), course_settings(course)[1]) as gradebook:
        for student, assignment in pairs:
            try:
                submission = gradebook.find_submission(assignment, student)
                grades = [g for nb in submission.notebooks for g in nb.grades]
                scores[(student, assignment)] = {g.name: (float(g.score), float(g.max_score)) for g in grades}
            except MissingEntry:   # nbgrader could not grade it: `nbgrader export` reports 0
                cells = [c for nb in gradebook.find_assignment(assignment).notebooks for c in nb.grade_cells]
                scores[(student, assignment)] = {c.name: (0.0, float(c.max_score)) for c in cells}
    return scores


def sample_copy(source, destination, students):
    """A copy of the released course `source` (gradebook included) with only `students`' submissions."""
    from pipeline.course import copy_course
    copy_course(destination, source)
    shutil.copy2(os.path.join(source, "gradebook.db"), destination)
    for student in students:
        shutil.copytree(os.path.join(source, "submitted", student), os.path.join(destination, "submitted", student))
    return destination


def grade_class(course, settings, log_path, run_cpu, inner=None, force=False):
    """Run the pipeline on the class with a progress bar; a dict: pool (TimingPool), started, wall, cpu (the
    run's CPU seconds, RunCpu), cpu_start, waited (CPU of the processes waited for), peak (memory bytes)."""
    from tqdm import tqdm
    from pipeline.run import run
    from pipeline.workers import WorkerPool
    if inner is None and settings.dask:
        from pipeline.dask_pool import DaskPool
        inner = DaskPool(settings.dask, course, settings=settings)
    inner = inner or WorkerPool(course, settings=settings)
    counted = become_subreaper()
    with tqdm(total=0, unit="nb", desc="grading", file=sys.stderr, mininterval=1.0, smoothing=0.1) as bar:
        pool = TimingPool(inner, bar, run_cpu)
        waited, cpu_start, started = cpu_seconds(), run_cpu.seconds(), time.monotonic()
        with MemoryPeak() as memory, open(log_path, "w") as log, contextlib.redirect_stdout(log):
            run(root=course, pool=pool, settings=settings, force=force)
        wall = time.monotonic() - started
    if counted:
        reap_orphans()
    return {"pool": pool, "started": started, "wall": wall, "cpu_start": cpu_start,
            "cpu": run_cpu.seconds() - cpu_start, "waited": cpu_seconds() - waited, "peak": memory.peak}


def report_run(graded, notebooks, run_cpu, load, dask=None):
    """Print a graded run's wall time, CPU seconds (per phase), peak memory."""
    wall, cpu = graded["wall"], graded["cpu"]
    print("  wall time   %9.1f s    %7.3f s per notebook   (load average %.1f before the run)"
          % (wall, wall / notebooks, load))
    print("  CPU time    %9.1f s    %7.3f s per notebook   (%s%s)" % (
        cpu, cpu / notebooks, run_cpu.what(), "; not the Dask workers elsewhere" if dask else ""))
    print("  peak memory %9.0f MiB  (all processes together, sampled)   largest process %.0f MiB" % (
        graded["peak"] / 2 ** 20, max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024))
    pool = graded["pool"]
    print("  the one writer: %.4f CPU s per result (course gradebook, stamp; proofs/dispatch_simulation.py)"
          % (pool.writer_cpu / max(1, len(pool.results))))
    print("phases:")
    for line in wall_lines(graded["pool"], graded["started"], wall) + cpu_lines(
            graded["pool"], graded["cpu_start"], cpu, notebooks):
        print(line)


def main(count, sample=20, keep=False, settings=None, late=5, dask_compare=False):
    """Run the class benchmark and print its report; returns 0 when the sample's scores equal the reference path's."""
    from pipeline.course import Course, copy_course
    from pipeline.release import generate_release
    # every gradebook here is a throwaway copy's SQLite
    settings = kit_settings.install(replace(settings or kit_settings.current(), db_url=""))
    jobs, dask, executor = settings.worker_count(), settings.dask, settings.executor
    workdir = tempfile.mkdtemp(prefix="kit-class-benchmark-")
    try:
        course = copy_course(os.path.join(workdir, "class"), ROOT)
        print("class benchmark: %d full submissions (%d notebooks) in %s" % (count, 3 * count, workdir), flush=True)
        mark = time.monotonic()
        with open(os.path.join(workdir, "release.log"), "w") as log, contextlib.redirect_stdout(log):
            generate_release(Course(course))
        released = time.monotonic() - mark
        picked = sample_indices(count, sample)
        mark = time.monotonic()
        made = write_class(course, count, picked)
        print("setup (not timed below): release %.1f s, %d notebooks written in %.1f s" % (
            released, len(made), time.monotonic() - mark), flush=True)
        print("corpus: " + describe(made), flush=True)
        sampled = [student_name(i) for i in picked]
        reference = sample_copy(course, os.path.join(workdir, "reference"), sampled)
        stock = sample_copy(course, os.path.join(workdir, "stock"), sampled)

        load = os.getloadavg()[0]
        run_cpu = RunCpu()
        try:
            graded = grade_class(course, settings, os.path.join(workdir, "pipeline.log"), run_cpu)
            notebooks = 3 * count
            where = ("the Dask cluster at %s" % dask if dask else "%d local worker processes" % jobs) + (
                ", %s executor" % executor)
            print()
            print("ours: python -m pipeline end to end on %s (%d cores here)" % (where, os.cpu_count() or 1))
            report_run(graded, notebooks, run_cpu, load, dask)
            if late:
                report_late(course, count, late, settings, run_cpu, workdir)
            if dask_compare and not dask:
                report_dask(course, settings, run_cpu, workdir, graded, notebooks)
        finally:
            run_cpu.close()

        print()
        print("sample: %d of the same submissions (%d notebooks): %s" % (len(sampled), 3 * len(sampled),
                                                                          ", ".join(sampled)), flush=True)
        from tqdm import tqdm
        print("  (stock nbgrader: one autograde call on the sample, every cell runs)", file=sys.stderr, flush=True)
        stock_seconds = nbgrader_autograde(stock, sampled, replace(settings, executor="kernel", stock=True))
        reference_seconds = 0.0
        for student in tqdm(sampled, desc="reference path", unit="submission", file=sys.stderr):
            reference_seconds += nbgrader_autograde(reference, [student], replace(settings, executor="kernel"),
                                                    "--student", student)
        ours = graded["wall"] / notebooks
        for label, seconds in (("stock nbgrader (every cell runs, one autograde call)", stock_seconds),
                               ("reference path (course config, one submission at a time)", reference_seconds)):
            per = seconds / (3 * len(sampled))
            print("  %-58s %8.1f s   %7.3f s per notebook   %6.1fx ours" % (label, seconds, per, per / ours))
        pairs = [(s, a) for s in sampled for a in ASSIGNMENTS]
        expected, got = part_scores_of(reference, pairs), part_scores_of(course, pairs)
        differing = [pair for pair in pairs if expected[pair] != got[pair]]
        parts = sum(len(v) for v in expected.values())
        if differing:
            print("scores on the sample: DIFFER from the reference path's on %d of %d notebooks:" % (
                len(differing), len(pairs)))
            for pair in differing:
                print("  %s / %s: reference %s, ours %s" % (pair + (expected[pair], got[pair])))
            return 1
        print("scores on the sample: equal to the reference path's, part by part (%d notebooks, %d parts)"
              % (len(pairs), parts))
        return 0
    finally:
        if keep:
            print("kept: %s" % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
