"""GradingExecute: nbgrader's Execute with the grading timeout and recovery from a dead or hung kernel.

Stock nbgrader gives up on the whole notebook (score 0 everywhere) when the kernel
dies (`os._exit`, a segfault, out of memory) or stops answering after a timeout
(a loop that swallows KeyboardInterrupt). Here only the cell it happened in gets
an error output (so it scores 0); the kernel is restarted, the code cells before
it are run again (without the ones that killed the kernel) and grading goes on.

The time limit is counted in CPU seconds of the sandboxed kernel (grader.cell_limits),
so a busy machine cannot turn a correct cell into a timeout; `wall_factor` times the
limit in wall-clock seconds still stops a cell that sleeps or blocks. Output is
budgeted as it streams in: past the budget it is dropped (errors and stderr are kept,
shortened, because they decide the score), so a flood never piles up in the grader.
"""
import asyncio
import time
from queue import Empty

import zmq
from jupyter_client.utils import ensure_async
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Integer, default

from grader import step_clock
from grader.cell_limits import OutputBudget, is_essential, tree_cpu_seconds
from grader.hidden_block import hidden_lines, without_hidden_block
from grader.sandbox import history_scrub, kernel_manager
from grader.sandbox.budget_kernel import KernelBudget
from grader.messages import KERNEL_DIED, KERNEL_HUNG, error_output, timeout_message

KEPT_WHEN_OVER = 2000  # characters kept of an error or stderr output that arrives over the budget
SCRUB_SECONDS = 30     # a kernel that does not scrub its history within this is treated as hung
START_ATTEMPTS = 3     # a kernel that dies before it answers (no student code has run yet) is started again


def shown_source(cell):
    """A test cell's source as the student saw it (without its hidden block), or None for any other cell:
    what its input history may keep after it ran."""
    if cell.get("cell_type") != "code" or not hidden_lines(cell.source):
        return None
    return without_hidden_block(cell.source)


class KernelExecute(Execute):
    """nbgrader's Execute with the course's grading timeout (training cells are skipped)."""

    timeout = Integer(60, help="Seconds a graded cell may run before it is stopped and scored 0.").tag(config=True)
    max_kernel_restarts = Integer(3, help="Kernel restarts per notebook before giving up on it.").tag(config=True)
    wall_factor = Integer(5, help="A cell is stopped after this many times `timeout` in wall-clock seconds, "
                                  "even if it used little CPU (it sleeps or blocks).").tag(config=True)
    max_cell_output_chars = Integer(1_000_000, help="Output characters kept per cell as it streams.").tag(config=True)
    max_notebook_output_chars = Integer(5_000_000, help="Output characters kept per notebook.").tag(config=True)
    max_cell_outputs = Integer(10_000, help="Outputs kept per cell (a note says how many were left out).").tag(
        config=True)
    max_notebook_outputs = Integer(10_000, help="Outputs kept per notebook.").tag(config=True)

    @default("error_on_timeout")
    def _error_on_timeout_default(self):
        message = timeout_message(self.timeout)
        return {"ename": "CellTimeoutError", "evalue": message, "traceback": ["CellTimeoutError: " + message]}

    def preprocess(self, nb, resources=None, km=None):
        self._broken_cells = set()
        self._restarts = 0
        self._budget = OutputBudget(self.max_cell_output_chars, self.max_notebook_output_chars,
                                    self.max_cell_outputs, self.max_notebook_outputs)
        try:
            with step_clock.timed("execution"):
                return super().preprocess(nb, resources, km)
        finally:   # every kernel of the notebook is gone now: so are their connection folders
            kernel_manager.remove_connection_folders()

    def preprocess_cell(self, cell, resources, index):
        self._budget.new_cell()
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
            self._scrub_history(cell)
        except (DeadKernelError, CellTimeoutError) as error:
            self._recover(index, error)
            cell, resources = self.nb.cells[index], self.resources
        note = self._budget.dropped_note()
        if note:
            cell.outputs.append(note)
        return cell, resources

    # -- starting and ending kernels ---------------------------------------------------------
    async def async_start_new_kernel_client(self):
        """nbclient's start, again with a fresh kernel when the kernel died or did not answer before any cell ran:
        nothing of the student's had run, so the notebook is not to blame (as an ordinary user, the account's
        other processes count against a kernel's process limit, and a burst of them can stop its start)."""
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                return await super().async_start_new_kernel_client()
            except RuntimeError:
                if attempt == START_ATTEMPTS or getattr(self, "_budget_hit", lambda: None)():
                    raise
            self.log.warning("The kernel ended before it answered (attempt %d of %d); starting another", attempt,
                             START_ATTEMPTS)
            await asyncio.sleep(attempt)
            self.km, self.kc = None, None
            self.km = self.create_kernel_manager()
            await self.async_start_new_kernel()

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def _async_cleanup_kernel(self):
        """nbclient's clean-up, and the client's own ZeroMQ context closed too (grader.sandbox.kernel_manager gives
        each client one; left open, each would keep its threads in the grading process for good)."""
        context = getattr(self.kc, "context", None) if getattr(self, "kc", None) is not None else None
        try:
            await super()._async_cleanup_kernel()
        finally:
            if context is not None and not context.closed:
                context.destroy(linger=0)

    _cleanup_kernel = run_sync(_async_cleanup_kernel)

    # -- output budget -------------------------------------------------------------------
    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        shaped = dict(content, output_type=msg.get("msg_type"))
        essential = is_essential(shaped)  # it decides the score: keep it, shortened if over the budget
        if not self._budget.admit(content, essential=essential and self._budget.size(content) <= KEPT_WHEN_OVER,
                                  stream=msg.get("msg_type") == "stream" and not essential):
            if not essential:
                return None
            for key in ("text", "evalue"):
                if isinstance(content.get(key), str) and len(content[key]) > KEPT_WHEN_OVER:
                    content[key] = content[key][:KEPT_WHEN_OVER] + "\n... (cut by the autograder)\n"
            if content.get("traceback"):
                content["traceback"] = [line[:KEPT_WHEN_OVER] for line in content["traceback"][-20:]]
        return super().output(outs, msg, display_id, cell_index)

    # -- time limit in CPU seconds ---------------------------------------------------------
    def _kernel_pid(self):
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(process, "pid", None)

    async def _async_poll_for_reply(self, msg_id, cell, timeout, task_poll_output_msg, task_poll_kernel_alive):
        self._cell_msg_id = msg_id
        self._cell_started = time.monotonic()
        self._cell_cpu_start = tree_cpu_seconds(self._kernel_pid())
        return await super()._async_poll_for_reply(msg_id, cell, timeout, task_poll_output_msg,
                                                   task_poll_kernel_alive)

    async def _async_handle_timeout(self, timeout, cell=None):
        """The wall-clock slice ran out: wait on while the kernel has used less CPU than the limit."""
        while True:
            used = tree_cpu_seconds(self._kernel_pid()) - self._cell_cpu_start
            waited = time.monotonic() - self._cell_started
            if used >= self.timeout or waited >= self.timeout * self.wall_factor:
                self.log.warning("Cell stopped after %.1f CPU seconds (%.1f s on the clock)", used, waited)
                try:
                    return await super()._async_handle_timeout(timeout, cell)
                except zmq.ZMQError:  # the interrupt could not be sent (its connection was broken from inside)
                    raise CellTimeoutError.error_from_timeout_and_cell("the kernel cannot be interrupted", timeout,
                                                                      cell)
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
            except Empty:
                await self._async_check_alive()
                continue
            if msg.get("parent_header", {}).get("msg_id") == self._cell_msg_id:
                return msg  # nbclient takes it as the cell's reply

    def _mark_broken(self, index, hung):
        """Score cell `index` 0 for killing (or hanging) its interpreter, and count the restart that needs;
        give up on the notebook after max_kernel_restarts (the executors share this)."""
        self._broken_cells.add(index)
        ename, message = ("CellTimeoutError", KERNEL_HUNG) if hung else ("KernelDied", KERNEL_DIED)
        cell = self.nb.cells[index]
        cell.outputs = list(cell.get("outputs", [])) + [error_output(ename, message)]
        self.log.warning("Cell %d: %s; starting a fresh interpreter", index, ename)
        if self._restarts >= self.max_kernel_restarts:
            raise RuntimeError("the kernel died or hung %d times in this notebook; giving up on it"
                               % (self._restarts + 1))
        self._restarts += 1

    def _recover(self, index, error):
        """Mark cell `index` as failed, restart the kernel, replay the code cells before it."""
        target = index
        while True:
            self._mark_broken(index, hung=not isinstance(error, DeadKernelError))
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
            self._scrub_history(cell)

    # -- hidden tests leave no history ---------------------------------------------------------
    def _scrub_history(self, cell):
        """After a test cell ran, its hidden block leaves the kernel's input history (grader.sandbox.history_scrub)."""
        shown = shown_source(cell)
        if shown is not None and isinstance(cell.get("execution_count"), int):
            run_sync(self._async_scrub)(cell.execution_count, shown)

    async def _async_scrub(self, count, shown):
        msg_id = self.kc.execute(history_scrub.kernel_code(count, shown), silent=True, store_history=False)
        deadline = time.monotonic() + SCRUB_SECONDS
        while time.monotonic() < deadline:
            try:
                msg = await ensure_async(self.kc.shell_channel.get_msg(timeout=1))
            except Empty:
                await self._async_check_alive()
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return
        raise CellTimeoutError.error_from_timeout_and_cell("the kernel did not clear its history", SCRUB_SECONDS,
                                                          None)


class GradingExecute(KernelBudget, KernelExecute):
    """The course's executor on the kernel path: KernelExecute's limits and recovery, with every kernel of a
    notebook inside one budget (grader/sandbox/budget_kernel.py). ForkExecute builds on it."""
