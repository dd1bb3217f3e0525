"""A notebook child's outputs as Jupyter would record them: streams, file descriptors 1 and 2, display data,
results and tracebacks, budgeted in characters and in count as they are made.

Past a cell's budget an output is dropped and counted (errors, stderr and hidden-test records
are kept: they decide the score); once a cell has its maximum count of outputs, `display()`
stops formatting what it is given, so a flood of tiny displays costs little. Standard library
and IPython only: this file runs inside the sandbox.
"""
import json
import os
import select
import sys

RECORD_MIME = "application/vnd.pada.grade-record+json"  # grading_cases.RECORD_MIME: hidden-test records are kept


class Sink:
    """The outputs of the cell that is running, as nbformat output dicts."""

    def __init__(self, budget, max_outputs):
        self.outputs, self.budget, self.max_outputs, self.used, self.dropped = [], budget, max_outputs, 0, 0

    def full(self):
        return len(self.outputs) >= self.max_outputs

    def add(self, output, size):
        essential = (output["output_type"] == "error" or output.get("name") == "stderr"
                     or RECORD_MIME in (output.get("data") or {}))
        if (self.used + size > self.budget or self.full()) and not (essential and len(self.outputs) < 2 * self.max_outputs):
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
        elif self.full():
            self.dropped += 1
        else:
            self.outputs.append({"output_type": "stream", "name": name, "text": text})


class Stream:
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


def fd_capture(sink_of):
    """Route file descriptors 1 and 2 (C code, subprocesses) into the cell's stream outputs, as ipykernel does.

    A thread empties the pipes while a cell runs (so a writer never blocks on a full pipe); it reads
    only while holding the lock, so the returned `drain` (at the end of a cell) sees every byte or none
    in flight.
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


def _size(data):
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v, default=str)) for v in data.values())


def _is_figure(obj):
    """Whether `obj` is a matplotlib figure (without importing matplotlib when the notebook has not)."""
    figure = sys.modules.get("matplotlib.figure")
    return figure is not None and isinstance(obj, figure.Figure)


def make_shell(sink_of, draws=lambda: True):
    """A fresh IPython shell whose display, results and tracebacks become cell outputs.

    While `draws()` is false, a matplotlib figure is shown by its text only (`<Figure size ...>`): no
    picture is rendered, the costliest output there is. The grader asks for that in cells that earn no
    points (grader/preprocessors/fork_execute.py); the figure is made and closed as usual."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    class Publisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
            sink = sink_of()
            if sink.full() and RECORD_MIME not in (data or {}):
                sink.dropped += 1
                return
            output = {"output_type": "display_data", "data": data, "metadata": metadata or {}}
            sink.add(json.loads(json.dumps(output, default=str)), _size(data))

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
                sink_of().add(json.loads(json.dumps(self._result, default=str)), _size(self._result["data"]))

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
    formatter = shell.display_formatter
    plain_format = formatter.format

    def format_unless_full(obj, include=None, exclude=None):
        """Nothing to format once the cell has all the outputs it may keep (display() then publishes nothing)."""
        if sink_of().full():
            sink_of().dropped += 1
            return {}, {}
        if not draws() and _is_figure(obj):
            return plain_format(obj, include=("text/plain",))
        return plain_format(obj, include=include, exclude=exclude)
    formatter.format = format_unless_full
    try:
        import matplotlib_inline.backend_inline as inline
        inline._enable_matplotlib_integration()
    except Exception:
        pass
    return shell
