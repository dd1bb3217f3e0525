"""Execute notebooks headless for tests, as the course runs them (one sandboxed kernel, cwd = the notebook's folder)."""
import json
import os
import sys
import time
from unittest import mock

import nbformat
from nbclient import NotebookClient

from grader.kernelspec import pin_course_kernel
from grader.manifest import ROOT
from grader.sandbox.kernel_manager import SandboxedKernelManager


def execute(path, allow_errors=False, timeout=600, cwd=None):
    """Run the notebook at `path`; return (executed notebook, seconds)."""
    pin_course_kernel(ROOT)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                            kernel_manager_class=SandboxedKernelManager,  # the course kernel runs sandboxed
                            resources={"metadata": {"path": cwd or os.path.dirname(os.path.abspath(path))}})
    start = time.perf_counter()
    client.execute()
    return notebook, time.perf_counter() - start


def execute_in_plain_kernel(notebook, folder, share, env=None):
    """Run `notebook` (in place) in `folder` on a plain ipykernel of this Python, as a student's own Jupyter
    would: no sandbox, no course configuration; its kernelspec (with `env`) is written under `share`."""
    os.makedirs(os.path.join(share, "kernels", "plain"), exist_ok=True)
    with open(os.path.join(share, "kernels", "plain", "kernel.json"), "w") as handle:
        json.dump({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                   "display_name": "plain", "language": "python", "env": env or {}}, handle)
    with mock.patch.dict(os.environ, {"JUPYTER_PATH": share}):   # restored afterwards, as it was
        NotebookClient(notebook, timeout=120, kernel_name="plain", allow_errors=True,
                       resources={"metadata": {"path": folder}}).execute()
    return notebook


def outputs_of(cell, output_type=None, name=None):
    """The outputs of a cell, filtered by type (stream/error/display_data/...) and stream name."""
    return [o for o in cell.get("outputs", [])
            if (output_type is None or o.output_type == output_type) and (name is None or o.get("name") == name)]


def nbgrader_cells(notebook):
    """{grade_id: cell} of the cells nbgrader knows by a grade id."""
    return {cell.metadata["nbgrader"]["grade_id"]: cell for cell in notebook.cells
            if "nbgrader" in cell.metadata and cell.metadata["nbgrader"].get("grade_id")}


def stdout_text(cell):
    return "".join(o.text for o in outputs_of(cell, "stream", "stdout"))


def stderr_cells(notebook):
    """(index, text) of every code cell that wrote to stderr."""
    return [(i, "".join(o.text for o in outputs_of(c, "stream", "stderr")))
            for i, c in enumerate(notebook.cells) if c.cell_type == "code" and outputs_of(c, "stream", "stderr")]


def error_cells(notebook):
    """(index, ename, evalue) of every code cell with an error output."""
    return [(i, o.ename, o.evalue) for i, c in enumerate(notebook.cells) if c.cell_type == "code"
            for o in outputs_of(c, "error")]


def cell_with(notebook, text):
    """The first code cell whose source contains `text`."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and text in cell.source:
            return cell
    raise LookupError("no code cell contains %r" % text)


if __name__ == "__main__":  # a shared execution (tests/conftest.py run_notebook): NOTEBOOK OUT [--allow-errors]
    executed, _ = execute(sys.argv[1], allow_errors="--allow-errors" in sys.argv[3:])
    nbformat.write(executed, sys.argv[2])


def stub_failures(notebook, student_code):
    """Indices of the cells of an executed release notebook that failed, after checking each failed only
    because it called a stub: a cell that is no solution cell, calls student code (`student_code`, a
    compiled regex) and raised NotImplementedError or a self-check's "not implemented yet"; nothing on stderr."""
    assert stderr_cells(notebook) == []
    errors = error_cells(notebook)
    assert errors, "the release should stop at the stubs"
    assert {ename for _, ename, _ in errors} <= {"NotImplementedError", "SelfCheckFailed"}, errors
    for index, ename, evalue in errors:
        cell = notebook.cells[index]
        assert student_code.search(cell.source), cell.source
        assert not cell.metadata.get("nbgrader", {}).get("solution"), cell.source
        if ename == "SelfCheckFailed":  # the report is the error's message
            assert "is not implemented yet" in evalue
    return {index for index, _, _ in errors}


def passed_test_cells(notebook, functions):
    """{function: its test cell} of an executed source notebook, after checking that no cell failed or wrote to
    stderr and that every function's self-check said "All checks passed"."""
    assert error_cells(notebook) == []
    assert stderr_cells(notebook) == []
    cells = nbgrader_cells(notebook)
    tests = {function: cells["test_" + function] for function in functions}
    for function, test in tests.items():
        assert "All checks passed for %s." % function in stdout_text(test)
    return tests


def run_on_fork_server(cells, folder, timeout=60):
    """A new notebook of these code cells, run in `folder` by the fork executor on this process's warm server."""
    from grader.preprocessors.fork_execute import ForkExecute
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    executor = ForkExecute()
    executor.timeout = timeout
    executor.preprocess(notebook, {"metadata": {"path": str(folder)}})
    return notebook
