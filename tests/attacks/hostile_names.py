"""Names and files from students: hostile folder names and odd files, handed in next to honest classmates.

A copy of an honest classmate's Initialization folder under every name nbgrader or a shell could take
for something else (globs, `-rf`, control and bidirectional characters, `..`), a classmate whose folder
holds a link, a pipe, a 60 MB file and a linked timestamp.txt, and admitted copies an earlier run left
(a student no longer submitted, a refused name). tests/hostile_class.py grades them;
tests/test_names_and_files.py reads the run.
"""
import os
import shutil

from samples.students import build_student, correct, partly_wrong

ASSIGNMENT = "initialization"
NOTEBOOK = "Initialization.ipynb"
HONEST = {"honest_a": correct, "honest_b": partly_wrong, "odd_files": correct}
HOSTILE = ["*", "-rf", "a b", "$(x)", "x\u202ey", "e\x1b[31m", "a..b", "[ab]", "?", "tab\tname"]


def write_class(course):
    """The classmates (one with odd files), a copy of a classmate's folder under each hostile name, and stale
    admitted copies; the names that may be graded."""
    for student, builder in HONEST.items():
        build_student(student, builder, root=course, assignments=[ASSIGNMENT])
    folder = os.path.join(course, "submitted", "odd_files", ASSIGNMENT)
    os.symlink("/etc/passwd", os.path.join(folder, "passwd"))
    os.mkfifo(os.path.join(folder, "pipe"))
    with open(os.path.join(folder, "big.bin"), "wb") as handle:   # sparse: 60 MB without using the disk
        handle.truncate(60 * 1024 * 1024)
    outside = os.path.join(course, "outside-timestamp.txt")
    with open(outside, "w") as handle:
        handle.write("2020-01-01 00:00:00 UTC\n")
    os.remove(os.path.join(folder, "timestamp.txt"))
    os.symlink(outside, os.path.join(folder, "timestamp.txt"))
    for name in HOSTILE:
        shutil.copytree(os.path.join(course, "submitted", "honest_a", ASSIGNMENT),
                        os.path.join(course, "submitted", name, ASSIGNMENT))
    for stale in ("gone", "*"):   # copies an earlier run admitted: a student no longer submitted, a refused name
        os.makedirs(os.path.join(course, ".kit-intake", stale, ASSIGNMENT))
        shutil.copy(os.path.join(course, "submitted", "honest_a", ASSIGNMENT, NOTEBOOK),
                    os.path.join(course, ".kit-intake", stale, ASSIGNMENT, NOTEBOOK))
    return list(HONEST)
