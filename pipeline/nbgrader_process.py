"""The one way the kit starts nbgrader: this environment's nbgrader, in a course folder, its log streamed."""
import contextlib
import os
import subprocess
import sys
import threading

from grader import settings as kit_settings

_CHILDREN = set()


def nbgrader_command():
    """The nbgrader executable of this interpreter's environment."""
    candidate = os.path.join(os.path.dirname(sys.executable), "nbgrader")
    return [candidate] if os.path.exists(candidate) else [sys.executable, "-m", "nbgrader"]


def nbgrader_env(settings=None, **extra):
    """Environment for an nbgrader process: `settings` (this process's by default, grader/settings.py) for its
    nbgrader_config.py, this environment's bin/ first on PATH, no PYTHONPATH.

    nbgrader runs `alembic` by name when it opens the gradebook, so the venv's scripts must be
    on PATH. The import path comes from the course's nbgrader_config.py alone, and the kernels
    nbgrader starts (which inherit this environment) see only the submission's folder.
    """
    env = (settings or kit_settings.current()).environment()
    env.pop("PYTHONPATH", None)
    env.update(extra)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    return env


def stop_children():
    """Terminate the nbgrader processes still running (on Ctrl-C or a kill of the pipeline)."""
    for process in list(_CHILDREN):
        with contextlib.suppress(OSError):
            process.terminate()
    for process in list(_CHILDREN):
        with contextlib.suppress(Exception):
            process.wait(timeout=10)


DEADLINE = 1800  # seconds any one nbgrader command may run before it is stopped


def nbgrader(course, args, on_line=None, deadline=DEADLINE, settings=None, **env):
    """Run `nbgrader <args>` in the course root, streaming its log lines to `on_line`.

    Returns (exit code, log text). Never raises for nbgrader's own failures: callers read
    the results (nbgrader exits 0 on some failures and 1 on others). A command still running
    after `deadline` seconds is killed (exit code -9, and the log says so). `settings`: see nbgrader_env.
    """
    process = subprocess.Popen(nbgrader_command() + list(args), cwd=course.root,
                               env=nbgrader_env(settings, PYTHONUNBUFFERED="1", **env), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, errors="replace")
    _CHILDREN.add(process)
    lines = []
    timer = threading.Timer(deadline, _kill, args=(process, lines, deadline))
    timer.daemon = True
    timer.start()
    try:
        for line in process.stdout:
            lines.append(line)
            if on_line:
                on_line(line.rstrip("\n"))
        process.wait()
    except BaseException:  # Ctrl-C or a kill of this process: do not leave nbgrader running
        stop_children()
        raise
    finally:
        timer.cancel()
        _CHILDREN.discard(process)
    return process.returncode, "".join(lines)


def _kill(process, lines, deadline):
    lines.append("[kit] nbgrader did not finish within %d s and was stopped\n" % deadline)
    with contextlib.suppress(OSError):
        process.kill()
