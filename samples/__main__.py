"""python -m samples [student ...]: write the sample submissions into submitted/."""
import sys

from samples.students import SAMPLE_STUDENTS, build_samples


def main(argv=None):
    students = (argv if argv is not None else sys.argv[1:]) or list(SAMPLE_STUDENTS)
    for student, changed in build_samples(students=students).items():
        print("%-14s %s" % (student, ", ".join(changed) if changed else "unchanged"))


if __name__ == "__main__":
    main()
