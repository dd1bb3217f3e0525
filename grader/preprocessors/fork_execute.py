"""ForkExecute: GradingExecute's semantics on a warm, sandboxed fork server instead of a cold Jupyter kernel.

Each notebook gets a fresh interpreter forked from a preloaded server (grader/sandbox/
zygote.py) in the same bubblewrap sandbox a kernel gets; its cells run in order with
the same limits (CPU seconds per cell, a wall-clock backstop, the output budget), and
the same recovery: a cell that kills its interpreter or stops answering scores 0, a new
interpreter replays the cells before it, and grading goes on. Skipped training cells
stay skipped. Outputs come back as data and are checked before they enter the notebook.
"""
import os
import sys

from nbformat import NotebookNode

from grader import step_clock
from grader.cell_limits import OutputBudget, is_essential
from grader.preprocessors.grading_execute import GradingExecute
from grader.messages import error_output
from grader.sandbox import budget, forkserver, launch, workfiles
from grader.sandbox.budget_kernel import KernelBudget

OUTPUT_TYPES = {"stream", "display_data", "execute_result", "error"}


def checked_output(raw):
    """An nbformat output from what a child sent, or None when it is not one (a child is untrusted)."""
    if not isinstance(raw, dict) or raw.get("output_type") not in OUTPUT_TYPES:
        return None
    kind = raw["output_type"]
    if kind == "stream":
        if raw.get("name") not in ("stdout", "stderr") or not isinstance(raw.get("text"), str):
            return None
        return NotebookNode(output_type="stream", name=raw["name"], text=raw["text"])
    if kind == "error":
        traceback = raw.get("traceback")
        if not isinstance(traceback, list):
            traceback = []
        return NotebookNode(output_type="error", ename=str(raw.get("ename", "Error")),
                            evalue=str(raw.get("evalue", "")), traceback=[str(line) for line in traceback])
    data, metadata = raw.get("data"), raw.get("metadata")
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        return None
    output = NotebookNode(output_type=kind, data=NotebookNode(data),
                          metadata=NotebookNode(metadata if isinstance(metadata, dict) else {}))
    if kind == "execute_result":
        count = raw.get("execution_count")
        output["execution_count"] = count if isinstance(count, int) else None
    return output


class ForkExecute(KernelBudget, GradingExecute):  # KernelBudget: its _stop_notebook (drop it here once
                                                  # GradingExecute has KernelBudget as its first base)
    """Execute a notebook on this process's fork server, with GradingExecute's limits and recovery."""

    def preprocess(self, nb, resources=None, km=None):
        resources = resources or {}
        self.nb, self.resources = nb, resources
        folder = resources.get("metadata", {}).get("path") or os.getcwd()
        self._files, _ = workfiles.collect(folder, launch.TRUSTED_HELPER_FOLDERS)
        self._broken_cells, self._restarts = set(), 0
        self._budget = OutputBudget(self.max_cell_output_chars, self.max_notebook_output_chars)
        self._server = forkserver.shared_server()
        nb.metadata["language_info"] = {"name": "python", "version": "%d.%d.%d" % sys.version_info[:3],
                                        "mimetype": "text/x-python", "file_extension": ".py",
                                        "codemirror_mode": {"name": "ipython", "version": 3},
                                        "pygments_lexer": "ipython3", "nbconvert_exporter": "python"}
        self._stopped_by = None
        with step_clock.timed("execution"):
            try:
                self._server.begin_notebook()   # the notebook's budget (grader/sandbox/budget.py) starts here
            except forkserver.ServerGone:
                self._server.stop()
            self._open()
            try:
                for index, cell in enumerate(nb.cells):
                    self._execute(index, cell)
            finally:
                try:
                    self._server.close_notebook()
                except forkserver.ServerGone:
                    pass
                usage = self._server.end_notebook()
                if usage is not None:
                    resources["notebook_budget"] = vars(usage)
        return nb, resources

    def _open(self):
        env = {k: v for k, v in os.environ.items() if k.startswith("NBGRADER_")}
        try:
            self._server.open_notebook(self._files, env, self.timeout, self.max_cell_output_chars,
                                       self.error_on_timeout.get("evalue", ""))
        except forkserver.ServerGone:
            self._server.stop()
            self._server.open_notebook(self._files, env, self.timeout, self.max_cell_output_chars,
                                       self.error_on_timeout.get("evalue", ""))

    def _runnable(self, cell):
        return (cell.cell_type == "code" and cell.source.strip()
                and self.skip_cells_with_tag not in cell.metadata.get("tags", []))

    def _run(self, index, cell):
        """Run one cell on the child; True when it finished, False when the child went away."""
        try:
            status, outputs, count = self._server.run(index, cell.source, self.timeout * self.wall_factor)
        except forkserver.ServerGone:
            status, outputs, count = "gone", "died", None
        if status != "done":
            self._gone = outputs  # "hung", "killed", "exited" or "died"
            return False
        self._budget.new_cell()
        kept = []
        for raw in outputs:
            output = checked_output(raw)
            if output is None:
                continue
            if self._budget.admit(output, essential=is_essential(output), stream=output.output_type == "stream"):
                kept.append(output)
        note = self._budget.dropped_note()
        cell.outputs = kept + ([note] if note else [])
        cell.execution_count = count if isinstance(count, int) else None
        return True

    def _execute(self, index, cell):
        if not self._runnable(cell):
            return
        if self._stopped_by:
            cell.outputs = [error_output(budget.BUDGET_ERROR, budget.not_run_message(self._stopped_by))]
            return
        cell.outputs = []
        if self._run(index, cell):
            return
        target = index
        while True:
            if self._gone == "budget":
                return self._stop_notebook(target, self._server.budget_hit())
            self._mark_broken(index, hung=self._gone == "hung")
            self._open()
            for position in range(target):
                earlier = self.nb.cells[position]
                if position in self._broken_cells or not self._runnable(earlier):
                    continue
                if not self._run(position, earlier):
                    index = position
                    break
            else:
                return
