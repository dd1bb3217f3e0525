"""The class report of the graded sample class (tests/graded_course.py: samples/ students and bad inputs through the
real pipeline): its counts equal what samples/ built, derived here by rebuilding the students' notebooks."""
import csv
import os
import subprocess
import sys

import pytest
from bs4 import BeautifulSoup

from graded_course import course_env, gradebook_dump
from grader.manifest import ASSIGNMENTS
from grader.verdict import read_verdicts
from pipeline.kit_tables import NOT_GRADED
from samples.catalog_entries import catalog_entry
from samples import notebook_edits as edits
from samples.students import BAD_INPUTS, SAMPLE_STUDENTS

pytestmark = pytest.mark.e2e


def built(course):
    """{(student, assignment): what samples/ wrote (a notebook, text or None)} for every submission in `course`."""
    out = {}
    for student in sorted(os.listdir(os.path.join(course, "submitted"))):
        for assignment in sorted(os.listdir(os.path.join(course, "submitted", student))):
            release = edits.read_release(assignment)
            if student in SAMPLE_STUDENTS:
                out[(student, assignment)] = SAMPLE_STUDENTS[student](assignment, release)
            else:
                out[(student, assignment)] = BAD_INPUTS[student][1](release)
    return out


def altered_functions(notebook, assignment):
    """Graded functions whose solution cell differs from the reference-filled release (what the student changed)."""
    correct = edits.fill_all(edits.read_release(assignment), assignment)
    return {f for f in ASSIGNMENTS[assignment].functions
            if edits.function_cell(notebook, f).source != edits.function_cell(correct, f).source}


def tampered_tests(notebook, assignment):
    """Test cells that are not as released (edited, deleted or with other nbgrader metadata)."""
    release = edits.read_release(assignment)
    changed = []
    for function in ASSIGNMENTS[assignment].functions:
        try:
            mine = edits.test_cell(notebook, function)
        except edits.SubmissionError:
            changed.append(function)
            continue
        original = edits.test_cell(release, function)
        if mine.source != original.source or mine.metadata.get("nbgrader") != original.metadata.get("nbgrader"):
            changed.append(function)
    return changed


def submits(notebook, entry_id):
    """Whether `notebook` holds catalog entry `entry_id`'s code in its function's cell."""
    entry = catalog_entry(entry_id)
    assignment = next(a for a in ASSIGNMENTS if entry.function in ASSIGNMENTS[a].functions)
    wanted = edits.apply_catalog_entry(edits.fill_all(edits.read_release(assignment), assignment), entry)
    return edits.function_cell(notebook, entry.function).source == edits.function_cell(wanted, entry.function).source


@pytest.fixture(scope="module")
def report(graded_course):
    with open(os.path.join(graded_course, "reports", "class_report.html"), encoding="utf-8") as handle:
        html = handle.read()
    page = BeautifulSoup(html, "html.parser")
    found = {}
    for section in page.select("section.assignment"):
        rows = lambda css: [[td.get_text(" ", strip=True) for td in tr.find_all("td")]  # noqa: E731
                            for tr in section.select(css + " tbody tr")]
        found[section.find("h2").get_text()] = {
            "problems": {(r[0], r[1]): (int(r[3]), r[5].split(", ")) for r in rows("table.problems")},
            "attention": {r[0]: r[1] for r in rows("table.attention")},
            "plots": len(section.select("img.plot"))}
    return html, found


@pytest.fixture(scope="module")
def by_test(graded_course):
    with open(os.path.join(graded_course, "reports", "grades_by_test.csv"), newline="") as handle:
        return {(r["student_id"], r["assignment"], r["test"]): r for r in csv.DictReader(handle)}


def test_per_test_rows_equal_the_gradebook(graded_course, by_test):
    dump = gradebook_dump(graded_course)
    expected = {(s, a, g): (p[0], p[1]) for s in dump for a in dump[s] for g, p in dump[s][a]["parts"].items()}
    assert set(by_test) == set(expected)
    for key, row in by_test.items():
        assert (float(row["points"]), float(row["max_points"])) == expected[key]
        assert (row["mistake"] == "") == (expected[key][0] == expected[key][1])


def test_error_kinds_and_ungradable_submissions_come_from_what_samples_built(graded_course, by_test):
    submissions = built(graded_course)
    looping = set()
    for (student, assignment), content in submissions.items():
        rows = {k[2]: r["mistake"] for k, r in by_test.items() if k[:2] == (student, assignment)}
        assert rows, (student, assignment)
        if not hasattr(content, "cells"):        # broken JSON, no notebook: nothing could be graded
            assert set(rows.values()) == {NOT_GRADED}
            continue
        loops = {"test_" + f for f in altered_functions(content, assignment)
                 if "while True" in edits.function_cell(content, f).source}
        looping |= {(student, g) for g in loops}
        assert {g for g, label in rows.items() if label == "time limit"} == loops, (student, assignment)
        assert NOT_GRADED not in rows.values()
    assert looping   # the sample class has an endless loop


def test_every_failure_is_labelled_as_its_verdict_says(graded_course, by_test):
    from pipeline.outcomes import outcome_label
    for (student, assignment, grade_id), row in by_test.items():
        if row["mistake"] == NOT_GRADED:
            continue
        folder = os.path.join(graded_course, "autograded", student, assignment)
        verdict = {v.grade_id: v for v in read_verdicts(folder, ASSIGNMENTS[assignment].notebook)}[grade_id]
        assert row["mistake"] == outcome_label(verdict, float(row["points"]), float(row["max_points"]))


def test_students_who_need_attention_are_those_samples_built(graded_course, report):
    _, found = report
    submissions = built(graded_course)
    dump = gradebook_dump(graded_course)
    students = sorted(dump)
    for assignment, section in found.items():
        assert section["plots"] == 2
        attention = section["attention"]
        for student in students:
            why = attention.get(student, "")
            content = submissions.get((student, assignment), "absent")
            if content == "absent":
                assert why == "no submission"
                continue
            assert ("zero points" in why) == (dump[student][assignment]["score"] == 0), (student, why)
            tampered = hasattr(content, "cells") and tampered_tests(content, assignment)
            assert ("restored after tampering" in why) == bool(tampered), (student, assignment, why)
            for function in tampered or []:
                assert "test_" + function in why
            assert "late by" not in why                       # the samples hand in before any due date


def test_named_mistake_counts_equal_the_students_who_submit_them(graded_course, report):
    """E.g. the Xavier-scaling mistake in initialization: every sample student who submits it, and no other."""
    _, found = report
    submissions = built(graded_course)
    entries = {e for a in ASSIGNMENTS.values() if a.samples
               for e in (a.samples.mistake, a.samples.deleted_test_mistake) if e}
    checked = 0
    for entry in sorted(entries):
        function = catalog_entry(entry).function
        assignment = next(a for a in ASSIGNMENTS if function in ASSIGNMENTS[a].functions)
        who = sorted(s for (s, a), c in submissions.items() if a == assignment and hasattr(c, "cells")
                     and submits(c, entry))
        assert who, entry
        verdicts = [{v.grade_id: v for v in read_verdicts(os.path.join(graded_course, "autograded", s, assignment),
                                                          ASSIGNMENTS[assignment].notebook)}["test_" + function]
                    for s in who]
        if not all(hasattr(v, "mistake") for v in verdicts):
            pytest.skip("the verdicts name no mistake yet (Verdict.mistake, the judge's part of issue 20)")
        labels = {v.mistake for v in verdicts}
        assert len(labels) == 1 and labels.pop() not in ("", "unrecognized"), (entry, labels)
        count, students = found[assignment]["problems"][(function, verdicts[0].mistake)]
        assert (count, students) == (len(who), who), entry
        checked += 1
    assert checked == len(entries)


def test_the_report_command_rewrites_the_same_page_and_an_anonymous_one(graded_course, report, tmp_path):
    html, _ = report
    out = str(tmp_path / "again.html")
    anonymous = str(tmp_path / "anonymous.html")
    for extra in (["--output", out], ["--anonymous", "--output", anonymous]):
        result = subprocess.run([sys.executable, "-m", "pipeline", "report"] + extra, cwd=graded_course,
                                env=course_env(graded_course), capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    with open(out, encoding="utf-8") as handle:
        assert handle.read() == html
    with open(anonymous, encoding="utf-8") as handle:
        page = BeautifulSoup(handle.read(), "html.parser")
    shown = {td.get_text() for td in page.select("table.attention tbody tr td:first-child")}
    shown |= {s for td in page.select("table.problems tbody tr td:last-child") for s in td.get_text().split(", ")}
    assert shown and all(name.startswith("student-") for name in shown)
    assert not shown & set(gradebook_dump(graded_course))
