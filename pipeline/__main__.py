"""python -m pipeline [--force] [--no-samples] [--bad-inputs] [--student S] [--jobs N]: the whole pipeline."""
import argparse
import signal
import sys

from pipeline.nbgrader_process import stop_children
from pipeline.run import run


def main(argv=None):
    parser = argparse.ArgumentParser(description="The instructor pipeline: release, samples, autograde, feedback, "
                                                 "export, grade table.")
    parser.add_argument("--force", action="store_true", help="re-grade every submission")
    parser.add_argument("--no-samples", action="store_true", help="do not (re)write the sample submissions")
    parser.add_argument("--bad-inputs", action="store_true",
                        help="also write and grade the robustness demo students (slow: includes a timeout)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="grading worker processes (default: one per core)")
    parser.add_argument("--unsafe-no-sandbox", action="store_true",
                        help="DANGEROUS: run student code without the bubblewrap sandbox (only for notebooks you "
                             "trust; never for a class's submissions)")
    args = parser.parse_args(argv)

    def stop(signum, frame):  # a kill (SIGTERM) stops the nbgrader child too; graded work stays stamped
        raise SystemExit("pipeline stopped by signal %d; run it again to finish" % signum)
    signal.signal(signal.SIGTERM, stop)
    try:
        run(samples=not args.no_samples, bad_inputs=args.bad_inputs, force=args.force, students=args.student,
            jobs=args.jobs, unsafe=args.unsafe_no_sandbox)
    finally:
        stop_children()


if __name__ == "__main__":
    sys.exit(main())
