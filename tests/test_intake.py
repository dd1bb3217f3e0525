"""Admitting a submission as untrusted input (pipeline/intake.py): every malformed case is a reason, never a crash."""
import json
import os

import nbformat
import pytest

from pipeline.intake import MAX_JSON_NESTING, admit

NAME = "Initialization.ipynb"


def notebook(**grading):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    if grading:
        cell.metadata["nbgrader"] = grading
    nb.cells = [cell, nbformat.v4.new_markdown_cell("text")]
    return nbformat.writes(nb)


@pytest.fixture
def submission(tmp_path):
    folder = tmp_path / "submitted" / "student" / "initialization"
    folder.mkdir(parents=True)
    return folder


def run(folder, tmp_path):
    return admit(str(folder), NAME, str(tmp_path / "intake"), "student", "initialization")


def test_a_clean_submission_is_copied(submission, tmp_path):
    (submission / NAME).write_text(notebook(grade=True, grade_id="t1", points=1, solution=False, locked=True))
    (submission / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC\n")
    (submission / "extra").mkdir()
    (submission / "extra" / "notes.txt").write_text("mine")
    admission = run(submission, tmp_path)
    assert admission.problem is None and admission.notes == []
    assert admission.timestamp == "2026-11-20 10:00:00.000000 UTC"
    copied = nbformat.read(str(tmp_path / "intake" / NAME), as_version=4)
    assert copied.cells[0].metadata["nbgrader"]["grade_id"] == "t1"
    assert (tmp_path / "intake" / "extra" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("make, words", [
    (lambda f: None, "is missing"),
    (lambda f: (f / NAME).mkdir(), "is a folder"),
    (lambda f: os.mkfifo(f / NAME), "not a regular file"),
    (lambda f: os.symlink("/etc/passwd", f / NAME), "is a link"),
    (lambda f: (f / NAME).write_bytes(b"\xff\xfe\x00binary"), "not a text file"),
    (lambda f: (f / NAME).write_text('{"cells": [}'), "not JSON"),
    (lambda f: (f / NAME).write_text("[" * 200000 + "]" * 200000), "nests more than %d" % MAX_JSON_NESTING),
    (lambda f: (f / NAME).write_text(json.dumps({"cells": "nope", "nbformat": 4})), "not a valid notebook"),
    (lambda f: (f / "Other.ipynb").write_text(notebook()), "found Other.ipynb"),
])
def test_an_ungradable_notebook_gets_a_reason(submission, tmp_path, make, words):
    make(submission)
    admission = run(submission, tmp_path)
    assert admission.problem and words in admission.problem


def test_malformed_nbgrader_metadata_is_dropped(submission, tmp_path):
    (submission / NAME).write_text(notebook(grade=True, grade_id=["a", "list"], points=1))
    admission = run(submission, tmp_path)
    assert admission.problem is None and "malformed nbgrader metadata" in admission.notes[0]
    copied = nbformat.read(str(tmp_path / "intake" / NAME), as_version=4)
    assert "nbgrader" not in copied.cells[0].metadata


def test_grader_only_metadata_is_dropped(submission, tmp_path):
    nb = nbformat.reads(notebook(), as_version=4)
    nb.cells[0].metadata["kit"] = {"verdicts": "all passed"}
    (submission / NAME).write_text(nbformat.writes(nb))
    run(submission, tmp_path)
    assert "kit" not in nbformat.read(str(tmp_path / "intake" / NAME), as_version=4).cells[0].metadata


def test_links_fifos_and_a_bad_timestamp_are_left_out_with_notes(submission, tmp_path):
    (submission / NAME).write_text(notebook())
    (submission / "timestamp.txt").write_text("yesterday-ish\n")
    os.symlink(".", submission / "loop_a")
    os.symlink(".", submission / "loop_b")
    os.symlink("/etc/passwd", submission / "passwd")
    os.mkfifo(submission / "pipe")
    admission = run(submission, tmp_path)
    assert admission.problem is None and admission.timestamp is None
    assert sorted(os.listdir(tmp_path / "intake")) == [NAME]
    notes = " ".join(admission.notes)
    assert "timestamp.txt could not be read as a date" in notes
    assert "loop_a is a link" in notes and "passwd is a link" in notes and "pipe is not a regular file" in notes


def test_a_submission_that_is_a_link_is_refused(tmp_path):
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / NAME).write_text(notebook())
    link = tmp_path / "linked"
    os.symlink(real, link)
    assert run(link, tmp_path).problem == "the submission is not a folder"
