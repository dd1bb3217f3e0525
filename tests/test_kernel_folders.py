"""Unit tier: a kernel's connection folder (grader/sandbox/kernel_manager.py) does not outlive its kernel.

jupyter_client's AsyncKernelManager calls KernelManager's own clean-up coroutine when nbclient cleans up
after a kernel that already died (a budget kill, a crash), so the folder must go on that path too; and a
grading process killed past its deadline leaves folders that the next notebook's end removes.
"""
import os
import subprocess
import sys
import tempfile

from jupyter_core.utils import run_sync

from grader.sandbox import kernel_manager


def test_the_clean_up_after_a_dead_kernel_removes_the_folder():
    manager = kernel_manager.SandboxedKernelManager()
    folder = os.path.dirname(manager.connection_file)
    assert os.path.basename(folder).startswith("%s%d-" % (kernel_manager.PREFIX, os.getpid()))
    assert os.path.isdir(folder)
    run_sync(manager.cleanup_resources)()   # what nbclient calls when the kernel is no longer alive
    assert not os.path.exists(folder)


def test_the_end_of_a_notebook_removes_this_process_folders_and_those_of_ended_processes():
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = tempfile.mkdtemp(prefix="%s%s-" % (kernel_manager.PREFIX, gone.stdout.strip()))
    os.chmod(dead, 0o1700)
    with open(os.path.join(dead, "kernel.json"), "w") as handle:
        handle.write("{}")
    living = tempfile.mkdtemp(prefix="%s%d-" % (kernel_manager.PREFIX, os.getppid()))   # a live process's
    mine = os.path.dirname(kernel_manager.SandboxedKernelManager().connection_file)
    try:
        kernel_manager.remove_connection_folders()
        assert not os.path.exists(dead) and not os.path.exists(mine)
        assert os.path.isdir(living)
    finally:
        os.rmdir(living)
