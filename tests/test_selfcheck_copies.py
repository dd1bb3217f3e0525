"""Students hear of a copied or split graded cell before they submit: the self-check says it in a real kernel.

A Jupyter kernel is started in a student's copy of the release folder, as Jupyter Server starts it
(the notebook's folder as working folder, JPY_SESSION_NAME naming the notebook), and the cells are
sent with the metadata JupyterLab 4 and Notebook 7 send (`cellId`). The note must name the repeated
cell and promise grading; it must stay silent whenever it cannot be sure (no cell id, a notebook
edited since it was saved, under nbgrader) and for a notebook without copies.
"""
import os
import shutil

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel

from course_env import python_env
from grader.manifest import ASSIGNMENTS, ROOT
from samples import honest_edits
from samples.notebook_edits import read_release

pytestmark = pytest.mark.e2e
ASSIGNMENT = "gradient_checking"   # the fastest notebook to run
NOTEBOOK = ASSIGNMENTS[ASSIGNMENT].notebook
FIRST = ASSIGNMENTS[ASSIGNMENT].functions[0]


class Kernel:
    """A kernel started in `folder` as Jupyter Server starts one for `notebook`; runs cells as JupyterLab sends them."""

    def __init__(self, folder, notebook, **env):
        environment = python_env(ROOT)
        environment.pop("JUPYTER_PATH", None)   # a student's Jupyter: the environment's own python3 kernel
        environment.pop("PYTHONPATH", None)     # the helpers come from the notebook's folder, as for a student
        environment.update(env)
        if notebook:
            environment["JPY_SESSION_NAME"] = notebook
        # the kernelspec is looked up on this process's JUPYTER_PATH, which the course's config (pinning its
        # sandboxed kernel) may have set in an earlier test of this process
        pinned = os.environ.pop("JUPYTER_PATH", None)
        try:
            self.manager, self.client = start_new_kernel(kernel_name="python3", cwd=folder, env=environment)
        finally:
            if pinned is not None:
                os.environ["JUPYTER_PATH"] = pinned

    def run(self, code, **metadata):
        """What the cell printed (and its error's text), sent with `metadata` (e.g. cellId=...)."""
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        request = self.client.session.msg("execute_request", content, metadata=metadata)
        self.client.shell_channel.send(request)
        shown = []
        while True:
            message = self.client.get_iopub_msg(timeout=300)
            if message["parent_header"].get("msg_id") != request["header"]["msg_id"]:
                continue
            if message["msg_type"] == "stream":
                shown.append(message["content"]["text"])
            elif message["msg_type"] == "error":
                shown.append("%s: %s" % (message["content"]["ename"], message["content"]["evalue"]))
            elif message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return "".join(shown)

    def stop(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def _write(folder, build, name=NOTEBOOK):
    nb, _ = build(ASSIGNMENT, read_release(ASSIGNMENT))
    nbformat.write(nb, os.path.join(folder, name))
    return nb


def _run_until(kernel, nb, grade_id, with_ids=True):
    """Run the notebook's code cells (training cells left out) up to the first cell claiming `grade_id`, each sent
    with its own id (unless not `with_ids`); what that cell printed."""
    for cell in nb.cells:
        if cell.cell_type != "code" or "skip-in-autograde" in cell.metadata.get("tags", []):
            continue
        shown = kernel.run(cell.source, **({"cellId": cell.id} if with_ids else {}))
        if _claims(cell, grade_id):
            return shown
    raise AssertionError("no cell %s" % grade_id)


def _claims(cell, grade_id):
    return cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id


@pytest.fixture
def folder(tmp_path):
    target = str(tmp_path / ASSIGNMENT)
    shutil.copytree(os.path.join(ROOT, "release", ASSIGNMENT), target)
    return target


def test_a_duplicated_test_cell_is_named_and_grading_promised(folder):
    nb = _write(folder, honest_edits.duplicated_test)
    kernel = Kernel(folder, os.path.join(folder, NOTEBOOK))
    try:
        shown = _run_until(kernel, nb, "test_" + FIRST)
        copy = [cell for cell in nb.cells if _claims(cell, "test_" + FIRST)][1]
        from_the_copy = kernel.run(copy.source, cellId=copy.id)
    finally:
        kernel.stop()
    for text in (shown, from_the_copy):
        assert "the test cell test_%s appears twice (copied, or split in two" % FIRST in text, text
        assert "Your submission will still be graded" in text and "All checks passed for %s." % FIRST in text


def test_a_split_answer_cell_is_named_from_any_self_check_even_with_a_stale_session_name(folder):
    """The notebook was renamed after the kernel started (JPY_SESSION_NAME is stale): its folder is looked at."""
    nb = _write(folder, honest_edits.split_answer, name="Renamed.ipynb")
    os.remove(os.path.join(folder, NOTEBOOK))
    kernel = Kernel(folder, os.path.join(folder, NOTEBOOK))
    try:
        shown = _run_until(kernel, nb, "test_" + ASSIGNMENTS[ASSIGNMENT].functions[-1])
    finally:
        kernel.stop()
    assert "the answer cell %s appears twice (copied, or split in two" % FIRST in shown, shown
    assert "Your submission will still be graded" in shown


def test_silent_when_it_cannot_be_sure_and_for_a_notebook_without_copies(folder):
    """No note for: a cell sent without its id (another front end); a cell edited since the notebook was saved; a
    kernel nbgrader runs (validate says it itself); a notebook without copies."""
    test_id = "test_" + FIRST
    duplicated = _write(folder, honest_edits.duplicated_test)
    test = next(cell for cell in duplicated.cells if _claims(cell, test_id))
    kernel = Kernel(folder, os.path.join(folder, NOTEBOOK))
    try:
        quiet = [_run_until(kernel, duplicated, test_id, with_ids=False)]      # no cellId
        quiet.append(kernel.run(test.source + "\n", cellId=test.id))            # edited since it was saved
        loud = kernel.run(test.source, cellId=test.id)                          # the same cell as saved
        _write(folder, lambda a, nb: (honest_edits.correct_notebook(a, nb), None))
        quiet.append(kernel.run(test.source, cellId=test.id))                   # saved again, without the copy
        _write(folder, honest_edits.duplicated_test)
        kernel.run("import os\nos.environ['NBGRADER_EXECUTION'] = 'validate'")
        quiet.append(kernel.run(test.source, cellId=test.id))                   # under nbgrader
    finally:
        kernel.stop()
    assert "appears twice" in loud, loud
    for shown in quiet:
        assert "All checks passed for %s." % FIRST in shown and "appears" not in shown and "Note" not in shown, shown
