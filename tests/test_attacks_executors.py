"""The executors' trust boundary on its own: hostile notebooks run by ForkExecute (and GradingExecute) directly.

A hostile notebook and an honest one run in turn on the same warm fork server: whatever the first
does (signals to every process it can name, forged protocol frames on every descriptor it has,
packages left behind), the server stays the same process and the second notebook's outputs are
its own. Each child has namespaces and, grading as root, a uid of its own. A server stopped or
killed from outside is noticed and the notebook graded again in a fresh one; a notebook whose
server dies twice fails with a clear reason. On both executors: no secret of the grader's
environment and no hidden test's source can be read from a cell, and 300,000 displays keep at
most the output budget's count.
"""
import os
import signal
import threading

import nbformat
import pytest

from grader.hidden_block import HIDDEN_BEGIN, HIDDEN_END
from grader.kernelspec import pin_course_kernel
from grader.manifest import ROOT
from grader.preprocessors.fork_execute import ForkExecute
from grader.preprocessors.grading_execute import GradingExecute
from grader.sandbox import bwrap, forkserver, uid_mapping
from grader.sandbox.sandbox_tree import children
from grader.sandbox.kernel_manager import SandboxedKernelManager
from attacks.isolation_students import PAYLOADS

pytestmark = pytest.mark.e2e
SECRET = "postgresql://grader:kit-planted-secret-4711@db.example/gradebook"
HIDDEN = "grade_case('kit_hidden_probe', 31337)"
PROBE = ("import os, sys\nprint('uid', os.getuid(), 'pids', sorted(int(p) for p in os.listdir('/proc') if p.isdigit()))\n"
         "print('status', [l for l in open('/proc/self/status').read().splitlines() "
         "if l.startswith(('NoNewPrivs', 'CapEff'))])\nprint('path0', sys.path[0])\n"
         "import helper\nprint('helper', helper.VALUE, sorted(os.listdir('.')))")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    assert bwrap.problem() is None, bwrap.problem()
    pin_course_kernel(ROOT)
    path = tmp_path_factory.mktemp("work")
    (path / "helper.py").write_text("VALUE = 42\n")
    return str(path)


def notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def fork_run(nb, folder, timeout=20):
    executor = ForkExecute()
    executor.timeout = timeout
    executor.preprocess(nb, {"metadata": {"path": folder}})
    return nb


def text(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def server_process(server):
    return uid_mapping.find_server(server.process.pid, (forkserver.IN_SANDBOX + "/zygote.py").encode())


def test_a_notebook_cannot_reach_its_server_or_the_next_notebook(folder):
    server = forkserver.shared_server()
    fork_run(notebook("print('warm')"), folder)
    before = server_process(server)
    attack = notebook(PAYLOADS["stop_everyone"].format(FORGED="x"), PAYLOADS["forge_frames"].format(FORGED="FORGED"),
                      PAYLOADS["shadow_helpers"].format(FORGED="FORGED"), "print('attacker still here')")
    fork_run(attack, folder)
    assert "attacker still here" in text(attack.cells[3])
    honest = fork_run(notebook("import helper\nprint('honest', helper.VALUE)", "print(40 + 2)", "1 / 0"), folder)
    assert text(honest.cells[0]) == "honest 42\n" and text(honest.cells[1]) == "42\n"
    assert [o.ename for o in honest.cells[2].outputs if o.output_type == "error"] == ["ZeroDivisionError"]
    assert "FORGED" not in str(honest.cells)
    assert server_process(server) == before   # the same server: nothing stopped or killed it


def test_every_notebook_gets_namespaces_and_a_uid_of_its_own(folder):
    first, second = fork_run(notebook(PROBE), folder), fork_run(notebook(PROBE), folder)
    seen = []
    for nb in (first, second):
        shown = text(nb.cells[0])
        assert "'NoNewPrivs:\\t1'" in shown and "'CapEff:\\t0000000000000000'" in shown, shown
        assert "path0 /opt/kit/files" in shown and "helper 42 ['helper.py']" in shown, shown
        pids = eval(shown.split("pids ")[1].split("\n")[0])
        assert len(pids) <= 4, pids   # itself, and the covered entries of its session, the server and bwrap's init
        seen.append(int(shown.split()[1]))
    if bwrap.as_root():
        assert seen[0] != seen[1] and forkserver.shared_server().uid not in seen
        assert min(seen) >= bwrap.SANDBOX_UID_BASE


def test_a_stopped_server_is_noticed_and_the_notebook_graded_again(folder):
    server = forkserver.shared_server()
    fork_run(notebook("print('warm')"), folder)
    first = server_process(server)
    stopped = []

    def stop_the_relay():   # the session relaying the running notebook (a child of the server) stops answering
        stopped.extend(children(first))
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
    threading.Timer(1.0, stop_the_relay).start()
    nb = fork_run(notebook("import time\ntime.sleep(2)\nprint('slept')", "print('next')"), folder)
    assert stopped, "no session was running the notebook"
    assert text(nb.cells[0]) == "slept\n" and text(nb.cells[1]) == "next\n"
    assert server_process(server) != first
    assert not any(os.path.exists("/proc/%d" % pid) for pid in stopped + [first])   # ended, not left behind


def test_a_notebook_whose_server_dies_twice_fails_with_a_reason(folder):
    server = forkserver.shared_server()
    deaths = []

    def kill_while_a_notebook_runs(running):
        if running.token is not None and len(deaths) < 2:
            target = server_process(running)
            if target:
                deaths.append(target)
                os.kill(target, signal.SIGKILL)
    server.tick_hooks.append(kill_while_a_notebook_runs)
    try:
        with pytest.raises(RuntimeError, match="died twice.*giving up"):
            fork_run(notebook("import time\ntime.sleep(1)"), folder)
    finally:
        server.tick_hooks.remove(kill_while_a_notebook_runs)
    assert len(deaths) == 2
    assert text(fork_run(notebook("print('fine again')"), folder).cells[0]) == "fine again\n"


@pytest.fixture(params=["fork", "kernel"])
def run_any(request, folder, monkeypatch):
    """Run a notebook with either executor, with a secret in the grader's environment."""
    monkeypatch.setenv("NBGRADER_DB_URL", SECRET)
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")

    def run(nb):
        executor = ForkExecute() if request.param == "fork" else GradingExecute(
            kernel_manager_class=SandboxedKernelManager)
        executor.timeout, executor.kernel_name = 30, "python3"
        executor.preprocess(nb, {"metadata": {"path": folder}})
        return nb
    return run


def test_no_secret_and_no_hidden_test_can_be_read(run_any):
    test_cell = ("def grade_case(*args):\n    pass\nassert True\n%s\n%s\n%s\n" % (HIDDEN_BEGIN, HIDDEN, HIDDEN_END))
    nb = run_any(notebook("x = 1", test_cell, "y = 2", PAYLOADS["dump_secrets"].format(FORGED=""),
                          PAYLOADS["read_history"].format(FORGED=""), "print(_i2, _ih[2], In[2])"))
    shown = str([cell.outputs for cell in nb.cells])
    assert "assert True" in text(nb.cells[5]) and "/proc/" in text(nb.cells[3]) and "HOME" in text(nb.cells[3])
    assert "kit_hidden_probe" not in shown and "31337" not in shown
    assert "kit-planted-secret" not in shown and "NBGRADER_DB_URL" not in shown
    assert "'NBGRADER_EXECUTION': 'autograde'" in text(nb.cells[3])   # what the self-checks need does pass
    assert nb.cells[1].execution_count == 2 and nb.cells[2].execution_count == 3   # nbgrader's counts kept


def test_300000_displays_keep_a_bounded_count(run_any):
    nb = run_any(notebook(PAYLOADS["display_flood"].format(FORGED=""), "print('after')", "1 / 0"))
    outputs = nb.cells[0].outputs
    assert 1000 <= len(outputs) <= 10_001
    assert "left out by the autograder" in outputs[-1].get("text", "")
    later = text(nb.cells[1])   # the notebook's count may be spent: later output is kept or left out with a note,
    assert later == "after\n" or "left out by the autograder" in later, later
    assert [o.ename for o in nb.cells[2].outputs if o.output_type == "error"] == ["ZeroDivisionError"]  # not errors


def test_a_frame_header_promising_gigabytes_ends_only_its_own_interpreter(folder):
    """A cell that writes the header of a 4 GB frame on every descriptor is a broken interpreter (no honest child
    sends a frame over the limit): the server ends it at once, not at the wall-clock backstop, and the cells after
    it run in a fresh interpreter."""
    from grader.messages import KERNEL_DIED_ERROR
    header = ("import os, struct\nfor fd in range(3, 64):\n    try:\n        os.write(fd, struct.pack('>I', (4 << 30) - 1))\n"
              "    except OSError:\n        pass\nimport time\ntime.sleep(5)\n")
    nb = fork_run(notebook("x = 1", header, "print('after', x)"), folder)
    names = [o.get("ename") for o in nb.cells[1].outputs if o.output_type == "error"]
    assert names == [KERNEL_DIED_ERROR], nb.cells[1].outputs
    assert text(nb.cells[2]) == "after 1\n"
