"""Honest edits of a correct notebook, and hostile twins of them, generated from the release and the reference.

Each honest variant is what a student's editor or habit does to a notebook whose answers are
right: copy, split or merge graded cells, add scratch cells, move markdown, save from JupyterLab 4,
Notebook 7, VS Code or Colab, an older Jupyter without cell ids, a byte-order mark, CRLF line ends,
a browser's renamed download. Every one must grade exactly like the unedited notebook, with the
note in `HonestEdit.note` (None: the kit repairs nothing, so it says nothing). Their hostile twins
are in samples/honest_corpus.py, which writes the whole corpus. Built by code, never edited by hand.
"""
import base64
import copy
import io
import json
from dataclasses import dataclass
from typing import Callable

import nbformat

from grader.manifest import ASSIGNMENTS
from samples.notebook_edits import fill_all, find_cell_index, notebook_text


@dataclass(frozen=True)
class HonestEdit:
    """One kind of edit: `build(assignment, release nb)` -> (content, notebook file name or None)."""
    build: Callable
    note: str | None = None          # a fragment of the note the kit must give, if it repairs something


def correct_notebook(assignment, nb):
    return fill_all(nb, assignment)


def _first(assignment):
    return ASSIGNMENTS[assignment].functions[0]


def index_of_test(nb, function):
    return find_cell_index(nb, grade_id="test_" + function)


def _answer_index(nb, function):
    return find_cell_index(nb, grade_id=function)


def pasted_copy(cell):
    """A copy of `cell` as Jupyter's copy-and-paste makes it: same source and metadata, a new id."""
    twin = copy.deepcopy(cell)
    twin.pop("id", None)
    twin["id"] = nbformat.v4.new_code_cell().id
    return twin


def merge(nb, first, second):
    """JupyterLab's merge: the sources joined by a blank line, the first cell's type and metadata."""
    nb.cells[first].source = nb.cells[first].source.rstrip("\n") + "\n\n" + nb.cells[second].source
    del nb.cells[second]
    return nb


def split(nb, index, line):
    """JupyterLab's split at the start of line `line`: both halves keep the cell's metadata."""
    cell = nb.cells[index]
    lines = cell.source.split("\n")
    tail = pasted_copy(cell)
    cell.source, tail.source = "\n".join(lines[:line]).strip("\n"), "\n".join(lines[line:]).strip("\n")
    nb.cells.insert(index + 1, tail)
    return nb


# ----------------------------------------------------------------------------- honest edits (notebook nodes)
def duplicated_test(assignment, nb):
    """The first test cell copied and pasted right below itself (to run it again)."""
    nb = correct_notebook(assignment, nb)
    index = index_of_test(nb, _first(assignment))
    nb.cells.insert(index + 1, pasted_copy(nb.cells[index]))
    return nb, None


def duplicated_answer(assignment, nb):
    """The last answer cell copied below itself."""
    nb = correct_notebook(assignment, nb)
    index = _answer_index(nb, ASSIGNMENTS[assignment].functions[-1])
    nb.cells.insert(index + 1, pasted_copy(nb.cells[index]))
    return nb, None


def split_answer(assignment, nb):
    """The first answer cell split after its header comment (JupyterLab copies the metadata to both halves)."""
    nb = correct_notebook(assignment, nb)
    return split(nb, _answer_index(nb, _first(assignment)), 1), None


def test_copied_to_end(assignment, nb):
    """A copy of the last test cell pasted at the end of the notebook."""
    nb = correct_notebook(assignment, nb)
    nb.cells.append(pasted_copy(nb.cells[index_of_test(nb, ASSIGNMENTS[assignment].functions[-1])]))
    return nb, None


def test_copied_to_top(assignment, nb):
    """A copy of the last test cell pasted at the top of the notebook (it runs before anything is defined)."""
    nb = correct_notebook(assignment, nb)
    nb.cells.insert(0, pasted_copy(nb.cells[index_of_test(nb, ASSIGNMENTS[assignment].functions[-1])]))
    return nb, None


def merged_cells(assignment, nb):
    """The first answer cell merged with a scratch cell below it, and a scratch cell merged with the first
    test cell below it (the merged cell then has no test role: the test is inside it)."""
    nb = correct_notebook(assignment, nb)
    answer = _answer_index(nb, _first(assignment))
    nb.cells.insert(answer + 1, nbformat.v4.new_code_cell("print('answer cell ran')"))
    merge(nb, answer, answer + 1)
    test = index_of_test(nb, _first(assignment))
    nb.cells.insert(test, nbformat.v4.new_code_cell("checked_here = True"))
    merge(nb, test, test + 1)
    return nb, None


def scratch_cells(assignment, nb):
    """Scratch code and markdown cells added at the top, between an answer and its test, and at the end."""
    nb = correct_notebook(assignment, nb)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import math\nscratch = math.pi"))
    answer = _answer_index(nb, _first(assignment))
    nb.cells.insert(answer + 1, nbformat.v4.new_code_cell("print('trying my function', scratch)"))
    nb.cells.insert(answer + 2, nbformat.v4.new_markdown_cell("my notes: check the shapes"))
    nb.cells.insert(answer + 3, nbformat.v4.new_code_cell(""))
    nb.cells.append(nbformat.v4.new_code_cell("x = [i * i for i in range(10)]\nx"))
    return nb, None


def markdown_moved(assignment, nb):
    """The first markdown cell moved to the end and another one moved up to the top."""
    nb = correct_notebook(assignment, nb)
    markdown = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"]
    first = nb.cells.pop(markdown[0])
    nb.cells.append(first)
    later = nb.cells.pop(markdown[len(markdown) // 2] - 1)
    nb.cells.insert(0, later)
    return nb, None


def _png():
    """A small PNG drawn by matplotlib (what a plot output stores)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(figsize=(2, 1.5))
    axes.plot([0, 1, 2], [1, 0, 1])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode()


def with_outputs(assignment, nb):
    """Outputs stored from a run: text, a result, an image, an error in a test cell run too early."""
    nb = correct_notebook(assignment, nb)
    image = _png()
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran cell %d\n" % count),
                        nbformat.v4.new_output("display_data", data={"image/png": image,
                                                                     "text/plain": "<Figure size 200x150>"}),
                        nbformat.v4.new_output("execute_result", data={"text/plain": str(count)},
                                               execution_count=count)]
    test = nb.cells[index_of_test(nb, _first(assignment))]
    test.outputs.append(nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined",
                                               traceback=["NameError: name 'x' is not defined"]))
    return nb, None


LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3", "version": "3.11.9"}


def jupyterlab4(assignment, nb):
    """Saved by JupyterLab 4 with cell timing on: language_info, execution times, collapsed/scrolled flags."""
    nb = correct_notebook(assignment, nb)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata["execution"] = {"iopub.execute_input": "2026-11-20T10:00:00.000001Z",
                                          "iopub.status.busy": "2026-11-20T10:00:00.000000Z",
                                          "iopub.status.idle": "2026-11-20T10:00:01.000000Z",
                                          "shell.execute_reply": "2026-11-20T10:00:01.000000Z"}
            cell.metadata["scrolled"] = True
        cell.metadata["jupyter"] = {"source_hidden": False}
    return nb, None


def notebook7(assignment, nb):
    """Saved by Notebook 7 after using the property inspector: editable, slideshow and empty tags on cells."""
    nb = correct_notebook(assignment, nb)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    nb.metadata["toc-autonumbering"] = True
    for cell in nb.cells:
        cell.metadata.setdefault("editable", True)
        cell.metadata["slideshow"] = {"slide_type": ""}
        cell.metadata.setdefault("tags", [])
    return nb, None


def vscode(assignment, nb):
    """Saved by VS Code: its interpreter hash, a kernelspec named after the environment, languageId on cells."""
    nb = correct_notebook(assignment, nb)
    nb.metadata["vscode"] = {"interpreter": {"hash": "3ad933181bd8a04b432d3370b9dc3b06"
                                                     "62ad032c4dfaa4e4f1596c548f763858"}}
    nb.metadata["kernelspec"] = {"display_name": ".venv", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata["vscode"] = {"languageId": "python"}
    return nb, None


# ----------------------------------------------------------------------------- honest edits (raw files)
def _raw(nb):
    return json.loads(notebook_text(nb))


def _dumps(raw, indent=1):
    return json.dumps(raw, indent=indent, ensure_ascii=False) + "\n"


def colab(assignment, nb):
    """Saved by Colab: nbformat 4.0 with the cell ids in metadata.id, colab and accelerator metadata, output
    metadata of its own, a plain kernelspec."""
    raw = _raw(correct_notebook(assignment, nb))
    raw["nbformat_minor"] = 0
    raw["metadata"] = {"colab": {"provenance": [], "collapsed_sections": [], "toc_visible": True},
                       "accelerator": "GPU", "gpuClass": "standard",
                       "kernelspec": {"name": "python3", "display_name": "Python 3"},
                       "language_info": {"name": "python"}}
    for number, cell in enumerate(raw["cells"]):
        cell.pop("id", None)
        cell["metadata"]["id"] = "Xq%010dZ" % number
        if cell["cell_type"] == "code":
            cell["metadata"]["colab"] = {"base_uri": "https://localhost:8080/"}
            cell["metadata"]["outputId"] = "b%07d-0000-4000-8000-000000000000" % number
            cell["outputs"] = [{"output_type": "display_data", "metadata": {"colab": {"height": 20}},
                                "data": {"text/plain": "ok"}}]
    return _dumps(raw, indent=2), None


def ids_missing(assignment, nb):
    """Saved by Jupyter before nbformat 4.5: no cell ids."""
    raw = _raw(correct_notebook(assignment, nb))
    raw["nbformat_minor"] = 4
    for cell in raw["cells"]:
        cell.pop("id", None)
    return _dumps(raw), None


def ids_duplicated(assignment, nb):
    """Two cells with one id (a merge tool's work), one id with a space and an accent, one of 80 characters."""
    raw = _raw(correct_notebook(assignment, nb))
    raw["cells"][2]["id"] = raw["cells"][1]["id"]
    raw["cells"][3]["id"] = "cellule é 1"
    raw["cells"][4]["id"] = "x" * 80
    return _dumps(raw), None


def string_sources(assignment, nb):
    """Every source stored as one string (as some tools write it) instead of a list of lines."""
    raw = _raw(correct_notebook(assignment, nb))
    for cell in raw["cells"]:
        cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return _dumps(raw), None


def byte_order_mark(assignment, nb):
    """Saved with a UTF-8 byte-order mark (some Windows editors)."""
    return "\ufeff" + notebook_text(correct_notebook(assignment, nb)), None


def crlf(assignment, nb):
    """Saved on Windows: CRLF line ends in the file, and in every cell's source."""
    raw = _raw(correct_notebook(assignment, nb))
    for cell in raw["cells"]:
        text = "".join(cell["source"])
        cell["source"] = text.replace("\n", "\r\n")
    return _dumps(raw).replace("\n", "\r\n"), None


def downloaded_twice(assignment, nb):
    """The browser saved the download as "Name (1).ipynb"."""
    name = ASSIGNMENTS[assignment].notebook
    return correct_notebook(assignment, nb), name[:-len(".ipynb")] + " (1).ipynb"


def jupyter_copy(assignment, nb):
    """Jupyter's "Make a copy", handed in as "Name-Copy1.ipynb" (the only notebook in the folder)."""
    name = ASSIGNMENTS[assignment].notebook
    return correct_notebook(assignment, nb), name[:-len(".ipynb")] + "-Copy1.ipynb"


HONEST_EDITS = {
    "duplicated_test": HonestEdit(duplicated_test, "appeared twice"),
    "duplicated_answer": HonestEdit(duplicated_answer, "appeared twice"),
    "split_answer": HonestEdit(split_answer, "was split in two"),
    "test_copied_to_end": HonestEdit(test_copied_to_end, "appeared twice"),
    "test_copied_to_top": HonestEdit(test_copied_to_top, "appeared twice"),
    "merged_cells": HonestEdit(merged_cells, "was merged with other code"),
    "scratch_cells": HonestEdit(scratch_cells),
    "markdown_moved": HonestEdit(markdown_moved),
    "with_outputs": HonestEdit(with_outputs),
    "jupyterlab4": HonestEdit(jupyterlab4),
    "notebook7": HonestEdit(notebook7),
    "vscode": HonestEdit(vscode),
    "colab": HonestEdit(colab, "had no ids"),
    "ids_missing": HonestEdit(ids_missing, "had no ids"),
    "ids_duplicated": HonestEdit(ids_duplicated, "duplicated or unusual"),
    "string_sources": HonestEdit(string_sources),
    "byte_order_mark": HonestEdit(byte_order_mark, "byte-order mark"),
    "crlf": HonestEdit(crlf, "Windows line endings"),
    "downloaded_twice": HonestEdit(downloaded_twice, "was graded as"),
    "jupyter_copy": HonestEdit(jupyter_copy, "was graded as"),
}
