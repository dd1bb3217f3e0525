"""A feedback page is written by the trusted grading process: no submission may make that step huge or slow.

Markdown full of formulas costs the renderer hundreds of bytes per byte of source, and the sanitizer's time
grows with the square of the tags' nesting (a red team's finds: a 17 MB notebook of formulas took 5.8 GB
to render, 200,000 nested <div>s held a worker until its deadline). The page renders markup up to
grader/page_budget.py's bounds and shows the rest as plain text; the course's notebooks stay whole.
"""
import os
import subprocess
import sys

import nbformat
import pytest

from grader import page_budget
from grader.page_budget import PageBudget
from page_of import render

pytestmark = pytest.mark.e2e   # renders pages of several megabytes in a subprocess (about ten seconds)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _formula(seed):
    rows = " \\\\ ".join(" & ".join("%d" % (seed * 31 + r * 7 + c) for c in range(12)) for r in range(28))
    return "$$\\begin{matrix} %s \\end{matrix}$$" % rows


def _rendered(notebook, tmp_path):
    """(page text, peak MB) of `notebook` rendered in a fresh process."""
    path, page = str(tmp_path / "n.ipynb"), str(tmp_path / "page.html")
    nbformat.write(notebook, path)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.path.join(ROOT, "utils"), os.path.join(ROOT, "tests")]))
    done = subprocess.run([sys.executable, os.path.join(ROOT, "tests", "page_of.py"), path, page], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(page, encoding="utf-8") as handle:
        return handle.read(), int(done.stdout.split()[-1])


def test_a_notebook_of_formulas_renders_a_bounded_page(tmp_path):
    cells = [nbformat.v4.new_markdown_cell("A formula:\n\n" + _formula(n)) for n in range(1500)]   # 2.9 MB
    assert len(cells[0].source) < 5000 and sum(len(c.source) for c in cells) > 2_800_000
    text, peak_mb = _rendered(nbformat.v4.new_notebook(cells=cells), tmp_path)
    shown = text.count("<math")
    assert 0 < shown <= page_budget.MAX_PAGE_MARKDOWN // len(cells[0].source) + 1
    assert text.count("kit-not-rendered") == len(cells) - shown
    assert len(text) < 2_000_000 and peak_mb < 512, (len(text), peak_mb)   # unbounded: 13.5 MB, 0.5-6 GB


def test_deeply_nested_markup_is_shown_as_text(tmp_path):
    nested = "<div>" * 200_000 + "deep" + "</div>" * 200_000
    cells = [nbformat.v4.new_markdown_cell(nested), nbformat.v4.new_markdown_cell("After it: *emphasis*.")]
    code = nbformat.v4.new_code_cell("show()")
    code.outputs = [nbformat.v4.new_output("display_data", data={"text/html": nested, "text/plain": "x"})]
    text, _ = _rendered(nbformat.v4.new_notebook(cells=cells + [code]), tmp_path)
    assert text.count("<div>") < 100 and "kit-not-rendered" in text and "<em>emphasis</em>" in text
    assert "not shown: it holds more markup than a feedback page renders" in text


@pytest.mark.parametrize("name", ["initialization/Initialization", "regularization/Regularization",
                                  "gradient_checking/Gradient_Checking"])
def test_the_course_notebooks_render_whole(name):
    notebook = nbformat.read(os.path.join(ROOT, "source", name + ".ipynb"), as_version=4)
    before = nbformat.writes(notebook)
    budget = PageBudget()
    for cell in notebook.cells:
        budget.markdown_cell(cell) if cell.cell_type == "markdown" else budget.outputs(cell)
    assert nbformat.writes(notebook) == before
    assert "<math" in render(notebook)
