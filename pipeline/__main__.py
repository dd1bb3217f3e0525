"""python -m pipeline [--force] [--no-samples] [--bad-inputs] [--student S] [--jobs N] [--dask ADDR];
python -m pipeline report [--anonymous] [--db URL] [--output FILE]: the class report of an existing gradebook."""
import argparse
import signal
import sys

from pipeline.nbgrader_process import stop_children


def report_main(argv):
    """The `report` command: reports/grades_by_test.csv and reports/class_report.html from the gradebook."""
    import os

    from grader.manifest import ROOT
    from pipeline.report import write_reports
    parser = argparse.ArgumentParser(prog="python -m pipeline report",
                                     description="Write the class report (reports/class_report.html) and the "
                                                 "per-test grades (reports/grades_by_test.csv) of the graded course.")
    parser.add_argument("--anonymous", action="store_true",
                        help="show stable pseudonyms instead of student ids (writes "
                             "reports/class_report_anonymous.html, and no CSV)")
    parser.add_argument("--db", metavar="URL", help="the gradebook's database URL (default: nbgrader_config.py's, "
                                                    "i.e. NBGRADER_DB_URL or gradebook.db)")
    parser.add_argument("--output", metavar="FILE", help="where to write the page")
    args = parser.parse_args(argv)
    for path in write_reports(ROOT, db_url=args.db, anonymous=args.anonymous, output=args.output):
        print("report: %s" % os.path.relpath(path))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["report"]:
        return report_main(argv[1:])
    parser = argparse.ArgumentParser(description="The instructor pipeline: release, samples, autograde, feedback, "
                                                 "export, grade table.")
    parser.add_argument("--force", action="store_true", help="re-grade every submission")
    parser.add_argument("--no-samples", action="store_true", help="do not (re)write the sample submissions")
    parser.add_argument("--bad-inputs", action="store_true",
                        help="also write and grade the robustness demo students (slow: includes a timeout)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="grading worker processes (default: one per core)")
    parser.add_argument("--dask", metavar="tcp://HOST:PORT",
                        help="grade on the Dask cluster whose scheduler is at this address (its workers must see "
                             "this course folder at the same path: README, 'Grading on a cluster')")
    parser.add_argument("--executor", choices=["fork", "kernel"], default="fork",
                        help="how graded notebooks run: a fresh interpreter forked from a warm sandboxed server "
                             "(fork, the default: fast) or a Jupyter kernel each (kernel: nbgrader's own way); "
                             "both in the sandbox, same limits, same scores")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="DANGEROUS: run student code without the bubblewrap sandbox (only for notebooks you "
                             "trust; never for a class's submissions)")
    args = parser.parse_args(argv)
    from pipeline.run import run

    def stop(signum, frame):  # a kill (SIGTERM) stops the nbgrader child too; graded work stays stamped
        raise SystemExit("pipeline stopped by signal %d; run it again to finish" % signum)
    signal.signal(signal.SIGTERM, stop)
    pool = None
    if args.dask:
        from grader.manifest import ROOT
        from pipeline.autograde import DEADLINE
        from pipeline.dask_pool import DaskPool
        pool = DaskPool(args.dask, ROOT, DEADLINE)
    try:
        run(samples=not args.no_samples, bad_inputs=args.bad_inputs, force=args.force, students=args.student,
            jobs=args.jobs, unsafe=args.unsafe_no_sandbox, pool=pool,
            executor=args.executor)
    finally:
        stop_children()


if __name__ == "__main__":
    sys.exit(main())
