"""The notebook budget on the kernel path (plain `nbgrader autograde`): one guard for all of a notebook's kernels.

GradingExecute (grader/sandbox/budget_kernel.KernelBudget on KernelExecute) runs a real
sandboxed kernel (grader/sandbox/launch.py joins the guard's cgroup before bwrap starts); a
notebook over its budget is stopped in the cell that went over, never restarted, and the
cells after it are not run.
"""
import os

import nbformat
import pytest

from budget_attacks import memory_hog
from grader import settings

from grader.kernelspec import pin_course_kernel
from grader.manifest import ROOT
from grader.preprocessors.grading_execute import GradingExecute
from grader.sandbox import budget, bwrap
from grader.sandbox.kernel_manager import SandboxedKernelManager

pytestmark = pytest.mark.e2e   # runs sandboxed kernels
HOG = memory_hog(3, "512 << 20")   # tests/budget_attacks.py


def execute(folder, sources, monkeypatch, **limits):
    for name, value in limits.items():
        monkeypatch.setenv("KIT_SANDBOX_" + name.upper(), str(value))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    before = settings.current()
    settings.install(settings.from_environment())   # the limits just set, read as a grading process reads them
    try:
        executor = GradingExecute(timeout=5, kernel_name="python3", kernel_manager_class=SandboxedKernelManager)
        return executor.preprocess(nb, {"metadata": {"path": str(folder)}})
    finally:
        settings.install(before)


@pytest.fixture(scope="module")
def kernels_ready():
    assert bwrap.problem() is None, bwrap.problem()
    pin_course_kernel(ROOT)


def errors(cell):
    return [o.ename for o in cell.outputs if o.output_type == "error"]


def test_memory_over_the_kernels_processes_stops_the_notebook(kernels_ready, tmp_path, monkeypatch):
    nb, resources = execute(tmp_path, ["x = 1", HOG, "print(x)"], monkeypatch, memory_mb=512)
    assert errors(nb.cells[0]) == []
    assert errors(nb.cells[1]) == [budget.BUDGET_ERROR] and "memory budget (512 MB" in nb.cells[1].outputs[-1].evalue
    assert errors(nb.cells[2]) == [budget.BUDGET_ERROR]
    assert nb.cells[2].outputs[0].evalue == budget.not_run_message("memory")
    assert resources["notebook_budget"]["hit"] == "memory"
    assert os.environ.get(budget.ENTER_ENV) is None


def test_sleeping_cells_stop_at_the_notebook_clock_across_kernel_restarts(kernels_ready, tmp_path, monkeypatch):
    """A cell that kills its kernel does not restart the clock: the notebook's time goes on over every kernel."""
    sources = ["import os\nos._exit(1)", "import time\ntime.sleep(300)", "import time\ntime.sleep(300)", "print(1)"]
    nb, resources = execute(tmp_path, sources, monkeypatch, wall_seconds=20)
    assert "KernelDied" in errors(nb.cells[0])
    stopped = next(i for i, c in enumerate(nb.cells) if budget.BUDGET_ERROR in errors(c))
    assert stopped in (1, 2) and all(budget.BUDGET_ERROR in errors(c) for c in nb.cells[stopped:])
    assert resources["notebook_budget"]["hit"] == "wall"
    assert 20 <= resources["notebook_budget"]["wall_seconds"] < 40
