"""The notebook budget on the kernel path: a mixin for GradingExecute (one Jupyter kernel per notebook).

    class GradingExecute(KernelBudget, KernelExecute): ...   (grader/preprocessors/grading_execute.py)

The notebook gets one guard (grader/sandbox/budget.py) for all of its kernels: each kernel's
launcher (grader/sandbox/launch.py) joins the guard's cgroup before it execs bubblewrap (the
cgroup's files travel in KIT_BUDGET_ENTER, set here before each start), and the guard watches
the new sandbox once its kernel has answered (async_start_new_kernel_client). A budget hit kills
the kernel's whole sandbox; the cell it happened in gets the budget's note instead of a restart, and the cells after
it are not run (they score 0), so a restarted kernel never gets the budget again.
"""
import json
import os
import sys

from jupyter_client.utils import run_sync

from grader.messages import KERNEL_DIED_ERROR, TIMEOUT_ERROR, error_output
from grader.sandbox import budget
from grader.settings import current


_ANNOUNCED = []


class BudgetStop(Exception):
    """The notebook used up its budget: stop executing it (caught in preprocess_cell)."""


class KernelBudget:
    """Keeps a kernel-executed notebook within its budget (GradingExecute's first base class)."""

    _kernel_guard = None
    _stopped_by = None

    def preprocess(self, nb, resources=None, km=None):
        if current().unsafe_no_sandbox:
            return super().preprocess(nb, resources, km)
        self._kernel_guard, self._stopped_by = budget.guard_for(), None
        if not _ANNOUNCED:   # plain `nbgrader autograde` says once which guard keeps its notebooks in budget
            _ANNOUNCED.append(True)
            sys.stderr.write("course sandbox: %s\n" % self._kernel_guard.describe())
        os.environ[budget.ENTER_ENV] = json.dumps({"procs": self._kernel_guard.procs_files()})
        self._kernel_guard.begin_notebook()
        try:
            nb, resources = super().preprocess(nb, resources, km)
        finally:
            os.environ.pop(budget.ENTER_ENV, None)
            usage = self._kernel_guard.end_notebook()
            self._kernel_guard.close()
        resources["notebook_budget"] = vars(usage)
        return nb, resources

    async def async_start_new_kernel_client(self):
        """Start the kernel's client (KernelExecute's, which starts a dead-born kernel again), then watch the
        kernel's sandbox. The guard is attached only once the kernel has answered: until bubblewrap has moved
        it into its own mounts, its root is the host's, and the watchdog would read the host's /tmp as its
        scratch space (tens of GB: a "memory" hit before any cell ran). No student code runs before that."""
        client = await super().async_start_new_kernel_client()
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if self._kernel_guard is not None and process is not None:
            self._kernel_guard.attach(process, kill_server=True)   # the launcher's PID is bwrap's (it execs it)
        return client

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def _budget_hit(self):
        return self._kernel_guard.poll() if self._kernel_guard is not None else None

    def preprocess_cell(self, cell, resources, index):
        if self._stopped_by:
            if cell.cell_type == "code" and cell.source.strip() and self.skip_cells_with_tag not in cell.metadata.get(
                    "tags", []):
                cell.outputs = [error_output(budget.BUDGET_ERROR, budget.not_run_message(self._stopped_by))]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except BudgetStop:
            self._stop_notebook(index, self._budget_hit())
            return self.nb.cells[index], resources

    def _mark_broken(self, index, hung):
        if self._budget_hit():   # the kernel was killed for the notebook's budget: no restart
            raise BudgetStop()
        return super()._mark_broken(index, hung)

    def _stop_notebook(self, index, hit):
        """The notebook used up budget `hit` while cell `index` ran: that cell and every later one score 0
        (both executors: ForkExecute calls this too)."""
        self._stopped_by = hit or "time"
        cell = self.nb.cells[index]
        kept = [o for o in cell.get("outputs", []) if o.get("ename") not in (KERNEL_DIED_ERROR, TIMEOUT_ERROR)]
        cell.outputs = kept + [error_output(budget.BUDGET_ERROR, budget.hit_message(self._stopped_by))]
        self.log.warning("Cell %d: the notebook used up its %s budget; the rest of it is not run", index,
                         self._stopped_by)

