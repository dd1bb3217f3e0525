"""A real Dask cluster on this machine (`dask scheduler` and `dask worker` processes on 127.0.0.1): the class
benchmark's --dask-compare, the dispatch simulation and the Dask tests start one the same way."""
import contextlib
import json
import os
import signal
import subprocess
import sys
import time


def _dask(*args):
    return [os.path.join(os.path.dirname(sys.executable), "dask")] + list(args)


def _stop(process):
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)   # the process group we started: a nanny and its worker
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


@contextlib.contextmanager
def dask_cluster(course_root, folder, workers=2, course_on_path=True):
    """Start a scheduler on a free port and `workers` single-threaded workers that import the course; yield its address.

    course_on_path=False: workers started without the course on PYTHONPATH (a misconfigured cluster)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if course_on_path:
        env["PYTHONPATH"] = os.pathsep.join([course_root, os.path.join(course_root, "utils")])
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    scheduler_file = os.path.join(folder, "scheduler.json")
    processes = []

    def start(name, args):
        log = open(os.path.join(folder, name + ".log"), "w")
        processes.append(subprocess.Popen(_dask(*args), cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True))
        log.close()

    try:
        start("scheduler", ["scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                            "--scheduler-file", scheduler_file])
        address, deadline = None, time.monotonic() + 120
        while address is None:
            if processes[0].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("dask scheduler did not start:\n" + _log(folder, "scheduler"))
            time.sleep(0.2)
            with contextlib.suppress(OSError, ValueError, KeyError):
                with open(scheduler_file) as handle:
                    address = json.load(handle)["address"]
        for index in range(workers):
            start("worker%d" % index, ["worker", "--scheduler-file", scheduler_file, "--host", "127.0.0.1",
                                       "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                       "--local-directory", os.path.join(folder, "worker%d" % index)])
        from distributed import Client
        with Client(address, timeout=60) as client:
            try:
                client.wait_for_workers(workers, timeout=180)
            except TimeoutError:
                raise RuntimeError("the dask workers did not start:\n"
                                   + "\n".join(_log(folder, "worker%d" % i) for i in range(workers)))
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


def _log(folder, name):
    with open(os.path.join(folder, name + ".log"), errors="replace") as handle:
        return handle.read()[-3000:]
