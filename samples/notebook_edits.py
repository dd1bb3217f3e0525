"""Student submissions built from the release notebooks and the reference solutions, by editing notebooks.

A release notebook carries nbgrader's stub `# YOUR CODE HERE / raise NotImplementedError()`
wherever the source had a `### BEGIN SOLUTION ... ### END SOLUTION` region. `fill_function`
puts the reference's regions back, matched in order, into the solution cell of one graded
function; the other helpers mutate a notebook the way students (and mischief) do: rewrite a
function, edit or delete a test cell, flip its metadata, add code to a cell. The sample
students (samples/students.py) and the catalog harness are built from these.
"""
import os

import nbformat

from grader.hidden_block import without_hidden_block
from grader.manifest import ASSIGNMENTS, ROOT
from grader.reference import HEADER, assignment_of, reference_blocks
from samples.catalog_entries import catalog_entry

STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
# nbgrader reads timestamp.txt with dateutil; a fixed one keeps the samples byte-identical between runs.
SAMPLE_TIMESTAMP = "2026-01-15 09:00:00.000000 UTC"


class SubmissionError(ValueError):
    """The notebook does not have the cell or region a mutation refers to."""


# ----------------------------------------------------------------------------- reading
def release_path(assignment, root=None):
    return os.path.join(root or ROOT, "release", assignment, ASSIGNMENTS[assignment].notebook)


def read_release(assignment, root=None):
    """The release notebook of `assignment` (a fresh copy on every call)."""
    return nbformat.read(release_path(assignment, root), as_version=4)


def reference_block(function):
    """The reference module's text of `function`'s block (header line first, nbgrader markers kept)."""
    return reference_blocks(assignment_of(function))[function]


def solution_regions(text):
    """The BEGIN/END SOLUTION regions of `text`, in order, each as its lines (markers excluded)."""
    regions, current = [], None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(BEGIN):
            current = []
        elif stripped.startswith(END):
            if current is None:
                raise SubmissionError("END SOLUTION without BEGIN SOLUTION")
            regions.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return regions


def without_solution_markers(text):
    """`text` without its BEGIN/END SOLUTION marker lines (the code as a student would write it)."""
    return "\n".join(line for line in text.splitlines() if line.strip() not in (BEGIN, END))


def edited_source(assignment, function, edits=(), label=None):
    """The reference block of `function` with each (old, new) edit applied once, nbgrader markers removed."""
    text = reference_blocks(assignment)[function]
    for old, new in edits:
        if old not in text:
            raise ValueError("%s: %r is not in the reference %s" % (label or function, old, function))
        text = text.replace(old, new, 1)
    return without_solution_markers(text)


def function_source(entry):
    """The reference block of entry.function with the entry's edits applied (nbgrader markers removed)."""
    return edited_source(assignment_of(entry.function), entry.function, entry.edits, entry.id)


def cell_source(entry):
    """Solution-cell text for a submission: header line, tampering prelude (if any), the function."""
    source = function_source(entry)
    header, _, rest = source.partition("\n")
    return header + "\n" + entry.prelude + rest


def reference_regions(function):
    """The reference solution's regions of graded function `function`."""
    return solution_regions(reference_block(function))


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def find_cell_index(nb, grade_id=None, header=None):
    """Index of the cell with nbgrader grade_id `grade_id`, or whose first line is the `header` block's."""
    for index, cell in enumerate(nb.cells):
        if grade_id is not None and _nbgrader(cell).get("grade_id") == grade_id:
            return index
    if header is not None:
        for index, cell in enumerate(nb.cells):
            first = cell.source.splitlines()[0] if cell.source else ""
            match = HEADER.match(first)
            if cell.cell_type == "code" and match and match.group(2) == header:
                return index
    raise SubmissionError("no cell %s" % (grade_id or header))


def function_cell(nb, function):
    """The solution cell of graded function `function` (by grade_id, else by its header line)."""
    return nb.cells[find_cell_index(nb, grade_id=function, header=function)]


def test_cell(nb, function_or_grade_id):
    grade_id = function_or_grade_id if function_or_grade_id.startswith("test_") else "test_" + function_or_grade_id
    return nb.cells[find_cell_index(nb, grade_id=grade_id)]


def stub_positions(lines):
    """Line indices where nbgrader's two-line stub starts."""
    return [i for i in range(len(lines) - 1)
            if lines[i].strip() == STUB[0] and lines[i + 1].strip() == STUB[1]]


# ----------------------------------------------------------------------------- mutations
def fill_regions(source, regions):
    """Replace the stubs of `source`, in order, with `regions` (lists of lines); None keeps that stub."""
    lines = source.splitlines()
    positions = stub_positions(lines)
    if len(positions) != len(regions):
        raise SubmissionError("%d stub(s) in the cell but %d region(s) given" % (len(positions), len(regions)))
    for position, region in reversed(list(zip(positions, regions))):
        if region is not None:
            lines[position:position + 2] = list(region)
    return "\n".join(lines)


def fill_function(nb, function, regions=None, keep=()):
    """Fill `function`'s stubs with `regions` (default: the reference's); indices in `keep` stay stubs."""
    cell = function_cell(nb, function)
    regions = list(reference_regions(function) if regions is None else regions)
    regions = [None if index in keep else region for index, region in enumerate(regions)]
    cell.source = fill_regions(cell.source, regions)
    return nb


def source_regions(assignment, grade_id, root=None):
    """The solution regions of cell `grade_id` in the source notebook (for solution cells that are not
    graded functions, e.g. a "fix this code" cell: the reference modules hold graded functions only)."""
    path = os.path.join(root or ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook)
    source = nbformat.read(path, as_version=4)
    return solution_regions(source.cells[find_cell_index(source, grade_id=grade_id)].source)


def fill_all(nb, assignment, skip=(), root=None):
    """Fill every graded function of `assignment` with the reference, except those in `skip`, and every
    other solution cell that still has stubs from the source notebook."""
    graded = ASSIGNMENTS[assignment].functions
    for function in graded:
        if function not in skip:
            fill_function(nb, function)
    for cell in nb.cells:
        meta = _nbgrader(cell)
        grade_id = meta.get("grade_id")
        if (meta.get("solution") and grade_id not in graded and grade_id not in skip
                and stub_positions(cell.source.splitlines())):
            cell.source = fill_regions(cell.source, source_regions(assignment, grade_id, root))
    return nb


def set_function_source(nb, function, text):
    """Replace the whole solution cell of `function` (e.g. with a catalog entry's cell text)."""
    function_cell(nb, function).source = text
    return nb


def apply_catalog_entry(nb, entry_or_id):
    """Write a catalog entry (samples/catalog_entries.py: a variant or a mutant, or its id) into its function's cell."""
    entry = catalog_entry(entry_or_id) if isinstance(entry_or_id, str) else entry_or_id
    return set_function_source(nb, entry.function, cell_source(entry))


def prepend_to_cell(nb, function, code):
    """Put top-level `code` after the header line of `function`'s solution cell (runs when the cell runs)."""
    cell = function_cell(nb, function)
    header, _, rest = cell.source.partition("\n")
    cell.source = header + "\n" + code.rstrip("\n") + "\n" + rest
    return nb


def inject_into_function(nb, function, code):
    """Make `code` the first statement of `function`'s body (after its docstring), e.g. a loop or a warning."""
    import ast
    cell = function_cell(nb, function)
    lines = cell.source.splitlines()
    tree = ast.parse(cell.source)
    node = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function), None)
    if node is None:
        raise SubmissionError("no def %s in its cell" % function)
    first = node.body[0]
    has_doc = isinstance(first, ast.Expr) and isinstance(getattr(first, "value", None), ast.Constant)
    after = first.end_lineno if has_doc and len(node.body) > 1 else first.lineno - 1
    indent = " " * (node.body[-1].col_offset)
    lines[after:after] = [indent + line if line else line for line in code.splitlines()]
    cell.source = "\n".join(lines)
    return nb


def edit_test_cell(nb, function_or_grade_id, source):
    """Replace a test cell's source (its metadata stays, as when a student edits it in Jupyter)."""
    test_cell(nb, function_or_grade_id).source = source
    return nb


def remove_hidden_block(nb, function_or_grade_id):
    """Drop the hidden-test block from a test cell (what a student sees is already without it)."""
    cell = test_cell(nb, function_or_grade_id)
    cell.source = without_hidden_block(cell.source)
    return nb


def set_cell_metadata(nb, grade_id, **flags):
    """Change nbgrader metadata of the cell with `grade_id` (e.g. solution=True on a test cell)."""
    index = find_cell_index(nb, grade_id=grade_id)
    nb.cells[index].metadata.setdefault("nbgrader", {}).update(flags)
    return nb


def delete_cell(nb, grade_id):
    """Delete the cell with nbgrader `grade_id`."""
    del nb.cells[find_cell_index(nb, grade_id=grade_id)]
    return nb


def insert_code_cell(nb, after_grade_id, source, tags=()):
    """Insert a plain code cell (no nbgrader metadata) after the cell with `after_grade_id`."""
    index = find_cell_index(nb, grade_id=after_grade_id)
    cell = nbformat.v4.new_code_cell(source)
    if tags:
        cell.metadata["tags"] = list(tags)
    nb.cells.insert(index + 1, cell)
    return nb


# ----------------------------------------------------------------------------- writing
def notebook_text(nb):
    return nbformat.writes(nb) + "\n"


def write_submission(student, assignment, content, root=None, timestamp=SAMPLE_TIMESTAMP, notebook_name=None):
    """Write submitted/<student>/<assignment>/<Notebook>.ipynb and timestamp.txt, nbgrader's layout.

    `content` is a notebook node, raw text (e.g. broken JSON), or None (no notebook: the folder
    and timestamp only). Files are rewritten only when their content changes (so re-runs see
    the same submission). Returns True when something changed.
    """
    folder = os.path.join(root or ROOT, "submitted", student, assignment)
    os.makedirs(folder, exist_ok=True)
    name = notebook_name or ASSIGNMENTS[assignment].notebook
    wanted = {"timestamp.txt": timestamp + "\n"}
    if content is not None:
        wanted[name] = content if isinstance(content, str) else notebook_text(content)
    changed = False
    for existing in os.listdir(folder):  # a notebook under another name from an earlier build
        if existing.endswith(".ipynb") and existing not in wanted:
            os.remove(os.path.join(folder, existing))
            changed = True
    for filename, text in wanted.items():
        path = os.path.join(folder, filename)
        try:
            with open(path, encoding="utf-8") as handle:
                if handle.read() == text:
                    continue
        except (OSError, UnicodeDecodeError):
            pass
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        changed = True
    return changed
