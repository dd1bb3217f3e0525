"""RestoreCells: nbgrader's OverwriteCells whose re-insertion of deleted test cells survives deleted neighbours,
and which warns about edited test cells only (not about the hidden tests every student's copy lacks)."""
import uuid

from nbgrader.api import MissingEntry
from nbgrader.preprocessors import OverwriteCells

from grader.hidden_block import HIDDEN_BEGIN, without_hidden_block


class RestoreCells(OverwriteCells):
    """OverwriteCells whose re-insertion of deleted test cells survives deleted neighbours.

    nbgrader puts a missing test cell after the cell that precedes it in the source,
    and raises KeyError (failing the notebook) when that cell was deleted too. Here it
    goes after the nearest earlier source cell still present (or first), with a cell id.

    The gradebook holds each test cell with its hidden tests, the release without them, so stock
    nbgrader logs "Attribute 'checksum' for cell test_... has changed!" for every honest student
    and every test cell with hidden tests. Here that warning is kept for real edits only: a cell
    that is exactly the released one (the source without its hidden block) is restored quietly.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        self._as_released = False
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id is not None:
            try:
                source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id).source
            except MissingEntry:
                source = None
            self._as_released = bool(source and HIDDEN_BEGIN in source
                                     and cell.source.rstrip() == without_hidden_block(source).rstrip())
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and getattr(self, "_as_released", False):
            self.log.debug("Cell %s is as released: its hidden tests are put back (not an edit)", name)
            return
        super().report_change(name, attr, old, new)

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = source_nb.source_cells
        order = [cell.name for cell in source_cells]
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        for grade_id in order:
            present = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells]
            if grade_id not in grade_cells or grade_id in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", grade_id)
            new_cell = self.missing_cell_transform(source_cells[order.index(grade_id)],
                                                   grade_cells[grade_id].max_score,
                                                   is_solution=grade_id in solution_ids)
            new_cell["id"] = uuid.uuid4().hex[:8]
            position = 0
            for earlier in reversed(order[:order.index(grade_id)]):
                if earlier in present:
                    position = present.index(earlier) + 1
                    break
            nb.cells.insert(position, new_cell)
        return nb, resources
