"""What per-notebook isolation costs on the fork executor: wall time per notebook with and without it.

    python -m proofs.isolation_cost [--notebooks N]

Starts one real fork server in its bubblewrap sandbox and times N notebooks of one trivial cell
each (fork, set-up, one cell, end), alternating a child isolated as in grading (new user, PID,
mount and IPC namespaces, fresh tmpfs folders, read-only files, no privileges) with a plain fork
in the same server. Prints the medians and their difference: what isolation adds per notebook.
"""
import argparse
import os
import statistics
import tempfile
import time

from grader.sandbox import forkserver, workfiles
from grader.sandbox.launch import TRUSTED_HELPER_FOLDERS
from grader.manifest import ROOT


def one_notebook(server, files, isolate):
    started = time.perf_counter()
    server.open_notebook(files, 60, 1_000_000, "timeout", isolate=isolate)
    status, outputs, _, _ = server.run(0, "print(len(open('helper.py').read()))", 60)
    server.close_notebook()
    assert status == "done" and outputs, (status, outputs)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=int, default=40)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="kit-isolation-cost-")
    with open(os.path.join(folder, "helper.py"), "w") as handle:
        handle.write("VALUE = 1\n" * 100)
    os.symlink(os.path.join(ROOT, "datasets", "data.mat"), os.path.join(folder, "data.mat"))
    files, _ = workfiles.collect(folder, TRUSTED_HELPER_FOLDERS)
    server = forkserver.ForkServer()
    server.start()
    try:
        one_notebook(server, files, True)
        one_notebook(server, files, False)
        times = {True: [], False: []}
        for _ in range(args.notebooks):
            for isolate in (True, False):
                times[isolate].append(one_notebook(server, files, isolate))
    finally:
        server.stop()
    isolated, plain = statistics.median(times[True]), statistics.median(times[False])
    print("notebooks timed: %d of each kind (%d files in the notebook's folder)" % (args.notebooks, len(files)))
    print("plain fork per notebook:    %6.1f ms (median)" % (plain * 1000))
    print("isolated fork per notebook: %6.1f ms (median)" % (isolated * 1000))
    print("isolation adds:             %6.1f ms per notebook" % ((isolated - plain) * 1000))


if __name__ == "__main__":
    main()
