"""The class benchmark's two other runs on the graded class: late submissions, and the same class on a local Dask cluster.

Late submissions: K more submissions arrive after the class was graded; the pipeline runs again
and must grade those K only (every other submission's files and set-up are as they were).
Dask: the class is graded again (--force) on a Dask scheduler with 2 single-process workers on
this machine, to compare with the local run's 2 worker processes.
"""
import os

from pipeline.dask_cluster import dask_cluster
from proofs.class_corpus import write_late


def report_late(course, count, late, settings, run_cpu, workdir):
    """Add `late` submissions to the graded class, run the pipeline again, print what it graded and its cost."""
    from proofs.class_benchmark import grade_class
    added = write_late(course, count, late)
    graded = grade_class(course, settings, os.path.join(workdir, "late.log"), run_cpu)
    pairs = sorted((r.student, r.assignment) for r in graded["pool"].results)
    ok = pairs == sorted(added)
    print()
    print("late submissions: %d arrived after the class was graded; the run again graded %d submission(s)%s"
          % (len(added), len(pairs), "" if ok else " -- NOT ONLY THOSE: %s" % pairs[:10]))
    print("  wall time   %9.1f s    CPU time %7.1f s (%s)" % (graded["wall"], graded["cpu"], run_cpu.what()))
    return ok


def report_dask(course, settings, run_cpu, workdir, local, notebooks):
    """Grade the class again on a local Dask cluster (2 single-process workers); print both runs' figures."""
    from dataclasses import replace
    from proofs.class_benchmark import grade_class
    folder = os.path.join(workdir, "dask")
    os.makedirs(folder, exist_ok=True)
    with dask_cluster(course, folder, workers=2) as address:
        graded = grade_class(course, replace(settings, dask=address), os.path.join(workdir, "dask.log"), run_cpu,
                             force=True)
    print()
    print("Dask, 2 single-process workers on this machine, the same class again (--force):")
    for label, run in (("local, %d worker processes" % settings.worker_count(), local), ("Dask, 2 workers", graded)):
        print("  %-30s wall %8.1f s  %7.3f s per notebook   CPU %8.1f s  %7.3f s per notebook"
              % (label, run["wall"], run["wall"] / notebooks, run["cpu"], run["cpu"] / notebooks))
    print("  Dask / local: wall %.2fx, CPU %.2fx (on a loaded machine compare CPU)"
          % (graded["wall"] / local["wall"], graded["cpu"] / local["cpu"]))
