"""A preloaded fork server that runs inside one bubblewrap sandbox and executes notebooks in forked children.

    python zygote.py      (started by grader.sandbox.forkserver inside the sandbox; self-contained)

It imports the heavy libraries once (NumPy, SciPy, scikit-learn, matplotlib, IPython),
then, for each notebook the grader asks for, forks a child that gets a fresh IPython
shell, its own resource limits and the sandbox's working folder, and runs the cells it
is sent one by one, reporting each cell's outputs as Jupyter would (streams, including
what C code writes to file descriptors 1 and 2, display data, results, errors). The
server relays frames between the grader's pipe and the child's socket (the child never
touches the grader's pipe), enforces each cell's limit in CPU seconds, and after every
child kills whatever that child left running in the sandbox before it reports the child
gone. One child at a time.

Frames are a 4-byte big-endian length and a JSON object; a child's frame over
MAX_FRAME bytes is discarded. This file is also the grader's side of the framing.
"""
import json
import os
import select
import signal
import socket
import struct
import sys
import time

MAX_FRAME = 32 * 1024 * 1024
RECORD_MIME = "application/vnd.pada.grade-record+json"  # grading_cases.RECORD_MIME: hidden-test records are kept
PRELOAD = ["numpy", "scipy.io", "sklearn.datasets", "matplotlib", "matplotlib.pyplot",
           "matplotlib.backends.backend_agg", "matplotlib_inline.backend_inline",
           "IPython.core.interactiveshell", "IPython.display", "PIL.Image"]
GRACE_SECONDS = 10.0  # CPU seconds a child gets past a cell's limit to handle its timeout before it is killed


# ----------------------------------------------------------------------------- framing (both sides)
def send_frame(fd, message):
    data = json.dumps(message, separators=(",", ":"), default=str).encode("utf-8")
    _write_all(fd, struct.pack(">I", len(data)) + data)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exact(fd, count):
    chunks, left = [], count
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd, limit=MAX_FRAME):
    """The next frame's message, or {"oversized": n} (its bytes read and dropped) when over `limit`."""
    (size,) = struct.unpack(">I", _read_exact(fd, 4))
    if size > limit:
        left = size
        while left:
            left -= len(_read_exact(fd, min(left, 1 << 20)))
        return {"oversized": size}
    return json.loads(_read_exact(fd, size).decode("utf-8"))


# ----------------------------------------------------------------------------- the server
def _cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _in_own_sandbox():
    """Whether this server runs in the grader's sandbox (its own PID namespace, private /tmp and $HOME):
    the grader said so, and its parent is that namespace's init. Outside one (--unsafe-no-sandbox),
    nothing is swept or emptied but its own working folder."""
    return os.environ.get("KIT_ZYGOTE_SWEEP") == "1" and os.getppid() == 1


def _sweep():
    """Kill every process of the sandbox but this one (and bwrap's init): what a child left behind.

    Only inside the sandbox's own PID namespace (its parent is that namespace's init, PID 1, and the
    grader said so): outside one, kill(-1) would reach every process of the user.
    """
    if not _in_own_sandbox():
        return
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG) == (0, 0):
                time.sleep(0.01)
        except ChildProcessError:
            return


def _not_dumpable():
    """No process of the same user may ptrace this one or read its memory (PR_SET_DUMPABLE = 0)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE


def _warm_up_tracebacks():
    """Format one traceback the way a child's shell does (IPython's ultratb, with stack_data, executing
    and pygments): their first use costs a tenth of a second, which every failing notebook would pay
    again in its child. Only library caches warm up; no shell is made and nothing reaches a child's
    namespace."""
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
    send_frame(outbound, {"event": "ready", "preload_cpu": time.process_time() - started, "failed": failed})
    while True:
        try:
            request = read_frame(inbound, limit=1 << 30)  # the grader's own requests carry the notebook's files
        except EOFError:
            return
        if request.get("op") != "start":
            continue
        _prepare_workdir(request.get("cwd", os.getcwd()), request.get("files", []))
        _run_child(request, inbound, outbound)


def _empty(folder, keep=()):
    """Remove what is in `folder` (a sandbox tmpfs), but the names in `keep`; what cannot go stays."""
    import shutil
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        if name in keep:
            continue
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.remove(path)
        except OSError:
            pass


def _prepare_workdir(folder, files):
    """Empty the sandbox's writable folders (nothing of one notebook reaches the next) and write the
    notebook's files into its working folder, read-only."""
    import base64
    _empty(folder)
    home = os.environ.get("HOME", "")
    if _in_own_sandbox():
        for scratch in ("/tmp", "/dev/shm"):
            _empty(scratch)
        if home and folder.startswith(home.rstrip("/") + "/"):
            _empty(home, keep=(os.path.relpath(folder, home).split("/")[0], ".matplotlib"))
    for item in files:
        path = os.path.normpath(os.path.join(folder, item["path"]))
        if not path.startswith(folder.rstrip("/") + "/"):
            continue
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(item["data"]))
        os.chmod(path, 0o444)


def _run_child(request, inbound, outbound):
    ours, theirs = socket.socketpair()
    pid = os.fork()
    if pid == 0:
        ours.close()
        os.close(inbound)
        os.close(outbound)
        try:
            child_main(theirs.detach(), request)
        finally:
            os._exit(0)
    theirs.close()
    child = ours.detach()
    limit = float(request.get("cpu_limit", 60))
    cell_started_cpu = None
    status = "exited"
    while True:
        ready, _, _ = select.select([inbound, child], [], [], 0.25)
        if child in ready:
            try:
                message = read_frame(child)
            except (EOFError, OSError, ValueError):
                break
            if message.get("event") == "cell_started":
                cell_started_cpu = _cpu_seconds(pid)
                continue
            if message.get("event") == "cell_done":
                cell_started_cpu = None
            send_frame(outbound, message)
        if inbound in ready:
            try:
                command = read_frame(inbound)
            except EOFError:
                os.kill(pid, signal.SIGKILL)
                _sweep()
                sys.exit(0)
            if command.get("op") == "kill":
                status = "killed"
                break
            if command.get("op") == "interrupt":  # the grader's wall-clock backstop: interrupt, as Jupyter does
                try:
                    os.kill(pid, signal.SIGINT)
                except OSError:
                    pass
                continue
            _forward(child, command)
        if cell_started_cpu is not None and _cpu_seconds(pid) - cell_started_cpu > limit + GRACE_SECONDS:
            status = "hung"
            break
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    code, cpu = None, 0.0
    try:
        _, raw, usage = os.wait4(pid, 0)
        code, cpu = os.waitstatus_to_exitcode(raw), usage.ru_utime + usage.ru_stime
    except ChildProcessError:
        pass
    os.close(child)
    _sweep()
    send_frame(outbound, {"event": "child_gone", "status": status, "exit_code": code, "cpu": cpu})


def _forward(child, command):
    try:
        send_frame(child, command)
    except OSError:
        pass


# ----------------------------------------------------------------------------- the child: one notebook
class _Sink:
    """The outputs of the cell that is running, as nbformat output dicts."""

    def __init__(self, budget):
        self.outputs, self.budget, self.used, self.dropped = [], budget, 0, 0

    def add(self, output, size):
        essential = (output["output_type"] == "error" or output.get("name") == "stderr"
                     or RECORD_MIME in (output.get("data") or {}))
        if self.used + size > self.budget and not essential:
            self.dropped += 1
            return
        self.used += size
        self.outputs.append(output)

    def stream(self, name, text):
        """Append stream text (merged with the last output of the same stream), cut at the budget with a note."""
        if not text:
            return
        room = self.budget - self.used
        if len(text) > room:
            if room <= 0 and name != "stderr":
                self.dropped += 1
                return
            text = text[:max(room, 2000)] + ("\n... output truncated by the autograder: %d characters in all ...\n"
                                             % len(text))
            self.used = self.budget
        else:
            self.used += len(text)
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            last["text"] += text
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})


class _Stream:
    """sys.stdout / sys.stderr of the child: text goes to the cell's outputs."""

    def __init__(self, name, sink_of):
        self.name, self.sink_of = name, sink_of
        self.encoding, self.errors = "utf-8", "replace"

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("write() argument must be str, not %s" % type(text).__name__)
        self.sink_of().stream(self.name, text)
        return len(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def flush(self):
        pass

    def isatty(self):
        return False

    def fileno(self):
        return 1 if self.name == "stdout" else 2

    def readable(self):
        return False

    def writable(self):
        return True


def _fd_capture(sink_of):
    """Route file descriptors 1 and 2 (C code, subprocesses) into the cell's stream outputs, as ipykernel does.

    A thread empties the pipes while a cell runs (so a writer never blocks on a full pipe); it reads
    only while holding the lock, so `drain` (at the end of a cell) sees every byte or none in flight.
    """
    import threading
    names = {}
    for fd, name in ((1, "stdout"), (2, "stderr")):
        read_end, write_end = os.pipe()
        os.dup2(write_end, fd)
        os.close(write_end)
        os.set_blocking(read_end, False)
        names[read_end] = name
    lock = threading.Lock()

    def read_ready(ends):
        for read_end in ends:
            while True:
                try:
                    data = os.read(read_end, 65536)
                except (BlockingIOError, OSError):
                    break
                if not data:
                    break
                sink_of().stream(names[read_end], data.decode("utf-8", "replace"))

    def pump():
        while True:
            ready, _, _ = select.select(list(names), [], [], 0.05)
            if ready:
                with lock:
                    read_ready(ready)

    threading.Thread(target=pump, daemon=True).start()

    def drain():
        """Read what C code wrote during the cell, after flushing C's stdio buffers."""
        import ctypes
        try:
            ctypes.CDLL(None).fflush(None)
        except Exception:
            pass
        with lock:
            read_ready(list(names))
    return drain


def child_main(fd, request):
    os.setsid()
    env = request.get("env", {})
    os.environ.update(env)
    os.chdir(request.get("cwd", os.getcwd()))
    sys.path.insert(0, "")
    import resource
    for name, value in request.get("rlimits", {}).items():
        which = getattr(resource, name)
        soft, hard = resource.getrlimit(which)
        value = min(value, hard) if hard != resource.RLIM_INFINITY else value
        resource.setrlimit(which, (value, value))
    state = {"sink": _Sink(int(request.get("cell_output_chars", 1_000_000)))}
    sink_of = lambda: state["sink"]  # noqa: E731
    drain = _fd_capture(sink_of)
    sys.stdout, sys.stderr = _Stream("stdout", sink_of), _Stream("stderr", sink_of)
    sys.stdin = open(os.devnull)
    shell = _make_shell(sink_of)
    import builtins
    from IPython.core.error import StdinNotImplementedError

    def no_input(prompt=""):
        """As in a Jupyter kernel run by nbgrader: there is no one to answer."""
        raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")
    builtins.input = no_input
    limit = float(request.get("cpu_limit", 60))
    timeout_message = request.get("timeout_message", "this cell used up its time")

    def on_timer(signum, frame):
        """The cell used its CPU seconds: interrupt it as Jupyter does (KeyboardInterrupt)."""
        state["timed_out"] = True
        raise KeyboardInterrupt()

    signal.signal(signal.SIGPROF, on_timer)
    signal.signal(signal.SIGINT, on_timer)
    while True:
        try:
            command = read_frame(fd)
        except (EOFError, OSError):
            return
        if command.get("op") != "run":
            continue
        state["sink"] = _Sink(int(request.get("cell_output_chars", 1_000_000)))
        send_frame(fd, {"event": "cell_started", "index": command["index"]})
        count, state["timed_out"] = shell.execution_count, False
        signal.setitimer(signal.ITIMER_PROF, limit)
        try:
            count = shell.run_cell(command["source"], store_history=True).execution_count
        except KeyboardInterrupt:
            pass
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        drain()
        sink = state["sink"]
        if state["timed_out"]:  # what nbgrader adds to a cell that timed out
            sink.outputs.append({"output_type": "error", "ename": "CellTimeoutError", "evalue": timeout_message,
                                 "traceback": ["CellTimeoutError: " + timeout_message]})
        if sink.dropped:
            sink.outputs.append({"output_type": "stream", "name": "stdout",
                                 "text": "\n... %d more output(s) of this cell left out by the autograder (too much "
                                         "output) ...\n" % sink.dropped})
        for output in sink.outputs:
            if output["output_type"] == "execute_result":
                output["execution_count"] = count
        send_frame(fd, {"event": "cell_done", "index": command["index"], "outputs": sink.outputs,
                        "dropped": sink.dropped, "execution_count": count})


def _make_shell(sink_of):
    """A fresh IPython shell whose display, results and tracebacks become cell outputs."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    def size(data):
        return sum(len(v) if isinstance(v, str) else len(json.dumps(v, default=str)) for v in data.values())

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            output = {"output_type": "display_data", "data": data, "metadata": metadata or {}}
            sink_of().add(json.loads(json.dumps(output, default=str)), size(data))

        def clear_output(self, wait=False):
            sink_of().outputs.clear()

    class Hook(DisplayHook):
        def start_displayhook(self):
            super().start_displayhook()
            self._result = {"output_type": "execute_result", "data": {}, "metadata": {},
                            "execution_count": self.shell.execution_count}

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self._result["data"], self._result["metadata"] = format_dict, md_dict or {}

        def finish_displayhook(self):
            self._is_active = False
            if self._result["data"]:
                sink_of().add(json.loads(json.dumps(self._result, default=str)), size(self._result["data"]))

    class Shell(InteractiveShell):
        displayhook_class = Type(Hook)
        display_pub_class = Type(Publisher)

        def _showtraceback(self, etype, evalue, stb):
            name = etype.__name__ if isinstance(etype, type) else str(etype)
            sink_of().add({"output_type": "error", "ename": name, "evalue": str(evalue),
                           "traceback": [str(line) for line in stb]}, sum(len(str(line)) for line in stb))

        def enable_gui(self, gui=None):
            """`%matplotlib inline` asks for no event loop, as in a Jupyter kernel."""

    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.colors = "nocolor"
    config.InteractiveShell.xmode = "Context"
    shell = Shell.instance(config=config)
    try:
        import matplotlib_inline.backend_inline as inline
        inline._enable_matplotlib_integration()
    except Exception:
        pass
    return shell


if __name__ == "__main__":
    main()
