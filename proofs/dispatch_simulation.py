"""How many Dask workers the pipeline can feed: the dispatch path timed with tasks that do no grading.

    python -m proofs.dispatch_simulation [--tasks N] [--grading S] [--writer W]

Starts a local `dask scheduler` and 2 one-thread workers (pipeline/dask_cluster.py) and sends N
tasks through the pipeline's own dispatch pattern (pipeline/dask_pool.py: one `client.submit` per
submission carrying its Task with the assignment's real structure, results taken as they complete,
`who_has` per result), each task returning at once. The pipeline process and the scheduler then do all
the work there is, so the rate measured is the most they can dispatch. With S CPU seconds of grading
per notebook on a worker core and W CPU seconds of the one gradebook writer per result (both printed
by `kit.py benchmark --class N`), the scheduler path is saturated at about rate x S workers and the
writer at about S / W workers.
"""
import argparse
import os
import tempfile
import time

from grader.manifest import ASSIGNMENTS, ROOT
from pipeline.dask_cluster import dask_cluster


def answer(root, task, key, settings=None):
    """A task that grades nothing: what a worker sends back, minus the work."""
    from pipeline.workers import WorkerResult
    return WorkerResult(task.student, task.assignment, True, phases={"autograde": 0.0})


def structure_of(assignment):
    """The assignment's structure as the pipeline sends it with every task (from the source notebook)."""
    import nbformat
    from nbgrader.utils import compute_checksum, is_grade, is_locked, is_solution
    notebook = ASSIGNMENTS[assignment].notebook
    nb = nbformat.read(os.path.join(ROOT, "source", assignment, notebook), as_version=4)
    cells = [c for c in nb.cells if "nbgrader" in c.metadata]
    return {"name": assignment, "duedate": None, "notebooks": [{
        "name": os.path.splitext(notebook)[0],
        "grade_cells": [{"name": c.metadata.nbgrader["grade_id"], "max_score": 1.0, "cell_type": c.cell_type}
                        for c in cells if is_grade(c)],
        "solution_cells": [c.metadata.nbgrader["grade_id"] for c in cells if is_solution(c)],
        "task_cells": [],
        "source_cells": [{"name": c.metadata.nbgrader["grade_id"], "cell_type": c.cell_type, "locked": is_locked(c),
                          "source": c.source, "checksum": compute_checksum(c)} for c in cells]}]}


def dispatch(address, tasks):
    """Seconds and this process's CPU seconds to send `tasks` through the cluster as DaskPool does."""
    from distributed import Client, as_completed
    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
        wall, cpu = time.monotonic(), time.process_time()
        futures = [client.submit(answer, ROOT, task, "k%d" % i, key="sim-%d" % i, pure=False)
                   for i, task in enumerate(tasks)]
        for future in as_completed(futures):
            client.who_has([future])
            future.result()
        return time.monotonic() - wall, time.process_time() - cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--grading", type=float, default=0.3, help="CPU seconds of grading per notebook (S)")
    parser.add_argument("--writer", type=float, default=0.01, help="CPU seconds of the writer per result (W)")
    args = parser.parse_args(argv)
    from pipeline.workers import Task
    structures = {a: structure_of(a) for a in ASSIGNMENTS}
    names = list(ASSIGNMENTS)
    tasks = [Task("s%05d" % i, names[i % 3], structures[names[i % 3]]) for i in range(args.tasks)]
    with tempfile.TemporaryDirectory(prefix="kit-dispatch-") as folder, dask_cluster(ROOT, folder) as address:
        dispatch(address, tasks[:50])   # warm-up
        wall, cpu = dispatch(address, tasks)
    rate = args.tasks / wall
    print("dispatch of %d tasks that grade nothing, 2 local workers: %.1f s (%.0f tasks/s, %.2f ms each; the "
          "pipeline process's CPU %.2f ms per task)" % (args.tasks, wall, rate, 1000 * wall / args.tasks,
                                                       1000 * cpu / args.tasks))
    print("with %.2f CPU s of grading per notebook: the scheduler path saturates at about %.0f worker cores, "
          "the one gradebook writer (%.3f s per result) at about %.0f"
          % (args.grading, rate * args.grading, args.writer, args.grading / args.writer))


if __name__ == "__main__":
    main()
