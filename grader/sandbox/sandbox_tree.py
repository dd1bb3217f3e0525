"""A bubblewrap sandbox's processes, what they use, and how to end them, all read from the host's /proc.

The tree is fixed by who started whom, never by anything a student controls:
bwrap (the PID the grader started) -> bwrap's init (PID 1 inside) -> the sandbox's command
(PID 2 inside: the fork server or the kernel) -> the rest. A double-forked or setsid
process is re-parented to the init, so it stays in the tree; a reaped one leaves its CPU
time in its parent's cutime/cstime, which is counted too.
"""
import os
import signal
import time

TICKS = os.sysconf("SC_CLK_TCK")
SCRATCH_FOLDERS = ("/tmp", "/dev/shm", "/home/student", "/home/student/work")   # bwrap.py's tmpfs folders
MAX_PROCESSES = 20000
PAGE = os.sysconf("SC_PAGE_SIZE")
PSS_REREAD = 8 * 1024 * 1024   # a process whose resident size moved by more than this has its PSS read again
PSS_MAX_AGE = 1.0               # seconds a process's PSS is reused at most


def children(pid):
    """The PIDs of `pid`'s children, over all of its threads (empty when it is gone)."""
    found = []
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as handle:
                found += [int(p) for p in handle.read().split()]
    except (OSError, ValueError):
        pass
    return found


def grandchildren(pid):
    """The children of `pid`'s children (a fork server's notebook interpreters: children of its sessions)."""
    return [grandchild for child in children(pid) for grandchild in children(child)]


def _stat(pid):
    """The fields of /proc/<pid>/stat after the command name (index 0 is the state), or None."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _sandbox_pid(pid):
    """The PID of `pid` in the sandbox's PID namespace (the second of NSpid: host, sandbox, nested...), or None."""
    try:
        with open("/proc/%d/status" % pid) as handle:
            for line in handle:
                if line.startswith("NSpid:"):
                    fields = line.split()
                    return int(fields[2]) if len(fields) > 2 else None
    except (OSError, ValueError):
        pass
    return None


class SandboxTree:
    """The processes of the sandbox whose bwrap has host PID `root`. sessions: the sandbox's command is a fork
    server, whose children are its trusted sessions (one per notebook; the notebook's interpreter is a child of
    its session: grader/sandbox/zygote.py); otherwise it is a kernel, whose children are the notebook's own."""

    def __init__(self, root, sessions=False):
        self.root, self.sessions = root, sessions
        self._pss = {}   # pid -> (resident bytes, PSS bytes, monotonic time) of its last smaps_rollup

    def init(self):
        kids = children(self.root)
        return kids[0] if kids else None

    def server(self):
        """The sandbox's command (fork server or kernel): the init's child that is PID 2 inside."""
        init = self.init()
        return next((p for p in children(init) if _sandbox_pid(p) == 2), None) if init else None

    def members(self):
        """Every process below bwrap (init, server and all the rest)."""
        found, stack = [], children(self.root)
        while stack and len(found) < MAX_PROCESSES:
            pid = stack.pop()
            found.append(pid)
            stack += children(pid)
        return found

    def notebook_pids(self, keep=()):
        """The processes a notebook started: all members but the init, the server, its sessions and `keep`."""
        trusted = self._trusted() | set(keep)
        return [p for p in self.members() if p not in trusted]

    def _trusted(self):
        """The sandbox's own processes: bwrap's init, the server and (a fork server's) sessions."""
        server = self.server()
        return {self.init(), server} | set(children(server) if server and self.sessions else [])

    def kill(self, keep=(), rounds=200):
        """SIGKILL the notebook's processes (all but init, server, sessions and `keep`) until none is left; True
        when done.

        Each one is signalled through a pidfd, and only while its parent is in the tree, so a PID that
        was freed and reused by a process outside the sandbox is never signalled."""
        for _ in range(rounds):
            pids = self.notebook_pids(keep)
            if not pids:
                return True
            parents = set(pids) | {self.root} | self._trusted() | set(keep)
            for pid in pids:
                _kill(pid, parents)
            time.sleep(0.002)
        return not self.notebook_pids(keep)

    def cpu_seconds(self):
        """CPU seconds used by bwrap and every process below it, with the reaped ones (cutime, cstime)."""
        total = 0
        for pid in [self.root] + self.members():
            fields = _stat(pid)
            if fields:
                total += sum(int(v) for v in fields[11:15])
        return total / TICKS

    def tasks(self):
        """Processes and threads a notebook runs: all below bwrap but the init and the server."""
        count = 0
        for pid in self.notebook_pids():
            try:
                count += len(os.listdir("/proc/%d/task" % pid))
            except OSError:
                pass
        return count

    def pss_bytes(self):
        """Proportional set size of every member (shared pages split among the processes sharing them).

        smaps_rollup walks a process's whole address space (tens of milliseconds for a preloaded
        Python), so it is read again only for a new process, one whose resident size (statm, a counter
        read every time) moved by more than PSS_REREAD, or after PSS_MAX_AGE seconds (pages shared
        with the server that a process copies on write change its PSS, not its resident size)."""
        total, cache, now = 0, {}, time.monotonic()
        for pid in self.members():
            resident = _resident(pid)
            if resident is None:
                continue
            known = self._pss.get(pid)
            if known is None or abs(resident - known[0]) > PSS_REREAD or now - known[2] > PSS_MAX_AGE:
                pss = _pss(pid)
                if pss is None:
                    continue
                known = (resident, pss, now)
            cache[pid] = known
            total += known[1] + max(0, resident - known[0])
        self._pss = cache
        return total

    def namespaces_of_notebook(self):
        """A process in the namespaces (mount, IPC) the notebook's code uses: a fork server's child has its own
        (grader/sandbox/child_isolation.py); a kernel uses the sandbox's, where bwrap's init lives."""
        server = self.server()
        nested = (self.interpreters() if self.sessions else children(server)[:1]) if server else []
        return nested[0] if nested else self.init()

    def interpreters(self):
        """A fork server's notebook interpreters (the children of its sessions); none for a kernel."""
        server = self.server() if self.sessions else None
        return grandchildren(server) if server else []

    def scratch_bytes(self):
        """Bytes used in the notebook's tmpfs folders, seen through its root (statvfs from the host)."""
        seen_from = self.namespaces_of_notebook()
        total = 0
        for folder in SCRATCH_FOLDERS if seen_from else ():
            path = "/proc/%d/root%s" % (seen_from, folder)
            if not _own_mount(path, folder):
                continue
            try:
                info = os.statvfs(path)
                total += (info.f_blocks - info.f_bfree) * info.f_frsize
            except OSError:
                pass
        return total


def _own_mount(path, host_folder):
    """Whether `path` (a folder seen through a sandbox process's root) is a file system of the sandbox's own.

    Just after bwrap starts (a first kernel, or one restarted after a crash), its processes still see the
    host's folders until their tmpfs is mounted: counting those would charge the notebook with whatever the
    rest of the machine keeps in /tmp or /dev/shm."""
    try:
        seen = os.stat(path).st_dev
    except OSError:
        return False
    for host in (host_folder, "/"):
        try:
            if os.stat(host).st_dev == seen:
                return False
        except OSError:
            pass
    return True


def _resident(pid):
    try:
        with open("/proc/%d/statm" % pid) as handle:
            return int(handle.read().split()[1]) * PAGE
    except (OSError, ValueError, IndexError):
        return None


def _pss(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _kill(pid, parents):
    """SIGKILL `pid` through a pidfd, if the process it names is still a child of one of `parents` (the tree)."""
    try:
        handle = os.pidfd_open(pid)
    except OSError:
        return
    try:
        fields = _stat(pid)  # read after the pidfd is held: a PID reused since listing has a parent outside the tree
        if fields and int(fields[1]) in parents:
            signal.pidfd_send_signal(handle, signal.SIGKILL)
    except OSError:
        pass
    finally:
        os.close(handle)
