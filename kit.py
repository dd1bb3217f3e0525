#!/usr/bin/env python3
"""Set up and run the course kit with nothing but Python 3.11+.

    python3 kit.py grade   # the main job: release, sample submissions, autograde, feedback, grade export
    python3 kit.py test    # the test suite (what CI runs)

Both create .venv/ on first use and install requirements.txt into it (again
whenever requirements.txt changes); extra arguments go to the command.
"""
import hashlib
import os
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
PYTHON = os.path.join(VENV, "Scripts" if os.name == "nt" else "bin", "python")
STAMP = os.path.join(VENV, ".requirements.sha256")
REQUIREMENTS = os.path.join(ROOT, "requirements.txt")

COMMANDS = {
    "grade": ["-m", "pipeline"],
    "test": ["-m", "pytest", "-n", "auto", "--dist", "loadfile", "-q", "-p", "no:cacheprovider", "tests"],
    "benchmark": ["-m", "proofs.benchmark"],
    "figures": ["-m", "proofs.figures"],
    "catalog": ["-m", "proofs.catalog"],
}


def ensure_environment():
    """Create .venv and install the pinned ranges when missing or when requirements.txt changed."""
    if sys.version_info < (3, 11):
        sys.exit("The course kit needs Python 3.11 or newer (this is %s)." % sys.version.split()[0])
    with open(REQUIREMENTS, "rb") as handle:
        wanted = hashlib.sha256(handle.read()).hexdigest()
    if os.path.exists(PYTHON) and os.path.exists(STAMP) and open(STAMP).read().strip() == wanted:
        return
    if not os.path.exists(PYTHON):
        print("kit: creating the virtual environment in .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("kit: installing requirements.txt into .venv (first run only)", flush=True)
    subprocess.check_call([PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    subprocess.check_call([PYTHON, "-m", "pip", "install", "--quiet", "-r", REQUIREMENTS])
    with open(STAMP, "w") as handle:
        handle.write(wanted)


SYSTEM_PACKAGES = {"bwrap": "bubblewrap", "setpriv": "util-linux"}  # the grading sandbox (grader/sandbox/)


def ensure_system_packages():
    """Install the sandbox's Debian packages when missing and we may (root with apt-get, as on CI); else say how."""
    import shutil
    missing = sorted({package for command, package in SYSTEM_PACKAGES.items() if not shutil.which(command)})
    if not missing:
        return
    if os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get"):
        print("kit: installing %s with apt-get (the grading sandbox needs it)" % " ".join(missing), flush=True)
        quiet = {"stdout": subprocess.DEVNULL}
        if subprocess.call(["apt-get", "install", "-y", "-q"] + missing, **quiet) != 0:
            subprocess.call(["apt-get", "update", "-q"], **quiet)
            subprocess.call(["apt-get", "install", "-y", "-q"] + missing, **quiet)
    if any(not shutil.which(command) for command in SYSTEM_PACKAGES):
        print("kit: %s is missing: grading untrusted submissions will refuse to start. Install it (Debian/Ubuntu: "
              "sudo apt-get install %s)." % (" and ".join(missing), " ".join(missing)), flush=True)


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        sys.exit("usage: python3 kit.py {%s} [extra arguments]" % "|".join(COMMANDS))
    ensure_environment()
    ensure_system_packages()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    # the course's packages, and the helpers they share with the notebooks (imported as top-level modules)
    env["PYTHONPATH"] = os.pathsep.join([ROOT, os.path.join(ROOT, "utils")])
    env["PATH"] = os.pathsep.join([os.path.dirname(PYTHON), env.get("PATH", "")])
    return subprocess.call([PYTHON] + COMMANDS[argv[0]] + argv[1:], cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
