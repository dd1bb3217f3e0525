"""A fourth assignment needs its notebook, reference, self-checks and manifest entry, and nothing else.

In a throwaway copy of the course this test writes those four files for a toy assignment
(one graded function, cube(x, theta) = x * theta**3), makes the helper links and the release
with the course's own commands, and grades two students through `python -m pipeline`.
"""
import os
import subprocess
import sys

import nbformat
import pytest

from course_env import python_env
from grader.manifest import COMMON, ROOT
from graded_course import gradebook_dump, stamp
from hand_made import code, notebook
from pipeline.course import COURSE_PARTS
from released_course import released_copy

pytestmark = pytest.mark.e2e  # generates releases and grades with nbgrader

REFERENCE = '''"""Reference solution of the toy assignment."""


# GRADED FUNCTION: cube

def cube(x, theta):
    """x times theta cubed."""
    ### BEGIN SOLUTION
    J = x * theta ** 3
    ### END SOLUTION
    return J
'''

SELF_CHECK = '''"""Self-check of the toy assignment."""
from selfcheck_core import Check, call


def check_cube(cube):
    check = Check("cube")
    ok, got = call(check, cube, 2.0, 3.0)
    if ok and check.is_number(got, "cube(2, 3)"):
        check.close(got, 54.0, "cube(2, 3)")
    check.finish()
'''

MANIFEST_ENTRY = '''
ASSIGNMENTS["toy"] = Assignment(
    name="toy", notebook="Toy.ipynb", helpers=COMMON + ("checks_toy.py",),
    graded=(GradedFunction("cube", 2, EXACT),), reference="grader.reference.toy", self_checks="checks_toy",
    notebook_imports="import numpy as np")
'''

TOY_HELPERS = COMMON + ("checks_toy.py",)  # the links authoring.link_helpers makes

TEST_CELL = '''check_cube(cube)
### BEGIN HIDDEN TESTS
grade_case(cube, "scalar_pair", x=1.5, theta=-2.0)
grade_case(cube, "scalar_pair", x=-0.5, theta=3.0)
### END HIDDEN TESTS
'''


def toy_notebook():
    solution = REFERENCE[REFERENCE.index("# GRADED FUNCTION"):].rstrip()
    return notebook(nbformat.v4.new_markdown_cell("# Toy\n\nWrite `cube(x, theta)`."),
                    code("import numpy as np\nfrom checks_toy import check_cube\nfrom grading_cases import grade_case"),
                    code(solution, "cube", solution=True),
                    code(TEST_CELL, "test_cube", grade=True, points=2))


def add_toy_assignment(course):
    """The four files of a new assignment; returns their paths (relative to the course)."""
    files = {"grader/reference/toy.py": REFERENCE, "utils/checks_toy.py": SELF_CHECK,
             "source/toy/Toy.ipynb": nbformat.writes(toy_notebook())}
    for relative, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(course, relative)), exist_ok=True)
        with open(os.path.join(course, relative), "w", encoding="utf-8") as handle:
            handle.write(text)
    with open(os.path.join(course, "grader", "manifest.py"), "a", encoding="utf-8") as handle:
        handle.write(MANIFEST_ENTRY)
    return sorted(list(files) + ["grader/manifest.py"])


def run(course, code):
    result = subprocess.run([sys.executable, "-c", code], cwd=course, capture_output=True, text=True, timeout=900,
                            env=python_env(course, NBGRADER_KIT_CELL_TIMEOUT="15"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def toy_course(tmp_path_factory):
    course = released_copy(str(tmp_path_factory.mktemp("toy") / "course"))   # the three assignments released
    touched = add_toy_assignment(course)
    run(course, "from authoring.link_helpers import link_assignment; link_assignment('toy')\n"
                "from authoring.make_release import main; main(['toy'])\n"
                "from authoring.sync_solutions import sync; assert sync('toy', write=False) == ([], [])\n"
                "from samples.notebook_edits import fill_all, fill_function, read_release, write_submission\n"
                "write_submission('right', 'toy', fill_all(read_release('toy'), 'toy'))\n"
                "write_submission('wrong', 'toy', fill_function(read_release('toy'), 'cube', [['    J = x * theta ** 2']]))\n")
    output = run(course, "from pipeline.__main__ import main; main(['--no-samples'])")
    return course, touched, output


def _authored_files(course):
    """{path: content or link target} of the course's code, notebooks and data (not the generated release/)."""
    found = {}
    for part in (p for p in COURSE_PARTS if p != "release"):
        for base, dirs, files in os.walk(os.path.join(course, part)):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            for name in files + [d for d in dirs if os.path.islink(os.path.join(base, d))]:
                path = os.path.join(base, name)
                relative = os.path.relpath(path, course)
                if os.path.islink(path):
                    found[relative] = "-> " + os.readlink(path)
                elif os.path.isfile(path):
                    with open(path, "rb") as handle:
                        found[relative] = handle.read()
        if os.path.isfile(os.path.join(course, part)):
            with open(os.path.join(course, part), "rb") as handle:
                found[part] = handle.read()
    return found


def test_four_authored_files_and_the_links_make_an_assignment(toy_course):
    course, touched, _ = toy_course
    assert touched == ["grader/manifest.py", "grader/reference/toy.py", "source/toy/Toy.ipynb", "utils/checks_toy.py"]
    before, after = _authored_files(ROOT), _authored_files(course)
    changed = sorted(path for path in after if before.get(path) != after[path])
    links = ["source/toy/" + name for name in TOY_HELPERS]
    assert changed == sorted(touched + links), changed


def test_the_toy_is_graded_end_to_end(toy_course):
    course, _, output = toy_course
    scores = gradebook_dump(course)
    assert scores["right"]["toy"]["score"] == 2 and scores["wrong"]["toy"]["score"] == 0, output[-3000:]
    reasons = dict(stamp(course, "wrong", "toy")["failing"])
    assert "self-check" in reasons["test_cube"], reasons
    assert "toy" in output.split("Notes:")[0], output[-3000:]
