"""Kernel-enforced budgets: one cgroup (v2, or v1 memory + pids + cpuacct) per sandbox, made by the grader.

The cgroup is made under the grading process's own cgroup, named kit-budget-<grader pid>-<n>.
Its processes join it before bubblewrap starts (an exec wrapper writes its own PID into
cgroup.procs, then execs bwrap), so every process of the sandbox is born inside it: no race.
Memory counts what the kernel charges: anonymous memory, page cache, tmpfs and shared memory.
"""
import itertools
import os
import time

V1_ROOT, V2_ROOT = "/sys/fs/cgroup", "/sys/fs/cgroup"
V1_CONTROLLERS = ("memory", "pids", "cpuacct")
V2_CONTROLLERS = ("memory", "pids", "cpu")
PREFIX = "kit-budget-"
_COUNTER = itertools.count()


def _read(path):
    with open(path) as handle:
        return handle.read()


def _write(path, value):
    with open(path, "w") as handle:
        handle.write(str(value))


def _keyed(path):
    """{key: value} of a cgroup file of "key value" lines (memory.stat, memory.events, pids.events, cpu.stat)."""
    return dict(line.split() for line in _read(path).splitlines())


def _own_paths():
    """{controller or '': path of this process's cgroup} from /proc/self/cgroup ('' is cgroup v2)."""
    paths = {}
    for line in _read("/proc/self/cgroup").splitlines():
        _, names, path = line.split(":", 2)
        for name in names.split(",") if names else [""]:
            paths[name] = path
    return paths


def _remove_stale(parent):
    """Remove empty kit-budget cgroups left by grading processes that are gone (a killed run)."""
    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        owner = name[len(PREFIX):].split("-")[0]
        if name.startswith(PREFIX) and owner.isdigit() and not os.path.exists("/proc/" + owner):
            try:
                os.rmdir(os.path.join(parent, name))
            except OSError:
                pass


def _rmdir(path):
    """Remove a cgroup whose processes are gone or going (a dying process keeps it busy for a moment)."""
    for _ in range(100):
        try:
            os.rmdir(path)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            time.sleep(0.02)
    return False


class CgroupV1:
    """memory, pids and cpuacct cgroups (v1) of one sandbox."""
    version = "cgroup v1 (memory, pids, cpuacct)"

    def __init__(self):
        own = _own_paths()
        name = "%s%d-%d" % (PREFIX, os.getpid(), next(_COUNTER))
        self.dirs = {}
        try:
            for controller in V1_CONTROLLERS:
                parent = os.path.join(V1_ROOT, controller) + own.get(controller, "/")
                _remove_stale(parent)
                os.mkdir(os.path.join(parent, name))
                self.dirs[controller] = os.path.join(parent, name)
            _write(self._file("memory", "memory.oom_control"), 1)  # at the limit, wait for the watchdog to stop it
        except OSError:
            self.remove()
            raise

    def _file(self, controller, name):
        return os.path.join(self.dirs[controller], name)

    def procs_files(self):
        return [self._file(c, "cgroup.procs") for c in V1_CONTROLLERS]

    def contains(self, pid):
        return str(pid) in _read(self._file("memory", "cgroup.procs")).split()

    def memory_bytes(self):
        return int(_read(self._file("memory", "memory.usage_in_bytes")))

    def memory_floor(self):
        """Memory that reclaim cannot give back (usage without the file cache): the base of a limit."""
        stat = _keyed(self._file("memory", "memory.stat"))
        cache = int(stat.get("total_active_file", 0)) + int(stat.get("total_inactive_file", 0))
        return max(0, self.memory_bytes() - cache)

    def peak_bytes(self):
        return int(_read(self._file("memory", "memory.max_usage_in_bytes")))

    def reset_peak(self):
        _write(self._file("memory", "memory.max_usage_in_bytes"), 0)

    def set_memory_limit(self, limit):
        _write(self._file("memory", "memory.limit_in_bytes"), -1 if limit is None else int(limit))

    def out_of_memory(self):
        """How many times the cgroup ran out of memory (it waits at the limit: under_oom, or an OOM kill)."""
        state = _keyed(self._file("memory", "memory.oom_control"))
        return int(state.get("under_oom", 0)) + int(state.get("oom_kill", 0))

    def tasks(self):
        return int(_read(self._file("pids", "pids.current")))

    def set_tasks_limit(self, limit):
        _write(self._file("pids", "pids.max"), "max" if limit is None else int(limit))

    def tasks_refused(self):
        return int(_keyed(self._file("pids", "pids.events")).get("max", 0))

    def cpu_seconds(self):
        return int(_read(self._file("cpuacct", "cpuacct.usage"))) / 1e9

    def pids(self):
        return [int(p) for p in _read(self._file("memory", "cgroup.procs")).split()]

    def remove(self):
        return all([_rmdir(path) for path in self.dirs.values()])


class CgroupV2(CgroupV1):
    """One cgroup v2 of one sandbox (where this process's cgroup is delegated to its user).

    One folder holds every controller's files: the pids-controller, process-list and removal methods
    are CgroupV1's, reading the same file names there; the memory and CPU files differ."""
    version = "cgroup v2"

    def __init__(self):
        parent = os.path.join(V2_ROOT, _own_paths()[""].lstrip("/"))
        _remove_stale(parent)
        self.path = os.path.join(parent, "%s%d-%d" % (PREFIX, os.getpid(), next(_COUNTER)))
        os.mkdir(self.path)
        self.dirs = {"": self.path}

    def _file(self, controller, name):
        return os.path.join(self.path, name)

    def procs_files(self):
        return [self._file("", "cgroup.procs")]

    def memory_bytes(self):
        return int(_read(self._file("", "memory.current")))

    def memory_floor(self):
        stat = _keyed(self._file("", "memory.stat"))
        return max(0, self.memory_bytes() - int(stat.get("file", 0)))

    def peak_bytes(self):
        return int(_read(self._file("", "memory.peak")))

    def reset_peak(self):
        try:
            _write(self._file("", "memory.peak"), "reset")  # Linux 6.12 and later
        except OSError:
            pass

    def set_memory_limit(self, limit):
        # memory.high throttles the notebook just under the limit, so the watchdog stops it before the OOM killer acts
        _write(self._file("", "memory.max"), "max" if limit is None else int(limit))
        _write(self._file("", "memory.high"), "max" if limit is None else int(limit) - 16 * 1024 * 1024)

    def out_of_memory(self):
        events = _keyed(self._file("", "memory.events"))
        return int(events.get("high", 0)) + int(events.get("oom", 0))

    def cpu_seconds(self):
        stat = _keyed(self._file("", "cpu.stat"))
        return int(stat.get("usage_usec", 0)) / 1e6


def _v2_ready():
    """Whether this process may make cgroup v2 children with the memory, pids and cpu controllers."""
    try:
        if not os.path.exists(os.path.join(V2_ROOT, "cgroup.controllers")):  # no unified hierarchy here
            return False
        parent = os.path.join(V2_ROOT, _own_paths().get("", "/").lstrip("/"))
        enabled = _read(os.path.join(parent, "cgroup.subtree_control")).split()
        return all(c in enabled for c in V2_CONTROLLERS) and os.access(parent, os.W_OK)
    except (OSError, KeyError, ValueError):
        return False


def _v1_ready():
    if os.geteuid() != 0:
        return False
    own = _own_paths()
    return all(os.access(os.path.join(V1_ROOT, c) + own.get(c, "/"), os.W_OK) for c in V1_CONTROLLERS)


_KINDS = ((_v2_ready, CgroupV2), (_v1_ready, CgroupV1))  # v2 where delegated, else v1 as root


def kind():
    """The kind of cgroup make_cgroup() makes here ("cgroup v2", "cgroup v1 (...)"), or None."""
    for ready, made in _KINDS:
        if ready():
            return made.version
    return None


def make_cgroup():
    """A new cgroup for one sandbox (v2 where delegated, else v1 as root), or None where neither can be made."""
    for ready, kind in _KINDS:
        if ready():
            try:
                return kind()
            except OSError:
                continue
    return None
