"""The cells the grader skips (`skip-in-autograde`) set nothing a cell that still runs reads (authoring/skip_check.py).

The course's three notebooks pass; notebooks built here with one flaw each are caught, and
names a running cell sets again, or keeps local to a function, are not reported. The data
cells load without drawing, and drawing the data is a skipped cell of its own.
"""
import nbformat
import pytest

from authoring import skip_check
from grader.manifest import ASSIGNMENTS
from grader.preprocessors.skip_training_cells import SKIP_TAG



def notebook(*cells):
    """Cells given as source strings; a tuple (source, True) is a skipped cell."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        source, skipped = cell if isinstance(cell, tuple) else (cell, False)
        nb.cells.append(nbformat.v4.new_code_cell(source, metadata={"tags": [SKIP_TAG]} if skipped else {}))
    return nb


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_no_running_cell_reads_what_a_skipped_cell_sets(assignment):
    assert skip_check.problems(skip_check.source_notebook(assignment)) == []


def test_the_command_says_so_for_every_assignment(capsys):
    assert skip_check.main([]) == 0
    assert capsys.readouterr().out.count("no cell that runs reads what a skipped cell sets") == len(ASSIGNMENTS)


@pytest.mark.parametrize("cells, expected", [
    (["%matplotlib inline\nx = 0", ("x = 1", True), "print(x)"], [(1, 2, ["x"])]),
    ([("import numpy as np2", True), "np2.zeros(3)"], [(0, 1, ["np2"])]),
    ([("def helper():\n    return 1", True), "value = helper()"], [(0, 1, ["helper"])]),
    (["results = {}", ("results['run'] = 0.9", True), "table = results"], [(1, 2, ["results"])]),
    (["results = {}\ndef record(value):\n    results['run'] = value", ("record(0.9)", True), "print(results)"],
     [(1, 2, ["results"])]),
    (["def store(value):\n    global kept\n    kept = value", ("store(1)", True), "print(kept)"], [(1, 2, ["kept"])]),
    ([("x = 1", True), "def graded():\n    return x + 1"], [(0, 1, ["x"])]),
    ([("x = 1", True), "print([x for _ in range(2)])"], [(0, 1, ["x"])]),
    ([("x = 1", True), "x = 2", "print(x)"], []),
    ([("x = 1", True), "x = 2\nprint(x)"], []),
    ([("parameters = 1", True), "def graded(parameters):\n    return parameters"], []),
    ([("parameters = 1", True), "def graded():\n    parameters = {}\n    return parameters"], []),
    ([("i = 1", True), "print([i for i in range(2)])"], []),
    (["import matplotlib.pyplot as plt", ("plt.plot([1, 2])\nplt.show()", True), "plt.title('t')"], []),
    ([("x = 1", True), "def f():\n    return [x for x in range(3)]"], []),
])
def test_what_the_check_reports(cells, expected):
    assert skip_check.problems(notebook(*cells)) == expected


def test_a_name_set_again_only_inside_a_function_of_a_running_cell_is_still_reported():
    cells = [("x = 1", True), "def f():\n    x = 2\n    return x\nprint(x)"]
    assert skip_check.problems(notebook(*cells)) == [(0, 1, ["x"])]


@pytest.mark.parametrize("assignment, loader", [("initialization", "load_dataset(plot=False)"),
                                                ("regularization", "load_2D_dataset(plot=False)")])
def test_the_data_is_loaded_by_a_running_cell_and_drawn_by_a_skipped_one(assignment, loader):
    cells = [c for c in skip_check.source_notebook(assignment).cells if c.cell_type == "code"]
    loading = [c for c in cells if loader in c.source]
    drawing = [c for c in cells if "scatter_dataset(train_X, train_Y" in c.source]
    assert len(loading) == 1 and SKIP_TAG not in loading[0].metadata.get("tags", [])
    assert len(drawing) == 1 and SKIP_TAG in drawing[0].metadata.get("tags", [])
    assert cells.index(drawing[0]) == cells.index(loading[0]) + 1
