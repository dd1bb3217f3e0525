"""What watching a notebook's budget costs the grading process, per guard.

    python -m proofs.budget_cost [--checks N]

Starts a real fork server in its sandbox with each guard this machine allows (a cgroup when
root, and the watchdog), forks a notebook's interpreter, and times N budget checks (what the
guard's thread does WATCH_HZ times a second): milliseconds and CPU milliseconds per check, and
the share of one core the thread takes at WATCH_HZ.
"""
import argparse
import dataclasses
import time

from grader import settings
from grader.sandbox import budget, forkserver


def measure(guard_kind, checks):
    settings.install(dataclasses.replace(settings.current(), budget_guard=guard_kind if guard_kind == "watchdog" else ""))
    server = forkserver.ForkServer(settings.current().limits)
    server.start()
    try:
        server.begin_notebook()
        server.open_notebook([], 60, 100000, "timeout")
        server.run(0, "import numpy as np\nx = np.ones(10 ** 6)", 60)
        guard = server.guard
        guard._stop.set()   # time the checks here, not in the thread
        guard._thread.join()
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(checks):
            guard._check()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        server.close_notebook()
        server.end_notebook()
        return guard.guard_name(), wall / checks * 1000, cpu / checks * 1000
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=200)
    args = parser.parse_args()
    kinds = (["cgroup"] if budget.guard_for().kind != "watchdog" else []) + ["watchdog"]
    for kind in kinds:
        name, wall_ms, cpu_ms = measure(kind, args.checks)
        print("%-8s %6.2f ms a check, %6.2f CPU ms, %4.1f%% of a core at %d Hz  (%s)"
              % (kind, wall_ms, cpu_ms, cpu_ms * budget.WATCH_HZ / 10, budget.WATCH_HZ, name[:60]))


if __name__ == "__main__":
    main()
