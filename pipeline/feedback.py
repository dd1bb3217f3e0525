"""Step 4: feedback pages: nbgrader generate_feedback, and a page of our own for a submission that could not be graded.

A page shows what the student submitted and the grader's verdicts, never what the grading run printed
(grader/preprocessors/submitted_outputs.py): its outputs come from the admitted copy in .kit-intake/.

A feedback folder holds the student's page(s) and nbgrader's bookkeeping, nothing else: the course's
exporter keeps nbgrader from copying the helpers there (grader/feedback_page.py), and this step removes
what an older run left (helper copies, data).
"""
import html
import os
import shutil

from grader.feedback_page import BOOKKEEPING
from grader.messages import printable
from grader.page_sanitizer import POLICY_MARK, safe_page
from pipeline.course import say
from pipeline.nbgrader_process import nbgrader
from pipeline.workers import INTAKE_FOLDER


def write_failure_feedback(course, student, assignment, reason):
    """A one-page feedback for a submission that could not be graded (nbgrader makes none)."""
    folder = course.feedback(student, assignment)
    os.makedirs(folder, exist_ok=True)
    name = os.path.splitext(course.notebook(assignment))[0]
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"%s\">"
            "<title>%s: not graded</title></head><body>\n"
            "<h1>%s</h1>\n<p><strong>Your submission could not be graded</strong>, so it scores 0: %s.</p>\n"
            "<p>Fix this and submit again, or ask your instructor.</p>\n</body></html>\n"
            % (POLICY_MARK, html.escape(name), html.escape(name), html.escape(reason)))
    with open(os.path.join(folder, name + ".html"), "w", encoding="utf-8") as handle:
        handle.write(safe_page(page))


def prune_feedback_folder(folder):
    """Remove from a feedback folder everything but its pages and nbgrader's bookkeeping; the names removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if entry.is_file(follow_symlinks=False) and (entry.name.endswith(".html") or entry.name in BOOKKEEPING):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path, ignore_errors=True)
        else:
            os.unlink(entry.path)
        removed.append(entry.name)
    return removed


def generate_feedback(course, stamps):
    """Pages for the graded submissions that have none (nbgrader generate_feedback); every folder pruned."""
    pruned = sum(bool(prune_feedback_folder(course.feedback(*pair))) for pair in stamps)
    if pruned:
        say("feedback: %d folder(s) held more than their pages; the rest was removed" % pruned)
    missing = [pair for pair, stamp in stamps.items() if stamp.get("status") == "graded" and not os.path.exists(
        os.path.join(course.feedback(*pair), os.path.splitext(course.notebook(pair[1]))[0] + ".html"))]
    if not missing:
        say("feedback: up to date")
        return
    say("feedback: nbgrader generate_feedback (%d notebook(s))" % len(missing))
    # the pages show the outputs of the ADMITTED copies (grader/preprocessors/submitted_outputs.py), as the
    # workers' pages do: the same submitted folder as autograde read
    code, log = nbgrader(course, ["generate_feedback", "*", "--CourseDirectory.submitted_directory=" + INTAKE_FOLDER])
    still = [pair for pair in missing if not os.path.exists(
        os.path.join(course.feedback(*pair), os.path.splitext(course.notebook(pair[1]))[0] + ".html"))]
    for student, assignment in still:
        say(printable("  no feedback for %s / %s (nbgrader generate_feedback exit code %s)"
                      % (student, assignment, code)))
