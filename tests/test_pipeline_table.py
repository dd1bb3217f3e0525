"""The instructor pipeline on a throwaway copy of the course: the sample students' grade table."""
import csv
import os
import re

import pytest

from grader.manifest import ASSIGNMENTS, ROOT
from graded_course import SAMPLES, expected_sample_scores, gradebook_dump, pipeline_output

pytestmark = pytest.mark.e2e  # runs nbgrader, a kernel or a training


# ----------------------------------------------------------------------------- tests
def test_sample_students_score_as_designed(graded_course):
    dump = gradebook_dump(graded_course)
    for student, scores in expected_sample_scores().items():
        for assignment, expected in scores.items():
            got = dump[student][assignment]
            assert got["score"] == pytest.approx(expected), (student, assignment, got["parts"])
            assert not any(needs for _, _, needs in got["parts"].values()), (student, assignment)


def test_pipeline_prints_progress_and_the_grade_table(graded_course):
    output = pipeline_output(graded_course)
    assert re.search(r"\[\d+/\d+\] correct / initialization: 10?[\d.]* / [\d.]+ \(", output), output[:3000]
    table = output[output.index("student "):].split("\n\n")[0]
    header = table.splitlines()[0].split()
    assert header == ["student"] + list(ASSIGNMENTS) + ["total"]
    expected = expected_sample_scores()
    maxima = expected["correct"]
    rows = {line.split()[0]: line for line in table.splitlines()[2:] if line.strip()}
    for student in SAMPLES:
        fmt = lambda v: ("%.2f" % v).rstrip("0").rstrip(".")  # noqa: E731
        for assignment in ASSIGNMENTS:
            assert "%s / %s" % (fmt(expected[student][assignment]), fmt(maxima[assignment])) in rows[student]
        total = sum(expected[student].values())
        assert rows[student].rstrip().endswith("%s / %s" % (fmt(total), fmt(sum(maxima.values()))))


def test_grades_csv_is_nbgraders_export_of_the_gradebook(graded_course):
    dump = gradebook_dump(graded_course)
    with open(os.path.join(graded_course, "grades.csv")) as handle:
        rows = list(csv.DictReader(handle))
    exported = {(r["student_id"], r["assignment"]): float(r["score"]) for r in rows}
    in_gradebook = {(s, a): v["score"] for s, d in dump.items() for a, v in d.items()}
    assert {pair: exported[pair] for pair in in_gradebook} == pytest.approx(in_gradebook)
    assert all(score == 0 for pair, score in exported.items() if pair not in in_gradebook)  # not submitted
    assert exported[("correct", "initialization")] > 0


def test_feedback_for_every_submission(graded_course):
    for student in SAMPLES:
        for assignment, spec in ASSIGNMENTS.items():
            name = os.path.splitext(spec.notebook)[0] + ".html"
            assert os.path.exists(os.path.join(graded_course, "feedback", student, assignment, name))


def test_grading_used_the_copy_not_the_repository(graded_course):
    """The tests grade a copy: its own gradebook next to its own nbgrader_config.py."""
    assert os.path.abspath(graded_course) != ROOT
    assert os.path.exists(os.path.join(graded_course, "gradebook.db"))
    assert os.path.isdir(os.path.join(graded_course, "autograded", "correct", "initialization"))

