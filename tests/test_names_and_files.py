"""Names and files from students are data: hostile folder names and odd files, with honest classmates in one run.

nbgrader takes a student id as a glob (a folder named `*` once regraded the whole class), and
every later step builds paths from it. Folders with glob, shell or control characters, `..` or
a leading `-` are refused with a note, before any use; stale admitted copies are removed; links,
pipes, oversized files and a linked timestamp.txt are left out with notes. The class
(tests/attacks/hostile_names.py) is graded by the real pipeline as root and as an ordinary user, with
the other attackers of tests/hostile_class.py; the classmates' grades are those of a class without the
hostile folders, graded the same way: the shared sample class (tests/graded_course.py, the same pipeline
and settings), whose `correct` and `partly_wrong` students are built as the classmates are.
"""
import os

import pytest

from attacks.hostile_names import ASSIGNMENT, HONEST, HOSTILE
from graded_course import gradebook_dump

pytestmark = pytest.mark.e2e
SAME_AS = {"honest_a": "correct", "honest_b": "partly_wrong", "odd_files": "correct"}   # in the sample class


@pytest.fixture(scope="module", params=["root", "user"])
def graded(request, hostile_class_run):
    """The hostile class graded with the fork executor as root or as an ordinary user (tests/hostile_class.py)."""
    run = hostile_class_run("fork", request.param)
    return dict(run, output=run["result"].stdout)


def test_honest_classmates_are_graded_as_in_a_class_without_hostile_names(graded, graded_course):
    assert sorted(graded["dump"]) == sorted(graded["students"]), graded["dump"].keys()   # no hostile name did
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
    intake = os.listdir(os.path.join(graded["course"], ".kit-intake"))
    assert sorted(intake) == sorted(graded["students"])  # the stale copies ("gone", "*") removed


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
