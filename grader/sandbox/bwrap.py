"""Find and probe bubblewrap, and build the command line of one sandbox.

The sandbox (see grader/sandbox/__init__.py) is built from read-only binds of the
system and of this Python, tmpfs folders for the working folder, /tmp and $HOME, a
read-write bind of the kernel's private IPC folder, and new PID, network, IPC and
UTS namespaces. Started as root, bubblewrap keeps only CAP_SETUID/CAP_SETGID so that
`setpriv` can turn the kernel into an unprivileged user of its own before anything
of the student's runs; started as another user, bubblewrap's user namespace does it.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
from functools import lru_cache

from grader.sandbox import sandbox_uids

WORKDIR = "/home/student/work"
HOME = "/home/student"
SANDBOX_UID_BASE = sandbox_uids.UID_BASE   # root grading: each sandbox runs as a uid leased from here
INSTALL_HINT = ("install bubblewrap (Debian/Ubuntu: `sudo apt-get install bubblewrap`, Fedora: `sudo dnf install "
                "bubblewrap`) and make sure unprivileged user namespaces are enabled "
                "(`sysctl kernel.unprivileged_userns_clone=1` on older Debian kernels)")

SYSTEM_DIRS = ["/usr", "/opt/conda"]
ETC_FILES = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/nsswitch.conf",
             "/etc/alternatives", "/etc/fonts", "/etc/ssl", "/etc/mime.types", "/etc/matplotlibrc"]


def bwrap_path():
    """The bwrap executable on PATH (or KIT_BWRAP), or None."""
    from grader.settings import current   # here: grader.settings reads grader.sandbox.limits
    return current().bwrap or shutil.which("bwrap")


def python_roots():
    """Folders that make up this Python: the base installation and the virtual environment (read-only in the sandbox)."""
    paths = (sys.base_prefix, sys.prefix, sysconfig.get_paths()["purelib"], os.path.dirname(sys.executable))
    roots = {os.path.realpath(p) for p in paths} | {os.path.abspath(p) for p in paths}  # a linked venv: both
    # keep the outermost folders only
    return sorted(r for r in roots if not any(r != o and r.startswith(o + os.sep) for o in roots))


def _parents(path):
    parents, current = [], os.path.dirname(path.rstrip("/"))
    while current not in ("/", ""):
        parents.append(current)
        current = os.path.dirname(current)
    return list(reversed(parents))


def _dirs(paths, made):
    """--dir arguments (mode 0755) for every missing parent of `paths`, so an unprivileged user can traverse them."""
    args = []
    for path in paths:
        for parent in _parents(path):
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", parent]
    return args


def as_root():
    return os.geteuid() == 0


def command(argv, work_files=(), ipc_dir=None, tmpfs_mb=128, uid=None, nested_namespaces=False, helpers=None):
    """The full command line that runs `argv` in a new sandbox.

    work_files: WorkFiles bound read-only into the working folder (a size-limited tmpfs), and into
    `helpers` too when given (a read-only folder that goes first on the import path).
    ipc_dir: a host folder bound read-write at the same path (the kernel's sockets).
    uid: the unprivileged uid to become (root grading only: required then, see sandbox_uids).
    nested_namespaces: let the sandbox make namespaces of its own (the fork server's children need them).
    The sandbox's environment is bwrap's own: start it with the allowlisted environment (never --setenv,
    whose values a sandboxed process could read on bwrap's command line in /proc).
    """
    bwrap = bwrap_path()
    if not bwrap:
        raise FileNotFoundError("bubblewrap (bwrap) is not installed: " + INSTALL_HINT)
    size = str(tmpfs_mb * 1024 * 1024)
    args = [bwrap, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    if as_root():
        args += ["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        args += ["--unshare-user"] + ([] if nested_namespaces else ["--disable-userns"])
    made = set()
    # tmpfs folders first, so that no later bind under them (a venv or the IPC folder in /tmp) is hidden
    args += ["--proc", "/proc", "--dev", "/dev"]
    for folder in ("/tmp", "/dev/shm", HOME, WORKDIR):  # /dev/shm: POSIX semaphores (joblib, multiprocessing)
        args += _dirs([folder], made) + ["--size", size, "--tmpfs", folder, "--chmod", "1777", folder]
        made.add(folder)
    for folder in SYSTEM_DIRS:
        if os.path.isdir(folder):
            args += ["--ro-bind", folder, folder]
    for name in ("lib", "lib64", "bin", "sbin"):
        target = os.path.join("/", name)
        if os.path.islink(target):
            args += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            args += ["--ro-bind", target, target]
    for path in ETC_FILES:
        if os.path.exists(path):
            args += _dirs([path], made) + ["--ro-bind", path, path]
    roots = [r for r in python_roots() if not any(r == s or r.startswith(s + os.sep) for s in SYSTEM_DIRS)]
    for root in roots:
        args += _dirs([root], made) + ["--ro-bind", root, root]
    sub_dirs = set()
    for root in [WORKDIR] + ([helpers] if helpers else []):
        if root != WORKDIR:  # a tmpfs of its own, made read-only once the files are bound in
            args += _dirs([root], made) + ["--perms", "0755", "--tmpfs", root]
        for item in work_files:
            target = os.path.join(root, item.relative_path)
            for parent in _parents(target):
                if parent.startswith(root + "/") and parent not in sub_dirs:
                    sub_dirs.add(parent)
                    args += ["--perms", "0755", "--dir", parent]
            args += ["--ro-bind", item.host_path, target]
    if helpers:
        args += ["--remount-ro", helpers]
    if ipc_dir:
        args += _dirs([ipc_dir], made) + ["--bind", ipc_dir, ipc_dir]
    args += ["--chdir", WORKDIR, "--"]
    if as_root():
        if uid is None:
            raise ValueError("grading as root needs a leased sandbox uid (grader.sandbox.sandbox_uids)")
        args += ["setpriv", "--reuid=%d" % uid, "--regid=%d" % uid, "--clear-groups", "--inh-caps=-all",
                 "--bounding-set=-all", "--"]
    return args + list(argv)


@lru_cache(maxsize=None)
def problem():
    """None when a sandbox can be started here, else what is wrong and how to fix it (probed once per process)."""
    if not bwrap_path():
        return "bubblewrap (bwrap) is not installed: " + INSTALL_HINT
    if as_root() and not shutil.which("setpriv"):
        return "setpriv (util-linux) is missing: grading as root needs it to drop to an unprivileged user"
    uid = sandbox_uids.lease() if as_root() else None
    try:
        result = subprocess.run(command([sys.executable, "-c", "print('sandbox ok')"], uid=uid), capture_output=True,
                                text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.TimeoutExpired) as error:
        return "bubblewrap could not be started (%s): %s" % (error, INSTALL_HINT)
    finally:
        if uid is not None:
            sandbox_uids.release(uid)
    if result.returncode != 0 or "sandbox ok" not in result.stdout:
        return ("bubblewrap could not create a sandbox here (%s): %s"
                % ((result.stderr or result.stdout).strip()[-300:], INSTALL_HINT))
    return None


@lru_cache(maxsize=None)
def nested_namespaces_problem():
    """None when a sandbox here may give each notebook namespaces of its own (what the fork server's children
    get: user, PID, mount and IPC), else what is wrong (probed once per process)."""
    uid = sandbox_uids.lease() if as_root() else None
    probe = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "--ipc", "true"]
    try:
        result = subprocess.run(command(probe, uid=uid, nested_namespaces=True), capture_output=True, text=True,
                                timeout=60, env={"PATH": "/usr/bin:/bin"})
    except (OSError, subprocess.TimeoutExpired) as error:
        return "the sandbox could not be probed for nested namespaces (%s)" % error
    finally:
        if uid is not None:
            sandbox_uids.release(uid)
    if result.returncode != 0:
        return ("a sandbox here cannot give each notebook namespaces of its own (%s): grade with --executor kernel, "
                "or allow nested user namespaces" % (result.stderr or result.stdout).strip()[-200:])
    return None
