"""The whole pipeline, step after step, on one course folder."""
import os
import threading
import time

from pipeline.autograde import grade
from pipeline.course import Course, course_lock, say, submitted_pairs
from pipeline.export import export
from pipeline.feedback import generate_feedback
from pipeline.gradebook import open_gradebook
from pipeline.kit_tables import sync_notes
from pipeline.release import generate_release
from pipeline.report import write_reports
from pipeline.table import grade_table


def run(root=None, force=False, students=None, jobs=None, unsafe=None, pool=None, executor=None, settings=None):
    """The whole pipeline on what is in submitted/; returns {(student, assignment): stamp}.

    settings: what to grade with (grader/settings.py, this process's by default); jobs, unsafe
    (grade without the sandbox: trusted notebooks only) and executor ("fork" or "kernel") override
    its fields. pool: where submissions are graded (default: local worker processes; or a
    pipeline.dask_pool.DaskPool).
    """
    course = Course(root)
    started = time.monotonic()
    with course_lock(course):
        generate_release(course)
        pairs = submitted_pairs(course, students)
        stamps = grade(course, pairs, force=force, jobs=jobs, pool=pool, unsafe=unsafe, executor=executor,
                       settings=settings)
        exporting = threading.Thread(target=export, args=(course, stamps))  # two nbgrader start-ups at once
        exporting.start()
        try:
            generate_feedback(course, stamps)
        finally:
            exporting.join()
        report(course, stamps)
        table, notes = grade_table(course, stamps)
    say()
    say(table)
    if notes:
        say()
        say("Notes:")
        for note in notes:
            say("  " + note)
    say()
    say("done in %.0f s (feedback in feedback/, grades in grades.csv, reports in reports/)"
        % (time.monotonic() - started))
    return stamps


def report(course, stamps):
    """Keep the stamps' notes in the gradebook, then write reports/; a failure here is said, never fatal."""
    try:
        with open_gradebook(course.root) as gradebook:
            sync_notes(gradebook, stamps)
        started = time.monotonic()
        written = write_reports(course.root)
        say("report: %s (%.1f s)" % (", ".join(os.path.relpath(p, course.root) for p in written),
                                     time.monotonic() - started))
    except Exception as error:  # grades are recorded already: a report problem must not fail the run
        say("report: could not be written (%s: %s)" % (type(error).__name__, error))
