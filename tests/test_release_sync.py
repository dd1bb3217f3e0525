"""release/ is what nbgrader generates from source/ now, and the source notebooks hold the reference code."""
import filecmp
import json
import os
import subprocess
import sys

import pytest

import nbformat

from authoring.sync_solutions import EDITED, OUTDATED, compare, drift, notebook_path
from course_env import python_env
from grader.manifest import ASSIGNMENTS, ROOT
from pipeline.course import COURSE_PARTS, copy_course as copy_whole_course


def copy_course(destination):
    """A copy of the course without its release/ (which the test regenerates)."""
    return copy_whole_course(destination, parts=[p for p in COURSE_PARTS if p != "release"])


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_source_notebooks_hold_the_reference_code(assignment):
    differences = compare(assignment, nbformat.read(notebook_path(assignment), as_version=4))
    assert differences == {}, "%s drifted from grader/reference: %s" % (assignment, differences)


def run(course, *command):
    return subprocess.run([sys.executable, "-m"] + list(command), cwd=course, capture_output=True, text=True,
                          env=python_env(course), timeout=600)


@pytest.fixture
def course_copy(tmp_path):
    return copy_course(str(tmp_path / "course"))


def _edit_cell(course, assignment, name, old, new):
    path = notebook_path(assignment, course)
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if c.cell_type == "code" and c.source.startswith("# GRADED FUNCTION: " + name))
    assert old in cell.source
    cell.source = cell.source.replace(old, new)
    nbformat.write(notebook, path)
    return path


@pytest.mark.e2e   # runs nbgrader generate_assignment on a course copy
def test_an_edit_made_in_a_source_notebook_is_never_lost_silently(course_copy):
    """Issue 11.10: the edit neither ships (release refused) nor vanishes (sync refuses to overwrite it)."""
    edit = ("J = theta * x", "J = x * theta  # written the other way round")
    path = _edit_cell(course_copy, "gradient_checking", "forward_propagation", *edit)
    assert drift(course_copy) == {"gradient_checking": {"forward_propagation": EDITED}}

    check = run(course_copy, "authoring.sync_solutions", "--check")
    assert check.returncode == 1 and "forward_propagation (edited in the notebook)" in check.stdout, check.stdout
    synced = run(course_copy, "authoring.sync_solutions")
    assert synced.returncode == 1 and "NOT overwritten" in synced.stdout, synced.stdout
    assert any(edit[1] in cell.source for cell in nbformat.read(path, as_version=4).cells)  # still there
    released = run(course_copy, "authoring.make_release", "gradient_checking")
    assert released.returncode != 0, released.stdout
    assert "release refused" in released.stderr and "forward_propagation (edited in the notebook)" in released.stderr
    assert not os.path.exists(os.path.join(course_copy, "release", "gradient_checking"))

    forced = run(course_copy, "authoring.sync_solutions", "--force")
    assert forced.returncode == 0 and "rewrote forward_propagation" in forced.stdout
    assert drift(course_copy) == {}


@pytest.mark.e2e   # runs nbgrader generate_assignment on a course copy
def test_a_changed_reference_module_is_synced_and_checked(course_copy):
    module = os.path.join(course_copy, "grader", "reference", "gradient_checking.py")
    with open(module, encoding="utf-8") as handle:
        text = handle.read()
    assert "    J = theta * x\n" in text
    with open(module, "w", encoding="utf-8") as handle:
        handle.write(text.replace("    J = theta * x\n", "    J = theta * x  # the model\n", 1))
    check = run(course_copy, "authoring.sync_solutions", "--check")
    assert check.returncode == 1 and "forward_propagation (%s)" % OUTDATED in check.stdout, check.stdout
    synced = run(course_copy, "authoring.sync_solutions")
    assert synced.returncode == 0 and "rewrote forward_propagation" in synced.stdout, synced.stdout
    assert run(course_copy, "authoring.sync_solutions", "--check").returncode == 0


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    course = copy_course(str(tmp_path_factory.mktemp("course")))
    result = subprocess.run([sys.executable, "-m", "authoring.make_release"], cwd=course, capture_output=True,
                            text=True, env=python_env(course))
    assert result.returncode == 0, result.stderr[-3000:]
    return os.path.join(course, "release")


def _files(folder):
    found = set()
    for base, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".ipynb_checkpoints")]
        found |= {os.path.relpath(os.path.join(base, f), folder) for f in files}
    return found


@pytest.mark.e2e
@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_committed_release_is_current(regenerated, assignment):
    fresh, committed = os.path.join(regenerated, assignment), os.path.join(ROOT, "release", assignment)
    assert os.path.isdir(committed), "release/%s is missing: run python -m authoring.make_release" % assignment
    assert _files(fresh) == _files(committed), "file lists differ: run python -m authoring.make_release"
    for relative in sorted(_files(fresh)):
        a, b = os.path.join(fresh, relative), os.path.join(committed, relative)
        if relative.endswith(".ipynb"):
            with open(a, encoding="utf-8") as fa, open(b, encoding="utf-8") as fb:
                assert json.load(fa) == json.load(fb), "%s is stale: run python -m authoring.make_release" % relative
        else:
            assert filecmp.cmp(a, b, shallow=False), "%s is stale: run python -m authoring.make_release" % relative


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_stored_outputs_are_what_the_reference_and_the_mistakes_give_now(assignment):
    """The self-checks' data (utils/, shipped in release/) equals what grader/reference and grader/mistakes
    produce today: a changed mistake or reference without a new release fails here."""
    from grader.mistakes.stored import stored_file, text
    from grading_cases import STORED_FILE
    assert STORED_FILE % assignment in ASSIGNMENTS[assignment].shipped_files()
    with open(stored_file(assignment), encoding="utf-8") as handle:
        kept = handle.read()
    assert kept == text(assignment), "run python -m authoring.make_release %s" % assignment
    released = os.path.join(ROOT, "release", assignment, STORED_FILE % assignment)
    assert filecmp.cmp(stored_file(assignment), released, shallow=False), "release/%s is stale" % assignment
