"""Notebooks are isolated from each other: hostile students graded first, honest classmates after them.

The second-round attackers (tests/attacks/isolation_students.py: forged protocol frames, shadow
helper packages left behind, signals to every process they can name, a dump of the environment
and /proc, a read of the input history after hidden tests ran, 300,000 displays) are graded in
one pipeline run on ONE worker, followed by the release notebook and two honest classmates, on
both executors, as root and as an ordinary user (the hostile class of tests/hostile_class.py, graded
once per test run with the feedback leakers of tests/test_attacks_feedback.py). A secret planted in
the grader's environment (the gradebook URL among them) must reach no notebook; the classmates must get full marks and
clean feedback; no attacker may score more than the release notebook.
"""
import glob
import json
import os

import nbformat
import pytest

import hostile_class
from attacks.feedback_leakers import HONEST
from attacks.hostile_students import ASSIGNMENT, NOTEBOOK
from attacks.isolation_students import FORGED, PAYLOADS, RELEASE
from grader.hidden_block import hidden_lines

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module", params=hostile_class.MODES, ids=hostile_class.IDS)
def graded(request, hostile_class_run):
    """The hostile class's run in one mode (tests/hostile_class.py: attackers, the release, honest classmates)."""
    return hostile_class_run(*request.param)


def _notebook(graded, student):
    return nbformat.read(os.path.join(graded["course"], "autograded", student, ASSIGNMENT, NOTEBOOK), as_version=4)


def _outputs_text(nb):
    return json.dumps([cell.get("outputs", []) for cell in nb.cells])


def _files_text(graded, folder, student="*"):
    text = ""
    for path in glob.glob(os.path.join(graded["course"], folder, student, ASSIGNMENT, "*")):
        if os.path.isfile(path):
            with open(path, errors="replace") as handle:
                text += handle.read()
    return text


def test_the_run_completes_and_grades_everyone(graded):
    result = graded["result"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for student in graded["students"]:
        assert graded["dump"].get(student, {}).get(ASSIGNMENT) is not None, (student, result.stdout[-3000:])


def test_honest_classmates_graded_after_the_attackers_get_full_marks(graded):
    for student in HONEST:
        record = graded["dump"][student][ASSIGNMENT]
        assert record["score"] == record["max"] > 0, (student, record, graded["result"].stdout[-3000:])
        assert not any(part[2] for part in record["parts"].values())
        nb = _notebook(graded, student)
        assert FORGED not in _outputs_text(nb)
        assert not [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert FORGED not in _files_text(graded, "feedback", student)


@pytest.mark.parametrize("attacker", sorted(PAYLOADS))
def test_no_attacker_scores_more_than_the_release(graded, attacker):
    if attacker not in graded["students"]:
        pytest.skip("%s is graded as root only (tests/hostile_class.py)" % attacker)
    baseline = graded["dump"][RELEASE][ASSIGNMENT]["score"]
    assert baseline < graded["dump"][HONEST[0]][ASSIGNMENT]["max"]
    assert graded["dump"][attacker][ASSIGNMENT]["score"] <= baseline, graded["dump"][attacker]


def test_no_secret_of_the_grader_reaches_a_notebook(graded):
    dumped = _outputs_text(_notebook(graded, "dump_secrets"))
    assert "HOME" in dumped and "/proc/" in dumped   # the dump ran
    for folder in ("autograded", "feedback"):
        assert graded["secret"] not in _files_text(graded, folder)
    assert "NBGRADER_DB_URL" not in dumped and "NBGRADER_PLANTED" not in dumped


def test_hidden_tests_leave_no_history(graded):
    source = nbformat.read(os.path.join(graded["course"], "source", ASSIGNMENT, NOTEBOOK), as_version=4)
    hidden = [line for cell in source.cells for line in hidden_lines(cell.source) if len(line) > 15]
    assert hidden
    shown = _outputs_text(_notebook(graded, "read_history"))
    assert "In" in shown or "[" in shown  # the history was printed
    leaked = [line for line in hidden if json.dumps(line)[1:-1] in shown or line in shown]
    assert leaked == []


def test_a_display_flood_is_bounded_in_count(graded):
    if graded["who"] != "root":
        pytest.skip("graded as root on both executors (tests/hostile_class.py); the output caps do not depend on the "
                    "user, and test_attacks_executors.py floods both executors directly")
    path = os.path.join(graded["course"], "autograded", "display_flood", ASSIGNMENT, NOTEBOOK)
    assert os.path.getsize(path) < 3 * 1024 * 1024
    assert "left out by the autograder" in _outputs_text(_notebook(graded, "display_flood"))
    for page in glob.glob(os.path.join(graded["course"], "feedback", "display_flood", ASSIGNMENT, "*.html")):
        assert os.path.getsize(page) < 5 * 1024 * 1024


def test_shadow_packages_are_refused_or_forgotten(graded):
    planted = _outputs_text(_notebook(graded, "shadow_helpers"))
    assert "cannot plant /opt/kit/files" in planted or graded["executor"] == "kernel"
