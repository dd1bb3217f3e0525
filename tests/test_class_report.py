"""The class report and grades_by_test.csv on a synthesized gradebook (proofs/report_benchmark.py), checked
against the gradebook read independently (plain SQL here); the error-kind labels; the kit tables' writer."""
import csv
import io
import os
import re
import sqlite3
import statistics
import types

import numpy as np
import pytest
from bs4 import BeautifulSoup

from grader import messages
from grader.verdict import Verdict
from pipeline.kit_tables import NOT_GRADED
from pipeline.outcomes import label_from_verdict_fields, outcome_label
from pipeline.report import write_reports
from pipeline.report.pseudonyms import SALT_FILE, Pseudonyms, course_salt
from proofs.report_benchmark import COURSE_ID, DUE, HOSTILE, synthesize

STUDENTS = 120


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """(folder, db path, student ids, report paths) of a synthesized class and its reports."""
    folder = str(tmp_path_factory.mktemp("report-course"))
    db = os.path.join(folder, "gradebook.db")
    ids = synthesize("sqlite:///" + db, STUDENTS, seed=7)
    paths = write_reports(folder, db_url="sqlite:///" + db, course_id=COURSE_ID)
    return folder, db, ids, paths


def sql_rows(db):
    """[(student, assignment, grade_id, points, max, mistake)] straight from nbgrader's and the kit's tables."""
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "select sa.student_id, a.name, bc.name, coalesce(g.manual_score, g.auto_score, 0), gc.max_score, "
            "k.mistake from grade g join submitted_notebook sn on sn.id = g.notebook_id "
            "join submitted_assignment sa on sa.id = sn.assignment_id join assignment a on a.id = sa.assignment_id "
            "join base_cell bc on bc.id = g.cell_id join grade_cells gc on gc.id = bc.id "
            "left join kit_test_outcome k on k.student_id = sa.student_id and k.assignment = a.name "
            "and k.grade_id = bc.name").fetchall()


def sections(html):
    return {s.find("h2").get_text(): s for s in BeautifulSoup(html, "html.parser").select("section.assignment")}


def table_rows(section, css):
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in section.select(css + " tbody tr")]


def test_grades_by_test_has_one_row_per_student_assignment_and_test(synthetic):
    folder, db, _, paths = synthetic
    with open(os.path.join(folder, "reports", "grades_by_test.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = {(s, a, g): (p, m, "" if p >= m else w) for s, a, g, p, m, w in sql_rows(db)}
    assert len(rows) == len(expected) > STUDENTS
    for row in rows:
        points, maximum, label = expected[(row["student_id"], row["assignment"], row["test"])]
        assert (float(row["points"]), float(row["max_points"]), row["mistake"]) == (points, maximum, label)
    assert {r["mistake"] for r in rows} >= {"", "unrecognized", "time limit", NOT_GRADED}


def test_each_assignment_shows_its_scores_items_and_mistakes(synthetic):
    folder, db, _, paths = synthetic
    with open(paths[-1], encoding="utf-8") as handle:
        found = sections(handle.read())
    rows = sql_rows(db)
    for assignment, section in found.items():
        mine = [r for r in rows if r[1] == assignment]
        students = sorted({r[0] for r in mine})
        tests = sorted({r[2] for r in mine})
        points = {(s, g): p for s, _, g, p, _, _ in mine}
        maximum = {g: m for _, _, g, _, m, _ in mine}
        totals = [sum(points[(s, g)] for g in tests) for s in students]
        summary = section.select_one("p.summary").get_text()
        assert "%d submissions" % len(students) in summary
        mean, median = [float(x) for x in re.findall(r"(?:mean|median) ([\d.]+)", summary)]
        assert mean == pytest.approx(statistics.fmean(totals), abs=0.006)
        assert median == pytest.approx(statistics.median(totals), abs=0.006)
        assert len(section.select("img.plot")) == 2
        for function, _, full, difficulty, discrimination in table_rows(section, "table.items"):
            grade_id = "test_" + function
            item = np.array([points[(s, grade_id)] for s in students])
            rest = np.array(totals) - item
            assert float(full.split()[0]) == pytest.approx(100 * np.mean(item >= maximum[grade_id]), abs=0.51)
            assert float(difficulty) == pytest.approx(item.mean() / maximum[grade_id], abs=0.006)
            assert float(discrimination) == pytest.approx(np.corrcoef(item, rest)[0, 1], abs=0.006)
        counted = {}
        for s, _, g, p, m, label in mine:
            if p < m:
                key = ("(every test)", label) if label == NOT_GRADED else (g[len("test_"):], label)
                counted.setdefault(key, set()).add(s)
        shown = {(function, label): (int(count), students.split(", "))
                 for function, label, _, count, _, students in table_rows(section, "table.problems")}
        assert shown == {key: (len(who), sorted(who)) for key, who in counted.items()}


def test_hostile_outputs_are_shown_as_text_never_as_markup(synthetic):
    folder, db, _, paths = synthetic
    with open(paths[-1], encoding="utf-8") as handle:
        html = handle.read()
    examples = [pre.get_text() for pre in BeautifulSoup(html, "html.parser").select("pre.example")]
    assert set(HOSTILE) & set(examples) == set(HOSTILE)   # each one shown, as the text it is
    assert "<script" not in html and "<img src=x" not in html and "&lt;script&gt;" in html
    for section in sections(html).values():
        unrecognized = [row for row in table_rows(section, "table.problems") if row[2] == "unrecognized"]
        assert 0 < len(section.select("pre.example")) <= 3 * len(unrecognized)


def test_the_page_is_self_contained_under_a_strict_policy(synthetic):
    import base64
    import hashlib
    _, _, _, paths = synthetic
    with open(paths[-1], encoding="utf-8") as handle:
        html = handle.read()
    page = BeautifulSoup(html, "html.parser")
    policy = page.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
    assert "default-src 'none'" in policy and "script-src 'none'" in policy and "img-src data:" in policy
    style = page.find("style").string
    assert "'sha256-%s'" % base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() in policy
    assert not page.find("script") and not page.find(attrs={"style": True})
    for tag in page.find_all(["img", "a", "link"]):
        target = tag.get("src") or tag.get("href") or ""
        assert target.startswith(("data:image/png;base64,", "#")), target


def test_students_who_need_attention(synthetic):
    folder, db, ids, paths = synthetic
    with open(paths[-1], encoding="utf-8") as handle:
        found = sections(handle.read())
    with sqlite3.connect(db) as connection:
        handed_in = connection.execute("select sa.student_id, a.name, sa.timestamp from submitted_assignment sa "
                                       "join assignment a on a.id = sa.assignment_id").fetchall()
        restored = connection.execute("select student_id, assignment from kit_submission_note "
                                      "where kind = 'restored'").fetchall()
    totals = {}
    for s, a, g, p, m, label in sql_rows(db):
        totals[(s, a)] = totals.get((s, a), 0) + p
    for assignment, section in found.items():
        shown = {student: why for student, why in table_rows(section, "table.attention")}
        submitted = {s: stamp for s, a, stamp in handed_in if a == assignment}
        missing = set(ids) - set(submitted)
        late = {s for s, stamp in submitted.items() if stamp > DUE.isoformat(" ")}
        zero = {s for s in submitted if totals[(s, assignment)] == 0}
        assert missing and late
        assert {s for s, why in shown.items() if why == "no submission"} == missing
        assert {s for s, why in shown.items() if "late by" in why} == late
        assert {s for s, why in shown.items() if "zero points" in why} == zero
        assert {s for s, why in shown.items() if "restored after tampering" in why} == {
            s for s, a in restored if a == assignment}


def test_anonymous_pseudonyms_are_stable_keyed_and_hide_every_id(synthetic, tmp_path):
    folder, db, ids, _ = synthetic
    url = "sqlite:///" + db
    first = write_reports(folder, db_url=url, course_id=COURSE_ID, anonymous=True)
    assert [os.path.basename(p) for p in first] == ["class_report_anonymous.html"]   # no CSV: it names students
    with open(first[0], encoding="utf-8") as handle:
        one = handle.read()
    assert oct(os.stat(os.path.join(folder, SALT_FILE)).st_mode & 0o777) == "0o600"
    write_reports(folder, db_url=url, course_id=COURSE_ID, anonymous=True)
    with open(first[0], encoding="utf-8") as handle:
        assert handle.read() == one                                   # same salt, same pseudonyms
    assert not any(re.search(r"\b%s\b" % re.escape(s), one) for s in ids)
    names = set(re.findall(r"student-[0-9a-f]{10}", one))
    assert len(names) > len(ids) * 0.5
    other = str(tmp_path)                                             # another course: another salt
    write_reports(other, db_url=url, course_id=COURSE_ID, anonymous=True)
    with open(os.path.join(other, "reports", "class_report_anonymous.html"), encoding="utf-8") as handle:
        assert not names & set(re.findall(r"student-[0-9a-f]{10}", handle.read()))


def test_pseudonyms_scrub_ids_from_recorded_text(tmp_path):
    names = Pseudonyms(course_salt(str(tmp_path)), ["alice", "bob-2"])
    assert course_salt(str(tmp_path)) == names.salt                  # created once, then read
    text = names.scrub("alice's output differs from bob-2's; alicette is not alice")
    assert "alice'" not in text and "bob-2" not in text and "alicette" in text
    assert text.count(names.name("alice")) == 2


def _verdict(errors=(), failed=(), self_check=None, **extra):
    reason = messages.zero_reason(list(errors), list(failed), self_check)
    return Verdict(grade_id="test_f", function="f", points=2, passed=False, reason=reason, **extra)


def test_error_kinds_from_the_grader_messages():
    timeout = messages.error_output(messages.TIMEOUT_ERROR, messages.timeout_message(60))
    assert label_from_verdict_fields(_verdict([timeout])) == "time limit"
    assert label_from_verdict_fields(_verdict([messages.error_output("MemoryError", "")])) == "memory limit"
    assert label_from_verdict_fields(_verdict([messages.error_output("KeyError", "'W1'")])) == "KeyError"
    raised = messages.CASE_RAISED % (messages.CASE_LABEL % (1, 2, "f"), "ZeroDivisionError")
    hidden = messages.error_output(messages.HIDDEN_FAILURE_ERROR, messages.hidden_summary(1, 2))
    assert label_from_verdict_fields(_verdict([hidden], [raised])) == "ZeroDivisionError"
    failed = messages.CASE_FAILED % (messages.CASE_LABEL % (1, 2, "f"), "dW1 has wrong values")
    assert label_from_verdict_fields(_verdict([hidden], [failed])) == "unrecognized"
    assert label_from_verdict_fields(_verdict([messages.error_output("AssertionError", "")],
                                              self_check="the 1/2 is missing")) == "unrecognized"


def test_a_named_mistake_wins_and_full_marks_have_none():
    verdict = _verdict([messages.error_output("AssertionError", "")])
    named = types.SimpleNamespace(**dict(verdict.__dict__, mistake="Xavier scaling instead of He"))
    assert outcome_label(named, 0, 2) == "Xavier scaling instead of He"
    assert outcome_label(verdict, 2, 2) == "" and outcome_label(None, 0, 2) == "unrecognized"
    hostile = types.SimpleNamespace(**dict(verdict.__dict__, mistake="x" * 500 + "\n<b>"))
    assert len(outcome_label(hostile, 0, 2)) <= 120 and "\n" not in outcome_label(hostile, 0, 2)


def test_a_removed_or_zeroed_submission_takes_its_outcomes_along(tmp_path):
    from nbgrader.api import Gradebook
    from pipeline.gradebook import record_zero, remove_submission
    db = os.path.join(str(tmp_path), "gradebook.db")
    ids = synthesize("sqlite:///" + db, 5, seed=3)
    count = "select count(*) from kit_test_outcome where student_id = ? and assignment = 'initialization'"
    with sqlite3.connect(db) as connection:
        student = next(s for s in ids if connection.execute(count, (s,)).fetchone()[0])
    with Gradebook("sqlite:///" + db, COURSE_ID) as gradebook:
        assert remove_submission(gradebook, "initialization", student)
    with sqlite3.connect(db) as connection:
        assert connection.execute(count, (student,)).fetchone()[0] == 0
    with Gradebook("sqlite:///" + db, COURSE_ID) as gradebook:
        assert record_zero(gradebook, "initialization", student, "the notebook is not valid JSON")[0] == 0
    with sqlite3.connect(db) as connection:
        rows = connection.execute("select mistake, detail, points from kit_test_outcome where student_id = ? and "
                                  "assignment = 'initialization'", (student,)).fetchall()
    assert rows and set(rows) == {(NOT_GRADED, "the notebook is not valid JSON", 0.0)}


def test_report_command_on_a_missing_gradebook_says_so(tmp_path):
    from pipeline.report.data import NoGradebook
    with pytest.raises(NoGradebook, match="grade the class first"):
        write_reports(str(tmp_path), db_url="sqlite:///" + str(tmp_path / "none.db"), course_id=COURSE_ID)
    assert not os.path.exists(str(tmp_path / "none.db"))


def test_csv_cells_never_start_a_formula():
    from pipeline.report.by_test_csv import _cell
    reader = csv.reader(io.StringIO(",".join(_cell(t) for t in ["=1+1", "+x", "-y", "@z", "ok"])))
    assert [c[:1] for c in next(reader)] == ["'", "'", "'", "'", "o"]
