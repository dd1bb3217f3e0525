"""Join a notebook's cgroup and lower the rlimits, then become the sandbox's command (same PID, no preexec_fn).

    python -I -S grader/sandbox/cgroup_enter.py SPEC COMMAND...
    SPEC: {"procs": [cgroup.procs files to write our PID into], "rlimits": {"RLIMIT_AS": bytes, ...}}

The process joins the cgroup before it execs bubblewrap, so every process of the sandbox is born
inside it (a fork inherits its parent's cgroup): none can start outside it, whatever it does.
Self-contained (standard library only): it runs as a script, and grader.sandbox.launch imports it.
"""
import json
import os
import resource
import sys


def set_rlimits(values):
    """Lower this process's rlimits to `values` ({RLIMIT name: value}), never above a hard limit."""
    for name, value in values.items():
        which = getattr(resource, name)
        hard = resource.getrlimit(which)[1]
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))


def join(spec):
    """Join the cgroups of a JSON `spec` (or nothing when it is empty) and lower the rlimits it names."""
    spec = json.loads(spec) if spec else {}
    for path in spec.get("procs", []):
        with open(path, "w") as handle:
            handle.write(str(os.getpid()))
    set_rlimits(spec.get("rlimits", {}))


if __name__ == "__main__":
    try:
        join(sys.argv[1])
    except OSError as error:   # never run the sandbox outside its budget
        sys.stderr.write("course sandbox: cannot join the notebook's cgroup (%s)\n" % error)
        sys.exit(97)
    os.execv(sys.argv[2], sys.argv[2:])
