"""How plain nbgrader reads a student's file (grader/submission_reader.py): the renaming hook and the exporter, alone.

The whole path (nbgrader autograde over the honest corpus) is in tests/test_honest_edits.py; here the two
pieces are given folders and files directly: which names the hook changes and which it leaves, and what the
exporter reads (and says) for a byte-order mark, CRLF, a renamed download and a file that is not a notebook.
"""
import json
import logging
import os

import nbformat
import pytest

from grader.submission_reader import SubmissionExporter, UnreadableNotebook, use_released_names

NOTEBOOK = "Initialization.ipynb"


@pytest.fixture
def course(tmp_path):
    """A source folder with the released notebook, and a submission folder to fill."""
    (tmp_path / "source" / "initialization").mkdir(parents=True)
    (tmp_path / "source" / "initialization" / NOTEBOOK).write_text("{}")
    (tmp_path / "submitted" / "s" / "initialization").mkdir(parents=True)
    return tmp_path


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1\ny = 2"), nbformat.v4.new_markdown_cell("text")]
    return nb


def _hook(course, *names):
    folder = course / "submitted" / "s" / "initialization"
    for name in names:
        (folder / name).write_text(nbformat.writes(_notebook()))
    notebooks = [str(folder / name) for name in names]
    use_released_names(str(course / "source"), assignment="initialization", student="*", notebooks=notebooks)
    return [os.path.basename(path) for path in notebooks]


@pytest.mark.parametrize("name", ["Initialization (1).ipynb", "Initialization-Copy1.ipynb", "Initialization copy.ipynb"])
def test_a_lone_renamed_download_takes_the_released_name(course, name):
    assert _hook(course, name) == [NOTEBOOK]


@pytest.mark.parametrize("names", [[NOTEBOOK], ["Initialization (1).ipynb", "Other.ipynb"], ["Homework.ipynb"],
                                   ["Initialization (1).ipynb", NOTEBOOK]])
def test_anything_else_keeps_its_name(course, names):
    """The released name itself, a renamed file next to another notebook, an unrelated name: left as they are."""
    assert _hook(course, *names) == names


def _read(path, caplog):
    exporter = SubmissionExporter()
    with caplog.at_level(logging.WARNING):
        nb, _ = exporter.from_filename(str(path), resources={})
    return nbformat.reads(nb, as_version=4), " ".join(record.getMessage() for record in caplog.records)


def test_the_exporter_reads_a_byte_order_mark_and_crlf_with_notes(tmp_path, caplog):
    raw = json.loads(nbformat.writes(_notebook()))
    raw["cells"][0]["source"] = ["x = 1\r\n", "y = 2"]    # as Windows saves it, in the file and in the sources
    text = json.dumps(raw, indent=1).replace("\n", "\r\n")
    (tmp_path / NOTEBOOK).write_text("\ufeff" + text, encoding="utf-8", newline="")
    nb, said = _read(tmp_path / NOTEBOOK, caplog)
    assert nb.cells[0].source == "x = 1\ny = 2"
    assert "byte-order mark" in said and "Windows line endings" in said, said


def test_the_exporter_reads_a_released_name_from_the_lone_renamed_download(tmp_path, caplog):
    (tmp_path / "Initialization (1).ipynb").write_text(nbformat.writes(_notebook()))
    nb, said = _read(tmp_path / NOTEBOOK, caplog)
    assert nb.cells[0].source == "x = 1\ny = 2"
    assert "Initialization (1).ipynb was graded as Initialization.ipynb" in said, said


def test_a_file_that_is_not_a_notebook_is_refused_in_plain_words(tmp_path):
    (tmp_path / NOTEBOOK).write_text('{"cells": [')
    with pytest.raises(UnreadableNotebook, match="is not a valid notebook file: it is not JSON"):
        SubmissionExporter().from_filename(str(tmp_path / NOTEBOOK), resources={})
