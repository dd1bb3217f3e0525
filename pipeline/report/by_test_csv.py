"""reports/grades_by_test.csv: one row per student, assignment and graded test (nbgrader's grades.csv stays as it is)."""
import csv
import io

from pipeline.report.statistics import outcome_of

COLUMNS = ["student_id", "assignment", "test", "function", "points", "max_points", "mistake"]


def _number(value):
    return ("%.6f" % value).rstrip("0").rstrip(".")


def csv_text(data):
    """The CSV's text for ClassData `data`: every submitted assignment's every graded test, sorted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    by_name = {info.name: info for info in data.assignments}
    for (student, assignment), submission in sorted(data.submissions.items()):
        info = by_name.get(assignment)
        for test in info.tests if info else []:
            label, _ = outcome_of(submission, test)
            writer.writerow([_cell(student), assignment, test.grade_id, test.function,
                             _number(submission.points.get(test.grade_id, 0.0)), _number(test.max_points),
                             _cell(label)])
    return out.getvalue()


def _cell(text):
    """A spreadsheet never runs a student's string as a formula (=, +, -, @ first)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
