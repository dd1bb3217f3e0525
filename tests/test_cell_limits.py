"""A graded cell's time limit is counted in CPU seconds: the same notebook scores the same on an idle and a busy machine.

GradingExecute (the course's executor) runs a small notebook in the sandbox twice, once on
an idle machine and once with every core busy (CPU hogs). A cell that needs 1.5 CPU seconds
under a 2-second limit passes both times, although under load it takes far longer than 2
seconds on the clock (up to the wall-clock backstop, 15 times the limit here); an endless loop is
stopped both times. A cell that blocks without using CPU is stopped by the wall-clock backstop
(graded on its own, with a 1-second limit and a backstop of 5 times that, so the test waits 5 s).
"""
import multiprocessing
import os
import time

import nbformat
import pytest

from grader.cell_limits import OutputBudget, tree_cpu_seconds
from grader.kernelspec import pin_course_kernel
from grader.manifest import ROOT
from grader.preprocessors.grading_execute import GradingExecute
from grader.sandbox import bwrap
from grader.sandbox.kernel_manager import SandboxedKernelManager

pytestmark = pytest.mark.e2e  # runs nbgrader, a kernel or a training

LIMIT = 2
CELLS = [
    "import time\nstart = time.process_time()\nwhile time.process_time() - start < 1.5:\n    pass\ndone = True",
    "assert done\nprint('burned', round(time.process_time() - start, 1), 'CPU seconds')",
    "while True:\n    pass",
    "print('after the endless loop')",
]
BLOCKING = ["import time\ntime.sleep(3600)", "print('after the blocking cell')"]


def _hog(seconds):
    """Keep one core busy. In a session of its own: Linux shares CPU between sessions (autogroups) first,
    and the sandboxed kernel runs in its own session, so hogs in the test's session would not slow it."""
    os.setsid()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def grade(folder, cells=CELLS, limit=LIMIT, wall_factor=15):
    pin_course_kernel(ROOT)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    executor = GradingExecute(timeout=limit, wall_factor=wall_factor, kernel_name="python3", record_timing=True,
                              kernel_manager_class=SandboxedKernelManager, interrupt_on_timeout=True)
    started = time.monotonic()
    executor.preprocess(nb, {"metadata": {"path": str(folder)}})
    return nb, time.monotonic() - started


def outcome(nb):
    """Per cell, its error names. An interrupted cell's KeyboardInterrupt reaches nbgrader only if the kernel
    reports it before nbgrader moves on (a race a busy machine can lose); its CellTimeoutError always does."""
    names = [sorted(o.ename for o in cell.outputs if o.output_type == "error") for cell in nb.cells]
    return [[n for n in cell if not (n == "KeyboardInterrupt" and "CellTimeoutError" in cell)] for cell in names]


def wall_seconds(cell):
    timing = cell.metadata.get("execution", {})
    from dateutil.parser import isoparse
    return (isoparse(timing["shell.execute_reply"]) - isoparse(timing["iopub.execute_input"])).total_seconds()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    assert bwrap.problem() is None, bwrap.problem()
    idle, _ = grade(tmp_path_factory.mktemp("idle"))
    hogs = [multiprocessing.Process(target=_hog, args=(120,)) for _ in range(3 * (os.cpu_count() or 1))]
    for hog in hogs:
        hog.start()
    try:
        loaded, _ = grade(tmp_path_factory.mktemp("loaded"))
    finally:
        for hog in hogs:
            hog.terminate()
            hog.join()
    return idle, loaded


def test_same_outcome_idle_and_loaded(runs):
    idle, loaded = runs
    assert outcome(idle) == outcome(loaded)
    assert outcome(idle)[:2] == [[], []]  # the 1.5 CPU-second cell and its check pass
    assert outcome(idle)[2] == ["CellTimeoutError"]  # the endless loop is stopped
    assert outcome(idle)[3] == []  # and grading goes on


def test_a_cell_that_blocks_is_stopped_on_the_clock(tmp_path):
    blocked, seconds = grade(tmp_path, BLOCKING, limit=1, wall_factor=5)
    assert outcome(blocked) == [["CellTimeoutError"], []], outcome(blocked)   # stopped, and grading goes on
    assert wall_seconds(blocked.cells[0]) >= 5   # by the clock: it used no CPU


def test_the_loaded_run_really_was_slower_than_the_limit(runs):
    _, loaded = runs
    assert wall_seconds(loaded.cells[0]) > LIMIT  # a wall-clock limit would have failed this correct cell


def test_tree_cpu_seconds_counts_children():
    process = multiprocessing.Process(target=_hog, args=(1.0,))
    process.start()
    process.join()
    assert tree_cpu_seconds(os.getpid()) > 0.9  # the reaped child's CPU time is counted
    assert tree_cpu_seconds(None) == 0.0


def test_output_budget_keeps_errors_and_drops_the_flood():
    budget = OutputBudget(max_cell_chars=100, max_notebook_chars=150)
    budget.new_cell()
    assert budget.admit({"text": "x" * 80})
    assert not budget.admit({"text": "y" * 80})
    assert budget.admit({"evalue": "boom", "traceback": ["t"]}, essential=True)
    assert budget.dropped == 1
    budget.new_cell()
    assert budget.admit({"text": "z" * 70}) is False  # the notebook's budget is spent


def test_output_budget_bounds_the_number_of_outputs_and_says_so():
    budget = OutputBudget(max_cell_chars=10 ** 6, max_notebook_chars=10 ** 6, max_cell_outputs=5,
                          max_notebook_outputs=8)
    budget.new_cell()
    kept = [budget.admit({"data": {"text/plain": "x"}}) for _ in range(300)]
    assert kept.count(True) == 5 and budget.dropped == 295
    note = budget.dropped_note()
    assert "295 more output(s)" in note.text and "5 outputs" in note.text
    assert budget.admit({"evalue": "boom", "traceback": []}, essential=True)  # an error still counts
    budget.new_cell()
    assert [budget.admit({"text": "y"}, stream=True) for _ in range(5)] == [True, True, False, False, False]
    assert sum(budget.admit({"evalue": "e"}, essential=True) for _ in range(50)) == 16 - 8  # up to twice the cap
