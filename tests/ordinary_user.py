"""The unprivileged account the tests grade as: made once per test process, and how to run a command as it.

Grading must also work for an instructor without root (the watchdog guards the budget then, and the
course copy belongs to that user). tests/conftest.py makes the account (`ordinary_user` fixture);
each xdist worker has its own, so two workers never share a user's processes or files.
"""
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass


@dataclass(frozen=True)
class OrdinaryUser:
    name: str
    uid: int
    gid: int
    home: str

    def command(self, argv, env=None):
        """`argv` run as this user (runuser), with `env` set for it when given."""
        prefix = [shutil.which("runuser") or "runuser", "-u", self.name, "--"]   # a full path: some callers exec it
        if env:
            prefix += ["env"] + ["%s=%s" % item for item in env.items()]
        return prefix + list(argv)

    def own(self, path):
        """Give `path` and everything under it to this user (the course copy it grades)."""
        subprocess.run(["chown", "-R", "%d:%d" % (self.uid, self.gid), path], check=True)


def make_user(name):
    """The account `name` (a home of its own, no login shell), made now unless it exists."""
    try:
        account = pwd.getpwnam(name)
    except KeyError:
        home = os.path.join(tempfile.gettempdir(), "kit-home-" + name)
        shutil.rmtree(home, ignore_errors=True)
        made = subprocess.run(["useradd", "--create-home", "--home-dir", home, "--shell", "/usr/sbin/nologin", name],
                              capture_output=True, text=True)
        try:
            account = pwd.getpwnam(name)   # made here, or by another test process at the same moment
        except KeyError:
            raise RuntimeError("useradd %s failed: %s" % (name, made.stderr)) from None
    return OrdinaryUser(account.pw_name, account.pw_uid, account.pw_gid, account.pw_dir)


def remove_user(user):
    subprocess.run(["userdel", user.name], capture_output=True, check=False)
    if user.home.startswith(os.path.join(tempfile.gettempdir(), "kit-home-")):
        shutil.rmtree(user.home, ignore_errors=True)


def reachable(folder, up_to):
    """Let any user traverse the folders from `up_to` down to `folder` (pytest makes them private)."""
    while True:
        os.chmod(folder, os.stat(folder).st_mode | 0o011)
        if folder == up_to or folder == "/":
            return
        folder = os.path.dirname(folder)
