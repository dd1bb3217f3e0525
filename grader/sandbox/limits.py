"""Resource limits of a sandboxed kernel, applied as rlimits before bubblewrap starts.

Defaults suit this course (NumPy on small arrays); `KIT_SANDBOX_<NAME>` environment
variables of the grading process override them (e.g. KIT_SANDBOX_MEMORY_MB=2048).
"""
import os
import resource
from dataclasses import dataclass, fields

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 3072      # address space of each sandboxed process
    processes: int = 64        # processes and threads the sandbox user may run at once
    file_size_mb: int = 64     # largest file a sandboxed process may write
    cpu_seconds: int = 900     # CPU time of the kernel over the whole notebook
    open_files: int = 256
    tmpfs_mb: int = 128        # the writable working folder, /tmp and the home folder, each

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

    def apply(self, extra_processes=0):
        """Set the rlimits on this process, to be inherited by everything it starts (call right before exec)."""
        settings = [
            (resource.RLIMIT_AS, self.memory_mb * MB),
            (resource.RLIMIT_NPROC, self.processes + extra_processes),
            (resource.RLIMIT_FSIZE, self.file_size_mb * MB),
            (resource.RLIMIT_CPU, self.cpu_seconds),
            (resource.RLIMIT_NOFILE, self.open_files),
            (resource.RLIMIT_CORE, 0),
        ]
        for which, value in settings:
            soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))
