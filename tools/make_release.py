"""Generate release/ from source/ with nbgrader (the documented `nbgrader generate_assignment`).

Usage: python -m tools.make_release [assignment ...]   (default: all three)
"""
import os
import subprocess
import sys

from tools import ROOT
from tools.assignments import ASSIGNMENTS


def nbgrader_command():
    """The nbgrader executable of this interpreter's environment."""
    candidate = os.path.join(os.path.dirname(sys.executable), "nbgrader")
    return [candidate] if os.path.exists(candidate) else [sys.executable, "-m", "nbgrader"]


def nbgrader_env(**extra):
    """Environment for an nbgrader subprocess: this environment's bin/ first on PATH.

    nbgrader runs `alembic` by name when it opens the gradebook, so the venv's
    scripts must be on PATH even when nbgrader itself is called by full path.
    """
    env = dict(os.environ, **extra)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    return env


def run_nbgrader(args, **kwargs):
    """Run `nbgrader <args>` from the course root; returns the CompletedProcess (text output captured)."""
    return subprocess.run(nbgrader_command() + list(args), cwd=ROOT, capture_output=True, text=True,
                          env=nbgrader_env(), **kwargs)


def generate(assignment, quiet=True):
    """Run `nbgrader generate_assignment --force` for one assignment; raise with nbgrader's log on failure."""
    result = run_nbgrader(["generate_assignment", assignment, "--force"])
    if result.returncode != 0 or "[ERROR]" in result.stderr:
        raise RuntimeError("nbgrader generate_assignment %s failed:\n%s" % (assignment, result.stderr[-4000:]))
    if not quiet:
        print("generated release/%s" % assignment)


def main(argv=None):
    names = (argv if argv is not None else sys.argv[1:]) or list(ASSIGNMENTS)
    for name in names:
        generate(name, quiet=False)


if __name__ == "__main__":
    main()
