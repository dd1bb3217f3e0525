"""Execute notebooks headless for tests, as the course runs them (one sandboxed kernel, cwd = the notebook's folder)."""
import os
import time

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


def outputs_of(cell, output_type=None, name=None):
    """The outputs of a cell, filtered by type (stream/error/display_data/...) and stream name."""
    return [o for o in cell.get("outputs", [])
            if (output_type is None or o.output_type == output_type) and (name is None or o.get("name") == name)]


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
    import sys
    executed, _ = execute(sys.argv[1], allow_errors="--allow-errors" in sys.argv[3:])
    nbformat.write(executed, sys.argv[2])
