"""python -m samples [--bad-inputs] [student ...]: release what is out of date, then write the sample submissions.

The sample students (and with --bad-inputs the robustness demo students: endless loop, crash, ...)
go into submitted/; `python -m pipeline` then grades them (python3 kit.py grade runs both).
"""
import argparse

from pipeline.course import Course, course_lock, say
from pipeline.release import generate_release
from samples.students import BAD_INPUTS, SAMPLE_STUDENTS, build_bad_inputs, build_samples


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bad-inputs", action="store_true",
                        help="also the robustness demo students (slow to grade: includes a timeout)")
    parser.add_argument("students", nargs="*", help="sample students to write (default: all of them)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.students) - set(SAMPLE_STUDENTS) - set(BAD_INPUTS))
    if unknown:
        parser.error("no sample student %s (there are: %s)" % (", ".join(unknown),
                                                               ", ".join(list(SAMPLE_STUDENTS) + list(BAD_INPUTS))))
    course = Course()
    with course_lock(course):
        generate_release(course)
        samples = [s for s in args.students if s in SAMPLE_STUDENTS]
        bad = [s for s in args.students if s in BAD_INPUTS]
        changed = {}
        if samples or not args.students:
            changed.update(build_samples(course.root, students=samples or None))
        if bad or args.bad_inputs:
            changed.update(build_bad_inputs(course.root, students=bad or None))
    rewritten = sum(len(v) for v in changed.values())
    say("samples: %s" % ("%d submission(s) written" % rewritten if rewritten else "unchanged"))


if __name__ == "__main__":
    main()
