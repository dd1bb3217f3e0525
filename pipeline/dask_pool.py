"""Grading on a Dask cluster: `DaskPool(address, root).run(tasks)`, the same generator as WorkerPool.

Each Task runs on a Dask worker through `grade_on_worker`, which keeps one ScratchGrader
(nbgrader and the course configuration loaded once) per worker process and grades one
submission at a time. The WorkerResults (plain data) come back to the calling process,
which alone writes the course gradebook. Workers must see the course folder at the same
path (a shared filesystem), import the course's packages (PYTHONPATH) and have bubblewrap:
`DaskPool` checks all three on every worker before it grades anything. A submission that
runs past its deadline (settings.submission_deadline) gets a cut-off result and its worker process is
restarted by its nanny. Each task carries the pipeline's settings (grader/settings.py), which the worker
process installs before grading: a worker's own environment does not change how it grades.
"""
import atexit
import os
import threading
import time

from grader import settings as kit_settings
from pipeline.course import say
from pipeline.workers import ScratchGrader, WorkerResult

_GRADERS = {}                 # (course root, executor, settings) -> the ScratchGrader of this worker process
_RUNNING = {}                 # task key -> monotonic time its grading started in this process
_ONE_AT_A_TIME = threading.Lock()   # nbgrader's API is not thread-safe: one grading per process


def grade_on_worker(root, task, key, settings=None):
    """Grade one Task on this Dask worker with its process's ScratchGrader, under the pipeline's `settings`."""
    with _ONE_AT_A_TIME:
        _RUNNING[key] = time.monotonic()
        try:
            os.chdir(root)
            if settings is not None:
                kit_settings.install(settings)
            which = (root, task.executor, kit_settings.current())
            grader = _GRADERS.get(which)
            if grader is None:
                grader = _GRADERS[which] = ScratchGrader(root, executor=task.executor)
                atexit.register(grader.close)
            return grader.grade(task)
        finally:
            _RUNNING.pop(key, None)


def running_seconds():
    """{task key: seconds it has been grading} in this worker process (run by the client on every worker)."""
    now = time.monotonic()
    return {key: now - since for key, since in list(_RUNNING.items())}


def worker_problem(root):
    """None when this worker can grade the course at `root`, else why not."""
    if not os.path.isfile(os.path.join(root, "nbgrader_config.py")):
        return "the course folder %s is not on this worker (it needs a shared filesystem)" % root
    from grader.sandbox.bwrap import problem
    return problem()


class DaskPool:
    """Grades Tasks on the Dask cluster whose scheduler is at `address` with `settings` (this process's by
    default); each submission within `deadline` s (default: settings.submission_deadline)."""

    def __init__(self, address, root, deadline=None, poll=2.0, settings=None):
        self.settings = settings or kit_settings.current()
        self.deadline = deadline or self.settings.submission_deadline
        self.address, self.root, self.poll = address, os.path.abspath(root), poll
        self.graded_on = {}   # worker address -> submissions it graded in the last run

    def _client(self):
        from distributed import Client
        try:
            client = Client(self.address, timeout=30)
        except OSError as error:
            raise SystemExit("cannot reach the Dask scheduler at %s: %s" % (self.address, error))
        try:
            client.wait_for_workers(1, timeout=60)
            problems = client.run(worker_problem, self.root)
        except Exception as error:   # a worker's ModuleNotFoundError arrives wrapped in a plain Exception
            client.close()
            if isinstance(error, ModuleNotFoundError) or "No module named" in str(error):
                raise SystemExit("the Dask workers cannot import the course's code (%s): start them with "
                                 "PYTHONPATH=%s:%s/utils" % (error, self.root, self.root))
            raise SystemExit("the Dask cluster at %s is not ready: %s: %s"
                             % (self.address, type(error).__name__, error))
        bad = {worker: why for worker, why in problems.items() if why}
        if bad:
            client.close()
            raise SystemExit("Dask workers that cannot grade: "
                             + "; ".join("%s: %s" % item for item in sorted(bad.items())))
        say("  grading on the Dask cluster at %s (%d workers)" % (self.address, len(problems)))
        return client

    def _overdue(self, client, futures):
        """Keys running longer than the deadline, with their worker."""
        overdue = {}
        for worker, running in client.run(running_seconds).items():
            for key, seconds in running.items():
                if key in futures and seconds > self.deadline:
                    overdue[key] = worker
        return overdue

    def run(self, tasks):
        """Grade every Task of `tasks` on the cluster; yields WorkerResults as they come."""
        from distributed import as_completed
        tasks = list(tasks)
        if not tasks:
            return
        client = self._client()
        self.graded_on = {}
        try:
            futures = {}
            for task in tasks:
                key = "grade-%s-%s-%s" % (task.student, task.assignment, os.urandom(4).hex())
                futures[key] = (task, client.submit(grade_on_worker, self.root, task, key, self.settings,
                                                    key=key, pure=False, retries=0))
            queue = as_completed([future for _, future in futures.values()])
            last_poll = time.monotonic()
            while futures:
                ready = queue.next_batch(block=False) if queue.has_ready() else []
                for future in ready:
                    if future.key in futures:
                        task, _ = futures.pop(future.key)
                        for worker in client.who_has([future]).get(future.key, ()):
                            self.graded_on[worker] = self.graded_on.get(worker, 0) + 1
                        yield self._result(task, future)
                if futures and time.monotonic() - last_poll >= self.poll:
                    last_poll = time.monotonic()
                    for key, worker in self._overdue(client, futures).items():
                        task, future = futures.pop(key)
                        future.cancel()
                        client.restart_workers([worker], raise_for_error=False)
                        yield WorkerResult(task.student, task.assignment, success=False, cut_off=True,
                                           budget_hits=["wall"], error="grading took longer than the %d s allowed per submission"
                                           % self.deadline)
                if not ready:
                    time.sleep(0.2)
            say("  Dask: graded on %d worker(s): %s" % (len(self.graded_on), ", ".join(
                "%s %d" % item for item in sorted(self.graded_on.items()))))
        finally:
            client.close()

    @staticmethod
    def _result(task, future):
        """The future's WorkerResult, or a cut-off result when the worker died or the task failed."""
        try:
            return future.result()
        except Exception as error:   # KilledWorker, a lost worker, a result that did not unpickle
            return WorkerResult(task.student, task.assignment, success=False, cut_off=True,
                                error="the Dask worker failed while grading it (%s: %s)"
                                % (type(error).__name__, str(error)[:300]))
