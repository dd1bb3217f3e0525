"""Step 5: grades.csv, when a submission was graded since the last export.

The file is what `nbgrader export` writes: nbgrader's own CSV export plugin (CsvExportPlugin, the one
`nbgrader export` runs with this course's configuration) on the course's gradebook, run in this
process rather than in a new nbgrader process (whose start-up cost more than the export of a class
of a few hundred), into a temporary file renamed over grades.csv when complete.
"""
import logging
import os

from pipeline.course import say
from pipeline.gradebook import open_gradebook
from pipeline.stamps import STAMP


def write_grades_csv(course, target):
    """grades.csv at `target` from the course's gradebook, by nbgrader's CsvExportPlugin; replaced whole."""
    from nbgrader.plugins import CsvExportPlugin
    quiet = logging.getLogger("kit.export")   # the plugin logs "Exporting grades to ..." and nothing else
    quiet.setLevel(logging.WARNING)
    partial = target + ".tmp"
    try:
        with open_gradebook(course.root) as gradebook:
            CsvExportPlugin(to=partial, log=quiet).export(gradebook)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def export(course, stamps):
    """grades.csv as `nbgrader export` writes it, unless it is newer than every grading stamp."""
    target = course.path("grades.csv")
    stamp_files = [os.path.join(course.autograded(*pair), STAMP) for pair in stamps]
    newest = max([os.path.getmtime(p) for p in stamp_files if os.path.exists(p)] or [0])
    if os.path.exists(target) and os.path.getmtime(target) > newest:
        say("export: grades.csv up to date")
        return
    try:
        write_grades_csv(course, target)
    except Exception as error:   # grades are recorded already: the next run exports again
        say("export: grades.csv could not be written (%s: %s)" % (type(error).__name__, error))
        return
    say("export: grades.csv")
