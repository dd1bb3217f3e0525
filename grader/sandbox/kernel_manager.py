"""The kernel manager nbgrader uses for graded notebooks: IPC sockets in a folder of the kernel's own.

A sandboxed kernel has no network, so it talks over IPC sockets; they and the
connection file live in a fresh 0700 folder per kernel, which is all of jupyter's
runtime state the sandbox can see (grader.sandbox.launch checks it). The client's
sockets refuse messages over MAX_MESSAGE_BYTES, so one giant print cannot fill the
grader's memory; below that, GradingExecute keeps only the head of a flood. (The kernel's
own 3 GB address-space limit bounds what it can send anyway; a refused message loses that
cell's remaining output and nbgrader then sees the kernel as not answering.)

The connection folders (`kit-kernel-<pid>-*` in the temp folder, owned by the kernel's sandbox uid as root)
are removed when their kernel is cleaned up, whether it was still alive or not, and again at the end of
each notebook (`remove_connection_folders`), which also removes those a killed grading process left.
"""
import os
import shutil
import tempfile
import threading

from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel, HBChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type, default

from grader import settings as kit_settings

MAX_MESSAGE_BYTES = 256 * 1024 * 1024
SEND_SECONDS = 10
PREFIX = "kit-kernel-"
_MADE, _MADE_LOCK = set(), threading.Lock()   # connection folders this process made and has not removed


def _remove(folder):
    shutil.rmtree(folder, ignore_errors=True)
    with _MADE_LOCK:
        _MADE.discard(folder)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:   # another user's live process
        return True
    return True


def remove_connection_folders():
    """Remove every connection folder this process made (call it when none of its kernels runs: the end of a
    notebook) and every one left by a grading process that is gone (killed past its deadline)."""
    with _MADE_LOCK:
        mine = list(_MADE)
    for folder in mine:
        _remove(folder)
    base = tempfile.gettempdir()
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        parts = name[len(PREFIX):].split("-", 1)
        if name.startswith(PREFIX) and len(parts) == 2 and parts[0].isdigit() and not _alive(int(parts[0])):
            path = os.path.join(base, name)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)


class ToleratingChannel(AsyncZMQSocketChannel):
    """A channel that drops a message it cannot parse (bytes a sandboxed process wrote into its sockets) as if
    nothing had come, instead of failing the grading process; the cell's time limits still end a kernel that
    sends nothing else."""

    async def get_msg(self, timeout=None):
        try:
            return await super().get_msg(timeout)
        except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
            raise Empty


class NoHeartbeat(HBChannel):
    """No heartbeat thread: its REQ socket can block forever once a sandboxed process has written garbage into the
    connection, and the grader learns whether the kernel lives from its process (the manager's is_alive)."""

    def start(self):
        pass

    def is_alive(self):
        return False

    def is_beating(self):
        return True


class SandboxedKernelClient(AsyncKernelClient):
    """The grader's client of a sandboxed kernel: malformed messages dropped, no heartbeat thread."""

    hb_channel_class = Type(NoHeartbeat)
    shell_channel_class = Type(ToleratingChannel)
    iopub_channel_class = Type(ToleratingChannel)
    stdin_channel_class = Type(ToleratingChannel)
    control_channel_class = Type(ToleratingChannel)


class SandboxedKernelManager(AsyncKernelManager):
    """AsyncKernelManager with IPC transport and a private connection folder per kernel, and clients that
    drop malformed messages."""

    @default("client_factory")
    def _default_client_factory(self):
        return SandboxedKernelClient

    @default("transport")
    def _default_transport(self):
        return "ipc"

    @default("connection_file")
    def _default_connection_file(self):
        folder = tempfile.mkdtemp(prefix="%s%d-" % (PREFIX, os.getpid()))
        with _MADE_LOCK:
            _MADE.add(folder)
        return os.path.join(folder, "kernel.json")

    @default("context")
    def _default_context(self):
        self._created_context = True
        return _capped_context()

    async def _async_pre_start_kernel(self, **kw):
        # the kernel's launcher (grader.sandbox.launch) reads this process's settings (grader/settings.py)
        kw["env"] = kit_settings.current().environment(kw.get("env"))
        return await super()._async_pre_start_kernel(**kw)

    def client(self, **kwargs):
        kwargs.setdefault("context", _capped_context())
        return super().client(**kwargs)

    async def _async_cleanup_resources(self, restart=False):
        await super()._async_cleanup_resources(restart=restart)
        folder = os.path.dirname(self.connection_file)
        if not restart and os.path.basename(folder).startswith(PREFIX):
            _remove(folder)

    # AsyncKernelManager binds cleanup_resources to KernelManager's own coroutine, so an override of
    # _async_cleanup_resources alone is skipped when nbclient cleans up after a kernel that already died
    cleanup_resources = _async_cleanup_resources


def _capped_context():
    """A context whose sockets refuse giant messages, never block a send for longer than SEND_SECONDS (a kernel
    whose connection a sandboxed process broke would otherwise block an interrupt forever) and never linger."""
    context = zmq.asyncio.Context()
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    context.setsockopt(zmq.SNDTIMEO, SEND_SECONDS * 1000)
    context.setsockopt(zmq.LINGER, 0)
    return context
