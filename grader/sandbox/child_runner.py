"""One notebook's child: a fresh IPython shell that runs the cells it is sent and reports each cell's outputs.

It talks only to its own socket (a fresh socketpair per notebook): for each `run` request it
sends `cell_started` and then one `cell_done` with the cell's outputs. It cannot report its
own end, exit status or CPU time: the server learns those from the kernel. Standard library
and IPython only: this file runs inside the sandbox.

The shell itself is built once, in the server before its first fork (`prepare`): building one
(its magics, traitlets, history) cost each notebook about 0.03 CPU-s. It has run no code there,
so every child starts from the same pristine copy of it (copy-on-write), never from another
notebook's; its per-notebook parts (the output sink, whether figures draw) are set in the child.
"""
import builtins
import os
import signal
import sys

from framing import read_frame, send_frame
from output_capture import Sink, Stream, fd_capture, make_shell
import history_scrub


def _set_rlimits(rlimits):
    import resource
    for name, value in rlimits.items():
        which = getattr(resource, str(name), None)
        if not isinstance(which, int) or not isinstance(value, int):
            continue
        soft, hard = resource.getrlimit(which)
        value = min(value, hard) if hard != resource.RLIM_INFINITY else value
        resource.setrlimit(which, (value, value))


def _import_path(helpers):
    """The import path is the server's, set by its environment (grader.sandbox.launch.notebook_import_path: the
    notebook's files `helpers` first, then the working folder); the server's own loaded modules are dropped."""
    for name in ("framing", "output_capture", "history_scrub", "child_runner", "child_isolation", "zygote"):
        sys.modules.pop(name, None)  # the server's own modules are no business of the notebook's


_PREPARED = {}


def prepare():
    """In the server, before any fork: the IPython shell every child starts from, and the state its outputs
    go through (`sink`, `draw`), which each child sets for itself. Nothing runs in the shell here."""
    state = {"sink": Sink(0, 0), "draw": True}
    try:
        shell = make_shell(lambda: state["sink"], draws=lambda: state["draw"])
    except Exception:
        from IPython.core.interactiveshell import InteractiveShell
        InteractiveShell.clear_instance()   # a half-made shell must not stop each child from making its own
        raise
    _PREPARED.update(shell=shell, state=state)


def _shell(state_sink):
    """(shell, state): the server's prepared shell with this notebook's sink, or a fresh one when there is none."""
    if "shell" in _PREPARED:
        shell, state = _PREPARED.pop("shell"), _PREPARED.pop("state")
        state.update(sink=state_sink, draw=True)
        os.makedirs(shell.profile_dir.location, exist_ok=True)   # the notebook's fresh home gets the folders
        shell.profile_dir.check_dirs()                            # a new shell makes there
        return shell, state
    state = {"sink": state_sink, "draw": True}
    return make_shell(lambda: state["sink"], draws=lambda: state["draw"]), state


def child_main(fd, request, helpers):
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in (request.get("env") or {}).items()})
    os.chdir(request["cwd"])
    _set_rlimits(request.get("rlimits") or {})
    chars, count_limit = int(request.get("cell_output_chars", 1_000_000)), int(request.get("cell_outputs", 10_000))
    shell, state = _shell(Sink(chars, count_limit))
    sink_of = lambda: state["sink"]  # noqa: E731
    drain = fd_capture(sink_of)
    sys.stdout, sys.stderr = Stream("stdout", sink_of), Stream("stderr", sink_of)
    sys.stdin = open(os.devnull)
    _import_path(helpers)
    from IPython.core.error import StdinNotImplementedError

    def no_input(prompt=""):
        """As in a Jupyter kernel run by nbgrader: there is no one to answer."""
        raise StdinNotImplementedError("raw_input was called, but this frontend does not support input requests.")
    builtins.input = no_input
    limit = float(request.get("cpu_limit", 60))
    timeout_message = str(request.get("timeout_message", "this cell used up its time"))

    def on_timer(signum, frame):
        """The cell used its CPU seconds: interrupt it as Jupyter does (KeyboardInterrupt)."""
        state["timed_out"] = True
        raise KeyboardInterrupt()

    signal.signal(signal.SIGPROF, on_timer)
    signal.signal(signal.SIGINT, on_timer)
    while True:
        try:
            command = read_frame(fd)
        except (EOFError, OSError, ValueError):
            return
        if command.get("op") != "run":
            continue
        state["sink"] = Sink(chars, count_limit)
        state["draw"] = command.get("draw") is not False   # False: figures as text only (output_capture.make_shell)
        nonce = command.get("nonce")
        send_frame(fd, {"event": "cell_started", "index": command["index"], "nonce": nonce})
        count, state["timed_out"] = shell.execution_count, False
        signal.setitimer(signal.ITIMER_PROF, limit)
        try:
            count = shell.run_cell(command["source"], store_history=True).execution_count
        except KeyboardInterrupt:
            pass
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
        if isinstance(command.get("shown"), str):  # a test cell: its hidden block leaves no trace
            history_scrub.scrub(shell, count, command["shown"])
        drain()
        sink = state["sink"]
        if state["timed_out"]:  # what nbgrader adds to a cell that timed out
            sink.outputs.append({"output_type": "error", "ename": "CellTimeoutError", "evalue": timeout_message,
                                 "traceback": ["CellTimeoutError: " + timeout_message]})
        for output in sink.outputs:
            if output["output_type"] == "execute_result":
                output["execution_count"] = count
        send_frame(fd, {"event": "cell_done", "index": command["index"], "nonce": nonce, "outputs": sink.outputs,
                        "dropped": sink.dropped, "execution_count": count})
