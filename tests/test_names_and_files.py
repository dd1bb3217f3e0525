"""Names and files from students are data: hostile folder names and odd files, with honest classmates in one run.

nbgrader takes a student id as a glob (a folder named `*` once regraded the whole class), and
every later step builds paths from it. Folders with glob, shell or control characters, `..` or
a leading `-` are refused with a note, before any use; stale admitted copies are removed; links,
pipes, oversized files and a linked timestamp.txt are left out with notes. The class is graded by
the real pipeline as root and as an ordinary user; the classmates' grades are those of a class
without the hostile folders, graded the same way: the shared sample class (tests/graded_course.py, the
same pipeline and settings), whose `correct` and `partly_wrong` students are built as the classmates are.
"""
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from graded_course import course_env, gradebook_dump
from released_course import released_copy
from samples.students import build_student, correct, partly_wrong

pytestmark = pytest.mark.e2e
ASSIGNMENT = "initialization"
NOTEBOOK = "Initialization.ipynb"
HONEST = {"honest_a": correct, "honest_b": partly_wrong, "odd_files": correct}
SAME_AS = {"honest_a": "correct", "honest_b": "partly_wrong", "odd_files": "correct"}   # in the sample class
HOSTILE = ["*", "-rf", "a b", "$(x)", "x\u202ey", "e\x1b[31m", "a..b", "[ab]", "?", "tab\tname"]


def write_class(course):
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


def graded_class(as_user):
    """A course copy with the class, graded by `python -m pipeline --no-samples` (as `as_user`, an OrdinaryUser of
    tests/ordinary_user.py, if given)."""
    course = tempfile.mkdtemp(prefix="kit-names-")
    os.chmod(course, 0o755)
    released_copy(course)
    write_class(course)
    env = course_env(course)
    command = [sys.executable, "-m", "pipeline", "--no-samples"]
    if as_user:
        home = os.path.join(course, ".home")
        os.makedirs(home)
        as_user.own(course)
        command = as_user.command(command, {"HOME": home})
    result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {"course": course, "output": result.stdout, "dump": gradebook_dump(course)}


@pytest.fixture(scope="module", params=["root", "user"])
def graded(request):
    run = graded_class(request.getfixturevalue("ordinary_user") if request.param == "user" else None)
    yield run
    shutil.rmtree(run["course"], ignore_errors=True)


def test_honest_classmates_are_graded_as_in_a_class_without_hostile_names(graded, graded_course):
    assert sorted(graded["dump"]) == sorted(HONEST), graded["dump"].keys()   # nothing else reached the gradebook
    baseline = gradebook_dump(graded_course)
    for student in HONEST:
        assert graded["dump"][student] == {ASSIGNMENT: baseline[SAME_AS[student]][ASSIGNMENT]}, student
    full = graded["dump"]["honest_a"][ASSIGNMENT]
    assert full["score"] == full["max"] > graded["dump"]["honest_b"][ASSIGNMENT]["score"]


def test_every_hostile_name_is_refused_with_a_note_and_nothing_is_written_for_it(graded):
    notes = graded["output"].split("\nNotes:\n", 1)[1]
    refused = [line for line in notes.splitlines() if "not graded:" in line]
    assert len(refused) == len(HOSTILE), refused
    assert "\x1b" not in graded["output"] and "\u202e" not in graded["output"] and "\t" not in notes
    for folder in ("autograded", "feedback", ".kit-intake"):
        present = set(os.listdir(os.path.join(graded["course"], folder)))
        assert not present & set(HOSTILE), (folder, present)
    assert sorted(os.listdir(os.path.join(graded["course"], ".kit-intake"))) == sorted(HONEST)  # stale ones removed


def test_links_pipes_big_files_and_a_linked_timestamp_are_left_out_with_notes(graded):
    notes = [line for line in graded["output"].split("\nNotes:\n", 1)[1].splitlines() if "odd_files" in line]
    text = " ".join(notes)
    assert "passwd is a link" in text and "pipe is not a regular file" in text
    assert "big.bin is 60.0 MB, over the 50 MB" in text and "timestamp.txt is a link" in text
    admitted = sorted(os.listdir(os.path.join(graded["course"], ".kit-intake", "odd_files", ASSIGNMENT)))
    assert "passwd" not in admitted and "pipe" not in admitted and "big.bin" not in admitted
    assert "timestamp.txt" not in admitted
    row = graded["dump"]["odd_files"][ASSIGNMENT]
    assert row["score"] == row["max"]
