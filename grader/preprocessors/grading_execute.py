"""GradingExecute: nbgrader's Execute with the grading timeout and recovery from a dead or hung kernel.

Stock nbgrader gives up on the whole notebook (score 0 everywhere) when the kernel
dies (`os._exit`, a segfault, out of memory) or stops answering after a timeout
(a loop that swallows KeyboardInterrupt). Here only the cell it happened in gets
an error output (so it scores 0); the kernel is restarted, the code cells before
it are run again (without the ones that killed the kernel) and grading goes on.
"""
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Integer, default

from grader.messages import KERNEL_DIED, KERNEL_HUNG, error_output, timeout_message


class GradingExecute(Execute):
    """nbgrader's Execute with the course's grading timeout (training cells are skipped)."""

    timeout = Integer(60, help="Seconds a graded cell may run before it is stopped and scored 0.").tag(config=True)
    max_kernel_restarts = Integer(3, help="Kernel restarts per notebook before giving up on it.").tag(config=True)

    @default("error_on_timeout")
    def _error_on_timeout_default(self):
        message = timeout_message(self.timeout)
        return {"ename": "CellTimeoutError", "evalue": message, "traceback": ["CellTimeoutError: " + message]}

    def preprocess(self, nb, resources=None, km=None):
        self._broken_cells = set()
        self._restarts = 0
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        try:
            return super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError) as error:
            self._recover(index, error)
            return self.nb.cells[index], self.resources

    def _recover(self, index, error):
        """Mark cell `index` as failed, restart the kernel, replay the code cells before it."""
        target = index
        while True:
            cell = self.nb.cells[index]
            self._broken_cells.add(index)
            if isinstance(error, DeadKernelError):
                ename, message = "KernelDied", KERNEL_DIED
            else:
                ename, message = "CellTimeoutError", KERNEL_HUNG
            cell.outputs = list(cell.get("outputs", [])) + [error_output(ename, message)]
            self.log.warning("Cell %d: %s; restarting the kernel", index, ename)
            if self._restarts >= self.max_kernel_restarts:
                raise RuntimeError("the kernel died or hung %d times in this notebook; giving up on it"
                                   % (self._restarts + 1))
            self._restarts += 1
            self._restart_kernel()
            try:
                self._replay(target)
                return
            except (DeadKernelError, CellTimeoutError) as again:
                index, error = self._replaying, again

    def _restart_kernel(self):
        try:
            self._cleanup_kernel()
        except Exception as problem:  # a dead kernel may not clean up neatly; a new one is what matters
            self.log.warning("Kernel clean-up after a crash: %s", problem)
        self.km, self.kc = None, None
        self.km = self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()

    def _replay(self, upto):
        """Run the code cells before `upto` again, outputs refreshed, skipping the broken ones."""
        for position in range(upto):
            cell = self.nb.cells[position]
            if cell.cell_type != "code" or position in self._broken_cells:
                continue
            self._replaying = position
            self.execute_cell(cell, position, store_history=True)
