"""RestoreCellRoles (sanitize, after OneGradedCopy): every cell's nbgrader role is reset from the gradebook, by grade_id.

A test cell flipped to `solution: true` is restored instead of failing the notebook with
"Inconsistent checksums"; cells claiming an unknown id lose the role. The roles as released come
from one_graded_copy.released_from_gradebook, the description OneGradedCopy works from too.
"""
from nbgrader.preprocessors import NbGraderPreprocessor

from grader.preprocessors.one_graded_copy import grade_id_of, released_from_gradebook

ROLES = ("grade", "solution", "locked", "task")


class RestoreCellRoles(NbGraderPreprocessor):
    """Reset each cell's nbgrader role from the gradebook, by grade_id (runs before DeduplicateIds).

    A student can edit cell metadata in Jupyter. nbgrader restores the *source* of
    locked cells but fails the whole notebook ("Inconsistent checksums") when the
    role flags changed, e.g. a test cell turned into `solution: true`. Here the
    flags come back from the gradebook first, so the test is restored and scored.
    """

    def preprocess(self, nb, resources):
        released = released_from_gradebook(resources)
        if released is None:
            return nb, resources
        for index, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            grade_id = grade_id_of(cell)
            if grade_id not in released:
                # not a cell of the assignment: without a role its nbgrader metadata means nothing, and
                # with one (or a schema_version nbgrader rejects) it would fail the notebook
                if isinstance(meta, dict) and any(meta.get(k) for k in ROLES):
                    self.log.warning("Cell %d claims an nbgrader role with an unknown id %r: role removed",
                                     index, grade_id)
                del cell.metadata["nbgrader"]
                continue
            wanted = released[grade_id]["metadata"]
            changed = [k for k in ROLES if bool(meta.get(k, False)) != bool(wanted.get(k, False))]
            if "points" in wanted:
                try:
                    if float(meta.get("points")) != wanted["points"]:
                        changed.append("points")
                except (TypeError, ValueError):
                    changed.append("points")
            if changed:
                self.log.warning("Cell %s: nbgrader metadata %s restored from the gradebook",
                                 grade_id, ", ".join(changed))
            restored = {k: v for k, v in meta.items() if k in ("checksum", "cell_type")}
            restored.update(wanted)
            cell.metadata["nbgrader"] = restored
        return nb, resources
