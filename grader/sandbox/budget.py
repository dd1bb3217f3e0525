"""One budget per graded notebook, for all of its processes together, and the guard that enforces it.

    guard = guard_for(limits)       cmd = guard.wrap(cmd, rlimits)    guard.attach(Popen(cmd))
    guard.begin_notebook()  guard.begin_cell()  guard.poll() -> None | "memory" | "processes" | "cpu" | ...
    guard.end_notebook() -> Usage   guard.close()                     describe_guard() -> the line a run prints

The kernel enforces memory and processes where it can: a cgroup per sandbox (budget_cgroups.py;
v2 where delegated, else v1 as root). Elsewhere a trusted watchdog reads the sandbox from outside
(sandbox_tree.py, sandbox_ipc.py): the PSS of its processes, its scratch folders and its System V
IPC, with the per-process rlimits behind it. Either way a thread of the grading process checks the
budget WATCH_HZ times a second from begin_notebook to end_notebook and, when the notebook goes
over, kills its processes at once and remembers which budget it hit.
"""
import json
import os
import signal
import sys
import threading
import time
from dataclasses import dataclass

from grader.sandbox import budget_cgroups, cgroup_enter
from grader.sandbox.budget_messages import BUDGET_ERROR, hit_message, not_run_message  # noqa: F401 (the notes)
from grader.sandbox.limits import MB, Limits
from grader.sandbox.sandbox_ipc import IpcCounter
from grader.sandbox.sandbox_tree import SandboxTree
from grader.settings import current

WATCH_HZ = 20
BUDGETS = ("memory", "processes", "disk", "cpu", "wall")
ENTER_ENV = "KIT_BUDGET_ENTER"   # how the kernel launcher learns which cgroup to join before it starts bwrap
_HITS = []                       # every budget hit of this process, in order (read by the grading worker)

@dataclass
class Usage:
    """What one notebook used: the budget it hit (or None), CPU seconds, peak memory above its start, seconds."""
    hit: str | None
    cpu_seconds: float
    peak_memory_bytes: int
    wall_seconds: float


def hit_count():
    return len(_HITS)


def hits_since(mark):
    """The budgets hit by notebooks graded in this process since hit_count() returned `mark`."""
    return list(_HITS[mark:])


class Guard:
    """The budget of one sandbox's notebooks, one notebook at a time (a subclass says how memory is read)."""
    kind = "watchdog"

    def __init__(self, limits=None):
        self.limits = limits or current().limits
        self.tree, self.process, self.kill_server = None, None, False
        self._hit, self._running, self._thread, self._stop = None, False, None, threading.Event()
        self._lock = threading.RLock()
        self._started = self._cpu_spent = self._cpu_base = self._cell_cpu = 0.0
        self._last_cpu = 0.0
        self._memory_base = self._disk_base = None
        self._peak = 0

    # -- the sandbox ----------------------------------------------------------------------
    def procs_files(self):
        return []

    def wrap(self, cmd, rlimits=None):
        """`cmd` started inside this guard's cgroup (if any) with `rlimits`, with no preexec_fn."""
        spec = {"procs": self.procs_files(), "rlimits": rlimits or {}}
        if not spec["procs"] and not spec["rlimits"]:
            return list(cmd)
        return [sys.executable, "-I", "-S", cgroup_enter.__file__, json.dumps(spec)] + list(cmd)

    def attach(self, process, kill_server=False):
        """Watch the sandbox whose bwrap is `process` (a Popen or a PID). kill_server: the sandbox's command is
        the notebook's own interpreter (a kernel), so a hit ends the whole sandbox."""
        with self._lock:
            self._let_go_cpu()
            self.process, self.kill_server = process, kill_server
            self.tree = SandboxTree(getattr(process, "pid", process), sessions=not kill_server)
            self._attached()
            if self._running:   # a new sandbox within a notebook (its server died): the budget goes on
                self._cpu_base = self._last_cpu = self._source_cpu()
                self._arm()

    def _attached(self):
        pass

    def _let_go_cpu(self):
        """Add the current sandbox's CPU to what the notebook spent, before it is replaced or let go."""
        if self._running and self.tree is not None:
            self.notebook_cpu_seconds()
            self._cpu_spent += self._last_cpu - self._cpu_base
            self._cpu_base = self._last_cpu = 0.0

    def release_sandbox(self):
        """The sandbox is gone or being stopped (a notebook may go on in a new one): let go of it."""
        with self._lock:
            self._let_go_cpu()
            self.tree, self.process = None, None
            if self._ipc is not None:
                self._ipc.close()
                self._ipc = None
            self._release_cgroup()

    def _release_cgroup(self):
        pass

    # -- one notebook ---------------------------------------------------------------------
    def begin_notebook(self):
        with self._lock:
            self._hit, self._running, self._cpu_spent = None, True, 0.0
            self._started = time.monotonic()
            self._cpu_base = self._last_cpu = self._cell_cpu = self._source_cpu()
            self._memory_base, self._disk_base, self._peak = None, None, 0
            self._arm()
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="notebook-budget", daemon=True)
        self._thread.start()

    def begin_cell(self):
        self._cell_cpu = self.notebook_cpu_seconds()

    def poll(self):
        """None, or the budget the current notebook hit (its processes were killed then)."""
        return self._hit

    def notebook_cpu_seconds(self):
        with self._lock:
            self._last_cpu = max(self._last_cpu, self._source_cpu())
            return self._cpu_spent + self._last_cpu - self._cpu_base

    def cell_cpu_seconds(self):
        return self.notebook_cpu_seconds() - self._cell_cpu

    def peak_memory_bytes(self):
        return self._peak

    def kill_strays(self, keep=()):
        """Kill the notebook's processes but its interpreter (the server's session's child) and `keep`."""
        if self.tree is not None:
            self.tree.kill(keep=list(keep) + self.tree.interpreters())

    def end_notebook(self):
        """Stop watching; the notebook's Usage."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        with self._lock:
            usage = Usage(self._hit, round(self.notebook_cpu_seconds(), 3), self._peak,
                          round(time.monotonic() - self._started, 3))
            self._running = False
            self._disarm()
        return usage

    def close(self):
        """End the notebook if one is running and let go of the sandbox (its cgroup is removed)."""
        if self._running:
            self.end_notebook()
        self.release_sandbox()

    def describe(self):
        return ("notebook budget guarded by %s: %d MB of memory (with its scratch folders and shared memory), "
                "%d processes and threads, %d CPU seconds, %d s on the clock, %d MB of scratch files"
                % (self.guard_name(), self.limits.memory_mb, self.limits.processes, self.limits.cpu_seconds,
                   self.limits.wall_seconds, self.limits.disk_mb))

    def guard_name(self):
        why = ("KIT_BUDGET_GUARD=watchdog" if current().budget_guard == "watchdog"
               else "no cgroup can be made here")
        return ("a watchdog outside the sandbox (%d checks a second of PSS, scratch folders, System V IPC and CPU; "
                "%s) with per-process rlimits" % (WATCH_HZ, why))

    # -- the watchdog thread --------------------------------------------------------------
    def _watch(self):
        while not self._stop.wait(1.0 / WATCH_HZ):
            try:
                hit = self._check()
            except Exception:   # a sandbox going away mid-read: the next round sees it
                continue
            if hit:
                self._stop_notebook(hit)
                return

    def _check(self):
        with self._lock:
            if self.tree is None:
                return None
            memory = self._memory_sample()
            self._memory_base = memory if self._memory_base is None else min(self._memory_base, memory)
            self._peak = max(self._peak, memory - self._memory_base)
            disk = self.tree.scratch_bytes()
            self._disk_base = disk if self._disk_base is None else min(self._disk_base, disk)
            checks = {"memory": self._over_memory(memory), "processes": self._over_tasks(),
                      "disk": disk - self._disk_base > self.limits.disk_mb * MB,
                      "cpu": self.notebook_cpu_seconds() > self.limits.cpu_seconds,
                      "wall": time.monotonic() - self._started > self.limits.wall_seconds}
            return next((name for name in BUDGETS if checks[name]), None)

    def _stop_notebook(self, hit):
        """Kill every process of the notebook now, then let the server clean up; remember the hit."""
        with self._lock:
            self._hit = hit
            _HITS.append(hit)
            if self.kill_server and self.process is not None and hasattr(self.process, "kill"):
                self.process.kill()
            else:
                self.tree.kill()
            self._released()

    # -- how memory and processes are read (the watchdog's way) ------------------------------
    def _source_cpu(self):
        return self.tree.cpu_seconds() if self.tree is not None else 0.0

    def _memory_sample(self):
        return self.tree.pss_bytes() + self.tree.scratch_bytes() + self._ipc_bytes()

    def _ipc_bytes(self):
        """System V IPC bytes of the namespace the notebook's processes use (SandboxTree.namespaces_of_notebook)."""
        target = self.tree.namespaces_of_notebook()
        try:
            namespace = os.stat("/proc/%d/ns/ipc" % target).st_ino if target else None
        except OSError:
            namespace = None
        if namespace is not None and namespace != self._ipc_namespace:
            if self._ipc is not None:
                self._ipc.close()
            self._ipc, self._ipc_namespace = None, namespace
            try:
                self._ipc = IpcCounter(target)
            except OSError:
                return 0
        return self._ipc.bytes() if self._ipc is not None else 0

    def _over_memory(self, memory):
        return memory - self._memory_base > self.limits.memory_mb * MB

    def _over_tasks(self):
        return self.tree.tasks() >= self.limits.processes

    _ipc = None
    _ipc_namespace = None

    def _arm(self):
        pass

    def _released(self):
        pass

    def _disarm(self):
        """The notebook is over: kill what it left (the next one starts clean), remove its System V IPC."""
        if self.tree is None:
            return
        self.tree.kill()
        self._ipc_bytes()
        if self._ipc is not None:
            self._ipc.clear()   # System V IPC outlives its processes: nothing of it reaches the next notebook


class CgroupGuard(Guard):
    """The budget in a cgroup: the kernel counts and caps memory and processes; the thread reads its files."""

    def __init__(self, limits=None, cgroup=None):
        super().__init__(limits)
        self.cgroup = cgroup
        self.kind = cgroup.version if cgroup is not None else budget_cgroups.kind()

    def procs_files(self):
        if self.cgroup is None:
            self.cgroup = budget_cgroups.make_cgroup()
            if self.cgroup is None:
                raise RuntimeError("no cgroup could be made for the notebook's budget")
        return self.cgroup.procs_files()

    def _attached(self):
        """Check that the sandbox joined the cgroup (its wrapper does so before it execs bwrap)."""
        pid = self.tree.root
        for _ in range(1000):
            if self.cgroup is not None and self.cgroup.contains(pid):
                return
            if getattr(self.process, "poll", lambda: None)() is not None:
                return   # it ended (the wrapper refused to run outside the cgroup): the caller sees it fail
            time.sleep(0.01)
        raise RuntimeError("the sandbox (PID %d) is not in its budget's cgroup: start it with guard.wrap()" % pid)

    def guard_name(self):
        return "the kernel (%s, one per sandbox)" % self.kind

    def _source_cpu(self):
        return self.cgroup.cpu_seconds() if self.cgroup is not None else 0.0

    def _arm(self):
        if self.cgroup is None:
            return
        self._floor = self.cgroup.memory_floor()
        self.cgroup.set_memory_limit(self._floor + self.limits.memory_mb * MB)
        self.cgroup.reset_peak()
        self._peak_base = self.cgroup.memory_bytes()
        self._tasks_base = self.cgroup.tasks()
        self.cgroup.set_tasks_limit(self._tasks_base + self.limits.processes)
        self._refused, self._oom = self.cgroup.tasks_refused(), self.cgroup.out_of_memory()

    def _memory_sample(self):
        floor = self.cgroup.memory_floor()
        if floor < self._floor - 32 * MB:   # the server emptied what the last notebook left: the budget follows
            try:
                self.cgroup.set_memory_limit(floor + self.limits.memory_mb * MB)
                self._floor = floor
            except OSError:   # the kernel could not reclaim down to it yet: next round
                pass
        return floor

    def _check(self):
        hit = super()._check()
        self._peak = max(self._peak, self.cgroup.peak_bytes() - self._peak_base)
        return hit

    def _over_memory(self, memory):
        return self.cgroup.out_of_memory() > self._oom

    def _over_tasks(self):
        return (self.cgroup.tasks_refused() > self._refused
                or self.cgroup.tasks() - self._tasks_base >= self.limits.processes)

    def _released(self):
        self.cgroup.set_memory_limit(None)   # no process of the notebook is left: let the server clean up
        self.cgroup.set_tasks_limit(None)

    def _disarm(self):
        super()._disarm()
        if self.cgroup is not None:
            self.cgroup.set_memory_limit(None)
            self.cgroup.set_tasks_limit(None)

    def _release_cgroup(self):
        if self.cgroup is not None:
            for _ in range(50):   # only a sandbox that is being stopped is left here
                pids = self.cgroup.pids()
                if not pids:
                    break
                for pid in pids:
                    _kill_member(pid, self.cgroup)
                time.sleep(0.01)
            self.cgroup.remove()
            self.cgroup = None


def _kill_member(pid, cgroup):
    """SIGKILL `pid` through a pidfd while it is still a member of `cgroup` (never a reused PID)."""
    try:
        handle = os.pidfd_open(pid)
    except OSError:
        return
    try:
        if cgroup.contains(pid):
            signal.pidfd_send_signal(handle, signal.SIGKILL)
    except OSError:
        pass
    finally:
        os.close(handle)


def guard_for(limits=None):
    """The strongest guard this machine allows (KIT_BUDGET_GUARD=watchdog asks for the watchdog)."""
    if current().budget_guard != "watchdog" and budget_cgroups.kind():
        cgroup = budget_cgroups.make_cgroup()   # made now, so a machine that only looks ready gets the watchdog
        if cgroup is not None:
            return CgroupGuard(limits, cgroup)
    return Guard(limits)


def describe_guard(limits=None):
    """The one line a grading run prints at its start: which guard keeps each notebook in its budget."""
    guard = guard_for(limits)
    try:
        return guard.describe()
    finally:
        guard.close()
