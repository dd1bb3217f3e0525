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
from samples import honest_edits, notebook_edits as edits

pytestmark = pytest.mark.e2e  # runs nbgrader, a kernel or a training

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
    mistake = edits.apply_catalog_entry(edits.fill_all(edits.read_release(ASSIGNMENT), ASSIGNMENT),
                                        "gcn_no_denominator")
    nbformat.write(mistake, os.path.join(target, "Mistake.ipynb"))
    for name, edit in (("Duplicated", honest_edits.duplicated_test), ("Split", honest_edits.split_answer)):
        nbformat.write(edit(ASSIGNMENT, edits.read_release(ASSIGNMENT))[0], os.path.join(target, name + ".ipynb"))
    with open(os.path.join(target, "Broken.ipynb"), "w") as handle:
        handle.write('{"cells": [')
    alone = os.path.join(os.path.dirname(target), "alone")
    os.makedirs(alone)
    nbformat.write(correct, os.path.join(alone, "Gradient_Checking.ipynb"))
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


def test_a_mistake_is_explained_not_just_named(folder):
    """The self-check's report (what is wrong, and the likely cause) is what the validator shows."""
    result = validate(os.path.join(folder, "Mistake.ipynb"))
    assert result.returncode == 1
    assert "VALIDATION FAILED on 1 cell(s)" in result.stdout, result.stdout
    assert "the test of gradient_check_n:" in result.stdout
    assert "gradient_check_n does not pass its self-check yet" in result.stdout
    assert "Likely cause:" in result.stdout and "the numerator alone" in result.stdout, result.stdout
    assert "details printed above" not in result.stdout and "Traceback" not in result.stdout


def test_a_notebook_without_its_helper_files_names_them(folder):
    result = validate(os.path.join(os.path.dirname(folder), "alone", "Gradient_Checking.ipynb"))
    assert result.returncode == 1
    assert "NameError" not in result.stdout
    for helper in ("gc_utils.py", "nn_core.py", "testCases.py", "checks_gradient_checking.py"):
        assert helper in result.stdout, result.stdout
    assert "must be in the notebook's folder" in result.stdout


def test_plain_nbgrader_validate_shows_the_whole_diagnosis(folder):
    """nbgrader's own command cuts lines longer than its width (90): the report is wrapped below that."""
    env = python_env(ROOT)
    env.pop("JUPYTER_PATH", None)  # a student's Jupyter: the environment's own python3 kernel, no course set-up
    result = subprocess.run(["nbgrader", "validate", "Mistake.ipynb"], cwd=folder, capture_output=True, text=True,
                            timeout=600, env=env)
    assert "VALIDATION FAILED ON 1 CELL(S)" in result.stdout, result.stdout + result.stderr
    report = [line for line in result.stdout.splitlines() if line.startswith("    ")]
    assert any("does not pass its self-check yet" in line for line in report), result.stdout
    assert not [line for line in report if line.endswith("...")], result.stdout
    joined = " ".join(line.strip() for line in report)
    assert "the difference is the numerator alone, ||grad - gradapprox||: divide it by the denominator" in joined


def test_a_copied_or_split_graded_cell_is_named_and_the_notebook_still_validates(folder):
    """nbgrader's own validator refuses a repeated grade id ("Duplicate grade id"); students hear in plain words
    what they did, that the submission will still be graded, and the usual result."""
    result = validate(os.path.join(folder, "Duplicated.ipynb"), os.path.join(folder, "Split.ipynb"))
    assert result.returncode == 0, result.stdout + result.stderr
    first = edits.ASSIGNMENTS[ASSIGNMENT].functions[0]
    assert "the test cell test_%s appears twice (copied, or split in two" % first in result.stdout, result.stdout
    assert "the answer cell %s appears twice" % first in result.stdout, result.stdout
    assert result.stdout.count("Your submission will still be graded") == 2
    assert result.stdout.count("passed (every test cell runs without errors)") == 2
    assert not [name for name in os.listdir(folder) if name.startswith(".validate-")]


def test_nbgrader_validate_with_the_course_config_names_a_copied_or_split_cell_and_passes(folder):
    """Stock `nbgrader validate` stops at "Duplicate grade id"; with the course's configuration (run from the
    course root) it says what happened in plain words and validates the notebook."""
    result = subprocess.run(["nbgrader", "validate", os.path.join(folder, "Duplicated.ipynb"),
                             os.path.join(folder, "Split.ipynb")], cwd=ROOT,
                            capture_output=True, text=True, timeout=600, env=python_env(ROOT))
    output = result.stdout + result.stderr
    first = edits.ASSIGNMENTS[ASSIGNMENT].functions[0]
    assert "the test cell test_%s appears twice" % first in output, output
    assert "the answer cell %s appears twice (copied, or split in two" % first in output, output
    assert output.count("Your submission will still be graded") == 2, output
    assert result.stdout.count("Success! Your notebook passes all the tests.") == 2, output
    assert "Duplicate grade id" not in output
