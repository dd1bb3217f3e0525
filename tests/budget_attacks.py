"""Notebooks that try to take more than their budget, run for real on a fork server, each followed by an honest one.

    python tests/budget_attacks.py NAME... [--attempt-mb N]     (prints one JSON line per notebook)

Each notebook runs through ForkExecute (the pipeline's executor) on this process's fork server,
with the limits of the environment (KIT_SANDBOX_*); after each hostile notebook an honest one runs
on the same server and reports what it finds of the one before (processes, files, shared memory).
tests/test_budget.py runs this as root and as an ordinary user, inside a cgroup that measures the peak.
"""
import argparse
import json
import os
import sys
import time

import nbformat



def memory_hog(processes, size):
    """Code that forks `processes` children, each touching every page of `size` bytes (an expression) of
    anonymous memory, then sleeps: memory spread over processes, for a budget that counts them together."""
    return """
import mmap, os, time
for _ in range(%d):
    if os.fork() == 0:
        block = mmap.mmap(-1, %s)
        for at in range(0, %s, 4096):
            block[at] = 1
        time.sleep(300)
        os._exit(0)
time.sleep(300)
""" % (processes, size, size)


def fork_storm(most, linger):
    """Code that forks up to `most` children (each sleeping `linger` seconds) until a fork fails, then says how
    many it made."""
    return """
import os, time
born = 0
try:
    while born < %d:
        if os.fork() == 0:
            time.sleep(%d)
            os._exit(0)
        born += 1
except OSError:
    pass
print("forked", born)
""" % (most, linger)


ATTACKS = {
    "memory_processes": [memory_hog(4, "{quarter}")],
    "memory_tmpfs": ["""
import os, time
chunk = b"x" * (1 << 20)
for folder in ("/tmp", "/dev/shm", os.path.expanduser("~"), os.getcwd()):
    for part in range({quarter} >> 25):             # files of 32 MB: each process may write 64 MB per file
        with open(os.path.join(folder, "filler%d" % part), "wb") as handle:
            for _ in range(32):
                handle.write(chunk)
time.sleep(300)
"""],
    "memory_sysv": ["""
import ctypes, time
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
segment = 64 << 20
for _ in range({whole} // segment):
    key = libc.shmget(0, segment, 0o1600)
    address = libc.shmat(key, None, 0)
    ctypes.memset(address, 1, segment)
    libc.shmdt(ctypes.c_void_p(address))
time.sleep(300)
"""],
    "fork_storm": [fork_storm(100000, 300) + "time.sleep(300)\n"],
    "thread_storm": ["""
import threading, time
try:
    for _ in range(100000):
        threading.Thread(target=time.sleep, args=(300,), daemon=True).start()
except RuntimeError:
    pass
time.sleep(300)
"""],
    "cpu_in_children": ["""
import os, time
if os.fork() == 0:            # double-forked: re-parented to the sandbox's init
    if os.fork() == 0:
        while True:
            pass
    os._exit(0)
os.wait()
time.sleep(300)
""", """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "while True: pass"], start_new_session=True)   # setsid
time.sleep(300)
""", "print('after the burners')"],
    "cpu_over_the_notebook": ["""
import subprocess, sys
burn = "import time\\nend = time.process_time() + {cell_share}\\nwhile time.process_time() < end: pass"
subprocess.run([sys.executable, "-c", burn])
print("burned")
"""] * 6,
    "sleepers": ["import time\ntime.sleep(300)"] * 2 + [
        "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(300)"] * 3,
}

HONEST = ["""
import os
print(sum(range(5)))
print(len([p for p in os.listdir("/proc") if p.isdigit()]))
""", """
import os
with open("/proc/sysvipc/shm") as handle:
    print(len(handle.read().splitlines()) - 1)
work = [name for name in os.listdir(os.getcwd()) if name.startswith("filler")]
print(sorted(os.listdir("/tmp") + os.listdir("/dev/shm") + work))
"""]


def notebook(sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def run(executor, sources, folder):
    """Grade one notebook; (its cells' error names and text, the budget's usage, seconds)."""
    started = time.monotonic()
    nb, resources = executor.preprocess(notebook(sources), {"metadata": {"path": folder}})
    cells = [{"errors": [o.get("ename") for o in c.outputs if o.output_type == "error"],
              "text": "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream"),
              "notes": [o.get("evalue", "") for o in c.outputs if o.output_type == "error"]} for c in nb.cells]
    return cells, resources.get("notebook_budget"), time.monotonic() - started


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="+")
    parser.add_argument("--attempt-mb", type=int, default=1536)
    parser.add_argument("--cell-timeout", type=int, default=3)
    parser.add_argument("--wall-factor", type=int, default=5)
    args = parser.parse_args(argv)
    from grader.preprocessors.fork_execute import ForkExecute
    from grader.sandbox import forkserver
    from grader.sandbox.limits import Limits
    executor = ForkExecute(timeout=args.cell_timeout, wall_factor=args.wall_factor)
    folder = os.getcwd()
    values = {"whole": args.attempt_mb << 20, "quarter": (args.attempt_mb << 20) // 4,
              "cell_share": max(1, Limits.from_environment().cpu_seconds // 4)}
    print(json.dumps({"guard": forkserver.shared_server().guard.describe() if forkserver.shared_server().start()
                      or forkserver.shared_server().guard else None}), flush=True)
    for name in args.names:
        sources = [source.replace("{quarter}", str(values["quarter"])).replace("{whole}", str(values["whole"]))
                   .replace("{cell_share}", str(values["cell_share"])) for source in ATTACKS[name]]
        cells, usage, seconds = run(executor, sources, folder)
        honest, honest_usage, _ = run(executor, HONEST, folder)
        print(json.dumps({"name": name, "cells": cells, "usage": usage, "seconds": seconds, "honest": honest,
                          "honest_usage": honest_usage}), flush=True)
    forkserver.shared_server().stop()


if __name__ == "__main__":
    main(sys.argv[1:])
