"""The pipeline's view of nbgrader's gradebook: read scores, drop a stale submission, record a zero.

The database URL and course id come from nbgrader_config.py itself (pipeline/course_settings.py),
so NBGRADER_DB_URL and any other setting there apply here too.
"""
import os
import sys
import warnings

from nbgrader.api import Gradebook, MissingEntry

from pipeline.course_settings import course_settings  # noqa: F401  (callers import it from here too)
from pipeline.kit_tables import NOT_GRADED, remove_submission_rows, write_outcomes


def open_gradebook(root=None, db_url=None):
    """nbgrader's Gradebook of the course (a new database runs `alembic`, so this venv's bin/ goes on PATH);
    db_url: another database than the one nbgrader_config.py names."""
    scripts = os.path.dirname(sys.executable)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([scripts, os.environ.get("PATH", "")])
    configured, course_id = course_settings(root)
    return Gradebook(db_url or configured, course_id)


def submission_score(gradebook, assignment, student):
    """(score, max_score) of a submission, or None when the gradebook has none."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return None
    return float(submission.score), float(submission.max_score)


def part_scores(gradebook, assignment, student):
    """{grade_id: (score, max_score)} of a submission's graded cells (empty when there is none)."""
    try:
        submission = gradebook.find_submission(assignment, student)
    except MissingEntry:
        return {}
    return {grade.name: (float(grade.score), float(grade.max_score))
            for notebook in submission.notebooks for grade in notebook.grades}


def remove_submission(gradebook, assignment, student):
    """Forget a submission's grades and the kit's rows of it (so a failed re-grade can never leave the old
    score or outcome behind)."""
    remove_submission_rows(gradebook, assignment, student)
    try:
        gradebook.remove_submission(assignment, student)  # commits the kit rows' removal too
        return True
    except MissingEntry:
        gradebook.db.commit()
        return False


def record_zero(gradebook, assignment, student, reason, timestamp=None):
    """A submission with every graded part at 0 (not awaiting manual grading) and `reason` as comment; each
    graded test's outcome says "not graded" with the reason."""
    gradebook.update_or_create_student(student)
    kwargs = {"timestamp": timestamp} if timestamp else {}
    with warnings.catch_warnings():  # nbgrader's own SQLAlchemy warnings about its session
        warnings.simplefilter("ignore")
        submission = gradebook.update_or_create_submission(assignment, student, **kwargs)
    outcomes = []
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            grade.auto_score = 0.0
            grade.manual_score = None
            grade.needs_manual_grade = False
            outcomes.append({"grade_id": grade.name, "points": 0.0, "max_points": float(grade.max_score),
                             "mistake": NOT_GRADED, "detail": reason})
        for index, comment in enumerate(notebook.comments):
            comment.manual_comment = "Not graded: %s" % reason if index == 0 else comment.manual_comment
    write_outcomes(gradebook, assignment, student, outcomes)
    gradebook.db.commit()
    return submission_score(gradebook, assignment, student)


def all_scores(gradebook):
    """{(student, assignment): (score, max_score)} of every submission, and {assignment: max_score}."""
    scores, maxima = {}, {}
    for assignment in gradebook.assignments:
        maxima[assignment.name] = float(assignment.max_score)
        for submission in assignment.submissions:
            scores[(submission.student_id, assignment.name)] = (float(submission.score),
                                                                float(submission.max_score))
    return scores, maxima
