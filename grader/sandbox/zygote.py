"""A preloaded fork server that runs inside one bubblewrap sandbox and executes notebooks in forked children.

    python zygote.py      (started by grader.sandbox.forkserver inside the sandbox, next to its modules)

It imports the heavy libraries once (NumPy, SciPy, scikit-learn, matplotlib, IPython), then,
for each notebook the grader asks for, forks a child into namespaces of its own
(child_isolation: fresh folders, read-only files, its own PID namespace, no privileges), which
runs the cells it is sent in a fresh IPython shell (child_runner). The server is the trusted
side: the child cannot name it, signal it or reach its pipes. It relays to the grader only the
`cell_done` of the cell it asked for, with outputs bounded in count, stamped with the notebook's
token; lifecycle events (child gone, exit status, CPU) and a heartbeat come from the server alone.
One child at a time. Frames: grader.sandbox.framing.
"""
import gc
import os
import secrets
import select
import signal
import socket
import sys
import time

from framing import FrameReader, read_frame, send_frame
import child_isolation

PRELOAD = ["numpy", "scipy.io", "sklearn.datasets", "matplotlib", "matplotlib.pyplot",
           "matplotlib.backends.backend_agg", "matplotlib_inline.backend_inline",
           "IPython.core.interactiveshell", "IPython.display", "PIL.Image",
           # what every notebook's `%matplotlib inline` and first traceback import on first use
           "IPython.core.magics.execution", "IPython.core.magics.pylab", "IPython.core.magics.ast_mod",
           "IPython.core.magic_arguments", "IPython.core.logger", "IPython.utils.module_paths", "bdb"]
GRACE_SECONDS = 10.0   # CPU seconds a child gets past a cell's limit to handle its timeout before it is killed
HEARTBEAT_SECONDS = 0.5


SESSION_DONE, SESSION_FAILED, SESSION_GRADER_GONE = 0, 1, 3   # a session's exit codes


def _cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _not_dumpable():
    """No process of the same user may ptrace this one or read its memory (PR_SET_DUMPABLE = 0)."""
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)


def _warm_up_tracebacks():
    """Format one traceback the way a child's shell does (IPython's ultratb, with stack_data, executing and
    pygments): their first use costs a tenth of a second, which every failing notebook would pay again."""
    try:
        from IPython.core import ultratb
        code = compile("def warm_up():\n    raise ValueError('warm-up')\nwarm_up()\n", "<zygote warm-up>", "exec")
        try:
            exec(code, {})
        except ValueError:
            ultratb.AutoFormattedTB(mode="Context").structured_traceback(*sys.exc_info())
    except Exception:  # an IPython without these helpers: the children pay the first use themselves
        pass


def main():
    inbound, outbound = os.dup(0), os.dup(1)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):
        os.dup2(devnull, fd)
    _not_dumpable()
    started = time.process_time()
    failed = []
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception as error:  # a missing optional library: the notebook imports it itself
            failed.append("%s (%s)" % (name, type(error).__name__))
    _warm_up_tracebacks()
    try:
        import child_runner
        child_runner.prepare()   # the shell every child starts from (child_runner: built once, here)
    except Exception as error:  # each child then builds its own
        failed.append("the notebooks' shell (%s)" % type(error).__name__)
    gc.collect()   # what the preload left is kept for good: a child's collections never walk it again, and
    gc.freeze()    # never write to its pages (which the children share with this server until they do)
    send_frame(outbound, {"event": "ready", "preload_cpu": time.process_time() - started, "failed": failed})
    while True:
        # Each notebook is handled by a session forked from this server before anything of the notebook is
        # read: its files, cells (hidden tests included) and outputs pass through the session's memory only,
        # and its interpreter is forked from the session. This server never holds a notebook's bytes, so the
        # next notebook's interpreter, a copy of a fresh session, finds none of them in its memory.
        select.select([inbound], [], [])
        session = os.fork()
        if session == 0:
            code = SESSION_FAILED   # an exception in the session ends the server, as it did when the server ran it
            try:
                code = _session(inbound, outbound)
            finally:
                os._exit(code)
        _, status = os.waitpid(session, 0)
        if os.waitstatus_to_exitcode(status) != SESSION_DONE:
            return   # the grader is gone (end of its requests) or the session failed: the grader starts another


def _session(inbound, outbound):
    """One notebook, in a session process of its own; SESSION_DONE when the grader may send the next."""
    try:
        request = read_frame(inbound, limit=1 << 30)  # the grader's own requests carry the notebook's files
    except EOFError:
        return SESSION_GRADER_GONE
    try:
        if request.get("op") == "start":
            Notebook(request, inbound, outbound).run()
    except SystemExit:
        return SESSION_GRADER_GONE
    return SESSION_DONE


class Notebook:
    """One notebook's child, from fork to its end; what the grader hears of it."""

    def __init__(self, request, inbound, outbound):
        self.request, self.inbound, self.outbound = request, inbound, outbound
        self.token = str(request.get("token", ""))
        self.max_outputs = int(request.get("cell_outputs", 10_000))
        self.pending = None          # the index of the cell the grader asked for and has no answer to yet
        self.nonce = None            # a fresh random value per cell: a cell's frames must carry it
        self.cell_started_cpu = None
        self.last_beat = 0.0

    def say(self, message):
        send_frame(self.outbound, dict(message, token=self.token))

    def fork(self):
        """The child's pid and our end of its socket. With a `uid` in the request, the child waits until the
        grader has mapped that uid into its user namespace (the grader answers "mapped" to our "forked")."""
        ours, theirs = socket.socketpair()
        isolate = bool(self.request.get("isolate"))
        uid = self.request.get("uid") if isolate and isinstance(self.request.get("uid"), int) else None
        hold, release = os.pipe()
        pid = child_isolation.fork_isolated() if isolate else os.fork()
        if pid == 0:
            ours.close()
            os.close(self.inbound)
            os.close(self.outbound)
            os.close(release)
            try:
                from child_runner import child_main
                if uid is not None and os.read(hold, 1) != b"1":
                    os._exit(0)
                os.close(hold)
                if isolate:
                    child_isolation.enter(self.request["cwd"], self.request["home"], self.request.get("files") or [],
                                          int(self.request.get("tmpfs_mb", 128)) * 1024 * 1024, uid)
                    helpers = child_isolation.HELPERS
                else:
                    helpers = _unsafe_files(self.request["cwd"], self.request.get("files") or [])
                child_main(theirs.detach(), self.request, helpers)
            finally:
                os._exit(0)
        theirs.close()
        os.close(hold)
        if uid is not None:
            self.say({"event": "forked", "pid": pid})
            try:
                answer = read_frame(self.inbound)
            except EOFError:
                _kill(pid)
                sys.exit(0)
            if answer.get("op") == "mapped":
                os.write(release, b"1")
        os.close(release)
        return pid, ours.detach()

    def run(self):
        pid, child = self.fork()
        os.set_blocking(child, False)
        reader = FrameReader(child)
        self.say({"event": "opened"})
        limit = float(self.request.get("cpu_limit", 60))
        status = "exited"
        while True:
            now = time.monotonic()
            if now - self.last_beat >= HEARTBEAT_SECONDS:
                self.say({"event": "alive"})
                self.last_beat = now
            ready, _, _ = select.select([self.inbound, child], [], [], HEARTBEAT_SECONDS)
            if child in ready and not self.from_child(reader, pid):
                break
            if self.inbound in ready:
                try:
                    command = read_frame(self.inbound, limit=1 << 30)
                except EOFError:
                    _kill(pid)
                    sys.exit(0)
                if command.get("op") == "kill":
                    status = "killed"
                    break
                if command.get("op") == "interrupt":  # the grader's wall-clock backstop, as Jupyter does
                    _kill(pid, signal.SIGINT)
                elif command.get("op") == "run" and isinstance(command.get("index"), int):
                    reader.discard()   # nothing the notebook wrote before this cell began can count for it
                    self.pending, self.cell_started_cpu = command["index"], None
                    self.nonce = secrets.token_hex(16)
                    try:
                        os.set_blocking(child, True)
                        send_frame(child, dict(command, nonce=self.nonce))
                    except OSError:
                        pass
                    finally:
                        os.set_blocking(child, False)
            if self.cell_started_cpu is not None and _cpu_seconds(pid) - self.cell_started_cpu > limit + GRACE_SECONDS:
                status = "hung"
                break
        _kill(pid)
        code, cpu = None, 0.0
        try:
            _, raw, usage = os.wait4(pid, 0)
            code, cpu = os.waitstatus_to_exitcode(raw), usage.ru_utime + usage.ru_stime
        except ChildProcessError:
            pass
        os.close(child)
        self.say({"event": "child_gone", "status": status, "exit_code": code, "cpu": cpu})

    def from_child(self, reader, pid):
        """Take what the child wrote; False when its socket closed or it broke the framing. Only the pending cell's frames, carrying
        that cell's nonce, count; the first `cell_done` among them goes on to the grader."""
        alive = reader.pull()
        for message in reader.frames():
            if "oversized" in message:   # no honest child sends one (its outputs are budgeted): the child is done
                return False
            if self.pending is None or message.get("index") != self.pending or message.get("nonce") != self.nonce:
                continue   # a frame for no cell that was asked for: dropped
            if message.get("event") == "cell_started":
                self.cell_started_cpu = _cpu_seconds(pid)
            elif message.get("event") == "cell_done":
                outputs = message.get("outputs")
                outputs = outputs[:self.max_outputs] if isinstance(outputs, list) else []
                dropped = message.get("dropped") if isinstance(message.get("dropped"), int) else 0
                count = message.get("execution_count")
                self.say({"event": "cell_done", "index": self.pending, "outputs": outputs, "dropped": dropped,
                          "execution_count": count if isinstance(count, int) else None})
                self.pending, self.nonce, self.cell_started_cpu = None, None, None
        return alive


def _kill(pid, signum=signal.SIGKILL):
    try:
        os.kill(pid, signum)
    except OSError:
        pass


def _unsafe_files(folder, files):
    """Without the sandbox (--unsafe-no-sandbox): the files written into the working folder itself, read-only."""
    import base64
    import shutil
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        shutil.rmtree(path, ignore_errors=True) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
    for item in files:
        path = os.path.normpath(os.path.join(folder, str(item.get("path", ""))))
        if path.startswith(folder.rstrip("/") + "/"):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(base64.b64decode(item.get("data", "")))
            os.chmod(path, 0o444)
    return folder


if __name__ == "__main__":
    main()
