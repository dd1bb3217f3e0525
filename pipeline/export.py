"""Step 5: `nbgrader export` to grades.csv, when a submission was graded since the last export."""
import os

from pipeline.course import say
from pipeline.nbgrader_process import nbgrader
from pipeline.stamps import STAMP


def export(course, stamps):
    """`nbgrader export` to grades.csv, unless it is newer than every grading stamp."""
    target = course.path("grades.csv")
    stamp_files = [os.path.join(course.autograded(*pair), STAMP) for pair in stamps]
    newest = max([os.path.getmtime(p) for p in stamp_files if os.path.exists(p)] or [0])
    if os.path.exists(target) and os.path.getmtime(target) > newest:
        say("export: grades.csv up to date")
        return
    code, log = nbgrader(course, ["export", "--to=%s" % target])
    if code != 0 or not os.path.exists(target) or os.path.getmtime(target) <= newest:
        say("export: nbgrader export failed (exit code %s):\n%s" % (code, log[-2000:]))
    else:
        say("export: grades.csv")
