"""The course kernelspec's entry point: start ipykernel inside a bubblewrap sandbox.

    python -m grader.sandbox.launch -f CONNECTION_FILE [ipykernel options]

jupyter_client runs this with the notebook's folder as working directory. The kernel
gets a copy-free view of that folder's helper files and data (read-only binds into a
private tmpfs, and again in a read-only folder first on its import path), its own IPC
folder (the connection file's folder, which must be private to this kernel:
grader.sandbox.kernel_manager makes it so) and nothing else of the course. Its stdout and stderr go to /dev/null: nothing it prints there reaches the grader.

KIT_UNSAFE_NO_SANDBOX=1 starts ipykernel directly instead, with a warning (only for
trusted notebooks; the pipeline's --unsafe-no-sandbox sets it).
"""
import glob
import json
import os
import subprocess
import sys

from grader.sandbox import budget, bwrap, cgroup_enter, sandbox_uids, workfiles
from grader.settings import current

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRUSTED_HELPER_FOLDERS = [os.path.join(ROOT, "utils"), os.path.join(ROOT, "datasets")]
FONT_CACHE = os.path.join(ROOT, ".kit-cache", "matplotlib")
HELPERS = "/opt/kit/files"   # the notebook's files again, read-only, first on the kernel's import path
KERNEL = ["-m", "ipykernel_launcher"]
OUTPUT_CAP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "kernel_output_cap.py")
OUTPUT_CAP_IN_SANDBOX = "/opt/kit/kernel_output_cap.py"
KERNEL_OPTIONS = ["--InteractiveShellApp.exec_lines=[\"exec(open(%r).read(), "
                  "{'__name__': 'kit_kernel_output_cap', 'get_ipython': get_ipython})\"]"
                  % OUTPUT_CAP_IN_SANDBOX]   # the output count cap
NBGRADER_MODES = ("autograde", "validate")   # the only NBGRADER_EXECUTION values that pass into a sandbox


def fail(message):
    sys.stderr.write("course sandbox: %s\n" % message)
    sys.exit(2)


def private_ipc_folder(connection_file):
    """The connection file's folder, checked to be IPC-only and private to this kernel."""
    try:
        with open(connection_file, encoding="utf-8") as handle:
            info = json.load(handle)
    except (OSError, ValueError) as error:
        fail("cannot read the connection file %s (%s)" % (connection_file, error))
    folder = os.path.dirname(os.path.abspath(connection_file))
    if info.get("transport") != "ipc" or os.path.dirname(os.path.abspath(info.get("ip", ""))) != folder:
        fail("a sandboxed kernel has no network, so it must talk over IPC sockets next to its connection file: "
             "start it with grader.sandbox.kernel_manager.SandboxedKernelManager (nbgrader_config.py does)")
    stem = os.path.splitext(os.path.basename(connection_file))[0]
    strangers = [n for n in os.listdir(folder) if not n.startswith(stem)]
    if strangers:
        fail("the connection folder %s holds other files (%s): it must be private to this kernel"
             % (folder, ", ".join(sorted(strangers)[:5])))
    return folder


def font_cache_files():
    """matplotlib's font list, built once per course (so a kernel never spends seconds or stderr lines on it)."""
    found = glob.glob(os.path.join(FONT_CACHE, "fontlist-v*.json"))
    if not found:
        os.makedirs(FONT_CACHE, exist_ok=True)
        subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=dict(os.environ,
                       MPLCONFIGDIR=FONT_CACHE), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        found = glob.glob(os.path.join(FONT_CACHE, "fontlist-v*.json"))
    return found


def font_binds():
    """bwrap arguments that put matplotlib's font list into the sandbox's (writable) matplotlib folder."""
    fonts = font_cache_files()
    if not fonts:
        return []
    folder = bwrap.HOME + "/.matplotlib"
    return ["--perms", "1777", "--dir", folder, "--ro-bind", fonts[0], folder + "/" + os.path.basename(fonts[0])]


def notebook_import_path(server_modules):
    """Where a notebook's imports look, given to the interpreters that run it as PYTHONPATH with PYTHONSAFEPATH
    (so that nothing comes before it: no script folder, no implicit working folder): the notebook's files first
    (read-only, so a package planted in a writable folder cannot stand in for one), then its working folder (as
    in Jupyter), then, for a fork server, its own modules. Without the sandbox the files are in the working
    folder, and the server's modules in this folder. Nothing in a sandbox edits sys.path: this is the whole of it.
    """
    from grader.sandbox.forkserver import IN_SANDBOX   # (forkserver imports this module)
    if current().unsafe_no_sandbox:   # "." is the folder the interpreter starts in
        folders = [".", os.path.dirname(os.path.abspath(__file__))]
    else:
        folders = [HELPERS, bwrap.WORKDIR, IN_SANDBOX]
    return os.pathsep.join(folders if server_modules else folders[:-1])


def sandbox_environment(server_modules=True):
    """The sandbox's whole environment: fixed values only, nothing of the grader's environment (no NBGRADER_*
    secret, no database URL), but whether nbgrader is autograding (the self-checks read it).
    `server_modules`: for a fork server (the default), whose modules are on the import path too."""
    env = {"PYTHONPATH": notebook_import_path(server_modules), "PYTHONSAFEPATH": "1",
           "HOME": bwrap.HOME, "PATH": os.path.dirname(sys.executable) + ":/usr/local/bin:/usr/bin:/bin",
           "MPLCONFIGDIR": bwrap.HOME + "/.matplotlib", "PYTHONNOUSERSITE": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "TMPDIR": "/tmp",
           "USER": "student", "LANG": "C.UTF-8", "TZ": "UTC", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    if os.environ.get("NBGRADER_EXECUTION") in NBGRADER_MODES:
        env["NBGRADER_EXECUTION"] = os.environ["NBGRADER_EXECUTION"]
    if os.environ.get("PYTHONHASHSEED", "").isdigit():
        env["PYTHONHASHSEED"] = os.environ["PYTHONHASHSEED"]
    return env  # JPY_PARENT_PID is left out on purpose: the sandbox cannot see that process


ACCOUNT_ROOM = 256   # RLIMIT_NPROC's room, as an ordinary user, for classmates' sandboxes on the same account


def account_process_room():
    """RLIMIT_NPROC's extra room for a sandbox started by an ordinary user.

    The kernel counts that limit over the whole account, so without room a classmate graded at the same
    time (its processes, or a fork storm before the watchdog ends it) could leave this notebook unable to
    start a thread. The notebook's own budget of processes is kept by the watchdog (grader/sandbox/budget.py);
    the rlimit is only the machine's backstop."""
    return own_process_count() + ACCOUNT_ROOM


def own_process_count():
    """Processes (and threads) of this user now: RLIMIT_NPROC counts them too when not grading as root."""
    uid, count = os.getuid(), 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat("/proc/" + name).st_uid == uid:
                    with open("/proc/%s/status" % name) as handle:
                        count += next((int(l.split()[1]) for l in handle if l.startswith("Threads:")), 1)
            except (OSError, ValueError):
                continue
    return count


def main(argv):
    if "-f" not in argv or argv.index("-f") + 1 >= len(argv):
        fail("usage: python -m grader.sandbox.launch -f CONNECTION_FILE [ipykernel options]")
    at = argv.index("-f")
    connection_file = os.path.abspath(argv[at + 1])
    options = [a for a in argv[:at] + argv[at + 2:] if a.startswith("--")]  # e.g. nbclient's --HistoryManager...
    kernel = [sys.executable] + KERNEL + ["-f", connection_file] + options + KERNEL_OPTIONS
    if current().unsafe_no_sandbox:
        sys.stderr.write("course sandbox: WARNING: KIT_UNSAFE_NO_SANDBOX=1, this kernel runs WITHOUT a sandbox "
                         "with all of your rights\n")
        os.environ.pop("JPY_PARENT_PID", None)
        os.execv(sys.executable, kernel)
    ipc = private_ipc_folder(connection_file)
    files, _skipped = workfiles.collect(os.getcwd(), TRUSTED_HELPER_FOLDERS)
    limits = current().limits
    uid = sandbox_uids.lease() if bwrap.as_root() else None  # leased to this process, which becomes bwrap
    try:
        cmd = bwrap.command(kernel, files, ipc_dir=ipc, tmpfs_mb=limits.tmpfs_mb, uid=uid, helpers=HELPERS)
    except FileNotFoundError as error:
        fail(str(error))
    at = cmd.index("--chdir")  # extra binds go before the command
    cmd[at:at] = font_binds() + ["--ro-bind", OUTPUT_CAP, OUTPUT_CAP_IN_SANDBOX]
    if bwrap.as_root():
        for path in [ipc] + [os.path.join(ipc, n) for n in os.listdir(ipc)]:
            os.chown(path, uid, uid)
        extra = 0
    else:
        extra = account_process_room()
    if not current().sandbox_debug:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
    limits.apply(extra_processes=extra)
    try:  # join the notebook's cgroup (grader/sandbox/budget_kernel.py) before bwrap starts
        cgroup_enter.join(os.environ.pop(budget.ENTER_ENV, None))
    except OSError as error:
        fail("cannot join the notebook's cgroup: %s" % error)
    os.execve(cmd[0], cmd, sandbox_environment(server_modules=False))


if __name__ == "__main__":
    main(sys.argv[1:])
