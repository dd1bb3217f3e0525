"""The grader's handle on a preloaded fork server (grader/sandbox/zygote.py) running in a bubblewrap sandbox.

One ForkServer per grading process, started on first use and kept warm: the heavy imports
happen once, and each notebook costs a fork. Everything the sandbox sees is what the
kernel's sandbox sees (grader/sandbox/bwrap.py); the zygote script itself is bound in
read-only. The notebook's files travel in the start request and are written into the
sandbox's tmpfs working folder, which the server empties before every notebook.
"""
import base64
import os
import select
import subprocess
import sys
import tempfile
import time

from grader import step_clock
from grader.sandbox import budget, bwrap, launch
from grader.sandbox.limits import Limits
from grader.sandbox.zygote import MAX_FRAME, read_frame, send_frame

ZYGOTE_IN_SANDBOX = "/opt/kit/zygote.py"
ZYGOTE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "zygote.py")
KERNEL_MPLBACKEND = "module://matplotlib_inline.backend_inline"
START_SECONDS = 300   # the server must be ready (its imports done) within this
INTERRUPT_GRACE = 15  # seconds an interrupted cell gets to stop before its interpreter is ended
BUDGET_POLL = 0.1     # seconds between two looks at the notebook's budget while a cell runs
TREE_CPU_GRACE = 2.0  # CPU seconds a cell's processes together may go past its limit before it is interrupted


class ServerGone(Exception):
    """The fork server died or stopped answering (a student process killed it, or it ran out of memory)."""


class ForkServer:
    """A running zygote in its own sandbox; `open_notebook` / `run` / `close_notebook` drive one child at a time."""

    def __init__(self, limits=None):
        self.limits = limits or Limits.from_environment()
        self.process = None
        self.workdir = bwrap.WORKDIR
        self.preload_cpu = 0.0
        self.guard = None      # the notebook budget's guard (grader/sandbox/budget.py), one per server
        self.cpu_limit = None
        self.child_running = False

    # -- life cycle ----------------------------------------------------------------------
    def start(self):
        if os.environ.get("KIT_UNSAFE_NO_SANDBOX") == "1":  # the instructor's explicit, loudly warned choice
            self.workdir = tempfile.mkdtemp(prefix="kit-unsafe-work-")
            env = dict(launch.sandbox_environment(), HOME=self.workdir, MPLBACKEND=KERNEL_MPLBACKEND)
            env.pop("MPLCONFIGDIR", None)
            self.process = subprocess.Popen([sys.executable, "-s", ZYGOTE], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                            cwd=self.workdir)
            return self._wait_ready()
        self.workdir = bwrap.WORKDIR
        env = launch.sandbox_environment()
        env["MPLBACKEND"] = KERNEL_MPLBACKEND  # as the course kernelspec sets it (a grader's Agg must not leak in)
        env["KIT_ZYGOTE_SWEEP"] = "1"  # in its own PID namespace, the server may kill all that a child left
        cmd = bwrap.command([sys.executable, "-s", ZYGOTE_IN_SANDBOX], env=env, tmpfs_mb=self.limits.tmpfs_mb)
        at = cmd.index("--chdir")
        cmd[at:at] = (["--perms", "0755", "--dir", "/opt/kit", "--ro-bind", ZYGOTE, ZYGOTE_IN_SANDBOX]
                      + launch.font_binds())
        extra_processes = 0 if bwrap.as_root() else launch.own_process_count()
        self.guard = self.guard or budget.guard_for(self.limits)  # budget hook: born in its cgroup, rlimits set
        cmd = self.guard.wrap(cmd, self.limits.rlimits(extra_processes))
        self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.guard.attach(self.process)
        return self._wait_ready()

    def _wait_ready(self):
        ready = self._next(START_SECONDS)
        if not ready or ready.get("event") != "ready":
            self.stop()
            raise ServerGone("the fork server did not start: %r" % ready)
        self.preload_cpu = ready.get("preload_cpu", 0.0)

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
        if self.guard is not None:  # budget hook: the sandbox is gone, its cgroup goes too
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

    # -- one notebook --------------------------------------------------------------------
    def open_notebook(self, files, env, cpu_limit, cell_output_chars, timeout_message):
        """Fork a fresh child for a notebook whose folder holds `files` (WorkFiles)."""
        if not self.alive():
            self.start()
        payload = []
        for item in files:
            with open(item.host_path, "rb") as handle:
                payload.append({"path": item.relative_path, "data": base64.b64encode(handle.read()).decode()})
        rlimits = {"RLIMIT_CPU": self.limits.cpu_seconds}
        self.cpu_limit, self.child_running = cpu_limit, True
        send_frame(self.process.stdin.fileno(), {
            "op": "start", "cwd": self.workdir, "files": payload, "env": env, "cpu_limit": cpu_limit,
            "cell_output_chars": cell_output_chars, "timeout_message": timeout_message, "rlimits": rlimits})

    def run(self, index, source, wall_seconds):
        """Run one cell; ("done", outputs, execution_count), or ("gone", status, None) when the child went away
        (status "budget": the notebook used up its budget, see budget_hit())."""
        if self.budget_hit():
            return "gone", "budget", None
        try:
            send_frame(self.process.stdin.fileno(), {"op": "run", "index": index, "source": source})
        except OSError:
            raise ServerGone("the fork server stopped reading")
        if self.guard is not None:
            self.guard.begin_cell()
        deadline, interrupted, look = time.monotonic() + wall_seconds, False, 0.0
        while True:
            if self.guard is not None and time.monotonic() >= look:  # budget hook: a hit ends the notebook;
                look = time.monotonic() + BUDGET_POLL                # a cell's CPU counts over all its processes
                if self.guard.poll():
                    self.end_child()
                    return "gone", "budget", None
                if (not interrupted and self.cpu_limit is not None
                        and self.guard.cell_cpu_seconds() > self.cpu_limit + TREE_CPU_GRACE):
                    self.guard.kill_strays()
                    interrupted, deadline = True, time.monotonic() + INTERRUPT_GRACE
                    send_frame(self.process.stdin.fileno(), {"op": "interrupt"})
            left = max(0.0, deadline - time.monotonic())
            message = self._next(min(left, BUDGET_POLL) if self.guard is not None else left)
            if message is None and time.monotonic() < deadline:
                continue
            if message is None and not interrupted:  # the wall-clock backstop: interrupt the cell, as Jupyter does
                interrupted, deadline = True, time.monotonic() + INTERRUPT_GRACE
                if self.guard is not None:  # budget hook: and end what the cell started
                    self.guard.kill_strays()
                send_frame(self.process.stdin.fileno(), {"op": "interrupt"})
                continue
            if message is None:  # it ignored the interrupt: end it
                self.end_child()
                return "gone", "hung", None
            if message.get("event") == "cell_done" and message.get("index") == index:
                return "done", message.get("outputs") or [], message.get("execution_count")
            if message.get("event") == "child_gone":
                self._child_gone(message)
                if self.budget_hit():
                    return "gone", "budget", None
                return "gone", message.get("status"), None

    def close_notebook(self):
        """End the current child (the server kills anything it left running)."""
        if self.alive() and self.child_running:
            self.end_child()

    def end_child(self):
        try:
            send_frame(self.process.stdin.fileno(), {"op": "kill"})
        except OSError:
            raise ServerGone("the fork server stopped reading")
        while True:
            message = self._next(60)
            if message is None:
                self.stop()
                raise ServerGone("the fork server did not end a child")
            if message.get("event") == "child_gone":
                self._child_gone(message)
                return

    def _child_gone(self, message):
        """Count the CPU seconds the ended child used (the zygote waited for it; a number, or nothing)."""
        self.child_running = False
        cpu = message.get("cpu")
        if isinstance(cpu, (int, float)) and 0 <= cpu < 1e6:
            step_clock.add("execution_cpu", float(cpu))

    def _next(self, seconds):
        """The next frame from the server within `seconds`, None on timeout; ServerGone when it died."""
        fd = self.process.stdout.fileno()
        ready, _, _ = select.select([fd], [], [], seconds)
        if not ready:
            return None
        try:
            return read_frame(fd, limit=MAX_FRAME)
        except (EOFError, OSError, ValueError) as error:
            self.stop()
            raise ServerGone("the fork server died (%s)" % error)


_SHARED = {}


def shared_server():
    """This process's fork server (one per grading process, kept warm across notebooks)."""
    server = _SHARED.get("server")
    if server is None:
        server = _SHARED["server"] = ForkServer()
    return server
