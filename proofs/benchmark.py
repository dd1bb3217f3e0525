"""How long grading takes: bare notebook runs, stock nbgrader autograde, and the kit's grading.

    python -m proofs.benchmark [--skip-bare] [--catalog N]
    python -m proofs.benchmark --class [N] [--sample S] [--late K] [--dask-compare] [--jobs J] [--executor E]
                               [--dask ADDR] [--keep]
        (the class benchmark: proofs/class_benchmark.py)

Without --class:

All of it runs in a throwaway copy of the course (the repository's gradebook, submitted/ and
autograded/ are not touched), on one full submission (the `correct` sample: 3 notebooks):

(a) bare: each source notebook executed top to bottom with nbclient (cwd = its folder), training
    and plots included: what a student's "Run all" costs;
(b) stock: `nbgrader autograde` with nbgrader's default autograde preprocessors (every cell runs,
    no out-of-kernel judge, no repairs). nbgrader_config.py does so for the stock setting
    (grader/settings.py) and keeps only the course's paths, timeouts and output limits;
(c) kit: `nbgrader autograde` with the course's configuration (training cells skipped, hidden
    tests judged outside the kernel); (b) and (c) run a Jupyter kernel per notebook (the kernel
    executor, nbgrader's own way); then the whole pipeline for that one submission
    (`python -m pipeline --no-samples --student correct --force`: autograde, feedback, export);
(d) the catalog path (proofs/catalog/harness.py): N catalog entries, one submission each, graded by
    the kit's autograde with many submissions per nbgrader call, per entry.

Each nbgrader call includes nbgrader's own start-up (a few seconds). Figures vary with the machine.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace

from grader import settings as kit_settings
from grader.manifest import ASSIGNMENTS, ROOT
from pipeline.course import Course, copy_course
from pipeline.nbgrader_process import nbgrader, nbgrader_env


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def run(course, command, **env):
    """Run a Python command in the course copy, with that copy's packages and helpers on the import path."""
    environment = dict(nbgrader_env(**env), PYTHONPATH=os.pathsep.join([course, os.path.join(course, "utils")]))
    result = subprocess.run(command, cwd=course, capture_output=True, text=True, env=environment)
    if result.returncode != 0:
        raise SystemExit("%s failed:\n%s" % (" ".join(command), (result.stdout + result.stderr)[-3000:]))
    return result


BARE_RUN = """
import os, sys, time
import nbformat
from nbclient import NotebookClient
from grader.kernelspec import pin_course_kernel
pin_course_kernel(os.getcwd())
folder = os.path.join("source", sys.argv[1])
notebook = nbformat.read(os.path.join(folder, sys.argv[2]), as_version=4)
client = NotebookClient(notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": folder}})
start = time.perf_counter()
client.execute()
print(time.perf_counter() - start)
"""


def bare_run(course, assignment):
    """Seconds to execute the source notebook with nbclient (kernel start included), as a student's Run All."""
    result = run(course, [sys.executable, "-c", BARE_RUN, assignment, ASSIGNMENTS[assignment].notebook])
    return float(result.stdout.split()[-1])


def autograde(course, settings, **env):
    """Seconds of one `nbgrader autograde * --force` in `course` with `settings` (the pipeline's launcher)."""
    for folder in ("autograded", "feedback"):
        shutil.rmtree(os.path.join(course, folder), ignore_errors=True)
    seconds, (code, log) = timed(nbgrader, Course(course), ["autograde", "*", "--force"], settings=settings, **env)
    if code != 0:
        raise SystemExit("nbgrader autograde failed:\n%s" % log[-3000:])
    return seconds


def scores(course):
    code = ("from pipeline.gradebook import open_gradebook, all_scores\n"
            "with open_gradebook() as gb:\n"
            "    s, m = all_scores(gb)\n"
            "    print(sum(v[0] for v in s.values()), sum(m.values()))\n")
    out = run(course, [sys.executable, "-c", code]).stdout.split()
    return float(out[0]), float(out[1])


def catalog_run(count, workdir):
    """Seconds to grade `count` catalog entries (spread over the catalog) as proofs.catalog does."""
    from samples.catalog_entries import ENTRIES
    from proofs.catalog.harness import run_catalog
    step = max(1, len(ENTRIES) // count)
    entries = ENTRIES[::step][:count]
    seconds, (results, _) = timed(run_catalog, entries, workdir=os.path.join(workdir, "catalog"))
    if not all(r.ok for r in results):
        raise SystemExit("catalog entries misjudged: %s" % [r.entry.id for r in results if not r.ok])
    return seconds, len(entries)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Grading speed figures of the course kit.")
    parser.add_argument("--skip-bare", action="store_true", help="skip (a), the full notebook runs")
    parser.add_argument("--catalog", type=int, default=12, metavar="N",
                        help="(d) grade N catalog entries through the kit's path (0: skip; default 12)")
    parser.add_argument("--class", dest="class_size", type=int, nargs="?", const=1000, metavar="N",
                        help="the class benchmark instead: N full submissions end to end (default N: 1000)")
    parser.add_argument("--sample", type=int, default=20, metavar="S",
                        help="--class: submissions also graded by stock nbgrader and the reference path (default 20)")
    parser.add_argument("--keep", action="store_true", help="--class: keep the throwaway course copies")
    parser.add_argument("--late", type=int, default=5, metavar="K",
                        help="--class: then K late submissions, graded by a second run (0: skip; default 5)")
    parser.add_argument("--dask-compare", action="store_true",
                        help="--class: then grade the class again on a local Dask cluster of 2 single-process "
                             "workers and print both runs")
    kit_settings.add_arguments(parser, names=("jobs", "dask", "executor"))  # --class: as python -m pipeline's
    args = parser.parse_args(argv)
    settings = kit_settings.install(kit_settings.from_arguments(args))
    if args.class_size is not None:
        from proofs.class_benchmark import main as class_benchmark
        return class_benchmark(args.class_size, sample=args.sample, keep=args.keep, settings=settings,
                               late=args.late, dask_compare=args.dask_compare)
    workdir = tempfile.mkdtemp(prefix="kit-benchmark-")
    course = copy_course(os.path.join(workdir, "course"), ROOT)
    try:
        env = {"PYTHONDONTWRITEBYTECODE": "1"}
        print("benchmark course copy: %s" % course, flush=True)
        run(course, [sys.executable, "-m", "authoring.make_release"], **env)
        run(course, [sys.executable, "-m", "samples", "correct"], **env)
        figures = {}
        if not args.skip_bare:
            for assignment in ASSIGNMENTS:
                figures["bare " + assignment] = bare_run(course, assignment)
                print("(a) bare nbclient run of %-24s %7.1f s" % (ASSIGNMENTS[assignment].notebook,
                                                                   figures["bare " + assignment]), flush=True)
            figures["bare"] = sum(figures["bare " + a] for a in ASSIGNMENTS)
            print("(a) bare runs, all three notebooks          %7.1f s" % figures["bare"], flush=True)
        # plain nbgrader's figures: a Jupyter kernel per notebook (nbgrader's own way), stock steps or the kit's
        figures["stock"] = autograde(course, replace(settings, executor="kernel", stock=True), **env)
        stock_scores = scores(course)
        print("(b) stock nbgrader autograde, 1 submission  %7.1f s   (score %g / %g: no hidden-test judge)"
              % ((figures["stock"],) + stock_scores), flush=True)
        figures["kit"] = autograde(course, replace(settings, executor="kernel"), **env)
        kit_scores = scores(course)
        print("(c) kit nbgrader autograde, 1 submission    %7.1f s   (score %g / %g)"
              % ((figures["kit"],) + kit_scores), flush=True)
        figures["pipeline"], _ = timed(run, course, [sys.executable, "-m", "pipeline", "--no-samples",
                                                     "--student", "correct", "--force"], **env)
        print("(c) kit pipeline, 1 submission (autograde + feedback + export) %7.1f s" % figures["pipeline"],
              flush=True)
        if args.catalog:
            figures["catalog"], entries = catalog_run(args.catalog, workdir)
            per_entry = figures["catalog"] / entries
            print("(d) kit catalog path, %d entries (+3 reference submissions), release included %7.1f s"
                  "   (%.1f s per entry)" % (entries, figures["catalog"], per_entry), flush=True)
        print()
        print("ratios:")
        print("  stock autograde / kit autograde      %5.1fx" % (figures["stock"] / figures["kit"]))
        if "bare" in figures:
            print("  bare runs / kit autograde            %5.1fx" % (figures["bare"] / figures["kit"]))
            print("  stock autograde / bare runs          %5.1fx" % (figures["stock"] / figures["bare"]))
        print("  kit pipeline / kit autograde         %5.1fx" % (figures["pipeline"] / figures["kit"]))
        if "catalog" in figures:
            print("  stock autograde per notebook / kit catalog per entry  %5.1fx"
                  % (figures["stock"] / 3 / (figures["catalog"] / entries)))
        return figures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    figures = main()
    sys.exit(figures if isinstance(figures, int) else 0)
