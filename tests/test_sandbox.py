"""The grading sandbox on its own: what a kernel in it can see and do, and how the launcher refuses bad set-ups.

These start real bubblewrap sandboxes (a missing or broken bwrap fails them, never skips).
"""
import json
import os
import subprocess
import sys
import time

import nbformat
import pytest
from nbclient import NotebookClient

from grader.kernelspec import pin_course_kernel
from grader.manifest import ROOT
from grader.sandbox import bwrap, workfiles
from grader.sandbox.kernel_manager import SandboxedKernelManager
from grader.sandbox.limits import Limits


@pytest.fixture(scope="module")
def sandbox_ready():
    problem = bwrap.problem()
    assert problem is None, problem
    pin_course_kernel(ROOT)


def run_cells(folder, sources, timeout=120):
    """Execute `sources` as a notebook in `folder` with the course's sandboxed kernel; returns the cells."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    NotebookClient(nb, kernel_name="python3", kernel_manager_class=SandboxedKernelManager, timeout=timeout,
                   allow_errors=True).execute(cwd=str(folder))
    return nb.cells


def text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def errors(cell):
    return [o.ename for o in cell.outputs if o.output_type == "error"]


def test_kernel_sees_only_its_folder_and_the_python(sandbox_ready, tmp_path):
    (tmp_path / "helper.py").write_text("VALUE = 42\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "numbers.txt").write_text("1 2 3\n")
    os.symlink(os.path.join(ROOT, "grader", "reference", "initialization.py"), tmp_path / "stolen.py")
    cells = run_cells(tmp_path, [
        "import os, helper; print(helper.VALUE, sorted(os.listdir('.')), open('data/numbers.txt').read().split())",
        "print(sorted(os.listdir(%r)))" % ROOT,
        "open(%r).read()" % os.path.join(ROOT, "grader", "reference", "initialization.py"),
        "open(%r).read()" % os.path.join(ROOT, "nbgrader_config.py"),
        "open('helper.py', 'a').write('# changed')",
        "open('scratch.txt', 'w').write('mine'); open('/tmp/t', 'w').write('x'); print('writable')",
        "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=2)",
        "print(open('/proc/self/status').read().split('NoNewPrivs:')[1].split()[0], os.getuid(),"
        " sorted(p for p in os.listdir('/proc') if p.isdigit()))",
    ])
    assert text(cells[0]).split()[:1] == ["42"] and "'stolen.py'" not in text(cells[0])
    assert "'helper.py'" in text(cells[0]) and "['1', '2', '3']" in text(cells[0])
    assert text(cells[1]).strip() in ("['.venv']", "[]"), text(cells[1])  # only the Python environment
    assert errors(cells[2]) == ["FileNotFoundError"]
    assert errors(cells[3]) == ["FileNotFoundError"]
    assert errors(cells[4]) in (["OSError"], ["PermissionError"])  # helpers are read-only
    assert "writable" in text(cells[5])
    assert errors(cells[6]) in (["ConnectionRefusedError"], ["OSError"])  # no network (a fresh namespace)
    no_new_privs, uid, *pids = text(cells[7]).replace("[", " ").replace("]", " ").replace(",", " ").replace(
        "'", " ").split()
    assert no_new_privs == "1"
    if os.geteuid() == 0:
        assert int(uid) >= bwrap.SANDBOX_UID_BASE  # never root, even when grading as root
    assert len(pids) < 10  # its own PID namespace: the grader's processes are not there


def test_nothing_a_kernel_starts_outlives_it(sandbox_ready, tmp_path):
    marker = "kit-outlive-%d" % os.getpid()
    run_cells(tmp_path, ["import subprocess, os\n"
                         "subprocess.Popen(['sh', '-c', 'exec -a %s sleep 300'], start_new_session=True)\n"
                         "if os.fork() == 0:\n    os.setsid()\n    import time; time.sleep(300)" % marker])
    time.sleep(1)
    survivors = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
    assert survivors == []


def test_limits_apply_inside(sandbox_ready, tmp_path):
    limits = Limits.from_environment({})
    cells = run_cells(tmp_path, [
        "import resource; print(resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_FSIZE)[0])",
        "open('/tmp/big', 'wb').write(b'0' * (%d * 1024 * 1024))" % (limits.tmpfs_mb + 10),
    ])
    memory, file_size = map(int, text(cells[0]).split())
    assert memory == limits.address_space_mb * 1024 * 1024 and file_size == limits.file_size_mb * 1024 * 1024
    assert errors(cells[1]) == ["OSError"]  # a full tmpfs or the file-size limit, never the host's disk


def test_limits_read_overrides():
    assert Limits.from_environment({"KIT_SANDBOX_MEMORY_MB": "1024"}).memory_mb == 1024
    with pytest.raises(SystemExit, match="whole number"):
        Limits.from_environment({"KIT_SANDBOX_PROCESSES": "many"})


def _launch(connection_file, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "grader.sandbox.launch", "-f", str(connection_file)],
                          cwd=str(cwd), env=env, capture_output=True, text=True, timeout=60)


def test_launcher_refuses_a_tcp_kernel(tmp_path):
    (tmp_path / "k").mkdir()
    connection = tmp_path / "k" / "kernel.json"
    connection.write_text(json.dumps({"transport": "tcp", "ip": "127.0.0.1", "shell_port": 1}))
    result = _launch(connection, tmp_path)
    assert result.returncode == 2 and "IPC sockets" in result.stderr


def test_launcher_refuses_a_shared_connection_folder(tmp_path):
    connection = tmp_path / "kernel-1.json"
    connection.write_text(json.dumps({"transport": "ipc", "ip": str(tmp_path / "kernel-1-ipc")}))
    (tmp_path / "kernel-2.json").write_text("{}")  # another kernel's secrets
    result = _launch(connection, tmp_path)
    assert result.returncode == 2 and "private" in result.stderr


def test_workfiles_take_regular_files_and_trusted_links_only(tmp_path):
    trusted = tmp_path / "utils"
    trusted.mkdir()
    (trusted / "nn_core.py").write_text("x = 1\n")
    work = tmp_path / "work"
    (work / "sub" / "deeper").mkdir(parents=True)
    (work / "a.py").write_text("a")
    (work / "sub" / "deeper" / "b.txt").write_text("b")
    (work / "Notebook.ipynb").write_text("{}")
    (work / ".hidden").write_text("h")
    os.symlink(trusted / "nn_core.py", work / "nn_core.py")
    os.symlink("/etc/passwd", work / "passwd")
    os.symlink(".", work / "loop")
    os.mkfifo(work / "pipe")
    files, skipped = workfiles.collect(str(work), [str(trusted)])
    assert sorted(f.relative_path for f in files) == ["a.py", "nn_core.py", os.path.join("sub", "deeper", "b.txt")]
    assert dict(skipped) == {"loop": "a link out of the folder", "passwd": "a link out of the folder",
                             "pipe": "not a regular file"}


@pytest.mark.e2e
def test_pipeline_refuses_to_grade_without_a_sandbox():
    code = "from pipeline.autograde import require_sandbox\nrequire_sandbox()"
    env = dict(os.environ, KIT_BWRAP="/nonexistent/bwrap", PYTHONPATH=os.pathsep.join([ROOT, ROOT + "/utils"]))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode != 0
    assert "cannot grade untrusted submissions" in result.stderr and "--unsafe-no-sandbox" in result.stderr
    assert "bubblewrap" in result.stderr


@pytest.mark.e2e
def test_unsafe_flag_warns_loudly():
    code = "from grader import settings\nfrom pipeline.autograde import require_sandbox\n" \
           "require_sandbox(settings.Settings(unsafe_no_sandbox=True))\nimport os\n" \
           "print('KIT_UNSAFE_NO_SANDBOX' in os.environ)"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, ROOT + "/utils"]))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0
    assert "WITHOUT the sandbox" in result.stdout and result.stdout.strip().endswith("False")  # passed, not set


def test_sandbox_uids_are_leased_to_one_live_process_at_a_time(tmp_path, monkeypatch):
    from grader.sandbox import sandbox_uids
    monkeypatch.setattr(sandbox_uids, "LEASES", str(tmp_path / "leases"))
    monkeypatch.setattr(sandbox_uids, "UID_COUNT", 8)
    first, second = sandbox_uids.lease(), sandbox_uids.lease()
    assert first != second and min(first, second) >= sandbox_uids.UID_BASE
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    with open(tmp_path / "leases" / str(first), "w") as handle:   # the first lease's owner has ended
        handle.write("%d 12345" % dead.pid)
    sandbox_uids.release(second)
    taken = {sandbox_uids.lease() for _ in range(sandbox_uids.UID_COUNT)}   # every uid: the two free ones too
    assert first in taken and second in taken and len(taken) == sandbox_uids.UID_COUNT
    with pytest.raises(RuntimeError, match="leased"):
        sandbox_uids.lease()


def test_the_sandbox_environment_is_a_fixed_allowlist(monkeypatch):
    from grader.sandbox import launch
    secret = "postgresql://u:kit-secret-99@db/x"
    for name in ("NBGRADER_DB_URL", "NBGRADER_EXCHANGE", "DATABASE_URL", "LC_SECRET", "TZ", "KIT_SANDBOX_MEMORY_MB"):
        monkeypatch.setenv(name, secret)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    env = launch.sandbox_environment()
    assert secret not in str(env) and env["NBGRADER_EXECUTION"] == "autograde" and env["TZ"] == "UTC"
    monkeypatch.setenv("NBGRADER_EXECUTION", secret)
    assert "NBGRADER_EXECUTION" not in launch.sandbox_environment()
    command = bwrap.command(["true"], uid=bwrap.SANDBOX_UID_BASE)
    assert "--setenv" not in command and secret not in " ".join(command)


def test_a_sandbox_here_can_give_each_notebook_namespaces_of_its_own():
    """What the fork executor's children need (ForkServer.start refuses to start without it, naming the fix)."""
    assert bwrap.nested_namespaces_problem() is None, bwrap.nested_namespaces_problem()
