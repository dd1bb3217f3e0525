"""The environment of a command the tests run in a course folder (the repository or a copy)."""
import os
import sys


def python_env(course, **extra):
    """os.environ with that course's packages and helpers on PYTHONPATH and this venv's bin/ first on PATH."""
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = os.pathsep.join([course, os.path.join(course, "utils")])
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    return env
