"""What a sandbox's tree counts as the notebook's scratch files: only file systems of the sandbox's own."""
import os
import subprocess
import time

import pytest

from grader.sandbox.sandbox_tree import SCRATCH_FOLDERS, SandboxTree, children

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="needs Linux /proc")


def _used(folder):
    info = os.statvfs(folder)
    return (info.f_blocks - info.f_bfree) * info.f_frsize


def test_host_folders_seen_before_the_sandbox_mounts_its_own_are_not_charged(tmp_path):
    """A tree whose processes still see the host's /tmp (bwrap's first instants, or a kernel restarting) counts
    nothing: the machine's other files are no part of a notebook's disk or memory budget."""
    filler = tmp_path / "filler"
    filler.write_bytes(os.urandom(4 * 1024 * 1024))
    assert _used("/tmp") > 4 * 1024 * 1024      # the host's /tmp holds data that must not be charged
    parent = subprocess.Popen(["sh", "-c", "sleep 30 & wait"])
    try:
        for _ in range(200):
            if children(parent.pid):
                break
            time.sleep(0.01)
        tree = SandboxTree(parent.pid)
        assert tree.namespaces_of_notebook() is not None and "/tmp" in SCRATCH_FOLDERS
        assert tree.scratch_bytes() == 0
    finally:
        parent.kill()
        subprocess.run(["pkill", "-P", str(parent.pid)], check=False)
        parent.wait()
