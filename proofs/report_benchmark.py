"""How long the class report takes for a large class: synthesize a gradebook, then time `write_reports`.

    python -m proofs.report_benchmark [--students 1000] [--db URL]

The gradebook is nbgrader's schema (made by nbgrader itself) with the course's three assignments
as the manifest describes them, filled in bulk with a seeded class: scores that depend on a
student's ability, known mistakes, unrecognized failures with hostile-looking outputs, time
limits, missing, late and not-gradable submissions, restored test cells. `--db` takes an empty
database (e.g. PostgreSQL); the default is a SQLite file in a temporary folder.
"""
import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta

from grader.manifest import ASSIGNMENTS

COURSE_ID = "report-benchmark"
DUE = datetime(2026, 1, 20, 12, 0, 0)
MISTAKES = {a.name: a.samples.mistake for a in ASSIGNMENTS.values() if a.samples}
HOSTILE = ['<script>alert("x")</script> your output', "ValueError: shapes (3,2) and (4,1) not aligned",
           "</pre><img src=x onerror=alert(1)>", "the returned dict is missing dW3"]


def student_ids(count):
    return ["s%05d" % i for i in range(count)]


def _outcome(rng, assignment, function, ability):
    """(passed, label, detail) of one synthetic test."""
    if rng.random() < ability:
        return True, "", ""
    roll = rng.random()
    if roll < 0.45:
        return False, MISTAKES[assignment] if function == _mistaken_function(assignment) else "unrecognized", ""
    if roll < 0.8:
        return False, "unrecognized", rng.choice(HOSTILE)
    if roll < 0.9:
        return False, "time limit", "CellTimeoutError: this cell ran longer than allowed"
    return False, "NameError", "NameError: name 'np' is not defined"


def _mistaken_function(assignment):
    from samples.catalog_entries import catalog_entry
    return catalog_entry(MISTAKES[assignment]).function


def synthesize(db_url, students=1000, seed=0, course_id=COURSE_ID):
    """Fill the empty gradebook at `db_url` with a seeded class of `students`; returns their ids."""
    from nbgrader.api import Gradebook
    from sqlalchemy import insert
    from nbgrader import api
    from pipeline.kit_tables import NOT_GRADED, NOT_GRADED_NOTE, NOTES, OUTCOMES, RESTORED, ensure_tables
    rng, ids = random.Random(seed), student_ids(students)
    scripts = os.path.dirname(sys.executable)   # a new nbgrader gradebook runs `alembic` from this environment
    os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    with Gradebook(db_url, course_id) as gradebook:
        cells = {}
        for assignment in ASSIGNMENTS.values():
            gradebook.update_or_create_assignment(assignment.name, duedate=DUE)
            notebook = os.path.splitext(assignment.notebook)[0]
            gradebook.update_or_create_notebook(notebook, assignment.name)
            for graded in assignment.graded:
                cell = gradebook.update_or_create_grade_cell(graded.grade_id, notebook, assignment.name,
                                                             max_score=graded.points, cell_type="code")
                cells.setdefault(assignment.name, []).append((cell.id, graded))
        notebooks = {a.name: gradebook.find_notebook(os.path.splitext(a.notebook)[0], a.name) for a in
                     ASSIGNMENTS.values()}
        rows = {name: [] for name in ("student", "submitted", "notebook", "grade", "outcome", "note")}
        for student in ids:
            rows["student"].append({"id": student})
            ability = rng.uniform(0.3, 0.98)
            for assignment in ASSIGNMENTS.values():
                if rng.random() < 0.03:
                    continue   # no submission
                sub_id, nb_id = uuid.uuid4().hex, uuid.uuid4().hex
                late = rng.random() < 0.05
                rows["submitted"].append({"id": sub_id, "assignment_id": notebooks[assignment.name].assignment.id,
                                          "student_id": student, "timestamp": DUE + timedelta(
                                              hours=rng.uniform(1, 50) if late else -rng.uniform(1, 100))})
                rows["notebook"].append({"id": nb_id, "assignment_id": sub_id,
                                         "notebook_id": notebooks[assignment.name].id})
                broken = rng.random() < 0.01
                for cell_id, graded in cells[assignment.name]:
                    passed, label, detail = ((False, NOT_GRADED, "the notebook is not valid JSON") if broken else
                                             _outcome(rng, assignment.name, graded.name, ability))
                    points = graded.points if passed else 0.0
                    rows["grade"].append({"id": uuid.uuid4().hex, "notebook_id": nb_id, "cell_id": cell_id,
                                          "auto_score": points, "needs_manual_grade": False})
                    rows["outcome"].append({"course_id": course_id, "student_id": student,
                                            "assignment": assignment.name, "grade_id": graded.grade_id,
                                            "points": points, "max_points": graded.points, "mistake": label,
                                            "detail": detail})
                if broken:
                    rows["note"].append({"course_id": course_id, "student_id": student, "assignment": assignment.name,
                                         "position": 0, "kind": NOT_GRADED_NOTE,
                                         "text": "the notebook is not valid JSON"})
                elif rng.random() < 0.02:
                    rows["note"].append({"course_id": course_id, "student_id": student, "assignment": assignment.name,
                                         "position": 0, "kind": RESTORED, "text": "test cell %s was edited: the "
                                         "original test was restored and graded" % assignment.graded[-1].grade_id})
        ensure_tables(gradebook.db)
        for model, key in ((api.Student, "student"), (api.SubmittedAssignment, "submitted"),
                           (api.SubmittedNotebook, "notebook"), (api.Grade, "grade")):
            gradebook.db.execute(insert(model.__table__), rows[key])
        gradebook.db.execute(insert(OUTCOMES), rows["outcome"])
        if rows["note"]:
            gradebook.db.execute(insert(NOTES), rows["note"])
        gradebook.db.commit()
    return ids


def time_report(root, db_url, course_id=COURSE_ID, anonymous=False):
    """(seconds, paths) of one write_reports on the gradebook at `db_url` (output under `root`)."""
    from pipeline.report import write_reports
    started = time.perf_counter()
    paths = write_reports(root, db_url=db_url, course_id=course_id, anonymous=anonymous)
    return time.perf_counter() - started, paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--db", metavar="URL", help="an empty database to fill (default: SQLite in a temp folder)")
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="kit-report-benchmark-")
    try:
        db_url = args.db or "sqlite:///" + os.path.join(folder, "gradebook.db")
        started = time.perf_counter()
        synthesize(db_url, args.students)
        print("synthesized %d students x %d assignments in %.1f s (%s)"
              % (args.students, len(ASSIGNMENTS), time.perf_counter() - started, db_url.split(":")[0]))
        import pipeline.report  # noqa: F401  (imports are not the report's time)
        for anonymous in (False, True):
            seconds, paths = time_report(folder, db_url, anonymous=anonymous)
            print("class report%s: %.2f s (%s)" % (" --anonymous" if anonymous else "", seconds,
                                                    ", ".join("%s %d kB" % (os.path.basename(p),
                                                                           os.path.getsize(p) // 1024)
                                                              for p in paths)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
