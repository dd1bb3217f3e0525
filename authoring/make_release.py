"""Generate release/ from source/ with nbgrader (`nbgrader generate_assignment --force`), after writing
the self-checks' stored outputs (utils/expected_outputs_<assignment>.json, from grader/reference and
grader/mistakes), which each assignment folder ships.

Usage: python -m authoring.make_release [assignment ...]   (default: all of them)
"""
import sys

from grader.manifest import ASSIGNMENTS
from pipeline.course import Course
from pipeline.release import generate


def main(argv=None):
    names = (argv if argv is not None else sys.argv[1:]) or list(ASSIGNMENTS)
    generate(Course(), names)
    for name in names:
        print("generated release/%s" % name)


if __name__ == "__main__":
    main()
