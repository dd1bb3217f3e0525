"""OneGradedCopy (sanitize, first): one cell carries each graded id; honest copies, splits and merges grade right.

Copy and paste in Jupyter keeps a cell's nbgrader metadata, and so does JupyterLab's split. Stock
nbgrader then blanks the second copy's metadata (DeduplicateIds) and crashes reading its
grade_id (nbgrader #1083), failing the whole notebook. Here, before any nbgrader step:
- of the cells claiming one graded id, the copy whose source is the released one keeps the role
  (else the first); every other copy loses its nbgrader metadata and runs as the student's own
  code, earning nothing: an edited copy that would pass or a copy claiming more points gains nothing;
- a test cell merged with other code (JupyterLab's merge joins sources, keeping the first cell's
  metadata) is split apart again, so the released test is graded and the other code still runs;
- cell ids that are missing (nbformat 4.4 and older), duplicated or not of the schema's form are
  replaced, so nbformat and nbgrader accept the notebook.
The pipeline's intake (pipeline/intake.py) does the same against the release; plain `nbgrader
autograde` does it here against the gradebook (released_from_gradebook, which RestoreCellRoles reads
the released roles from too). Each repair comes back as a note in plain words; what a student is told
about a repeated cell (copies_warnings) is the self-check's own wording (utils/selfcheck_core.py).
"""
import re
import uuid

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from grader.hidden_block import without_hidden_block
from selfcheck_core import graded_copies as copies_warnings  # the words a student reads in the self-check too

CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")   # nbformat 4.5's pattern for a cell id
TIMES = {2: "twice", 3: "three times"}


def comparable(source):
    """A cell's source as compared with the release: line endings, trailing spaces and blank edges ignored."""
    text = source if isinstance(source, str) else "".join(source)
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip("\n")


def grade_id_of(cell):
    """The cell's nbgrader grade_id when it is a string, else None."""
    meta = cell.get("metadata", {}).get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else None


def _times(count):
    return TIMES.get(count, "%d times" % count)


def _kind(released):
    return "test cell" if released["test"] else "answer cell"


def keep_one_copy(cells, released):
    """Leave one cell per graded id of `released` ({grade_id: {"source", "test", "cell_type"}}); notes."""
    claims = {}
    for index, cell in enumerate(cells):
        grade_id = grade_id_of(cell)
        if grade_id in released:
            claims.setdefault(grade_id, []).append(index)
    notes, kept = [], {}
    for grade_id in released:   # in the release's order, so each id's place is known for the next one
        indices = claims.get(grade_id, [])
        if len(indices) < 2:
            kept[grade_id] = indices[0] if indices else None
            continue
        wanted = released[grade_id]
        typed = [i for i in indices if cells[i].cell_type == wanted["cell_type"]] or indices
        intact = [i for i in typed if comparable(cells[i].source) == wanted["source"]]
        keeper = _in_place(intact, kept) if intact else typed[0]
        kept[grade_id] = keeper
        for index in indices:
            if index != keeper:
                del cells[index].metadata["nbgrader"]
        sources = {comparable(cells[i].source) for i in indices}
        adjacent = indices == list(range(indices[0], indices[0] + len(indices)))
        which = "unedited" if comparable(cells[keeper].source) == wanted["source"] else "first"
        if len(indices) == 2 and len(sources) == 2 and adjacent and wanted["source"] not in sources:
            notes.append("%s %s was split in two; the first part keeps its role and the other part ran as your own "
                         "code: graded as usual" % (_kind(wanted), grade_id))
        else:
            notes.append("%s %s appeared %s; the %s copy was graded and the other%s ran as your own code "
                         "(copies earn no points)" % (_kind(wanted), grade_id, _times(len(indices)), which,
                                                      "s" if len(indices) > 2 else ""))
    return notes


def repeated_ids(cells):
    """{grade_id: [cell indices]} of the graded ids more than one cell claims (what a student's copy or split made)."""
    claims = {}
    for index, cell in enumerate(cells):
        if grade_id_of(cell):
            claims.setdefault(grade_id_of(cell), []).append(index)
    return {grade_id: indices for grade_id, indices in claims.items() if len(indices) > 1}


def keep_checksummed_copy(cells):
    """Without the release at hand (a student validating): of each repeated id, keep the copy whose source still
    has the checksum the release gave it (else the first); the others lose their nbgrader metadata."""
    from nbgrader.utils import compute_checksum
    for grade_id, indices in repeated_ids(cells).items():
        intact = [i for i in indices if cells[i].metadata["nbgrader"].get("checksum") == compute_checksum(cells[i])]
        keeper = (intact or indices)[0]
        for index in indices:
            if index != keeper:
                del cells[index].metadata["nbgrader"]


def _in_place(candidates, kept):
    """Of copies as released, the first after the cell kept for the graded id released just before (a test
    copied above its answer would run too early), else the first."""
    anchor = next((index for index in reversed(list(kept.values())) if index is not None), None)
    if anchor is None:
        return candidates[0]
    return next((i for i in candidates if i > anchor), candidates[0])


def _find_lines(haystack, needle):
    """Index where the line list `needle` starts inside `haystack`, or None."""
    for start in range(len(haystack) - len(needle) + 1):
        if haystack[start:start + len(needle)] == needle:
            return start
    return None


def split_merged_tests(cells, released, new_cell):
    """Split a released test out of a cell that merged it with other code (when no cell is that test); notes.

    `new_cell(source)` makes a plain code cell. The test part gets the test's role; the rest keeps
    the merged cell's metadata, unless that was the test's own role (then it is plain code).
    """
    notes = []
    for grade_id, wanted in released.items():
        if not wanted["test"] or not wanted["source"]:
            continue
        if any(grade_id_of(c) == grade_id and comparable(c.source) == wanted["source"] for c in cells):
            continue
        needle = wanted["source"].split("\n")
        for index, cell in enumerate(cells):
            if cell.cell_type != "code":
                continue
            lines = comparable(cell.source).split("\n")
            start = _find_lines(lines, needle)
            if start is None or len(lines) == len(needle):
                continue
            before = "\n".join(lines[:start]).strip("\n")
            after = "\n".join(lines[start + len(needle):]).strip("\n")
            own = grade_id_of(cell) == grade_id
            for other in cells:   # the split-out test is the one copy with the role
                if grade_id_of(other) == grade_id:
                    del other.metadata["nbgrader"]
            test = new_cell(wanted["source"])
            test.metadata["nbgrader"] = dict(wanted["metadata"])
            parts = []
            if before:
                cell.source = before
                parts += [cell, test]
            else:
                parts.append(test)
            if after:
                rest = cell if not before else new_cell(after)
                rest.source = after
                parts.append(rest)
            if not before and not after:  # cannot happen: the cell had more than the test
                continue
            if own:
                for part in parts:
                    if part is not test:
                        part.metadata.pop("nbgrader", None)
            cells[index:index + 1] = parts
            notes.append("test cell %s was merged with other code; it was split apart again and the test "
                         "graded as released" % grade_id)
            break
    return notes


def repair_cell_ids(nb):
    """Give every cell a unique id of the schema's form (nbformat 4.5); notes on what was replaced."""
    cells = [cell for cell in nb.get("cells", []) if isinstance(cell, dict)]
    missing = sum(1 for cell in cells if "id" not in cell)
    seen, replaced = set(), 0
    for cell in cells:
        current = cell.get("id")
        if isinstance(current, str) and CELL_ID.match(current) and current not in seen:
            seen.add(current)
            continue
        while True:
            fresh = uuid.uuid4().hex[:8]
            if fresh not in seen:
                break
        if current is not None:
            replaced += 1
        cell["id"] = fresh
        seen.add(fresh)
    if nb.get("nbformat") == 4 and isinstance(nb.get("nbformat_minor"), int) and nb["nbformat_minor"] < 5:
        nb["nbformat_minor"] = 5
    notes = []
    if missing:
        notes.append("the notebook's cells had no ids (an older Jupyter saved it): ids were added")
    if replaced:
        notes.append("%d cell id(s) were duplicated or unusual: new ids were given" % replaced)
    return notes


def resolve(nb, released, new_cell):
    """Every repair of this module on notebook `nb`, in order; the notes."""
    notes = repair_cell_ids(nb)
    notes += keep_one_copy(nb.cells, released)
    notes += split_merged_tests(nb.cells, released, new_cell)
    if any("id" not in cell for cell in nb.cells):
        repair_cell_ids(nb)
    return notes


def released_from_cells(cells):
    """{grade_id: what keep_one_copy needs} from released cells (a release notebook's cells)."""
    released = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        grade_id = grade_id_of(cell)
        if not grade_id or not isinstance(meta, dict):
            continue
        test = bool(meta.get("grade")) and not meta.get("solution")
        released[grade_id] = {"source": comparable(without_hidden_block(cell.source) if test else cell.source),
                              "test": test, "cell_type": cell.cell_type,
                              "metadata": {k: v for k, v in meta.items() if k != "checksum"}}
    return released


def released_from_gradebook(resources):
    """{grade_id: what keep_one_copy needs, with the cell's nbgrader metadata as released} of the notebook being
    converted, as the gradebook holds it; None when the gradebook does not know the notebook. Read once per
    conversion (kept in `resources` for the next step: RestoreCellRoles)."""
    if "kit_released" in resources:
        return resources["kit_released"]
    info = resources["nbgrader"]
    try:
        with Gradebook(info["db_url"]) as gradebook:
            notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
            graded = {c.name: float(c.max_score) for c in notebook.grade_cells}
            solutions = {c.name for c in notebook.solution_cells}
            tasks = {c.name for c in notebook.task_cells}
            cells = [{"name": c.name, "source": c.source, "cell_type": c.cell_type, "locked": bool(c.locked)}
                     for c in notebook.source_cells]
    except MissingEntry:
        resources["kit_released"] = None
        return None
    released = {}
    for cell in cells:
        name = cell["name"]
        test = name in graded and name not in solutions
        meta = {"grade": name in graded, "solution": name in solutions, "locked": cell["locked"],
                "grade_id": name, "schema_version": 3}
        if name in tasks:
            meta["task"] = True
        if name in graded:
            meta["points"] = graded[name]
        released[name] = {"source": comparable(without_hidden_block(cell["source"]) if test else cell["source"]),
                          "test": test, "cell_type": cell["cell_type"], "metadata": meta}
    resources["kit_released"] = released
    return released


class OneGradedCopy(NbGraderPreprocessor):
    """Leave one cell per graded id, split merged test cells apart, repair cell ids (the gradebook's cells)."""

    def preprocess(self, nb, resources):
        import nbformat
        released = released_from_gradebook(resources)
        if released is None:
            return nb, resources
        for note in resolve(nb, released, nbformat.v4.new_code_cell):
            self.log.warning("%s", note)
        return nb, resources


class OneCopyToValidate(NbGraderPreprocessor):
    """For `nbgrader validate` (before its CheckCellMetadata, which refuses a repeated grade id): say in plain
    words which graded cell appears more than once, and validate the copy as released (else the first)."""

    def preprocess(self, nb, resources):
        for warning in copies_warnings(nb.cells):
            self.log.warning("Note: %s", warning)
        keep_checksummed_copy(nb.cells)
        return nb, resources
