"""The course's own helper modules reach a notebook's child with their bytecode; nothing else does.

grader/sandbox/helper_bytecode.py compiles, in the grader, a helper module whose bytes are the
course's own (utils/) and sends a checked hash-based .pyc with the notebook's files; a module a
student changed gets none and is imported from its own source. The bytecode sits in the
read-only files folder and never shows in the working folder.
"""
import importlib.util
import os
import shutil

import nbformat
import pytest

from grader.preprocessors.fork_execute import ForkExecute
from grader.sandbox import bwrap, helper_bytecode

COURSE_UTILS = helper_bytecode.COURSE_HELPERS


def course_bytes(name):
    with open(os.path.join(COURSE_UTILS, name), "rb") as handle:
        return handle.read()


def test_a_course_module_gets_a_checked_pyc_of_its_own_source():
    data = course_bytes("nn_core.py")
    name, pyc = helper_bytecode.bytecode_for("nn_core.py", data)
    assert name == importlib.util.cache_from_source("nn_core.py")   # where Python looks for it
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(pyc[4:8], "little") == 0b11          # hash-based, checked against the source
    assert pyc[8:16] == importlib.util.source_hash(data)


@pytest.mark.parametrize("path, change", [
    ("nn_core.py", b"\nMARK = 'changed'\n"),          # a student's edit of a course module
    ("my_module.py", b""),                            # a file the course does not have
    ("sub/nn_core.py", b""),                          # not at the folder's top level
    ("expected_outputs_initialization.json", b""),    # not a module
])
def test_nothing_but_the_course_own_source_is_compiled(path, change):
    data = course_bytes("nn_core.py") + change
    assert helper_bytecode.bytecode_for(path, data) is None


PROBE = """
import importlib.util, os, sys
import init_utils, nn_core
cache = '/opt/kit/files/__pycache__'
print('mark', getattr(nn_core, 'MARK', None))
print('cached', sorted(name.split('.')[0] for name in os.listdir(cache)))
print('work', '__pycache__' in os.listdir('.'))
with open(init_utils.__file__, 'rb') as source, open(init_utils.__cached__, 'rb') as compiled:
    pyc = compiled.read()
    print('valid', pyc[8:16] == importlib.util.source_hash(source.read()), init_utils.__file__)
"""


@pytest.mark.e2e
def test_a_child_imports_course_modules_with_their_bytecode_and_a_changed_one_from_source(tmp_path):
    assert bwrap.problem() is None, bwrap.problem()
    for name in ("init_utils.py", "nn_core.py", "plotting.py", "course_data.py"):
        shutil.copy(os.path.join(COURSE_UTILS, name), tmp_path / name)
    with open(tmp_path / "nn_core.py", "ab") as handle:
        handle.write(b"\nMARK = 'student'\n")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(PROBE)]
    executor = ForkExecute()
    executor.timeout = 30
    executor.preprocess(notebook, {"metadata": {"path": str(tmp_path)}})
    shown = "".join(o.get("text", "") for o in notebook.cells[0].outputs if o.output_type == "stream")
    assert "mark student" in shown, notebook.cells[0].outputs
    assert "cached ['course_data', 'init_utils', 'plotting']" in shown, shown
    assert "work False" in shown and "valid True /opt/kit/files/init_utils.py" in shown, shown
