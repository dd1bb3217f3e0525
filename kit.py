#!/usr/bin/env python3
"""Set up and run the course kit with nothing but Python 3.11+ (and, on Linux, apt for the system packages).

    python3 kit.py grade   # the main job: python -m samples (release, sample submissions), then python -m pipeline
    python3 kit.py test    # the test suite (what CI runs); `kit.py test tests/test_x.py` runs that file only

Both create .venv/ on first use and install requirements.txt into it (again whenever
requirements.txt changes); extra arguments go to the command. Both first prepare the Debian
packages they start for real (NEEDS below): as root with apt-get they install the
missing ones; otherwise `test` stops, naming the one command to run as root, and the others warn.
`python3 kit.py test --dry-run-prepare` only says what that preparation would do (exit 1 when
something is missing) and installs nothing.
"""
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(ROOT, ".venv")
PYTHON = os.path.join(VENV, "Scripts" if os.name == "nt" else "bin", "python")
STAMP = os.path.join(VENV, ".requirements.sha256")
REQUIREMENTS = os.path.join(ROOT, "requirements.txt")
DRY_RUN = "--dry-run-prepare"

COMMANDS = {
    "grade": ["-m", "pipeline"],
    # no path: pytest.ini's testpaths (tests/); a path given runs only that path
    "test": ["-m", "pytest", "-n", "auto", "--dist", "loadfile", "-q", "-p", "no:cacheprovider"],
    "benchmark": ["-m", "proofs.benchmark"],
    "figures": ["-m", "proofs.figures"],
    "catalog": ["-m", "proofs.catalog"],
    "report": ["-m", "pipeline", "report"],
}

# What each command starts for real, as (how to find it, Debian package, why)
SANDBOX = [("bwrap", "bubblewrap", "the grading sandbox"),
           ("setpriv", "util-linux", "the grading sandbox: setpriv drops to a fresh uid")]
POSTGRES_LIB = "/usr/lib/postgresql"  # where Debian's postgresql puts its server binaries
TEST_ONLY = [("chromium", "chromium", "the browser tests, tests/test_browser.py"),
             ("postgresql", "postgresql", "the PostgreSQL gradebook test, tests/test_postgres_gradebook.py")]
NEEDS = {"grade": SANDBOX, "benchmark": SANDBOX, "catalog": SANDBOX, "test": SANDBOX + TEST_ONLY}


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


def present(command):
    """Whether `command` is here: on PATH, or (postgresql) a server under POSTGRES_LIB as Debian installs it."""
    if command == "postgresql":
        lib = os.environ.get("KIT_POSTGRES_LIB", POSTGRES_LIB)  # the tests point it at an empty folder
        return bool(shutil.which("pg_ctl") or glob.glob(os.path.join(lib, "*", "bin", "pg_ctl")))
    return shutil.which(command) is not None


def missing_packages(needs):
    """[(package, why)] of the packages whose command is not here, in the order of `needs`."""
    missing = {}
    for command, package, why in needs:
        if not present(command):
            missing.setdefault(package, why)
    return list(missing.items())


def can_install():
    return os.name == "posix" and os.geteuid() == 0 and shutil.which("apt-get") is not None


def apt_install(packages):
    """apt-get install the packages (after an update when the first try fails); True when it worked."""
    quiet = {"stdout": subprocess.DEVNULL, "env": dict(os.environ, DEBIAN_FRONTEND="noninteractive")}
    command = ["apt-get", "install", "-y", "-q"] + packages
    if subprocess.call(command, **quiet) == 0:
        return True
    subprocess.call(["apt-get", "update", "-q"], **quiet)
    return subprocess.call(command, **quiet) == 0


def prepare(name, dry_run=False):
    """Make sure the Debian packages command `name` starts are installed; True when it may go on.

    Root with apt-get: installs the missing ones, saying which and why. Anyone else: prints the one
    command to run as root; `test` then stops (False), the others go on (grading refuses to start
    without the sandbox and says why). dry_run: say what would happen, install nothing.
    """
    missing = missing_packages(NEEDS.get(name, []))
    if not missing:
        if dry_run:
            print("kit: nothing to install: every package `kit.py %s` needs is here" % name)
        return True
    packages = [package for package, _ in missing]
    for package, why in missing:
        print("kit: %s is missing (for %s)" % (package, why), flush=True)
    if can_install():
        print("kit: %s apt-get install -y %s" % ("would run" if dry_run else "running", " ".join(packages)),
              flush=True)
        if dry_run:
            return False
        if apt_install(packages) and not missing_packages(NEEDS.get(name, [])):
            return True
        print("kit: apt-get could not install %s" % " ".join(packages), file=sys.stderr, flush=True)
        return name != "test"
    print("kit: run this as root (Debian/Ubuntu package names), then run kit.py again:\n"
          "    apt-get install -y %s" % " ".join(packages), file=sys.stderr, flush=True)
    return name != "test" and not dry_run


def pytest_arguments(extra):
    """The caller's arguments, with paths made absolute (pytest runs in the kit's folder)."""
    return [os.path.abspath(arg) if not arg.startswith("-") and os.path.exists(arg.split("::")[0]) and
            not os.path.isabs(arg) else arg for arg in extra]


def main(argv):
    if not argv or argv[0] not in COMMANDS:
        sys.exit("usage: python3 kit.py {%s} [extra arguments]" % "|".join(COMMANDS))
    name, extra = argv[0], argv[1:]
    if DRY_RUN in extra:
        return 0 if prepare(name, dry_run=True) else 1
    if not prepare(name):
        return 1
    ensure_environment()
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    # the course's packages, and the helpers they share with the notebooks (imported as top-level modules)
    env["PYTHONPATH"] = os.pathsep.join([ROOT, os.path.join(ROOT, "utils")])
    env["PATH"] = os.pathsep.join([os.path.dirname(PYTHON), env.get("PATH", "")])
    if name == "test":
        extra = pytest_arguments(extra)
    if name == "grade":  # the sample students first (python -m samples), unless grading a real class
        if "--no-samples" not in extra:
            code = subprocess.call([PYTHON, "-m", "samples"] + [a for a in extra if a == "--bad-inputs"], cwd=ROOT,
                                   env=env)
            if code:
                return code
        extra = [a for a in extra if a not in ("--bad-inputs", "--no-samples")]
    return subprocess.call([PYTHON] + COMMANDS[name] + extra, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
