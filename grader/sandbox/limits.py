"""The budget of one graded notebook (all of its processes together) and the rlimits of each sandboxed process.

Defaults suit this course (NumPy on small arrays); `KIT_SANDBOX_<NAME>` environment
variables of the grading process override them (e.g. KIT_SANDBOX_MEMORY_MB=1024).
grader/sandbox/budget.py enforces the notebook's budget; `apply` sets the per-process rlimits.
"""
import os
from dataclasses import dataclass, fields

from grader.sandbox.cgroup_enter import set_rlimits

MB = 1024 * 1024
SERVER_TASKS = 8   # RLIMIT_NPROC's room, above the notebook's budget, for the sandbox's own server and its threads


@dataclass(frozen=True)
class Limits:
    # the notebook's budget, over every process it starts, together
    memory_mb: int = 2048      # memory, with what it keeps in its scratch folders and shared memory (tmpfs, IPC)
    processes: int = 64        # processes and threads running at once (RLIMIT_NPROC is a little higher)
    cpu_seconds: int = 300     # CPU seconds over the whole notebook (also each process's RLIMIT_CPU)
    wall_seconds: int = 300    # seconds on the clock for the whole notebook
    disk_mb: int = 256         # bytes kept in its scratch folders (working folder, /tmp, /dev/shm, home), together
    # each process, and each scratch folder
    address_space_mb: int = 3072   # address space of each sandboxed process
    tmpfs_mb: int = 128        # size of each scratch folder (a tmpfs)
    file_size_mb: int = 64     # largest file a sandboxed process may write
    open_files: int = 256

    @classmethod
    def from_environment(cls, environ=None):
        """The defaults, with KIT_SANDBOX_<FIELD> overrides from `environ` (os.environ by default)."""
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            raw = environ.get("KIT_SANDBOX_" + field.name.upper())
            if raw:
                try:
                    values[field.name] = max(1, int(raw))
                except ValueError:
                    raise SystemExit("KIT_SANDBOX_%s must be a whole number, not %r" % (field.name.upper(), raw))
        return cls(**values)

    def rlimits(self, extra_processes=0):
        """{RLIMIT name: value} for each sandboxed process."""
        return {"RLIMIT_AS": self.address_space_mb * MB,
                "RLIMIT_NPROC": self.processes + SERVER_TASKS + extra_processes,
                "RLIMIT_FSIZE": self.file_size_mb * MB, "RLIMIT_CPU": self.cpu_seconds,
                "RLIMIT_NOFILE": self.open_files, "RLIMIT_CORE": 0}

    def apply(self, extra_processes=0):
        """Set the rlimits on this process, to be inherited by everything it starts (call right before exec)."""
        set_rlimits(self.rlimits(extra_processes))
