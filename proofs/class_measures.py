"""What the class benchmark measures besides the clock: the run's CPU seconds (sandboxes included) and its peak memory."""
import contextlib
import os
import resource
import threading
import time


class MemoryPeak:
    """Samples the resident memory of this process and all its descendants together; keeps the peak."""

    def __init__(self, interval=0.5):
        import psutil
        self.process, self.interval, self.peak = psutil.Process(), interval, 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self.stopping.is_set():
            total = 0
            for process in [self.process] + self.process.children(recursive=True):
                with contextlib.suppress(Exception):
                    total += process.memory_info().rss
            self.peak = max(self.peak, total)
            self.stopping.wait(self.interval)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.thread.join()


class RunCpu:
    """CPU seconds of this process and everything it starts, sandboxes included, from a cpuacct cgroup of the
    run's own (cgroup v1, as root); elsewhere the whole machine's busy time (other work on it counts too).

    Robust to other load: the cgroup counts only this run's processes, whatever else the machine runs.
    """

    def __init__(self):
        self.folder, self.home = None, None
        own = _cgroup_paths().get("cpuacct")
        if own is None or not os.access("/sys/fs/cgroup/cpuacct" + own, os.W_OK):
            return
        home = "/sys/fs/cgroup/cpuacct" + own
        folder = os.path.join(home, "kit-class-benchmark-%d" % os.getpid())
        try:
            os.mkdir(folder)
            with open(os.path.join(folder, "cgroup.procs"), "w") as handle:
                handle.write(str(os.getpid()))
            self.folder, self.home = folder, home
        except OSError:
            with contextlib.suppress(OSError):
                os.rmdir(folder)

    def what(self):
        return "this run's processes, sandboxes included (a cgroup of its own)" if self.folder else (
            "the whole machine busy, all cores (other work on it counts too)")

    def seconds(self):
        if self.folder:
            with open(os.path.join(self.folder, "cpuacct.usage")) as handle:
                return int(handle.read()) / 1e9
        return machine_busy_seconds()

    def close(self):
        if self.folder:
            with contextlib.suppress(OSError), open(os.path.join(self.home, "cgroup.procs"), "w") as handle:
                handle.write(str(os.getpid()))
            for _ in range(100):
                try:
                    os.rmdir(self.folder)
                    break
                except OSError:
                    time.sleep(0.1)


def _cgroup_paths():
    """{controller: this process's cgroup path} (cgroup v1 lines of /proc/self/cgroup)."""
    paths = {}
    with contextlib.suppress(OSError), open("/proc/self/cgroup") as handle:
        for line in handle.read().splitlines():
            _, names, path = line.split(":", 2)
            for name in names.split(","):
                if name:
                    paths[name] = path
    return paths


def become_subreaper():
    """Make descendants whose parent exits (a worker's sandboxed fork server) re-parent here (Linux), to be counted."""
    import ctypes
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0   # PR_SET_CHILD_SUBREAPER
    return False


def reap_orphans(seconds=15.0):
    """Wait for the re-parented descendants (their CPU time then counts in RUSAGE_CHILDREN); none are ours to keep."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.1)


def cpu_seconds():
    """CPU seconds (user + system) of this process and of its waited-for descendants."""
    return sum(r.ru_utime + r.ru_stime for r in (resource.getrusage(resource.RUSAGE_SELF),
                                                  resource.getrusage(resource.RUSAGE_CHILDREN)))


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy (every core, every process), from /proc/stat.

    A sandbox's processes live in PID namespaces of their own and are killed, not waited for,
    when a worker stops, so their time never reaches this process's RUSAGE_CHILDREN; the
    machine's count has them (and whatever else runs, so the machine should be quiet).
    """
    import psutil
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0) - getattr(times, "guest", 0.0) - getattr(
        times, "guest_nice", 0.0)
