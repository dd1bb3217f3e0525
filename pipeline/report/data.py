"""The class's grades as the report reads them: a handful of queries on the gradebook, SQLite or PostgreSQL alike.

nbgrader's tables give the assignments, their graded tests with maxima, each submission's
timestamp and each test's score (the manual score when an instructor set one, else the
automatic one: nbgrader's rule); the kit's tables (pipeline/kit_tables.py) add what went wrong
in each test and what the pipeline noticed about each submission.
"""
import os
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import DateTime, Float, Interval, column, create_engine, select, table

from grader.manifest import ASSIGNMENTS
from pipeline.kit_tables import read_rows


# nbgrader's tables, named here so that reading them does not import nbgrader (seconds)
ASSIGNMENT = table("assignment", column("id"), column("name"), column("duedate", DateTime), column("course_id"))
NOTEBOOK = table("notebook", column("id"), column("assignment_id"))
BASE_CELL = table("base_cell", column("id"), column("name"), column("notebook_id"))
GRADE_CELL = table("grade_cells", column("id"), column("max_score", Float))
STUDENT = table("student", column("id"))
SUBMITTED = table("submitted_assignment", column("id"), column("assignment_id"), column("student_id"),
                  column("timestamp", DateTime), column("extension", Interval))
SUBMITTED_NOTEBOOK = table("submitted_notebook", column("id"), column("assignment_id"))
GRADE = table("grade", column("notebook_id"), column("cell_id"), column("auto_score", Float), column("manual_score", Float))


class NoGradebook(SystemExit):
    """There is no gradebook to report on (the message says where it was looked for)."""


@dataclass
class Test:
    grade_id: str
    max_points: float

    @property
    def function(self):
        return self.grade_id[len("test_"):] if self.grade_id.startswith("test_") else self.grade_id


@dataclass
class AssignmentInfo:
    name: str
    duedate: object                      # naive UTC datetime or None
    tests: list = field(default_factory=list)

    @property
    def max_points(self):
        return sum(t.max_points for t in self.tests)


@dataclass
class Submission:
    student: str
    assignment: str
    timestamp: object                    # naive UTC datetime or None
    extension: object                    # timedelta or None
    points: dict = field(default_factory=dict)       # grade_id -> points
    outcomes: dict = field(default_factory=dict)     # grade_id -> (mistake, detail) as the writer recorded them
    notes: list = field(default_factory=list)        # [(kind, text)]

    @property
    def score(self):
        return sum(self.points.values())

    def seconds_late(self, duedate):
        """How late it was handed in (nbgrader's rule: after the due date plus any extension), 0 when not."""
        if duedate is None or self.timestamp is None:
            return 0.0
        return max(0.0, (self.timestamp - (duedate + (self.extension or timedelta(0)))).total_seconds())


@dataclass
class ClassData:
    course_id: str
    assignments: list                    # [AssignmentInfo], in the manifest's order, then by name
    students: list                       # every student id the gradebook knows, sorted
    submissions: dict                    # (student, assignment) -> Submission


def _ordered_tests(name, tests):
    known = ASSIGNMENTS.get(name)
    order = {g.grade_id: i for i, g in enumerate(known.graded)} if known else {}
    return sorted(tests, key=lambda t: (order.get(t.grade_id, len(order)), t.grade_id))


def connect(db_url):
    """An SQLAlchemy engine on an existing gradebook (NoGradebook when a SQLite file is missing)."""
    if db_url.startswith("sqlite:///"):
        path = db_url[len("sqlite:///"):]
        if not os.path.exists(path):
            raise NoGradebook("no gradebook at %s: grade the class first (python3 kit.py grade)" % path)
    return create_engine(db_url)


def read_class(db_url, course_id):
    """The ClassData of `course_id` in the gradebook at `db_url` (six queries)."""
    engine = connect(db_url)
    assignment, notebook, base, grade_cell, student = ASSIGNMENT, NOTEBOOK, BASE_CELL, GRADE_CELL, STUDENT
    submitted, submitted_nb, grade = SUBMITTED, SUBMITTED_NOTEBOOK, GRADE
    try:
        with engine.connect() as connection:
            cells = connection.execute(
                select(assignment.c.name, assignment.c.duedate, base.c.name, grade_cell.c.max_score)
                .select_from(grade_cell.join(base, base.c.id == grade_cell.c.id)
                             .join(notebook, notebook.c.id == base.c.notebook_id)
                             .join(assignment, assignment.c.id == notebook.c.assignment_id))
                .where(assignment.c.course_id == course_id)).all()
            handed_in = connection.execute(
                select(submitted.c.student_id, assignment.c.name, submitted.c.timestamp, submitted.c.extension)
                .select_from(submitted.join(assignment, assignment.c.id == submitted.c.assignment_id))
                .where(assignment.c.course_id == course_id)).all()
            scores = connection.execute(
                select(submitted.c.student_id, assignment.c.name, base.c.name, grade.c.auto_score,
                       grade.c.manual_score)
                .select_from(grade.join(submitted_nb, submitted_nb.c.id == grade.c.notebook_id)
                             .join(submitted, submitted.c.id == submitted_nb.c.assignment_id)
                             .join(assignment, assignment.c.id == submitted.c.assignment_id)
                             .join(base, base.c.id == grade.c.cell_id))
                .where(assignment.c.course_id == course_id)).all()
            students = [row[0] for row in connection.execute(select(student.c.id)).all()]
            outcomes, notes = read_rows(connection, course_id)
    finally:
        engine.dispose()
    infos = {}
    for name, duedate, grade_id, maximum in cells:
        infos.setdefault(name, AssignmentInfo(name, duedate)).tests.append(Test(grade_id, float(maximum or 0)))
    for info in infos.values():
        info.tests = _ordered_tests(info.name, info.tests)
    order = {name: i for i, name in enumerate(ASSIGNMENTS)}
    assignments = sorted(infos.values(), key=lambda a: (order.get(a.name, len(order)), a.name))
    submissions = {(s, a): Submission(s, a, timestamp, extension) for s, a, timestamp, extension in handed_in}
    for s, a, grade_id, auto, manual in scores:
        if (s, a) in submissions:
            submissions[(s, a)].points[grade_id] = float(manual if manual is not None else (auto or 0.0))
    for s, a, grade_id, _points, _maximum, mistake, detail in outcomes:
        if (s, a) in submissions:
            submissions[(s, a)].outcomes[grade_id] = (mistake, detail)
    for s, a, _position, kind, text in sorted(notes, key=lambda n: (n[0], n[1], n[2])):
        if (s, a) in submissions:
            submissions[(s, a)].notes.append((kind, text))
    everyone = sorted(set(students) | {s for s, _ in submissions})
    return ClassData(course_id, assignments, everyone, submissions)
