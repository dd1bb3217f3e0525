"""The class report: what the class got wrong, per assignment, from the course gradebook (SQLite or PostgreSQL).

write_reports() writes reports/grades_by_test.csv (one row per student, assignment and graded
test) and reports/class_report.html (one self-contained page: score distribution, full marks
per graded function, named mistakes, unrecognized failures with examples, item statistics,
students who need attention). `python -m pipeline report [--anonymous] [--db URL]` runs it on
an existing gradebook; the pipeline runs it after the export.
  data.py reads the gradebook; statistics.py computes; plots.py draws; page.py and
  class_report.html.j2 make the page; by_test_csv.py the CSV; pseudonyms.py the --anonymous ids.
"""
import os

from pipeline.course_settings import course_settings
from pipeline.report.by_test_csv import csv_text
from pipeline.report.data import read_class
from pipeline.report.page import render_page
from pipeline.report.pseudonyms import Pseudonyms, RealNames, course_salt
from pipeline.report.statistics import summarize

REPORTS = "reports"
CSV_NAME, HTML_NAME, ANONYMOUS_HTML_NAME = "grades_by_test.csv", "class_report.html", "class_report_anonymous.html"


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.replace(path + ".tmp", path)


def write_reports(root, db_url=None, anonymous=False, output=None, course_id=None):
    """Write the reports of the course at `root` (gradebook: `db_url`, else nbgrader_config.py's); their paths.

    anonymous: the page shows pseudonyms (pseudonyms.py) and goes to reports/class_report_anonymous.html
    unless `output` says where; the CSV, which names students, is then not written.
    """
    if db_url is None or course_id is None:
        configured, configured_id = course_settings(root)
        db_url, course_id = db_url or configured, course_id or configured_id
    data = read_class(db_url, course_id)
    names = Pseudonyms(course_salt(root), data.students) if anonymous else RealNames()
    html = render_page(data, summarize(data), names, anonymous=anonymous)
    page = output or os.path.join(root, REPORTS, ANONYMOUS_HTML_NAME if anonymous else HTML_NAME)
    written = []
    if not anonymous:
        written.append(os.path.join(root, REPORTS, CSV_NAME))
        _write(written[-1], csv_text(data))
    _write(page, html)
    return written + [page]
