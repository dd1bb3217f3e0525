"""Long builds the test modules share (the released course template, the graded sample course, the catalogs).

Each build runs once per test run, started in the background as soon as the tests that need it
are collected, so no worker sits idle while it runs; the tests (and the other builds) that need
its result wait for it. The run's builds live in one folder named by KIT_TEST_RUN (tests/conftest.py
sets it: pytest-xdist's run id, shared by its workers, or a fresh one), so every worker, and every
process a test starts, finds the same copy.

    python tests/background.py FOLDER COMMAND...   (what the background process runs: COMMAND with
                                                    {folder} replaced, then FOLDER/status.json)
"""
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_ROOT = os.path.join(tempfile.gettempdir(), "kit-test-builds")
RUN_ID = os.environ.get("KIT_TEST_RUN")
_LOCAL = {}


def _env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.path.join(ROOT, "utils"), os.path.join(ROOT, "tests")]))


def remove_run():
    """Remove this run's builds, unless one is still running (it is then left to _clean_old_runs)."""
    folder = os.path.join(SHARED_ROOT, RUN_ID or "")
    if not RUN_ID or not os.path.isdir(folder):
        return
    builds = [os.path.join(folder, name) for name in os.listdir(folder)]
    if all(os.path.exists(os.path.join(build, "status.json")) for build in builds if os.path.isdir(build)):
        shutil.rmtree(folder, ignore_errors=True)


def _clean_old_runs():
    for old in os.listdir(SHARED_ROOT):
        path = os.path.join(SHARED_ROOT, old)
        if old != RUN_ID and time.time() - os.path.getmtime(path) > 6 * 3600:
            shutil.rmtree(path, ignore_errors=True)


def start(name, command):
    """Start build `name` (a command, "{folder}" in it replaced by its folder) once per test run."""
    if not RUN_ID:
        return
    os.makedirs(SHARED_ROOT, exist_ok=True)
    _clean_old_runs()
    folder = os.path.join(SHARED_ROOT, RUN_ID, name)
    os.makedirs(folder, exist_ok=True)
    try:
        os.close(os.open(os.path.join(folder, "started"), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return  # another worker started it
    subprocess.Popen([sys.executable, os.path.abspath(__file__), folder] + command, cwd=ROOT, env=_env(),
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _run(folder, command):
    """Run the build command in the foreground; write and return its status."""
    command = [part.replace("{folder}", folder) for part in command]
    started = time.monotonic()
    try:
        result = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True, timeout=3000)
        code, output = result.returncode, result.stdout + "\n--- stderr ---\n" + result.stderr
    except Exception as error:  # reported by the tests that wait for it
        code, output = -1, "the build could not run: %r" % error
    with open(os.path.join(folder, "output.txt"), "w") as handle:
        handle.write(output)
    status = {"returncode": code, "seconds": round(time.monotonic() - started, 1), "tail": output[-4000:]}
    with open(os.path.join(folder, "status.json.tmp"), "w") as handle:
        json.dump(status, handle)
    os.replace(os.path.join(folder, "status.json.tmp"), os.path.join(folder, "status.json"))
    return status


def _local_base(tmp_path_factory):
    """Where a process outside a test run keeps its builds: pytest's temp folder, or one of its own removed at exit."""
    if tmp_path_factory is not None:
        return str(tmp_path_factory.getbasetemp())
    if "" not in _LOCAL:
        _LOCAL[""] = tempfile.mkdtemp(prefix="kit-test-builds-")
        atexit.register(shutil.rmtree, _LOCAL[""], True)
    return _LOCAL[""]


def result(name, command, tmp_path_factory=None, timeout=3000):
    """(folder, status) of build `name`: waits for the background build, or builds it here once."""
    if not RUN_ID:
        if name not in _LOCAL:
            folder = os.path.join(_local_base(tmp_path_factory), name)
            os.makedirs(folder, exist_ok=True)
            _LOCAL[name] = (folder, _run(folder, command))
        return _LOCAL[name]
    start(name, command)
    folder = os.path.join(SHARED_ROOT, RUN_ID, name)
    deadline = time.monotonic() + timeout
    while not os.path.exists(os.path.join(folder, "status.json")):
        if time.monotonic() > deadline:
            raise TimeoutError("the shared build %s did not finish within %d s (%s)" % (name, timeout, folder))
        time.sleep(1)
    with open(os.path.join(folder, "status.json")) as handle:
        return folder, json.load(handle)


if __name__ == "__main__":
    _run(sys.argv[1], sys.argv[2:])
