"""The fork executor runs a notebook as a Jupyter kernel would: same outputs cell by cell, same limits, same recovery.

One notebook exercises what scoring looks at (errors, stderr, hidden-test records) and what a
student sees (prints, results, figures, output written by C code or a subprocess), plus the
hard cases: a crash that kills the interpreter, an endless loop, an interrupt-swallowing loop,
a flood of output. It runs once with GradingExecute (a sandboxed Jupyter kernel) and once with
ForkExecute (a fork of the warm sandboxed server); the outputs must match in kind, cell by cell.
"""
import copy
import os

import nbformat
import pytest

from grader.kernelspec import pin_course_kernel
from grader.manifest import ROOT
from grader.preprocessors.fork_execute import ForkExecute
from grader.preprocessors.grading_execute import GradingExecute
from grader.sandbox import bwrap
from grader.sandbox.kernel_manager import SandboxedKernelManager

pytestmark = pytest.mark.e2e   # each test runs notebooks in the sandbox (a kernel and the fork server)

RECORD = "application/vnd.pada.grade-record+json"
CELLS = [
    "import os, sys, warnings, subprocess\nimport numpy as np\nx = 41\nprint('hello')",
    "x + 1",
    "print('to stderr', file=sys.stderr)",
    "warnings.warn('careful')",
    "os.write(1, b'from fd 1\\n'); os.write(2, b'from fd 2\\n')",
    "subprocess.run(['echo', 'from a subprocess'])",
    "from IPython.display import display\ndisplay({%r: {'case': 'c'}, 'text/plain': 'recorded'}, raw=True)" % RECORD,
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
    "1 / 0",
    "import grading_cases\nprint(grading_cases.RECORD_MIME)",
    "input('your name? ')",
    "os._exit(3)",
    "print('after the crash, x is', x)",
    "while True:\n    pass",
    "print('after the loop')",
    "import time\nwhile True:\n    try:\n        time.sleep(100)\n    except BaseException:\n        pass",
    "print('the end')",
    "print('x' * 1_500_000)",
    "import matplotlib.pyplot as plt\nplt.scatter([1, 2], [3, 4])",
]
GRADED = {7}        # graded cells (test cells): they draw their figures as a kernel does
NOT_DRAWN = 18      # a cell that earns no points: the fork executor shows its figure as text only


def shape(nb):
    """Per code cell: the kinds of its outputs (stream name, error name, display MIME types), as a set:
    what C code writes to a file descriptor arrives asynchronously in both, so order is not compared."""
    out = []
    for cell in nb.cells:
        kinds = set()
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                kinds.add(("stream", o.name))
            elif o.output_type == "error":
                kinds.add(("error", o.ename))
            else:
                kinds.add((o.output_type, tuple(sorted(o.data))))
        if ("error", "CellTimeoutError") in kinds:  # its KeyboardInterrupt may lose the race in a kernel
            kinds.discard(("error", "KeyboardInterrupt"))
        out.append(sorted(kinds))
    return out


def text_of(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    assert bwrap.problem() is None, bwrap.problem()
    pin_course_kernel(ROOT)
    folder = tmp_path_factory.mktemp("work")
    with open(os.path.join(ROOT, "utils", "grading_cases.py")) as source:
        (folder / "grading_cases.py").write_text(source.read())
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    for index in GRADED:
        nb.cells[index].metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 1,
                                                "grade_id": "test_%d" % index, "schema_version": 3}
    results = {}
    for name, executor in [("kernel", GradingExecute(kernel_manager_class=SandboxedKernelManager)),
                           ("fork", ForkExecute())]:
        executor.timeout, executor.wall_factor, executor.kernel_name = 5, 3, "python3"
        executor.max_cell_output_chars = 1_000_000
        notebook = copy.deepcopy(nb)
        executor.preprocess(notebook, {"metadata": {"path": str(folder)}})
        results[name] = notebook
    return results


def test_same_outputs_cell_by_cell(executed):
    kernel, fork = shape(executed["kernel"]), shape(executed["fork"])
    for index, (expected, got) in enumerate(zip(kernel, fork)):
        if index == NOT_DRAWN:   # the kernel renders the picture; the fork executor shows the figure's text
            expected = [("display_data", ("text/plain",)) if kind[0] == "display_data" else kind for kind in expected]
        assert got == expected, (index, CELLS[index], expected, got)


def test_only_graded_cells_render_figures(executed):
    """A figure in a cell that earns no points is made, shown by its text and closed; not rendered."""
    drawn = executed["kernel"].cells[NOT_DRAWN].outputs
    assert any("image/png" in o.get("data", {}) for o in drawn), drawn
    shown = [o for o in executed["fork"].cells[NOT_DRAWN].outputs if o.output_type == "display_data"]
    assert shown and all(set(o.data) == {"text/plain"} for o in shown), shown
    assert shown[0].data["text/plain"].startswith("<Figure size")


def test_what_the_cells_show(executed):
    fork = executed["fork"].cells
    assert fork[1].outputs[0].data["text/plain"] == "42"
    assert "from fd 1" in text_of(fork[4]) and "from fd 2" in text_of(fork[4])
    assert "from a subprocess" in text_of(fork[5])
    assert fork[7].outputs[0].output_type == "display_data" and "image/png" in fork[7].outputs[0].data
    assert "after the crash, x is 41" in text_of(fork[12])  # a fresh interpreter replayed the earlier cells
    assert "after the loop" in text_of(fork[14]) and "the end" in text_of(fork[16])
    assert "truncated by the autograder" in text_of(fork[17]) and len(text_of(fork[17])) < 1_100_000


def test_nothing_of_one_notebook_reaches_the_next(tmp_path):
    """Two notebooks on the same warm server: what the first leaves in its folders or running is gone."""
    assert bwrap.problem() is None, bwrap.problem()
    first = nbformat.v4.new_notebook()
    first.cells = [nbformat.v4.new_code_cell(
        "import os, subprocess\n"
        "for path in ['planted.py', '/tmp/planted', '/dev/shm/planted', os.path.expanduser('~/planted')]:\n"
        "    open(path, 'w').write('import sys; sys.exit(1)')\n"
        "subprocess.Popen(['sleep', '300'], start_new_session=True)")]
    second = nbformat.v4.new_notebook()
    second.cells = [nbformat.v4.new_code_cell(
        "import os\n"
        "left = [p for p in ['planted.py', '/tmp/planted', '/dev/shm/planted', os.path.expanduser('~/planted')]\n"
        "        if os.path.exists(p)]\n"
        "running = [p for p in os.listdir('/proc') if p.isdigit() and 'sleep' in open('/proc/%s/cmdline' % p).read()]\n"
        "print('left', left, 'running', running)")]
    for nb in (first, second):
        executor = ForkExecute()
        executor.timeout = 20
        executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert text_of(second.cells[0]).strip() == "left [] running []", second.cells[0].outputs
