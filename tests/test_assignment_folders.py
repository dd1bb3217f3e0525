"""Each assignment folder carries exactly the helpers it imports, as links to the one copy in utils/."""
import os

import pytest

from grader.manifest import ASSIGNMENTS, ROOT, shipped_files
from authoring.link_helpers import target_of


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_shipped_files_are_links_to_the_master_copy(assignment):
    folder = os.path.join(ROOT, "source", assignment)
    for relative in shipped_files(assignment):
        path = os.path.join(folder, relative)
        assert os.path.islink(path), "%s should be a symlink (run python -m authoring.link_helpers)" % path
        assert os.path.realpath(path) == os.path.realpath(target_of(relative)), path
        assert os.path.isfile(path), "%s points nowhere" % path


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_no_stray_copies_in_assignment_folder(assignment):
    folder = os.path.join(ROOT, "source", assignment)
    wanted = set(shipped_files(assignment)) | {ASSIGNMENTS[assignment].notebook}
    present = set()
    for base, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"]
        present |= {os.path.relpath(os.path.join(base, f), folder) for f in files if not f.startswith(".")}
    assert present <= wanted, "unexpected files (hand-kept copies?): %s" % sorted(present - wanted)


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_every_imported_helper_is_shipped(assignment):
    """Helpers imported by the shipped modules are shipped too (no ImportError for students)."""
    import ast
    shipped = {f[:-3] for f in shipped_files(assignment) if f.endswith(".py")}
    utils_modules = {f[:-3] for f in os.listdir(os.path.join(ROOT, "utils")) if f.endswith(".py")}
    for module in shipped:
        tree = ast.parse(open(os.path.join(ROOT, "utils", module + ".py"), encoding="utf-8").read())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for name in names:
                if name.split(".")[0] in utils_modules:
                    assert name.split(".")[0] in shipped, "%s imports %s, not shipped with %s" % (module, name,
                                                                                                  assignment)


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_manifest_lists_the_notebooks_graded_functions_and_points(assignment):
    import nbformat
    spec = ASSIGNMENTS[assignment]
    nb = nbformat.read(os.path.join(ROOT, "source", assignment, spec.notebook), as_version=4)
    tests = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("grade")}
    assert tests == {f.grade_id: f.points for f in spec.graded}
