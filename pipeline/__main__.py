"""python -m pipeline [--force] [--student S] [--jobs N] [--dask ADDR] ...: grade what is in submitted/;
python -m pipeline report [--anonymous] [--db URL] [--output FILE]: the class report of an existing gradebook.

The sample students are written by `python -m samples` (python3 kit.py grade runs both)."""
import argparse
import signal
import sys

from grader import settings as kit_settings
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
    parser = argparse.ArgumentParser(description="The instructor pipeline: release, autograde, feedback, "
                                                 "export, grade table, class report, on what is in submitted/.")
    parser.add_argument("--force", action="store_true", help="re-grade every submission")
    parser.add_argument("--no-samples", action="store_true",
                        help="what the pipeline always does: grade submitted/ as it is (python -m samples writes "
                             "the sample students; kept so older scripts still run)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    kit_settings.add_arguments(parser)  # --executor, --jobs, --dask, --unsafe-no-sandbox, ... (README, "Settings")
    args = parser.parse_args(argv)
    settings = kit_settings.install(kit_settings.from_arguments(args))
    from pipeline.run import run

    def stop(signum, frame):  # a kill (SIGTERM) stops the nbgrader child too; graded work stays stamped
        raise SystemExit("pipeline stopped by signal %d; run it again to finish" % signum)
    signal.signal(signal.SIGTERM, stop)
    pool = None
    if settings.dask:
        from grader.manifest import ROOT
        from pipeline.dask_pool import DaskPool
        pool = DaskPool(settings.dask, ROOT, settings=settings)
    try:
        run(force=args.force, students=args.student, pool=pool, settings=settings)
    finally:
        stop_children()


if __name__ == "__main__":
    sys.exit(main())
