"""Grades as data: what a worker grades into a scratch gradebook, carried to the one process that writes the course's.

Workers never open the course gradebook. The writer reads an assignment's structure
(notebooks, graded/solution/task/source cells with checksums, due date) once and
sends it with the tasks; a worker rebuilds it in a private SQLite gradebook, lets
nbgrader autograde into that, and sends back a `SubmissionGrades`. The writer applies
it to the course gradebook (SQLite or PostgreSQL) with nbgrader's own API, so the rows
are what `nbgrader autograde` would have written there, and writes each graded test's
outcome (what went wrong, from the grader's verdicts) into the kit's table beside them
(pipeline/kit_tables.py), in the same transaction.
"""
import os
import warnings
from dataclasses import dataclass, field
from datetime import datetime

from pipeline.kit_tables import write_outcomes
from pipeline.outcomes import submission_outcomes

GRADE_COLUMNS = ("auto_score", "manual_score", "extra_credit", "needs_manual_grade")
COMMENT_COLUMNS = ("auto_comment", "manual_comment")
NOTEBOOK_COLUMNS = ("late_submission_penalty", "flagged")


@dataclass
class SubmissionGrades:
    """One submission's rows as nbgrader's autograde left them in a scratch gradebook."""
    student: str
    assignment: str
    timestamp: datetime | None = None
    notebooks: dict = field(default_factory=dict)   # notebook -> {"grades": {cell: {col: value}}, "comments": ..., col: value}
    outcomes: list = field(default_factory=list)    # per graded test: grade_id, points, max_points, mistake, detail


def assignment_structure(gradebook, assignment):
    """A plain-data copy of what generate_assignment recorded for `assignment`."""
    record = gradebook.find_assignment(assignment)
    notebooks = []
    for notebook in record.notebooks:
        notebooks.append({
            "name": notebook.name,
            "grade_cells": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type}
                            for c in notebook.grade_cells],
            "solution_cells": [c.name for c in notebook.solution_cells],
            "task_cells": [{"name": c.name, "max_score": c.max_score, "cell_type": c.cell_type}
                           for c in notebook.task_cells],
            "source_cells": [{"name": c.name, "cell_type": c.cell_type, "locked": c.locked, "source": c.source,
                              "checksum": c.checksum} for c in notebook.source_cells],
        })
    return {"name": record.name, "duedate": record.duedate.isoformat() if record.duedate else None,
            "notebooks": notebooks}


def build_structure(gradebook, structure):
    """Recreate an assignment_structure() in another (scratch) gradebook."""
    name = structure["name"]
    extra = {"duedate": structure["duedate"]} if structure["duedate"] else {}
    gradebook.update_or_create_assignment(name, **extra)
    for notebook in structure["notebooks"]:
        gradebook.update_or_create_notebook(notebook["name"], name)
        for cell in notebook["grade_cells"]:
            gradebook.update_or_create_grade_cell(cell["name"], notebook["name"], name, max_score=cell["max_score"],
                                                  cell_type=cell["cell_type"])
        for cell in notebook["solution_cells"]:
            gradebook.update_or_create_solution_cell(cell, notebook["name"], name)
        for cell in notebook["task_cells"]:
            gradebook.update_or_create_task_cell(cell["name"], notebook["name"], name, max_score=cell["max_score"],
                                                 cell_type=cell["cell_type"])
        for cell in notebook["source_cells"]:
            gradebook.update_or_create_source_cell(cell["name"], notebook["name"], name, cell_type=cell["cell_type"],
                                                   locked=cell["locked"], source=cell["source"],
                                                   checksum=cell["checksum"])


def read_submission(gradebook, assignment, student, course_root=None):
    """The SubmissionGrades of a graded submission in `gradebook` (a scratch one), with its tests' outcomes.

    course_root: the course folder whose autograded/ the grading process wrote the verdicts to
    (default: the working folder, where every grading worker runs: pipeline/workers.py, dask_pool.py).
    """
    submission = gradebook.find_submission(assignment, student)
    grades = SubmissionGrades(student, assignment, submission.timestamp)
    scores = {}
    for notebook in submission.notebooks:
        grades.notebooks[notebook.name] = {
            "grades": {g.name: {c: getattr(g, c) for c in GRADE_COLUMNS} for g in notebook.grades},
            "comments": {c.name: {k: getattr(c, k) for k in COMMENT_COLUMNS} for c in notebook.comments},
            **{c: getattr(notebook, c) for c in NOTEBOOK_COLUMNS},
        }
        scores[notebook.name] = {g.name: (float(g.score), float(g.max_score)) for g in notebook.grades}
    folder = os.path.join(course_root or os.getcwd(), "autograded", student, assignment)
    grades.outcomes = submission_outcomes(folder, scores)
    return grades


def _update_cells(gradebook, model, notebook_id, wanted):
    """Set the columns `wanted` gives ({cell name: {column: value}}) on the rows of `model` (nbgrader's Grade or
    Comment) of one submitted notebook: one query for their cells' names, one UPDATE for the rows (no ORM object
    is loaded; the caller's commit expires the session's copies)."""
    from nbgrader.api import BaseCell
    from sqlalchemy import bindparam, update
    rows = gradebook.db.query(model.id, BaseCell.name).join(BaseCell, model.cell_id == BaseCell.id).filter(
        model.notebook_id == notebook_id).all() if wanted else []
    by_columns = {}
    for row_id, name in rows:
        if wanted.get(name):
            by_columns.setdefault(tuple(sorted(wanted[name])), []).append(dict(wanted[name], row_id=row_id))
    table = model.__table__
    for columns, values in by_columns.items():
        statement = update(table).where(table.c.id == bindparam("row_id")).values(
            **{column: bindparam(column) for column in columns})
        gradebook.db.connection().execute(statement, values)


def write_submission(gradebook, grades):
    """Apply SubmissionGrades to the course gradebook (replacing an earlier grading of that submission), in the
    rows nbgrader's own update_or_create_submission makes."""
    from nbgrader.api import Comment, Grade
    gradebook.update_or_create_student(grades.student)
    extra = {"timestamp": grades.timestamp} if grades.timestamp else {}
    with warnings.catch_warnings():  # nbgrader's own SQLAlchemy warnings about its session
        warnings.simplefilter("ignore")
        submission = gradebook.update_or_create_submission(grades.assignment, grades.student, **extra)
    for notebook in submission.notebooks:
        wanted = grades.notebooks.get(notebook.name, {})
        for column in NOTEBOOK_COLUMNS:
            if column in wanted:
                setattr(notebook, column, wanted[column])
        _update_cells(gradebook, Grade, notebook.id, {n: {c: v for c, v in columns.items() if c in GRADE_COLUMNS}
                                                      for n, columns in wanted.get("grades", {}).items()})
        _update_cells(gradebook, Comment, notebook.id, {n: {c: v for c, v in columns.items() if c in COMMENT_COLUMNS}
                                                        for n, columns in wanted.get("comments", {}).items()})
    write_outcomes(gradebook, grades.assignment, grades.student, grades.outcomes)
    gradebook.db.commit()
