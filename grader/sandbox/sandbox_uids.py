"""Unprivileged uids for sandboxes started as root: one per live sandbox, never shared, never a real user's.

A uid is leased from a range far above the uids that systems hand out (users, subordinate uid
ranges, systemd's dynamic users): a lease is a file named after the uid in a root-only folder,
holding the owning process's pid and start time, taken under a lock; it is free again when its
owner releases it or has ended. Concurrent grading processes on one machine never get the same uid
(the old `200000 + pid` could, across PID namespaces, and could be a subordinate uid in use).
"""
import fcntl
import os

UID_BASE = 3_900_000_000
UID_COUNT = 65536
LEASES = "/run/kit-sandbox-uids"


def _start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _alive(text):
    try:
        pid, started = text.split()
        return _start_time(int(pid)) == started
    except ValueError:
        return False


def lease(owner=None):
    """A uid no other live sandbox on this machine holds, leased to process `owner` (this one by default)."""
    owner = owner or os.getpid()
    os.makedirs(LEASES, mode=0o700, exist_ok=True)
    lock = os.open(os.path.join(LEASES, ".lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        last = os.pread(lock, 32, 0).decode(errors="replace").strip()
        start = int(last) + 1 if last.isdigit() else 0   # after the last one leased: a uid rests before reuse
        for step in range(UID_COUNT):
            uid = UID_BASE + (start + step) % UID_COUNT
            path = os.path.join(LEASES, str(uid))
            try:
                with open(path) as handle:
                    if _alive(handle.read()):
                        continue
            except FileNotFoundError:
                pass
            with open(path, "w") as handle:
                handle.write("%d %s" % (owner, _start_time(owner)))
            os.ftruncate(lock, 0)
            os.pwrite(lock, str((start + step) % UID_COUNT).encode(), 0)
            return uid
        raise RuntimeError("all %d sandbox uids are leased by live processes" % UID_COUNT)
    finally:
        os.close(lock)


def release(uid):
    try:
        os.remove(os.path.join(LEASES, str(int(uid))))
    except (OSError, ValueError):
        pass
