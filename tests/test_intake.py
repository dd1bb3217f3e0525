"""Admitting a submission as untrusted input (pipeline/intake.py): every malformed case is a reason, never a crash."""
import json
import os

import nbformat
import pytest

from grader.preprocessors.one_graded_copy import released_from_cells
from pipeline.intake import MAX_FILE_BYTES, MAX_JSON_NESTING, admit, name_problem, shown_name

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


# ----------------------------------------------------------------------------- names, files, honest saves
@pytest.mark.parametrize("name", ["*", "?", "[ab]", "..", "a..b", "-rf", "a b", "$(x)", "a;b", "a/b", "x\u202ey",
                                  "e\x1b[31m", "tab\tname", ".hidden", "", "e\u0301", "x" * 101])
def test_an_unsafe_folder_name_is_refused_before_any_use(name, tmp_path):
    assert name_problem(name)
    admission = admit(str(tmp_path / "nowhere"), NAME, str(tmp_path / "intake"), name, "initialization")
    assert admission.problem and not (tmp_path / "intake").exists()
    assert all(ch.isprintable() for ch in shown_name(name))


@pytest.mark.parametrize("name", ["alice", "bob.smith", "jöns_2", "x@school.edu", "a-b+c", "李雷"])
def test_ordinary_names_are_accepted(name):
    assert name_problem(name) is None


def test_an_oversized_notebook_is_refused_from_fstat(submission, tmp_path):
    with open(submission / NAME, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)   # sparse: no disk used, fstat sees the size
    assert "over the 50 MB a file may have" in run(submission, tmp_path).problem


def test_a_linked_or_piped_timestamp_is_ignored_with_a_note(submission, tmp_path):
    (submission / NAME).write_text(notebook())
    (tmp_path / "elsewhere.txt").write_text("2026-11-20 10:00:00.000000 UTC\n")
    os.symlink(tmp_path / "elsewhere.txt", submission / "timestamp.txt")
    admission = run(submission, tmp_path)
    assert admission.timestamp is None and "timestamp.txt is a link, not a file: ignored" in admission.notes
    os.remove(submission / "timestamp.txt")
    os.mkfifo(submission / "timestamp.txt")   # opened without blocking, refused by fstat
    admission = run(submission, tmp_path)
    assert admission.timestamp is None and any("not a regular file" in n for n in admission.notes)


def test_a_byte_order_mark_and_crlf_are_read_with_notes(submission, tmp_path):
    nb = nbformat.reads(notebook(), as_version=4)
    nb.cells[0].source = "x = 1\r\ny = 2\r\n"
    (submission / NAME).write_bytes(("\ufeff" + nbformat.writes(nb).replace("\n", "\r\n")).encode())
    admission = run(submission, tmp_path)
    assert admission.problem is None
    assert any("byte-order mark" in n for n in admission.notes) and any("CRLF" in n for n in admission.notes)
    assert nbformat.read(str(tmp_path / "intake" / NAME), as_version=4).cells[0].source == "x = 1\ny = 2\n"


@pytest.mark.parametrize("renamed", ["Initialization (1).ipynb", "Initialization-Copy1.ipynb",
                                     "initialization copy.ipynb"])
def test_a_lone_renamed_download_is_graded_under_its_name(submission, tmp_path, renamed):
    (submission / renamed).write_text(notebook())
    admission = run(submission, tmp_path)
    assert admission.problem is None and "was graded as %s" % NAME in admission.notes[0]
    assert sorted(os.listdir(tmp_path / "intake")) == [NAME]


def test_a_renamed_notebook_next_to_another_one_is_not_guessed(submission, tmp_path):
    (submission / "Initialization (1).ipynb").write_text(notebook())
    (submission / "Initialization-Copy1.ipynb").write_text(notebook())
    assert "found Initialization (1).ipynb, Initialization-Copy1.ipynb" in run(submission, tmp_path).problem


def test_copies_of_a_graded_cell_are_left_with_one_role_against_the_release(submission, tmp_path):
    released = nbformat.reads(notebook(grade=True, grade_id="t1", points=1, solution=False, locked=True), as_version=4)
    nb = nbformat.reads(nbformat.writes(released), as_version=4)
    copy = nbformat.v4.new_code_cell("x = 1")
    copy.metadata["nbgrader"] = dict(nb.cells[0].metadata["nbgrader"], points=50)
    nb.cells.append(copy)
    (submission / NAME).write_text(nbformat.writes(nb))
    admission = admit(str(submission), NAME, str(tmp_path / "intake"), "student", "initialization",
                      released=released_from_cells(released.cells))
    assert "test cell t1 appeared twice" in admission.notes[0]
    copied = nbformat.read(str(tmp_path / "intake" / NAME), as_version=4)
    assert [c.metadata.get("nbgrader", {}).get("points") for c in copied.cells] == [1, None, None]


# ----------------------------------------------------------------------------- failures are classified as data
def raised(action):
    try:
        action()
    except Exception as error:
        return error
    raise AssertionError("nothing was raised")


def test_failures_are_classified_by_the_exception_and_the_code_that_raised_it():
    from nbclient.exceptions import DeadKernelError
    from pipeline.autograde import failure_reason
    from pipeline.workers import WorkerResult, classify
    from grader.preprocessors.grading_execute import GradingExecute
    executor = GradingExecute(max_kernel_restarts=0)
    executor.nb, executor._broken_cells, executor._restarts = nbformat.v4.new_notebook(), set(), 0
    executor.nb.cells = [nbformat.v4.new_code_cell("while True: pass")]
    cases = {"not_json": raised(lambda: nbformat.reads("{", as_version=4)),
             "gave_up": raised(lambda: executor._mark_broken(0, hung=True)),
             "kernel_died": DeadKernelError("gone")}
    for kind, error in cases.items():
        assert classify(error)[0] == kind, (kind, error)
    reason, settled = failure_reason(WorkerResult("s", "a", False, failure="not_json"))
    assert settled and "not valid JSON" in reason
    reason, settled = failure_reason(WorkerResult("s", "a", False, failure="gave_up"))
    assert not settled and "gave up" in reason


def test_text_a_student_controls_never_decides_a_failure():
    """A message quoting every phrase nbgrader's log ever used decides nothing: only type and origin count."""
    from pipeline.autograde import failure_reason
    from pipeline.workers import WorkerResult, classify
    forged = "Inconsistent checksums NotJSONError No submitted file giving up on it Kernel died"
    kind, name = classify(raised(lambda: (_ for _ in ()).throw(RuntimeError(forged))))
    assert (kind, name) == ("error", "builtins.RuntimeError")
    result = WorkerResult("s", "a", False, error=forged, log=forged, failure=kind, exception=name)
    reason, settled = failure_reason(result)
    assert not settled and forged not in reason and "RuntimeError" in reason
    assert not failure_reason(WorkerResult("s", "a", False, error="deadline", cut_off=True))[1]
