"""python -m authoring.validate: nbgrader's validator with an exit code that says the result (nbgrader
validate itself exits 0 even on failure or for a missing file)."""
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from course_env import python_env
from grader.manifest import ROOT
from samples import notebook_edits as edits

ASSIGNMENT = "gradient_checking"  # the fastest notebook to run


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A student's copy of the release folder, with a correct and an untouched notebook in it."""
    target = str(tmp_path_factory.mktemp("student") / ASSIGNMENT)
    shutil.copytree(os.path.join(ROOT, "release", ASSIGNMENT), target)
    correct = edits.fill_all(edits.read_release(ASSIGNMENT), ASSIGNMENT)
    nbformat.write(correct, os.path.join(target, "Correct.ipynb"))
    edited = edits.edit_test_cell(edits.fill_all(edits.read_release(ASSIGNMENT), ASSIGNMENT),
                                        "gradient_check", "assert True\n")
    nbformat.write(edited, os.path.join(target, "Edited.ipynb"))
    with open(os.path.join(target, "Broken.ipynb"), "w") as handle:
        handle.write('{"cells": [')
    return target


def validate(*paths):
    return subprocess.run([sys.executable, "-m", "authoring.validate"] + list(paths), cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env=python_env(ROOT))


def test_a_correct_notebook_passes(folder):
    result = validate(os.path.join(folder, "Correct.ipynb"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout


def test_the_release_as_shipped_fails_with_the_parts_named(folder):
    result = validate(os.path.join(folder, "Gradient_Checking.ipynb"))
    assert result.returncode == 1
    assert "VALIDATION FAILED on 4 cell(s)" in result.stdout
    assert "the test of gradient_check_n" in result.stdout and "not implemented yet" in result.stdout


def test_an_edited_test_cell_fails(folder):
    result = validate(os.path.join(folder, "Edited.ipynb"))
    assert result.returncode == 1 and "were edited" in result.stdout, result.stdout


def test_missing_and_broken_files_fail(folder):
    result = validate(os.path.join(folder, "Nothing.ipynb"), os.path.join(folder, "Broken.ipynb"))
    assert result.returncode == 1
    assert "no such file" in result.stdout and "not a readable notebook" in result.stdout
