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
import threading
import time
from dataclasses import replace

from grader import settings as kit_settings
from grader.manifest import ASSIGNMENTS, ROOT
from proofs.class_corpus import describe, sample_indices, student_name, write_class

PHASE_NAMES = {  # in the report's order; the indented ones are parts of the line above them
    "autograde": "nbgrader autograde, all of it",
    "execution": "  execution: the notebook's cells in a fresh sandboxed interpreter (wall clock)",
    "execution_cpu": "    of which CPU time of that interpreter",
    "judging": "  judging the hidden tests' records, outside the sandbox",
    "nbgrader": "  nbgrader's own work: two conversions, its other steps, scratch gradebook",
    "records": "reading the scratch gradebook", "feedback": "feedback HTML"}


class TimingPool:
    """Wraps a pool's run(tasks): a progress bar, every WorkerResult kept, and the caller's (writer's) time per result."""

    def __init__(self, inner, bar):
        self.inner, self.bar = inner, bar
        self.results, self.writer_seconds = [], 0.0
        self.first_call = self.first_result = self.last_result = None

    def run(self, tasks):
        tasks = list(tasks)
        self.first_call = self.first_call or time.monotonic()
        self.bar.total = (self.bar.total or 0) + len(tasks)
        self.bar.refresh()
        for result in self.inner.run(tasks):
            now = time.monotonic()
            self.first_result = self.first_result or (now, result.seconds)
            self.results.append(result)
            self.bar.update(1)
            yield result
            self.writer_seconds += time.monotonic() - now
        self.last_result = time.monotonic()


class MemoryPeak:
    """Samples the resident memory of this process and all its descendants together; keeps the peak."""

    def __init__(self, interval=0.5):
        import psutil
        self.process, self.interval, self.peak = psutil.Process(), interval, 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self.stopping.is_set():
            total = 0
            for process in [self.process] + self.process.children(recursive=True):
                with contextlib.suppress(Exception):
                    total += process.memory_info().rss
            self.peak = max(self.peak, total)
            self.stopping.wait(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()


def become_subreaper():
    """Make descendants whose parent exits (a worker's sandboxed fork server) re-parent here (Linux), to be counted."""
    import ctypes
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0   # PR_SET_CHILD_SUBREAPER
    return False


def reap_orphans(seconds=15.0):
    """Wait for the re-parented descendants (their CPU time then counts in RUSAGE_CHILDREN); none are ours to keep."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.1)


def cpu_seconds():
    """CPU seconds (user + system) of this process and of its waited-for descendants."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy (every core, every process), from /proc/stat.

    A sandbox's processes live in PID namespaces of their own and are killed, not waited for,
    when a worker stops, so their time never reaches this process's RUSAGE_CHILDREN; the
    machine's count has them (and whatever else runs, so the machine should be quiet).
    """
    import psutil
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0) - getattr(times, "guest", 0.0) - getattr(
        times, "guest_nice", 0.0)


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


def grade_class(course, settings, log_path):
    """Run the pipeline on the class with a progress bar; (TimingPool, start, wall s, CPU s, machine CPU s,
    peak memory bytes)."""
    from tqdm import tqdm
    from pipeline.run import run
    from pipeline.workers import WorkerPool
    if settings.dask:
        from pipeline.dask_pool import DaskPool
        inner = DaskPool(settings.dask, course, settings=settings)
    else:
        inner = WorkerPool(course, settings=settings)
    counted = become_subreaper()
    with tqdm(total=0, unit="nb", desc="grading", file=sys.stderr, mininterval=1.0, smoothing=0.1) as bar:
        pool = TimingPool(inner, bar)
        cpu, machine, started = cpu_seconds(), machine_busy_seconds(), time.monotonic()
        with MemoryPeak() as memory, open(log_path, "w") as log, contextlib.redirect_stdout(log):
            run(root=course, pool=pool, settings=settings)
        wall = time.monotonic() - started
        machine = machine_busy_seconds() - machine
    if counted:
        reap_orphans()
    cpu = cpu_seconds() - cpu
    return pool, started, wall, cpu, machine, memory.peak


def phase_lines(pool, started, wall, notebooks):
    """The report's phase lines: pipeline wall-clock spans, and worker seconds per graded notebook."""
    lines = []
    if pool.first_call and pool.first_result and pool.last_result:
        spans = [("start-up: release check, intake (admission, fingerprints, prechecks)", pool.first_call - started),
                 ("start-up: worker processes spawned (nbgrader's import is in their first autograde)",
                  max(0.0, pool.first_result[0] - pool.first_call - pool.first_result[1])),
                 ("grading, first task to last result", pool.last_result - pool.first_call),
                 ("after grading: feedback step, export, grade table", started + wall - pool.last_result)]
        lines += ["  wall clock    %-76s %8.1f s" % span for span in spans]
    graded = [r.phases for r in pool.results if r.success]
    graded = [dict(p, nbgrader=p.get("autograde", 0.0) - p.get("execution", 0.0) - p.get("judging", 0.0))
              for p in graded]   # what is left of autograde is nbgrader's own work
    present = {k for phases in graded for k in phases}
    for key in [k for k in PHASE_NAMES if k in present] + sorted(present - set(PHASE_NAMES)):
        total = sum(phases.get(key, 0.0) for phases in graded)
        lines.append("  per notebook  %-76s %8.3f s   (worker time, %d notebooks)"
                     % (PHASE_NAMES.get(key, key), total / max(1, len(graded)), len(graded)))
    lines.append("  per notebook  %-76s %8.3f s   (the one writer: course gradebook, stamp)"
                 % ("database", pool.writer_seconds / max(1, notebooks)))
    return lines


def main(count, sample=20, keep=False, settings=None):
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
        pool, started, wall, cpu, machine, peak = grade_class(course, settings, os.path.join(workdir, "pipeline.log"))
        notebooks = 3 * count
        where = ("the Dask cluster at %s" % dask if dask else "%d local worker processes" % jobs) + (
            ", %s executor" % executor)
        print()
        print("ours: python -m pipeline end to end on %s (%d cores here)" % (where, os.cpu_count() or 1))
        print("  wall time   %9.1f s    %7.3f s per notebook" % (wall, wall / notebooks))
        print("  CPU time    %9.1f s    %7.3f s per notebook   (the whole machine busy, all cores; load average "
              "%.1f before the run%s)" % (machine, machine / notebooks, load,
                                          "; not the Dask workers elsewhere" if dask else ""))
        print("              %9.1f s    %7.3f s per notebook   (this run's processes that were waited for: not "
              "the sandboxes)" % (cpu, cpu / notebooks))
        print("  peak memory %9.0f MiB  (all processes together)   largest process %.0f MiB" % (
            peak / 2 ** 20, max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024))
        print("phases:")
        for line in phase_lines(pool, started, wall, notebooks):
            print(line)

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
        ours = wall / notebooks
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
