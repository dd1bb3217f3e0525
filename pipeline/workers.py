"""Grading worker processes: each runs nbgrader's Python API, one submission at a time, under a deadline.

A worker loads nbgrader and the course configuration once, then, for each task,
autogrades the admitted submission into a private scratch gradebook (never the
course's: see pipeline/grade_records.py), writes its feedback page, and answers with
a `WorkerResult` over a multiprocessing pipe, which no student process can reach
(the sandboxed kernel's stdout and stderr go to /dev/null and it inherits no other
descriptor). A worker that misses its deadline is killed with its kernel
(bubblewrap's --die-with-parent) and replaced; its submission's result says so.
"""
import contextlib
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait

from grader import settings as kit_settings
from grader import step_clock
from grader.sandbox import budget
from pipeline import nbgrader_speedups
from pipeline.grade_records import SubmissionGrades, build_structure, read_submission

INTAKE_FOLDER = ".kit-intake"   # admitted copies of submissions, what nbgrader reads as "submitted"


@dataclass
class WorkerResult:
    """What the grading process reports for one submission (never text from a student process)."""
    student: str
    assignment: str
    success: bool
    error: str = ""        # nbgrader's traceback text, or the pool's reason (deadline, worker died)
    log: str = ""          # nbgrader's captured log of this submission (for people: never parsed)
    failure: str = ""      # what failed, from the exception's type and where it was raised (FAILURE_KINDS)
    exception: str = ""    # that exception's class, module.QualName (the grader's code, never a student's)
    seconds: float = 0.0
    cut_off: bool = False  # the worker died or missed its deadline
    grades: SubmissionGrades | None = None
    feedback_error: str = ""
    phases: dict = field(default_factory=dict)   # seconds per phase: autograde (execution, execution_cpu and
                                                 # judging within it), records, feedback
    budget_hits: list = field(default_factory=list)  # budgets its notebooks used up (grader/sandbox/budget.py:
                                                     # "memory", "wall", ...); "wall" when cut off at the deadline


# what failed, decided from the raised exception's class and the code that raised it; `settled` failures
# lie in the file and fail again on every attempt
FAILURE_KINDS = {
    "checksums": "a locked test cell could not be restored",
    "not_json": "the notebook is not valid JSON",
    "gave_up": "the kernel died or hung too many times in this notebook, so it gave up (giving up on one notebook "
               "never stops the others)",
    "kernel_died": "the Python kernel died and could not be restarted",
    "error": "an error in the grading steps",
}
SETTLED_KINDS = {"checksums", "not_json"}


def classify(error):
    """(kind, exception class name) of an exception raised by nbgrader's steps: from its type and the module
    and function that raised it, never from its message (which may quote a student's cell)."""
    from nbclient.exceptions import DeadKernelError
    from nbformat.reader import NotJSONError
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    code = trace.tb_frame.f_code if trace is not None else None
    where = (os.path.basename(code.co_filename), code.co_name) if code else ("", "")
    name = "%s.%s" % (type(error).__module__, type(error).__qualname__)
    if isinstance(error, NotJSONError):
        return "not_json", name
    if isinstance(error, DeadKernelError):
        return "kernel_died", name
    if type(error) is RuntimeError and where[0] == "overwritecells.py":
        return "checksums", name
    if type(error) is RuntimeError and where == ("grading_execute.py", "_mark_broken"):
        return "gave_up", name
    return "error", name


def record_raised(found):
    """Make the Autograde class nbgrader's API grades with (nbgrader's, or pipeline/one_pass.py's) append to
    `found` each exception its steps raise (it catches and logs them)."""
    from nbgrader.apps import api
    converter = api.Autograde
    if converter.__dict__.get("kit_records") is not None:
        converter.kit_records = found
        return
    converter.kit_records = found
    for method in ("init_assignment", "convert_single_notebook"):
        original = getattr(converter, method)

        def recorded(self, *args, _original=original, **kwargs):
            try:
                return _original(self, *args, **kwargs)
            except Exception as error:
                type(self).kit_records.append(error)
                raise
        setattr(converter, method, recorded)


@dataclass(frozen=True)
class Task:
    """One submission to grade, with the structure of its assignment as the course gradebook has it."""
    student: str
    assignment: str
    structure: dict
    executor: str = "fork"   # how its notebooks run: "fork" or "kernel" (the executor setting, grader/settings.py)


class ScratchGrader:
    """nbgrader's API in this process, grading into a private SQLite gradebook rebuilt per assignment structure,
    with `settings` (this process's by default; `executor`, when given, overrides its executor)."""

    def __init__(self, root, folder=None, executor=None, settings=None):
        settings = settings or kit_settings.current()
        self.settings = replace(settings, executor=executor) if executor else settings
        self.root, self.executor = root, self.settings.executor
        self.folder = folder or tempfile.mkdtemp(prefix="kit-worker-")
        self.built = {}
        self.api = None
        self.graded = 0   # submissions graded by this process so far

    def _api(self):
        kit_settings.install(self.settings)  # this process grades with them: nbgrader_config.py, the sandbox
        scripts = os.path.dirname(sys.executable)  # a new gradebook runs `alembic` from this environment
        if scripts not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory
        from traitlets.config.loader import PyFileConfigLoader
        nbgrader_speedups.apply()

        config = PyFileConfigLoader("nbgrader_config.py", path=self.root).load_config()
        config.CourseDirectory.root = self.root
        config.CourseDirectory.submitted_directory = INTAKE_FOLDER
        config.CourseDirectory.db_url = "sqlite:///" + os.path.join(self.folder, "scratch.db")
        nbgrader_speedups.private_scratch(config.CourseDirectory.db_url)
        return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)

    def _prepare(self, structure):
        digest = hashlib.sha256(json.dumps(structure, sort_keys=True).encode()).hexdigest()
        if self.built.get(structure["name"]) == digest:
            return
        if self.api is None:
            self.api = self._api()
        with self.api.gradebook as gradebook:
            build_structure(gradebook, structure)
        self.built[structure["name"]] = digest

    def grade(self, task):
        """Autograde and write feedback for one admitted submission; a WorkerResult whatever happens.
        Its phases: wall seconds of each step, and this process's CPU seconds in it (`*_cpu`; the notebook's
        own interpreter is `execution_cpu`), for the class benchmark."""
        started, cpu = time.monotonic(), time.process_time()
        result = WorkerResult(task.student, task.assignment, False)
        if not self.graded:   # this process's start-up: nbgrader's import, the fork server's preload
            result.phases["first"] = 1.0
        try:
            self._prepare(task.structure)
            steps, hits = step_clock.snapshot(), budget.hit_count()
            raised = []
            record_raised(raised)
            try:
                outcome = self.api.autograde(task.assignment, task.student, force=True, create=True)
            finally:
                result.budget_hits = budget.hits_since(hits)
            result.success = bool(outcome.get("success"))
            result.error, result.log = str(outcome.get("error") or ""), str(outcome.get("log") or "")
            if not result.success:
                result.failure, result.exception = classify(raised[0]) if raised else ("error", "")
            result.phases["autograde"] = time.monotonic() - started
            result.phases["autograde_cpu"] = time.process_time() - cpu
            result.phases.update(step_clock.since(steps))
            if result.success:
                mark, cpu = time.monotonic(), time.process_time()
                with self.api.gradebook as gradebook:
                    result.grades = read_submission(gradebook, task.assignment, task.student)
                result.phases["records"] = time.monotonic() - mark
                result.phases["records_cpu"] = time.process_time() - cpu
                mark, cpu = time.monotonic(), time.process_time()
                feedback = self.api.generate_feedback(task.assignment, task.student, force=True)
                if not feedback.get("success"):
                    result.feedback_error = str(feedback.get("error") or "feedback failed")[-2000:]
                result.phases["feedback"] = time.monotonic() - mark
                result.phases["feedback_cpu"] = time.process_time() - cpu
        except BaseException as error:  # nbgrader's own capture failed: still a result, not a crash
            result.success = False
            result.error = "%s: %s" % (type(error).__name__, error)
            result.failure, result.exception = classify(error)
        if not self.graded and self.executor == "fork":
            from grader.sandbox import forkserver
            result.phases["preload_cpu"] = forkserver.shared_server().preload_cpu
        self.graded += 1
        result.seconds = time.monotonic() - started
        return result

    def close(self):
        """Stop this process's fork server (if it started one) and remove the scratch gradebook."""
        from grader.sandbox import forkserver
        forkserver.shared_server().stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _serve(root, connection, settings):
    import warnings
    from sqlalchemy.exc import SAWarning
    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own session warnings, not ours to fix
    os.chdir(root)
    grader = ScratchGrader(root, settings=settings)
    try:
        while True:
            try:
                task = connection.recv()
            except EOFError:
                return
            if task is None:
                return
            connection.send(grader.grade(task))
    finally:
        grader.close()


class WorkerPool:
    """Grading processes for the course at `root`, with `settings` (this process's by default): as many as
    settings.jobs (`jobs` overrides it), each submission within settings.submission_deadline seconds (or
    `deadline`), its notebooks run by settings.executor (or `executor`): "fork" (each worker's warm fork
    server) or "kernel" (a Jupyter kernel each).
    """

    def __init__(self, root, jobs=None, deadline=None, executor=None, settings=None):
        settings = settings or kit_settings.current()
        self.settings = replace(settings, executor=executor) if executor else settings
        self.root, self.jobs = root, max(1, jobs or self.settings.worker_count())
        self.deadline, self.executor = deadline or self.settings.submission_deadline, self.settings.executor
        self.context = multiprocessing.get_context("spawn")
        self.workers = []
        self.spent = {}   # (student, assignment) -> the budget a failed attempt used up: never graded again for it

    def _start(self):
        ours, theirs = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(self.root, theirs, self.settings), daemon=True)
        process.start()
        theirs.close()
        return {"process": process, "connection": ours, "task": None, "since": 0.0}

    def _stop(self, worker, kill=False):
        with contextlib.suppress(OSError, ValueError):  # a worker that is already gone
            if kill:
                worker["process"].kill()
            else:
                worker["connection"].send(None)
        worker["process"].join(timeout=10)
        if worker["process"].is_alive():
            worker["process"].kill()
            worker["process"].join(timeout=10)
        worker["connection"].close()

    def _refused(self, task):
        """The result of a task whose earlier attempt used up a budget: a retry would only spend it again."""
        hit = self.spent[(task.student, task.assignment)]
        return WorkerResult(task.student, task.assignment, success=False, cut_off=True, budget_hits=[hit],
                            error="not graded again: its first attempt used up its %s budget" % hit)

    def _remember(self, result):
        if not result.success and result.budget_hits:
            self.spent[(result.student, result.assignment)] = result.budget_hits[0]

    def run(self, tasks):
        """Grade every Task of `tasks`; yields WorkerResults as they come (a task whose earlier attempt used
        up a budget is not graded again: its result says so)."""
        queue = []
        for task in tasks:
            if (task.student, task.assignment) in self.spent:
                yield self._refused(task)
            else:
                queue.append(task)
        self.workers = [self._start() for _ in range(min(self.jobs, len(queue)))]
        try:
            while queue or any(w["task"] for w in self.workers):
                for worker in self.workers:
                    if worker["task"] is None and queue:
                        worker["task"], worker["since"] = queue.pop(0), time.monotonic()
                        worker["connection"].send(worker["task"])
                busy = [w for w in self.workers if w["task"]]
                ready = wait([w["connection"] for w in busy] + [w["process"].sentinel for w in busy], timeout=1.0)
                for index, worker in enumerate(self.workers):
                    if not worker["task"]:
                        continue
                    result = None
                    if worker["connection"] in ready:
                        try:
                            result = worker["connection"].recv()
                        except (EOFError, OSError):
                            result = None
                    if result is None and (worker["process"].sentinel in ready or worker["connection"] in ready):
                        result = WorkerResult(worker["task"].student, worker["task"].assignment, success=False,
                                              cut_off=True, error="the grading process died (exit code %s)"
                                              % worker["process"].exitcode)
                    elif result is None and time.monotonic() - worker["since"] > self.deadline:
                        result = WorkerResult(worker["task"].student, worker["task"].assignment, success=False,
                                              cut_off=True, budget_hits=["wall"],
                                              error="grading took longer than the %d s allowed per submission"
                                              % self.deadline)
                    if result is None:
                        continue
                    self._remember(result)
                    if result.cut_off:
                        self._stop(worker, kill=True)
                        self.workers[index] = worker = self._start()
                    worker["task"] = None
                    yield result
        finally:
            for worker in self.workers:
                self._stop(worker, kill=bool(worker["task"]))
            self.workers = []

