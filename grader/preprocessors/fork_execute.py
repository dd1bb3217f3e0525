"""ForkExecute: GradingExecute's semantics on a warm, sandboxed fork server instead of a cold Jupyter kernel.

Each notebook gets a fresh interpreter forked from a preloaded server (grader/sandbox/
zygote.py) in the same bubblewrap sandbox a kernel gets; its cells run in order with
the same limits (CPU seconds per cell, a wall-clock backstop, the output budget), and
the same recovery: a cell that kills its interpreter or stops answering scores 0, a new
interpreter replays the cells before it, and grading goes on. When the server itself goes
away (it cannot be reached from a notebook, so that is a crash or an out-of-memory kill), the
notebook is graded again from the start in a fresh server, once. Skipped training cells
stay skipped. Outputs come back as data and are checked before they enter the notebook.

A cell that earns no points (not a graded cell) shows its matplotlib figures as text
(`<Figure size ...>`) instead of a rendered picture: no score reads any output of such a cell,
and rendering was the costliest part of the lesson's data cells. Its code runs in full (every
name it defines is there for the cells after it); graded cells draw as in a Jupyter kernel.
"""
import os
import sys

from nbformat import NotebookNode
from nbgrader.utils import is_grade

from grader import step_clock
from grader.cell_limits import OutputBudget, is_essential
from grader.preprocessors.grading_execute import GradingExecute, shown_source
from grader.messages import error_output
from grader.sandbox import budget, forkserver, launch, workfiles

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


class ForkExecute(GradingExecute):
    """Execute a notebook on this process's fork server, with GradingExecute's limits and recovery."""

    def preprocess(self, nb, resources=None, km=None):
        resources = resources or {}
        self.nb, self.resources = nb, resources
        folder = resources.get("metadata", {}).get("path") or os.getcwd()
        self._files, _ = workfiles.collect(folder, launch.TRUSTED_HELPER_FOLDERS)
        self._server = forkserver.shared_server()
        nb.metadata["language_info"] = {"name": "python", "version": "%d.%d.%d" % sys.version_info[:3],
                                        "mimetype": "text/x-python", "file_extension": ".py",
                                        "codemirror_mode": {"name": "ipython", "version": 3},
                                        "pygments_lexer": "ipython3", "nbconvert_exporter": "python"}
        pristine = [list(cell.get("outputs", [])) for cell in nb.cells]
        reason, self._stopped_by = "", None
        with step_clock.timed("execution"):
            for attempt in (1, 2):
                try:
                    return self._grade(nb), resources
                except forkserver.ServerGone as error:  # the server, not the notebook's interpreter, went away
                    reason = str(error)
                    self.log.warning("The fork server went away (%s); grading this notebook again in a fresh one",
                                     error)
                    self._server.stop()
                    for cell, outputs in zip(nb.cells, pristine):
                        if cell.cell_type == "code":
                            cell.outputs = outputs
            raise RuntimeError("the fork server died twice while grading this notebook (%s); giving up on it" % reason)

    def _grade(self, nb):
        """Every runnable cell in order on a fresh child; ServerGone when the server itself went away."""
        self._broken_cells, self._restarts = set(), 0
        self._budget = OutputBudget(self.max_cell_output_chars, self.max_notebook_output_chars,
                                    self.max_cell_outputs, self.max_notebook_outputs)
        self._server.begin_notebook()   # the notebook's budget (grader/sandbox/budget.py) starts here
        try:
            self._open()
            try:
                for index, cell in enumerate(nb.cells):
                    self._execute(index, cell)
            finally:
                self._server.close_notebook()
        finally:
            usage = self._server.end_notebook()
            if usage is not None:
                self.resources["notebook_budget"] = vars(usage)
        return nb

    def _open(self):
        self._server.open_notebook(self._files, self.timeout, self.max_cell_output_chars,
                                   self.error_on_timeout.get("evalue", ""), self.max_cell_outputs)

    def _runnable(self, cell):
        return (cell.cell_type == "code" and cell.source.strip()
                and self.skip_cells_with_tag not in cell.metadata.get("tags", []))

    def _run(self, index, cell):
        """Run one cell on the child; True when it finished, False when the child went away."""
        status, outputs, count, dropped = self._server.run(index, cell.source, self.timeout * self.wall_factor,
                                                           shown=shown_source(cell), draw=is_grade(cell))
        if status != "done":
            self._gone = outputs  # "hung", "killed", "exited"
            return False
        self._budget.new_cell()
        self._budget.dropped += dropped
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
