"""The kit's own tables in the course gradebook: each graded test's outcome, and each submission's notes.

nbgrader's schema has a score per test cell but nothing on why a test scored 0. These two
tables sit beside nbgrader's in the same database (SQLite or PostgreSQL), are written only by
the pipeline's one writer (pipeline/grade_records.py, pipeline/gradebook.py) and are removed
with a submission's grade before it is graded again:
- kit_test_outcome: per (course, student, assignment, graded test) the points, the maximum,
  what went wrong (a known mistake's name, "unrecognized", an error kind, "not graded"; ""
  for full marks) and a bounded detail of what the judge recorded;
- kit_submission_note: per submission what the pipeline noticed (a test cell restored after
  tampering, why it could not be graded, other intake notes).
"""
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, and_, delete, insert, or_, select

KIT_METADATA = MetaData()
OUTCOMES = Table(
    "kit_test_outcome", KIT_METADATA,
    Column("course_id", String(128), primary_key=True),
    Column("student_id", String(128), primary_key=True),
    Column("assignment", String(128), primary_key=True),
    Column("grade_id", String(128), primary_key=True),
    Column("points", Float, nullable=False),
    Column("max_points", Float, nullable=False),
    Column("mistake", String(200), nullable=False, default=""),
    Column("detail", Text, nullable=False, default=""),
)
NOTES = Table(
    "kit_submission_note", KIT_METADATA,
    Column("course_id", String(128), primary_key=True),
    Column("student_id", String(128), primary_key=True),
    Column("assignment", String(128), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("text", Text, nullable=False),
)
NOT_GRADED = "not graded"      # the label of every test of a submission that could not be graded
RESTORED, NOT_GRADED_NOTE, OTHER_NOTE = "restored", "not graded", "note"
MAX_DETAIL = 2000


def ensure_tables(session):
    """Create the kit tables in the session's database when missing, inside its transaction (so a rollback
    takes them back too, and the next call creates them again)."""
    KIT_METADATA.create_all(session.connection(), checkfirst=True)


def _submission(table, course_id, student, assignment):
    return and_(table.c.course_id == course_id, table.c.student_id == student, table.c.assignment == assignment)


def remove_submission_rows(gradebook, assignment, student):
    """Delete a submission's outcomes and notes (not committed: the caller commits with the grade)."""
    ensure_tables(gradebook.db)
    for table in (OUTCOMES, NOTES):
        gradebook.db.execute(delete(table).where(_submission(table, gradebook.course_id, student, assignment)))


def write_outcomes(gradebook, assignment, student, outcomes):
    """Replace a submission's test outcomes; `outcomes` are dicts with grade_id, points, max_points, mistake, detail."""
    ensure_tables(gradebook.db)
    gradebook.db.execute(delete(OUTCOMES).where(_submission(OUTCOMES, gradebook.course_id, student, assignment)))
    rows = [{"course_id": gradebook.course_id, "student_id": student, "assignment": assignment,
             "grade_id": o["grade_id"], "points": float(o["points"]), "max_points": float(o["max_points"]),
             "mistake": str(o.get("mistake") or "")[:200], "detail": str(o.get("detail") or "")[:MAX_DETAIL]}
            for o in outcomes]
    if rows:
        gradebook.db.execute(insert(OUTCOMES), rows)


def note_kind(text):
    """A stamp note's kind: the prechecks say "restored" when nbgrader puts back a tampered test cell."""
    return RESTORED if "restored" in text else OTHER_NOTE


def stamp_notes(stamp):
    """[(kind, text)] the kit keeps of a grading stamp (pipeline/stamps.py): its notes, and why it was a zero."""
    notes = [(note_kind(str(text)), str(text)) for text in stamp.get("notes", [])]
    if stamp.get("status") == "failed":
        notes.append((NOT_GRADED_NOTE, str(stamp.get("reason") or "")))
    return notes


def sync_notes(gradebook, stamps):
    """Make kit_submission_note hold the notes of `stamps` ({(student, assignment): stamp}); rewrites only changes."""
    ensure_tables(gradebook.db)
    stored = {}
    for row in gradebook.db.execute(select(NOTES).where(NOTES.c.course_id == gradebook.course_id)
                                    .order_by(NOTES.c.position)):
        stored.setdefault((row.student_id, row.assignment), []).append((row.kind, row.text))
    changed = {pair: stamp_notes(stamp) for pair, stamp in stamps.items()}
    changed = {pair: notes for pair, notes in changed.items() if stored.get(pair, []) != notes}
    if not changed:
        return 0
    pairs = sorted(changed)
    for start in range(0, len(pairs), 200):
        chunk = pairs[start:start + 200]
        gradebook.db.execute(delete(NOTES).where(and_(NOTES.c.course_id == gradebook.course_id, or_(
            *[and_(NOTES.c.student_id == s, NOTES.c.assignment == a) for s, a in chunk]))))
    rows = [{"course_id": gradebook.course_id, "student_id": s, "assignment": a, "position": i, "kind": kind,
             "text": text[:MAX_DETAIL]} for (s, a) in pairs for i, (kind, text) in enumerate(changed[(s, a)])]
    if rows:
        gradebook.db.execute(insert(NOTES), rows)
    gradebook.db.commit()
    return len(pairs)


def read_rows(connection, course_id):
    """(outcome rows, note rows) of a course, as tuples; ([], []) for a gradebook without kit tables."""
    from sqlalchemy import inspect
    names = set(inspect(connection).get_table_names())
    if OUTCOMES.name not in names:
        return [], []
    outcomes = connection.execute(select(OUTCOMES.c.student_id, OUTCOMES.c.assignment, OUTCOMES.c.grade_id,
                                         OUTCOMES.c.points, OUTCOMES.c.max_points, OUTCOMES.c.mistake,
                                         OUTCOMES.c.detail).where(OUTCOMES.c.course_id == course_id)).all()
    notes = connection.execute(select(NOTES.c.student_id, NOTES.c.assignment, NOTES.c.position, NOTES.c.kind,
                                      NOTES.c.text).where(NOTES.c.course_id == course_id)).all()
    return [tuple(r) for r in outcomes], [tuple(r) for r in notes]
