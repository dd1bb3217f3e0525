"""Grading as root: give a fork server's child a uid of its own by writing its user namespace's maps.

The server runs as one unprivileged uid and cannot map another; the grader, root outside the
sandbox, can. It finds the child's host pid (the server's only child, checked against the pid the
server reported in its own PID namespace) and maps the notebook's leased uid and gid onto
themselves in the child's fresh user namespace; the child then switches to that uid before any
student code runs, so no two notebooks (nor a notebook and its server) ever share a uid.
"""
import os

from grader.sandbox.sandbox_tree import children, grandchildren


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def find_server(root_pid, script):
    """The host pid of the fork server below `root_pid`: the first process, breadth first, that runs
    `python -s SCRIPT` (bwrap's processes above it name the script later in their arguments; its children,
    forks of it, lie below it), or None."""
    queue, seen = [root_pid], set()
    while queue:
        pid = queue.pop(0)
        if pid in seen or len(seen) > 100:
            continue
        seen.add(pid)
        if _cmdline(pid).split(b"\0")[1:3] == [b"-s", script]:
            return pid
        queue += children(pid)
    return None


def _namespace_pids(pid):
    try:
        with open("/proc/%d/status" % pid) as handle:
            for line in handle:
                if line.startswith("NSpid:"):
                    return [int(p) for p in line.split()[1:]]
    except (OSError, ValueError):
        pass
    return []


def child_host_pid(server_pid, pid_in_server_namespace):
    """The host pid of the server's notebook interpreter (a child of the server's session for that notebook)
    that has pid `pid_in_server_namespace` in the server's namespace."""
    for pid in grandchildren(server_pid):
        ids = _namespace_pids(pid)
        if len(ids) >= 2 and ids[-2] == pid_in_server_namespace:
            return pid
    return None


def map_uid(host_pid, uid):
    """Map `uid` (and the gid of the same number) onto itself in the user namespace of process `host_pid`."""
    for name in ("uid_map", "gid_map"):
        with open("/proc/%d/%s" % (host_pid, name), "w") as handle:
            handle.write("%d %d 1\n" % (uid, uid))
