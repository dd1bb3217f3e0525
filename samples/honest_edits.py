"""Honest edits of a correct notebook, and hostile twins of them, generated from the release and the reference.

Each honest variant is what a student's editor or habit does to a notebook whose answers are
right: copy, split or merge graded cells, add scratch cells, move markdown, save from JupyterLab 4,
Notebook 7, VS Code or Colab, an older Jupyter without cell ids, a byte-order mark, CRLF line ends,
a browser's renamed download. Every one must grade exactly like the unedited notebook, with the
note in `HonestEdit.note` (None: the kit repairs nothing, so it says nothing). The hostile twins
start from the manifest's sample mistake and use the same edits to try to gain points; each must
score what that mistake scores, and no maximum may change. Built by code, never edited by hand.
"""
import base64
import copy
import io
import json
from dataclasses import dataclass
from typing import Callable

import nbformat

from grader.manifest import ASSIGNMENTS
from proofs.catalog.entries import catalog_entry
from samples.notebook_edits import apply_catalog_entry, fill_all, find_cell_index, notebook_text


@dataclass(frozen=True)
class HonestEdit:
    """One kind of edit: `build(assignment, release nb)` -> (content, notebook file name or None)."""
    build: Callable
    note: str | None = None          # a fragment of the note the kit must give, if it repairs something
    plain_nbgrader: bool = True      # False: plain `nbgrader autograde` cannot read the file at all


def _correct(assignment, nb):
    return fill_all(nb, assignment)


def _first(assignment):
    return ASSIGNMENTS[assignment].functions[0]


def _test_index(nb, function):
    return find_cell_index(nb, grade_id="test_" + function)


def _answer_index(nb, function):
    return find_cell_index(nb, grade_id=function)


def _fresh(cell):
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
    tail = _fresh(cell)
    cell.source, tail.source = "\n".join(lines[:line]).strip("\n"), "\n".join(lines[line:]).strip("\n")
    nb.cells.insert(index + 1, tail)
    return nb


# ----------------------------------------------------------------------------- honest edits (notebook nodes)
def duplicated_test(assignment, nb):
    """The first test cell copied and pasted right below itself (to run it again)."""
    nb = _correct(assignment, nb)
    index = _test_index(nb, _first(assignment))
    nb.cells.insert(index + 1, _fresh(nb.cells[index]))
    return nb, None


def duplicated_answer(assignment, nb):
    """The last answer cell copied below itself."""
    nb = _correct(assignment, nb)
    index = _answer_index(nb, ASSIGNMENTS[assignment].functions[-1])
    nb.cells.insert(index + 1, _fresh(nb.cells[index]))
    return nb, None


def split_answer(assignment, nb):
    """The first answer cell split after its header comment (JupyterLab copies the metadata to both halves)."""
    nb = _correct(assignment, nb)
    return split(nb, _answer_index(nb, _first(assignment)), 1), None


def test_copied_to_end(assignment, nb):
    """A copy of the last test cell pasted at the end of the notebook."""
    nb = _correct(assignment, nb)
    nb.cells.append(_fresh(nb.cells[_test_index(nb, ASSIGNMENTS[assignment].functions[-1])]))
    return nb, None


def test_copied_to_top(assignment, nb):
    """A copy of the last test cell pasted at the top of the notebook (it runs before anything is defined)."""
    nb = _correct(assignment, nb)
    nb.cells.insert(0, _fresh(nb.cells[_test_index(nb, ASSIGNMENTS[assignment].functions[-1])]))
    return nb, None


def merged_cells(assignment, nb):
    """The first answer cell merged with a scratch cell below it, and a scratch cell merged with the first
    test cell below it (the merged cell then has no test role: the test is inside it)."""
    nb = _correct(assignment, nb)
    answer = _answer_index(nb, _first(assignment))
    nb.cells.insert(answer + 1, nbformat.v4.new_code_cell("print('answer cell ran')"))
    merge(nb, answer, answer + 1)
    test = _test_index(nb, _first(assignment))
    nb.cells.insert(test, nbformat.v4.new_code_cell("checked_here = True"))
    merge(nb, test, test + 1)
    return nb, None


def scratch_cells(assignment, nb):
    """Scratch code and markdown cells added at the top, between an answer and its test, and at the end."""
    nb = _correct(assignment, nb)
    nb.cells.insert(0, nbformat.v4.new_code_cell("import math\nscratch = math.pi"))
    answer = _answer_index(nb, _first(assignment))
    nb.cells.insert(answer + 1, nbformat.v4.new_code_cell("print('trying my function', scratch)"))
    nb.cells.insert(answer + 2, nbformat.v4.new_markdown_cell("my notes: check the shapes"))
    nb.cells.insert(answer + 3, nbformat.v4.new_code_cell(""))
    nb.cells.append(nbformat.v4.new_code_cell("x = [i * i for i in range(10)]\nx"))
    return nb, None


def markdown_moved(assignment, nb):
    """The first markdown cell moved to the end and another one moved up to the top."""
    nb = _correct(assignment, nb)
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
    nb = _correct(assignment, nb)
    image = _png()
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran cell %d\n" % count),
                        nbformat.v4.new_output("display_data", data={"image/png": image,
                                                                     "text/plain": "<Figure size 200x150>"}),
                        nbformat.v4.new_output("execute_result", data={"text/plain": str(count)},
                                               execution_count=count)]
    test = nb.cells[_test_index(nb, _first(assignment))]
    test.outputs.append(nbformat.v4.new_output("error", ename="NameError", evalue="name 'x' is not defined",
                                               traceback=["NameError: name 'x' is not defined"]))
    return nb, None


LANGUAGE_INFO = {"codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                 "pygments_lexer": "ipython3", "version": "3.11.9"}


def jupyterlab4(assignment, nb):
    """Saved by JupyterLab 4 with cell timing on: language_info, execution times, collapsed/scrolled flags."""
    nb = _correct(assignment, nb)
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
    nb = _correct(assignment, nb)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    nb.metadata["toc-autonumbering"] = True
    for cell in nb.cells:
        cell.metadata.setdefault("editable", True)
        cell.metadata["slideshow"] = {"slide_type": ""}
        cell.metadata.setdefault("tags", [])
    return nb, None


def vscode(assignment, nb):
    """Saved by VS Code: its interpreter hash, a kernelspec named after the environment, languageId on cells."""
    nb = _correct(assignment, nb)
    nb.metadata["vscode"] = {"interpreter": {"hash": "3ad933181bd8a04b432d3370b9dc3b0662ad032c4dfaa4e4f1596c548f763858"}}
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
    raw = _raw(_correct(assignment, nb))
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
    raw = _raw(_correct(assignment, nb))
    raw["nbformat_minor"] = 4
    for cell in raw["cells"]:
        cell.pop("id", None)
    return _dumps(raw), None


def ids_duplicated(assignment, nb):
    """Two cells with one id (a merge tool's work), one id with a space and an accent, one of 80 characters."""
    raw = _raw(_correct(assignment, nb))
    raw["cells"][2]["id"] = raw["cells"][1]["id"]
    raw["cells"][3]["id"] = "cellule é 1"
    raw["cells"][4]["id"] = "x" * 80
    return _dumps(raw), None


def string_sources(assignment, nb):
    """Every source stored as one string (as some tools write it) instead of a list of lines."""
    raw = _raw(_correct(assignment, nb))
    for cell in raw["cells"]:
        cell["source"] = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    return _dumps(raw), None


def byte_order_mark(assignment, nb):
    """Saved with a UTF-8 byte-order mark (some Windows editors)."""
    return "\ufeff" + notebook_text(_correct(assignment, nb)), None


def crlf(assignment, nb):
    """Saved on Windows: CRLF line ends in the file, and in every cell's source."""
    raw = _raw(_correct(assignment, nb))
    for cell in raw["cells"]:
        text = "".join(cell["source"])
        cell["source"] = text.replace("\n", "\r\n")
    return _dumps(raw).replace("\n", "\r\n"), None


def downloaded_twice(assignment, nb):
    """The browser saved the download as "Name (1).ipynb"."""
    name = ASSIGNMENTS[assignment].notebook
    return _correct(assignment, nb), name[:-len(".ipynb")] + " (1).ipynb"


def jupyter_copy(assignment, nb):
    """Jupyter's "Make a copy", handed in as "Name-Copy1.ipynb" (the only notebook in the folder)."""
    name = ASSIGNMENTS[assignment].notebook
    return _correct(assignment, nb), name[:-len(".ipynb")] + "-Copy1.ipynb"


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
    "byte_order_mark": HonestEdit(byte_order_mark, "byte-order mark", plain_nbgrader=False),
    "crlf": HonestEdit(crlf, "Windows line endings"),
    "downloaded_twice": HonestEdit(downloaded_twice, "was graded as", plain_nbgrader=False),
    "jupyter_copy": HonestEdit(jupyter_copy, "was graded as", plain_nbgrader=False),
}


# ----------------------------------------------------------------------------- hostile twins
def _mistake(assignment, nb):
    """The manifest's sample mistake (what partly_wrong submits), and the function it breaks."""
    entry = catalog_entry(ASSIGNMENTS[assignment].samples.mistake)
    return apply_catalog_entry(fill_all(nb, assignment), entry), entry.function


def _passing(assignment, broken):
    return next(f for f in ASSIGNMENTS[assignment].functions if f != broken)


def edited_copy_that_passes(assignment, nb):
    """Above the real (failing) test, a copy of it edited to pass, with the test's metadata."""
    nb, broken = _mistake(assignment, nb)
    index = _test_index(nb, broken)
    forged = _fresh(nb.cells[index])
    forged.source = "print('All checks passed')\n"
    nb.cells.insert(index, forged)
    return nb, None


def copy_claiming_points(assignment, nb):
    """Copies of a passing test cell claiming 100 points each, at the end and right below it."""
    nb, broken = _mistake(assignment, nb)
    index = _test_index(nb, _passing(assignment, broken))
    for position in (len(nb.cells), index + 1):
        forged = _fresh(nb.cells[index])
        forged.metadata["nbgrader"]["points"] = 100
        nb.cells.insert(position, forged)
    return nb, None


def faked_grade_id(assignment, nb):
    """A passing test's source under the failing test's grade_id, placed above the real failing test."""
    nb, broken = _mistake(assignment, nb)
    passing = nb.cells[_test_index(nb, _passing(assignment, broken))]
    index = _test_index(nb, broken)
    forged = _fresh(passing)
    forged.metadata["nbgrader"]["grade_id"] = "test_" + broken
    nb.cells.insert(index, forged)
    return nb, None


def replaced_by_faked_id(assignment, nb):
    """The failing test deleted and a passing test's copy put in its place under its grade_id."""
    nb, broken = _mistake(assignment, nb)
    passing = nb.cells[_test_index(nb, _passing(assignment, broken))]
    index = _test_index(nb, broken)
    forged = _fresh(passing)
    forged.metadata["nbgrader"]["grade_id"] = "test_" + broken
    nb.cells[index] = forged
    return nb, None


HOSTILE_TWINS = {
    "edited_copy_that_passes": edited_copy_that_passes,
    "copy_claiming_points": copy_claiming_points,
    "faked_grade_id": faked_grade_id,
    "replaced_by_faked_id": replaced_by_faked_id,
}


def mistake_only(assignment, nb):
    """The baseline of the hostile twins: the sample mistake, no other edit."""
    return _mistake(assignment, nb)[0], None


def write_corpus(root, assignments=None, plain_nbgrader=False):
    """Write every honest variant (student = its name), every hostile twin and the two baselines
    (`unedited`, `mistake_only`) into root's submitted/; returns {student: HonestEdit or None}."""
    from samples.notebook_edits import read_release, write_submission
    assignments = assignments or [a for a in ASSIGNMENTS if ASSIGNMENTS[a].samples]
    students = {"unedited": None, "mistake_only": None}
    builders = {"unedited": lambda a, nb: (_correct(a, nb), None), "mistake_only": mistake_only}
    for name, edit in HONEST_EDITS.items():
        if edit.plain_nbgrader or not plain_nbgrader:
            students[name], builders[name] = edit, edit.build
    for name, build in HOSTILE_TWINS.items():
        students[name], builders[name] = None, build
    for student, build in builders.items():
        for assignment in assignments:
            content, file_name = build(assignment, read_release(assignment, root))
            write_submission(student, assignment, content, root=root, notebook_name=file_name)
    return students
