"""The grader's handle on a preloaded fork server (grader/sandbox/zygote.py) running in a bubblewrap sandbox.

One ForkServer per grading process, started on first use and kept warm: the heavy imports
happen once, and each notebook costs a fork into namespaces of its own. The sandbox is the
kernel's (grader/sandbox/bwrap.py) with the server's modules bound in read-only, and nested
namespaces allowed for its children. Every frame the server sends carries the notebook's token
(a random one per notebook); anything else is dropped, so nothing of an earlier notebook is read
as this one's. The server sends a heartbeat: a dead, stopped or hung server is noticed within
HEARTBEAT_LIMIT seconds (`ServerGone`) and the caller starts a fresh one.
"""
import base64
import os
import secrets
import select
import subprocess
import sys
import tempfile
import time

from grader import step_clock
from grader.sandbox import budget, bwrap, helper_bytecode, launch, sandbox_uids, uid_mapping
from grader.sandbox.child_isolation import HELPERS
from grader.sandbox.framing import MAX_FRAME, read_frame, send_frame
from grader.settings import Settings, current

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER_MODULES = ["zygote.py", "framing.py", "child_isolation.py", "child_runner.py", "output_capture.py",
                  "history_scrub.py"]
IN_SANDBOX = "/opt/kit/server"
ROOT = os.path.dirname(os.path.dirname(HERE))
KERNEL_MPLBACKEND = "module://matplotlib_inline.backend_inline"
START_SECONDS = 300    # the server must be ready (its imports done) within this
INTERRUPT_GRACE = 15   # seconds an interrupted cell gets to stop before its interpreter is ended
HEARTBEAT_LIMIT = 5.0  # seconds without a frame from a server that runs a child: it is gone
TICK = 0.1             # the waiting loop's period (ForkServer.wait_frame)
TREE_CPU_GRACE = 2.0   # CPU seconds a cell's processes together may go past its limit before it is interrupted


class ServerGone(Exception):
    """The fork server died, stopped or stopped answering."""


class BudgetHit(Exception):
    """The notebook used up its budget (grader/sandbox/budget.py): its processes are gone, the cell ends."""


class CellOverCpu(Exception):
    """A cell's processes together used more than its CPU limit: it was interrupted, and gets INTERRUPT_GRACE."""


class ForkServer:
    """A running zygote in its own sandbox; `open_notebook` / `run` / `close_notebook` drive one child at a time."""

    def __init__(self, limits=None):
        self.limits = limits or current().limits
        self.process, self.uid, self.token = None, None, None
        self.server_pid, self.notebook_uid = None, None
        self.workdir = bwrap.WORKDIR
        self.preload_cpu = 0.0
        self.preload_failed = []   # what the server could not preload or prepare (its children then do it themselves)
        self.env = {}          # the sandbox's environment (grader.sandbox.launch), each notebook's child's too
        self.guard = None      # the notebook budget's guard (grader/sandbox/budget.py), one per server
        self.cpu_limit, self.child_running, self.cpu_interrupted = None, False, False
        self.tick_hooks = [ForkServer.watch_budget]   # called with this server on every tick of wait_frame

    # -- life cycle ----------------------------------------------------------------------
    def start(self):
        env = launch.sandbox_environment()
        env["MPLBACKEND"] = KERNEL_MPLBACKEND  # as the course kernelspec sets it (a grader's Agg must not leak in)
        if current().unsafe_no_sandbox:  # the instructor's explicit, loudly warned choice
            self.workdir = tempfile.mkdtemp(prefix="kit-unsafe-work-")
            env.update(HOME=self.workdir)
            env.pop("MPLCONFIGDIR", None)
            self.env = env
            self.process = subprocess.Popen([sys.executable, "-s", os.path.join(HERE, "zygote.py")],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, env=env, cwd=self.workdir)
            return self._wait_ready()
        self.workdir, self.env = bwrap.WORKDIR, env
        problem = bwrap.nested_namespaces_problem()
        if problem:
            raise ServerGone(problem)
        self.uid = sandbox_uids.lease() if bwrap.as_root() else None
        cmd = bwrap.command([sys.executable, "-s", IN_SANDBOX + "/zygote.py"], tmpfs_mb=self.limits.tmpfs_mb,
                            uid=self.uid, nested_namespaces=True)
        at = cmd.index("--chdir")
        binds = ["--perms", "0755", "--dir", IN_SANDBOX, "--perms", "0755", "--dir", HELPERS]
        for name in SERVER_MODULES:
            binds += ["--ro-bind", os.path.join(HERE, name), IN_SANDBOX + "/" + name]
        cmd[at:at] = binds + launch.font_binds()
        extra_processes = 0 if bwrap.as_root() else launch.account_process_room()
        wrapper = dict(Settings(limits=self.limits).environment({}), PYTHONPATH=ROOT,   # exec_limited reads the limits
                       **{"KIT_PASS_" + k: v for k, v in env.items()})
        self.guard = self.guard or budget.guard_for(self.limits)
        cmd = self.guard.wrap(cmd)   # bwrap is born in the budget's cgroup (when there is one)
        self.process = subprocess.Popen([sys.executable, "-s", "-m", "grader.sandbox.exec_limited",
                                         str(extra_processes), "--"] + cmd, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=wrapper)
        self.guard.attach(self.process)
        return self._wait_ready()

    def _wait_ready(self):
        self.token = None
        ready = self.wait_frame(lambda m: m.get("event") == "ready", START_SECONDS, heartbeat=False)
        if ready is None:
            self.stop()
            raise ServerGone("the fork server did not start within %d s" % START_SECONDS)
        self.preload_cpu = ready.get("preload_cpu", 0.0)
        failed = ready.get("failed")
        self.preload_failed = [str(item) for item in failed] if isinstance(failed, list) else []
        if self.uid is not None:
            self.server_pid = uid_mapping.find_server(self.process.pid, (IN_SANDBOX + "/zygote.py").encode())

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if self.process is not None:
            for pipe in (self.process.stdin, self.process.stdout):
                try:
                    pipe.close()
                except OSError:
                    pass
            self.process.kill()
            self.process.wait()
            self.process = None
        self.server_pid = None
        self._release_notebook_uid()
        if self.uid is not None:
            sandbox_uids.release(self.uid)
            self.uid = None
        if self.guard is not None:   # the sandbox is gone: its budget's hold on it too
            self.guard.release_sandbox()

    # -- the notebook's budget (grader/sandbox/budget.py) ---------------------------------
    def begin_notebook(self):
        """Start counting a notebook's budget (the server is started first: its preload is not the notebook's)."""
        if not self.alive():
            self.start()
        if self.guard is not None:
            self.guard.begin_notebook()

    def end_notebook(self):
        """Stop counting; the notebook's budget.Usage (None without a guard)."""
        return self.guard.end_notebook() if self.guard is not None else None

    def budget_hit(self):
        return self.guard.poll() if self.guard is not None else None

    @staticmethod
    def watch_budget(server):
        """A tick of wait_frame while a child runs: a budget hit ends the cell (BudgetHit); a cell whose processes
        together went past its CPU limit has them killed and is interrupted once (CellOverCpu)."""
        if server.guard is None or not server.child_running:
            return
        if server.guard.poll():
            raise BudgetHit()
        if (not server.cpu_interrupted and server.cpu_limit is not None
                and server.guard.cell_cpu_seconds() > server.cpu_limit + TREE_CPU_GRACE):
            server.cpu_interrupted = True
            server.interrupt()
            raise CellOverCpu()

    # -- one notebook --------------------------------------------------------------------
    def open_notebook(self, files, cpu_limit, cell_output_chars, timeout_message, cell_outputs=10_000,
                      isolate=True):
        """Fork a fresh child for a notebook whose folder holds `files` (WorkFiles), isolated in namespaces of its
        own (`isolate=False` only to measure what that costs: proofs/isolation_cost.py)."""
        if not self.alive():
            self.start()
        payload = []
        for item in files:
            with open(item.host_path, "rb") as handle:
                data = handle.read()
            payload.append({"path": item.relative_path, "data": base64.b64encode(data).decode()})
            compiled = helper_bytecode.bytecode_for(item.relative_path, data)   # the course's own modules only
            if compiled is not None:
                payload.append({"path": compiled[0], "data": base64.b64encode(compiled[1]).decode()})
        self.token = secrets.token_hex(16)
        self._release_notebook_uid()
        env = {k: v for k, v in self.env.items() if k != "NBGRADER_EXECUTION"}
        env.update((k, v) for k, v in launch.sandbox_environment().items() if k == "NBGRADER_EXECUTION")  # now
        isolate = isolate and not current().unsafe_no_sandbox
        if isolate and self.uid is not None:
            self.notebook_uid = sandbox_uids.lease()
        self._send({"op": "start", "token": self.token, "cwd": self.workdir, "home": bwrap.HOME, "files": payload,
                    "env": env, "cpu_limit": cpu_limit, "cell_output_chars": cell_output_chars,
                    "cell_outputs": cell_outputs, "timeout_message": timeout_message,
                    "rlimits": {"RLIMIT_CPU": self.limits.cpu_seconds}, "tmpfs_mb": self.limits.tmpfs_mb,
                    "isolate": isolate, "uid": self.notebook_uid})
        if self.notebook_uid is not None:
            self._map_child()
        self.cpu_limit, self.child_running = cpu_limit, True
        opened = self.wait_frame(lambda m: m.get("event") in ("opened", "child_gone"), 60)
        if opened is None or opened.get("event") != "opened":
            self.stop()
            raise ServerGone("the fork server did not start a child for this notebook")

    def _map_child(self):
        """Grading as root: map the notebook's own uid into its child's user namespace, then let it go on."""
        forked = self.wait_frame(lambda m: m.get("event") in ("forked", "child_gone"), 60)
        if forked is None or forked.get("event") != "forked" or not isinstance(forked.get("pid"), int):
            self.stop()
            raise ServerGone("the fork server did not fork a child for this notebook")
        child = uid_mapping.child_host_pid(self.server_pid, forked["pid"]) if self.server_pid else None
        try:
            uid_mapping.map_uid(child, self.notebook_uid)
        except (OSError, TypeError) as error:
            self.stop()
            raise ServerGone("cannot give the notebook's child a uid of its own (%s)" % error)
        self._send({"op": "mapped"})

    def _release_notebook_uid(self):
        if self.notebook_uid is not None:
            sandbox_uids.release(self.notebook_uid)
            self.notebook_uid = None

    def run(self, index, source, wall_seconds, shown=None, draw=True):
        """Run one cell: ("done", outputs, execution_count, dropped) or ("gone", status, None, 0) when the child
        went away. `shown`: for a test cell, its source as the student saw it (what its history keeps).
        `draw=False`: its matplotlib figures are shown as text, not rendered (a cell that earns no points)."""
        if self.budget_hit():
            return "gone", "budget", None, 0
        command = {"op": "run", "index": index, "source": source}
        if shown is not None:
            command["shown"] = shown
        if not draw:
            command["draw"] = False
        if self.guard is not None:
            self.guard.begin_cell()
        self.cpu_interrupted = False
        self._send(command)
        wanted = lambda m: (m.get("event") == "cell_done" and m.get("index") == index  # noqa: E731
                            or m.get("event") == "child_gone")
        try:
            try:
                message = self.wait_frame(wanted, wall_seconds)
                if message is None:  # the wall-clock backstop: interrupt the cell, as Jupyter does
                    self.cpu_interrupted = True   # once: the CPU watch must not interrupt it again
                    self.interrupt()
            except CellOverCpu:
                message = None
            if message is None:
                try:
                    message = self.wait_frame(wanted, INTERRUPT_GRACE)
                except CellOverCpu:   # cannot happen once interrupted; never let it end the notebook's grading
                    message = None
        except BudgetHit:
            self.end_child()
            return "gone", "budget", None, 0
        if message is None:  # it ignored the interrupt: end it
            self.end_child()
            return "gone", "hung", None, 0
        if message.get("event") == "child_gone":
            self._child_gone(message)
            return "gone", "budget" if self.budget_hit() else str(message.get("status")), None, 0
        outputs = message.get("outputs") if isinstance(message.get("outputs"), list) else []
        dropped = message.get("dropped") if isinstance(message.get("dropped"), int) else 0
        return "done", outputs, message.get("execution_count"), max(0, min(dropped, 10 ** 9))

    def interrupt(self):
        """Interrupt the running cell, as Jupyter does, and end what it started besides its interpreter."""
        self._send({"op": "interrupt"})
        if self.guard is not None:
            self.guard.kill_strays()

    def close_notebook(self):
        """End the current child (its PID namespace, and everything it started, ends with it)."""
        if self.alive() and self.token is not None and self.child_running:
            self.end_child()
        self.token = None

    def end_child(self):
        self.child_running = False   # no budget hook while the server ends it
        self._send({"op": "kill"})
        message = self.wait_frame(lambda m: m.get("event") == "child_gone", 60)
        if message is None:
            self.stop()
            raise ServerGone("the fork server did not end a child")
        self._child_gone(message)
        self.token = None
        self._release_notebook_uid()   # the child's PID namespace is empty once the server has reaped it

    def _child_gone(self, message):
        """Count the CPU seconds the ended child used (the server waited for it; a number, or nothing)."""
        self.child_running = False
        cpu = message.get("cpu")
        if isinstance(cpu, (int, float)) and 0 <= cpu < 1e6:
            step_clock.add("execution_cpu", float(cpu))

    def _send(self, message):
        try:
            send_frame(self.process.stdin.fileno(), message)
        except (OSError, ValueError, AttributeError):
            self.stop()
            raise ServerGone("the fork server stopped reading")

    # -- the one waiting loop --------------------------------------------------------------
    def wait_frame(self, wanted, seconds, heartbeat=True):
        """The first frame of this notebook (its token) for which `wanted(frame)` holds, within `seconds`, or None.

        Ticks every TICK seconds: runs `tick_hooks`, and raises ServerGone when the server died, is stopped
        (SIGSTOP) or, with `heartbeat`, sent nothing for HEARTBEAT_LIMIT seconds. Frames of other tokens,
        heartbeats and frames nobody waits for are dropped."""
        deadline = time.monotonic() + seconds
        heard = time.monotonic()
        fd = self.process.stdout.fileno()
        while True:
            now = time.monotonic()
            for hook in self.tick_hooks:
                hook(self)
            if self.process.poll() is not None:
                self.stop()
                raise ServerGone("the fork server died")
            if heartbeat and now - heard > HEARTBEAT_LIMIT:
                self.stop()
                raise ServerGone("the fork server sent nothing for %.0f s (stopped or hung)" % HEARTBEAT_LIMIT)
            if now >= deadline:
                return None
            ready, _, _ = select.select([fd], [], [], min(TICK, max(0.0, deadline - now)))
            if not ready:
                continue
            try:
                message = read_frame(fd, limit=MAX_FRAME)
            except (EOFError, OSError, ValueError) as error:
                self.stop()
                raise ServerGone("the fork server died (%s)" % error)
            heard = time.monotonic()
            if message.get("token") == self.token and wanted(message):
                return message


_SHARED = {}


def shared_server():
    """This process's fork server (one per grading process, kept warm across notebooks)."""
    server = _SHARED.get("server")
    if server is None:
        server = _SHARED["server"] = ForkServer()
    return server
