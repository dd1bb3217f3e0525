"""Step 4: feedback pages: nbgrader generate_feedback, and a page of our own for a submission that could not be graded."""
import html
import os

from pipeline.course import say
from pipeline.nbgrader_process import nbgrader


def write_failure_feedback(course, student, assignment, reason):
    """A one-page feedback for a submission that could not be graded (nbgrader makes none)."""
    folder = course.feedback(student, assignment)
    os.makedirs(folder, exist_ok=True)
    name = os.path.splitext(course.notebook(assignment))[0]
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s: not graded</title></head><body>\n"
            "<h1>%s</h1>\n<p><strong>Your submission could not be graded</strong>, so it scores 0: %s.</p>\n"
            "<p>Fix this and submit again, or ask your instructor.</p>\n</body></html>\n"
            % (html.escape(name), html.escape(name), html.escape(reason)))
    with open(os.path.join(folder, name + ".html"), "w", encoding="utf-8") as handle:
        handle.write(page)


def generate_feedback(course, stamps):
    missing = [pair for pair, stamp in stamps.items() if stamp.get("status") == "graded" and not os.path.exists(
        os.path.join(course.feedback(*pair), os.path.splitext(course.notebook(pair[1]))[0] + ".html"))]
    if not missing:
        say("feedback: up to date")
        return
    say("feedback: nbgrader generate_feedback (%d notebook(s))" % len(missing))
    code, log = nbgrader(course, ["generate_feedback", "*"])
    still = [pair for pair in missing if not os.path.exists(
        os.path.join(course.feedback(*pair), os.path.splitext(course.notebook(pair[1]))[0] + ".html"))]
    for student, assignment in still:
        say("  no feedback for %s / %s (nbgrader generate_feedback exit code %s)" % (student, assignment, code))
