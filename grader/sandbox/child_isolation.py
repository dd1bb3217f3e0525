"""Put one notebook's child into namespaces of its own, inside the fork server's sandbox.

The server forks each notebook's child with clone(2) into new user, PID, mount and IPC
namespaces. The child is PID 1 of a namespace of its own (everything it starts dies with
it, `kill(-1)` reaches only its own processes, and the server has no PID it can name), and
before any student code runs it mounts fresh tmpfs folders over the working folder, /tmp,
/dev/shm and $HOME, writes the notebook's files into a tmpfs that it then makes read-only
(HELPERS, bound read-only into the working folder too), covers the server's /proc entries with its own,
then drops every capability, sets no_new_privs and forbids new user namespaces (seccomp). SysV IPC objects die with the namespace.

Standard library only: this file runs inside the sandbox (bound in by grader.sandbox.forkserver).
"""
import base64
import ctypes
import os

HELPERS = "/opt/kit/files"   # the notebook's files, read-only, first on sys.path
PYCACHE = "__pycache__"      # in HELPERS: bytecode of the course's own modules, not shown in the working folder
CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWIPC = 0x20000, 0x10000000, 0x20000000, 0x08000000
SIGCHLD = 17
SYS_CLONE = 56   # x86_64
SYS_OPEN_TREE, SYS_MOVE_MOUNT = 428, 429   # the same number on every architecture
OPEN_TREE_CLONE, OPEN_TREE_CLOEXEC, AT_RECURSIVE, AT_FDCWD, MOVE_MOUNT_F_EMPTY_PATH = 1, 0o2000000, 0x8000, -100, 4
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 0x4000, 1 << 18
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 38, 47, 4
_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_outer_ids = []


class IsolationError(OSError):
    """A namespace, mount or capability step failed: the child must not run student code."""


def _check(result, what):
    if result != 0:
        error = ctypes.get_errno()
        raise IsolationError(error, "%s: %s" % (what, os.strerror(error)))


def fork_isolated():
    """Like os.fork(), but the child starts in new user, PID, mount and IPC namespaces (it is PID 1 there).

    Python's own fork hooks run around the raw clone(2) (PyOS_BeforeFork / AfterFork), as os.fork does."""
    flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | SIGCHLD
    _outer_ids[:] = [os.getuid(), os.getgid()]   # inside the new namespace they read as unmapped until enter()
    ctypes.pythonapi.PyOS_BeforeFork()
    pid = _libc.syscall(SYS_CLONE, flags, 0, 0, 0, 0)
    if pid == 0:
        ctypes.pythonapi.PyOS_AfterFork_Child()
        return 0
    error = ctypes.get_errno()
    ctypes.pythonapi.PyOS_AfterFork_Parent()
    if pid < 0:
        raise IsolationError(error, "clone into new namespaces: %s" % os.strerror(error))
    return pid


def _mount_tmpfs(path, size_bytes, mode="1777"):
    """A fresh tmpfs over `path`; the read-only binds the sandbox placed below it (a course or virtual
    environment that lives in /tmp, say) are carried over onto the new tmpfs, at the same paths."""
    kept = [(below, _clone_mount(below)) for below in _mounts_below(path)]
    os.makedirs(path, exist_ok=True)
    options = ("size=%d,mode=%s" % (size_bytes, mode)).encode()
    _check(_libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options), "tmpfs on " + path)
    for below, tree in kept:
        if os.path.isdir("/proc/self/fd/%d" % tree):
            os.makedirs(below, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(below), exist_ok=True)
            open(below, "a").close()
        moved = _libc.syscall(SYS_MOVE_MOUNT, tree, b"", AT_FDCWD, below.encode(), MOVE_MOUNT_F_EMPTY_PATH)
        os.close(tree)
        _check(moved, "carry " + below + " over")


def _mounts_below(path):
    """The outermost mount points strictly below `path` (from /proc/self/mountinfo)."""
    points = []
    with open("/proc/self/mountinfo") as handle:
        for line in handle:
            point = line.split()[4]
            point = point.encode().decode("unicode_escape")   # mountinfo spells a space \040
            if point.startswith(path.rstrip("/") + "/"):
                points.append(point)
    return [p for p in points if not any(p.startswith(q + "/") for q in points if q != p)]


def _clone_mount(path):
    """A detached copy of the mount tree at `path` (open_tree(2) with OPEN_TREE_CLONE), as a descriptor."""
    tree = _libc.syscall(SYS_OPEN_TREE, AT_FDCWD, path.encode(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE)
    if tree < 0:
        error = ctypes.get_errno()
        raise IsolationError(error, "keep %s: %s" % (path, os.strerror(error)))
    return tree


def _read_only(path, bind_from=None):
    """Make `path` a read-only mount (first bind-mounting `bind_from` onto it, when given)."""
    source = (bind_from or path).encode()
    _check(_libc.mount(source, path.encode(), None, MS_BIND | MS_REC, None), "bind " + path)
    _check(_libc.mount(None, path.encode(), None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None),
           "read-only " + path)


def _map_own_ids(uid, gid):
    _libc.prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: the server is not dumpable, so /proc/self would be root's
    with open("/proc/self/setgroups", "w") as handle:
        handle.write("deny")
    with open("/proc/self/uid_map", "w") as handle:
        handle.write("%d %d 1" % (uid, uid))
    with open("/proc/self/gid_map", "w") as handle:
        handle.write("%d %d 1" % (gid, gid))


def _write_files(files):
    """The notebook's files (base64 in the start request) into HELPERS; names that leave it are skipped."""
    for item in files:
        path = os.path.normpath(os.path.join(HELPERS, str(item.get("path", ""))))
        if not path.startswith(HELPERS + "/"):
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(item.get("data", "")))
        os.chmod(path, 0o444)


def _hide_other_processes():
    """Cover the /proc entries of the server and the sandbox's init (the only other processes there) with the
    child's own: /proc keeps working for code that walks it, and shows nothing of the server."""
    me = os.readlink("/proc/self")
    for name in os.listdir("/proc"):
        if name.isdigit() and name != me:
            _check(_libc.mount(("/proc/" + me).encode(), ("/proc/" + name).encode(), None, MS_BIND, None),
                   "hide /proc/" + name)


def _drop_privileges():
    """No capability left in any set (the bounding set too), no ambient ones, and no_new_privs."""
    cap = 0
    while _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0:
        cap += 1
    _libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)   # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()                    # effective, permitted, inheritable x 2: all empty
    _check(_libc.syscall(126, header, data), "capset")  # SYS_capset on x86_64
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def _no_more_user_namespaces():
    """A seccomp filter, as bwrap's --disable-userns gives: unshare(2) and clone(2) asking for a new user namespace
    fail with EPERM, and clone3(2) (whose flags a filter cannot read) with ENOSYS, so the C library falls back to
    clone(2). Everything else, and every other architecture's calls, is left as it is."""
    ld, jeq, jge, jset, ret = 0x20, 0x15, 0x35, 0x45, 0x06
    allow, eperm, enosys = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38
    program = [                                   # (code, jump if true, jump if false, k); jumps skip that many
        (ld, 0, 0, 4),                            # 0: the architecture
        (jeq, 0, 8, 0xC000003E),                  # 1: x86_64, else allow
        (ld, 0, 0, 0),                            # 2: the system call's number
        (jge, 7, 0, 0x40000000),                  # 3: the x32 calls: refused
        (jeq, 2, 0, 272),                         # 4: unshare
        (jeq, 1, 0, SYS_CLONE),                   # 5: clone
        (jeq, 5, 3, 435),                         # 6: clone3: ENOSYS, anything else: allow
        (ld, 0, 0, 16),                           # 7: flags (the first argument's low half)
        (jset, 2, 1, CLONE_NEWUSER),              # 8: a new user namespace: refused
        (ret, 0, 0, allow),                       # 9
        (ret, 0, 0, allow),                       # 10
        (ret, 0, 0, eperm),                       # 11
        (ret, 0, 0, enosys),                      # 12
    ]

    class Instruction(ctypes.Structure):
        _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(Instruction))]
    instructions = (Instruction * len(program))(*[Instruction(*i) for i in program])
    filter_program = Program(len(program), instructions)
    _check(_libc.prctl(22, 2, ctypes.byref(filter_program), 0, 0), "seccomp filter")  # PR_SET_SECCOMP, FILTER


def enter(workdir, home, files, tmpfs_bytes, uid=None):
    """In the freshly cloned child: fresh writable folders, the files read-only, no privileges left.

    uid: the uid of this notebook alone, which the grader (root) has mapped into the child's user namespace
    (grading as root); without it the child maps the server's own uid (grading as an ordinary user)."""
    if uid is None:
        _map_own_ids(*_outer_ids)
    else:
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
    _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "private mounts")
    for folder in ("/tmp", "/dev/shm", home):
        _mount_tmpfs(folder, tmpfs_bytes)
    _mount_tmpfs(workdir, tmpfs_bytes)
    os.makedirs(os.path.join(home, ".matplotlib"), exist_ok=True)
    _mount_tmpfs(HELPERS, tmpfs_bytes, mode="0755")
    _write_files(files)
    _read_only(HELPERS)
    for name in os.listdir(HELPERS):
        if name == PYCACHE:   # the course modules' bytecode (grader.sandbox.helper_bytecode): for imports only
            continue
        source, target = os.path.join(HELPERS, name), os.path.join(workdir, name)
        if os.path.isdir(source):
            os.mkdir(target)
        else:
            open(target, "w").close()
        _read_only(target, bind_from=source)
    os.chmod(workdir, 0o1777)
    _hide_other_processes()
    _drop_privileges()
    _no_more_user_namespaces()
