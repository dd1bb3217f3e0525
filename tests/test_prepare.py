"""`kit.py test` prepares the Debian packages the suite starts for real, and `kit.py test FILE` runs that file only.

The preparation runs as a dry run (`--dry-run-prepare`: nothing is installed) on a PATH that holds
only the commands each case keeps, with the PostgreSQL folder pointed at an empty one, as root (it
would install) and as an ordinary user made for the test (it names the one command to run as root).
"""
import os
import pathlib
import pwd
import shutil
import subprocess
import sys
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIT = os.path.join(ROOT, "kit.py")
SYSTEM_PYTHON = shutil.which("python3", path="/usr/bin:/bin") or sys.executable

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (as on CI): runs as root and as a new user")


@pytest.fixture
def scratch():
    """A folder any user can read (pytest's own tmp_path is root's alone)."""
    folder = tempfile.mkdtemp(prefix="kit-prepare-")
    os.chmod(folder, 0o755)
    yield pathlib.Path(folder)
    shutil.rmtree(folder, ignore_errors=True)


def _stripped_path(tmp_path, keep):
    """A bin folder with links to the `keep` commands only (no chromium, no pg_ctl), and an empty PostgreSQL lib."""
    folder = tmp_path / "bin"
    folder.mkdir()
    os.chmod(folder, 0o755)
    for command in keep:
        found = shutil.which(command)
        assert found, "%s is not installed on this machine" % command
        os.symlink(found, folder / command)
    lib = tmp_path / "no-postgresql"
    lib.mkdir()
    return {"PATH": str(folder), "KIT_POSTGRES_LIB": str(lib), "LANG": "C.UTF-8"}


def _dry_run(env, user=None, command="test"):
    prefix = user.command([]) if user else []   # an OrdinaryUser (tests/ordinary_user.py)
    argv = prefix + ["env", "-i"] + ["%s=%s" % item for item in env.items()] + [
        SYSTEM_PYTHON, KIT, command, "--dry-run-prepare"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd="/")
    return result.returncode, result.stdout, result.stderr


def _install_line(text, start):
    """The packages of the one line of `text` that starts with `start`."""
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith(start)]
    assert len(lines) == 1, text
    return lines[0][len(start):].split()


@needs_root
@pytest.mark.parametrize("keep, expected", [
    (["bwrap", "setpriv", "apt-get"], ["chromium", "postgresql"]),
    (["setpriv", "apt-get"], ["bubblewrap", "chromium", "postgresql"]),
])
def test_as_root_it_would_install_exactly_the_missing_packages(tmp_path, keep, expected):
    code, out, err = _dry_run(_stripped_path(tmp_path, keep))
    assert code == 1, out + err  # a dry run that finds something missing does not go on
    assert _install_line(out, "kit: would run apt-get install -y ") == expected
    for package in expected:
        assert "kit: %s is missing (for " % package in out  # and says why it needs it


@needs_root
def test_as_an_ordinary_user_it_stops_and_names_the_command(scratch, ordinary_user):
    code, out, err = _dry_run(_stripped_path(scratch, ["bwrap", "setpriv", "apt-get"]), user=ordinary_user)
    assert code == 1
    assert "would run" not in out
    assert "run this as root" in err
    assert _install_line(err, "apt-get install -y ") == ["chromium", "postgresql"]
    assert pwd.getpwnam(ordinary_user.name).pw_uid != 0


@needs_root
def test_grade_needs_only_the_sandbox(scratch, ordinary_user):
    env = _stripped_path(scratch, ["setpriv", "apt-get"])
    code, _, err = _dry_run(env, user=ordinary_user, command="grade")
    assert code == 1 and _install_line(err, "apt-get install -y ") == ["bubblewrap"]


def test_nothing_to_do_when_everything_is_here():
    """On this machine (the suite needs the packages anyway) the preparation finds nothing to install."""
    result = subprocess.run([sys.executable, KIT, "test", "--dry-run-prepare"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "nothing to install" in result.stdout


def test_a_file_argument_runs_that_file_only(tmp_path):
    """`kit.py test tests/test_prepare.py` collects this file's tests and no other file's."""
    result = subprocess.run([sys.executable, KIT, "test", os.path.relpath(__file__, str(tmp_path)), "-n", "0",
                             "--collect-only"], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    files = {line.split("::")[0] for line in result.stdout.splitlines() if "::" in line}
    assert files == {"tests/test_prepare.py"}, files
