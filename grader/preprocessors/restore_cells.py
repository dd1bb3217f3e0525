"""RestoreCells: nbgrader's OverwriteCells whose re-insertion of deleted test cells survives deleted neighbours."""
import uuid

from nbgrader.preprocessors import OverwriteCells


class RestoreCells(OverwriteCells):
    """OverwriteCells whose re-insertion of deleted test cells survives deleted neighbours.

    nbgrader puts a missing test cell after the cell that precedes it in the source,
    and raises KeyError (failing the notebook) when that cell was deleted too. Here it
    goes after the nearest earlier source cell still present (or first), with a cell id.
    """

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
