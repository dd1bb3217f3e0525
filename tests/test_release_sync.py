"""release/ is what nbgrader generates from source/ now, and the source notebooks hold the reference code."""
import filecmp
import json
import os
import subprocess
import sys

import pytest

from authoring.sync_solutions import sync
from course_env import python_env
from grader.manifest import ASSIGNMENTS, ROOT
from pipeline.course import COURSE_PARTS, copy_course as copy_whole_course


def copy_course(destination):
    """A copy of the course without its release/ (which the test regenerates)."""
    return copy_whole_course(destination, parts=[p for p in COURSE_PARTS if p != "release"])


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_source_notebooks_hold_the_reference_code(assignment):
    stale = sync(assignment, write=False)
    assert stale == [], "%s drifted from grader/reference: run python -m authoring.sync_solutions" % stale


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
