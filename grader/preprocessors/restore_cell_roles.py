"""RestoreCellRoles (sanitize, first): every cell's nbgrader role is reset from the gradebook, by grade_id.

A test cell flipped to `solution: true` is restored instead of failing the notebook with
"Inconsistent checksums"; cells claiming an unknown id lose the role.
"""
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor


class RestoreCellRoles(NbGraderPreprocessor):
    """Reset each cell's nbgrader role from the gradebook, by grade_id (runs before DeduplicateIds).

    A student can edit cell metadata in Jupyter. nbgrader restores the *source* of
    locked cells but fails the whole notebook ("Inconsistent checksums") when the
    role flags changed, e.g. a test cell turned into `solution: true`. Here the
    flags come back from the gradebook first, so the test is restored and scored.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        try:
            with Gradebook(info["db_url"]) as gradebook:
                notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
                points = {c.name: float(c.max_score) for c in notebook.grade_cells}
                solutions = {c.name for c in notebook.solution_cells}
                tasks = {c.name for c in notebook.task_cells}
                locked = {c.name: bool(c.locked) for c in notebook.source_cells}
        except MissingEntry:
            return nb, resources
        for index, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if not isinstance(grade_id, str) or grade_id not in locked:
                # not a cell of the assignment: without a role its nbgrader metadata means nothing, and
                # with one (or a schema_version nbgrader rejects) it would fail the notebook
                if isinstance(meta, dict) and any(meta.get(k) for k in ("grade", "solution", "locked", "task")):
                    self.log.warning("Cell %d claims an nbgrader role with an unknown id %r: role removed",
                                     index, grade_id)
                del cell.metadata["nbgrader"]
                continue
            wanted = {"grade": grade_id in points, "solution": grade_id in solutions,
                      "locked": locked[grade_id], "grade_id": grade_id}
            if grade_id in tasks:
                wanted["task"] = True
            if grade_id in points:
                wanted["points"] = points[grade_id]
            changed = sorted(k for k, v in wanted.items() if k != "points" and bool(meta.get(k, False)) != bool(v))
            if grade_id in points:
                try:
                    if float(meta.get("points")) != points[grade_id]:
                        changed.append("points")
                except (TypeError, ValueError):
                    changed.append("points")
            if changed:
                self.log.warning("Cell %s: nbgrader metadata %s restored from the gradebook",
                                 grade_id, ", ".join(changed))
            restored = {k: v for k, v in meta.items() if k in ("checksum", "cell_type")}
            restored.update(wanted)
            restored["schema_version"] = 3
            cell.metadata["nbgrader"] = restored
        return nb, resources
