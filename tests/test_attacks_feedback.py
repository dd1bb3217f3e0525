"""Hidden tests never reach a student's own feedback page, however the student's code encodes them.

The leakers (tests/attacks/feedback_leakers.py) see the grading run from inside it (IPython events, a
run_cell wrapper, an audit hook, settrace, setprofile, a gc scan, a graded function that writes its
arguments to fd 1 and 2) and print what they saw encoded, in streams, displays, an image, output metadata
and an exception's message and class name. They are graded with honest classmates in one pipeline run (one
worker), on both executors, as root and as an ordinary user. The page must hold no hidden line, no hidden input (as
written, and as base64 or hex of its bytes), no marker of a leak; the test also decodes every base64,
base32, hex, rot13 and reversed text it finds in the page and looks again. The autograded notebook (the
instructor's copy) keeps the leaks, which proves they ran; the honest classmates get full marks, a verdict
per test and the outputs they submitted. The class is tests/hostile_class.py's, graded once per test run in
each mode with the isolation attackers of tests/test_attacks_isolation.py.
"""
import base64
import binascii
import codecs
import contextlib
import glob
import os
import re
import subprocess
import sys
import tempfile

import nbformat
import pytest

import hostile_class
from attacks.feedback_leakers import CAPTURE, FORGED_VERDICT, HONEST, HONEST_OUTPUT, MARKER
from attacks.hostile_students import ASSIGNMENT, NOTEBOOK
from graded_course import course_env
from grader.hidden_block import hidden_lines
from test_feedback_hidden import hidden_literals, page_text, visible_text

pytestmark = pytest.mark.e2e
PAGE = os.path.splitext(NOTEBOOK)[0] + ".html"


@pytest.fixture(scope="module", params=hostile_class.MODES, ids=hostile_class.IDS)
def graded(request, hostile_class_run):
    """The hostile class's run in one mode (tests/hostile_class.py: the leakers, the isolation attackers, honest
    classmates)."""
    return hostile_class_run(*request.param)


def secrets_of(course):
    """What must never show: every hidden line, every hidden input literal (as written, base64 and hex of its
    bytes) and the leak marker."""
    source = nbformat.read(os.path.join(course, "source", ASSIGNMENT, NOTEBOOK), as_version=4)
    lines = [line for cell in source.cells for line in hidden_lines(cell.source) if len(line) >= 12]
    literals = hidden_literals(ASSIGNMENT, visible_text(course, ASSIGNMENT))
    encoded = [form for literal in literals for form in (base64.b64encode(literal.encode()).decode(),
                                                           literal.encode().hex())]
    assert lines and literals
    return lines + sorted(literals) + encoded + [MARKER]


def decoded_views(text):
    """`text` and everything a leaker's encodings would turn back into: base64, base32 and hex runs decoded,
    the whole text in rot13 and reversed."""
    views = [text, codecs.decode(text, "rot13"), text[::-1]]
    for run in re.findall(r"[A-Za-z0-9+/]{12,}={0,2}", text):
        for decode in (base64.b64decode, lambda r: base64.b32decode(r.upper() + "=" * (-len(r) % 8))):
            for start in range(4):   # a run cut out of a longer line may start mid-group
                try:
                    views.append(decode(run[start:] + "=" * (-len(run[start:]) % 4)).decode("utf-8", "replace"))
                except (binascii.Error, ValueError):
                    continue
    for run in re.findall(r"(?:[0-9a-fA-F]{2}){6,}", text):
        views.append(bytes.fromhex(run).decode("utf-8", "replace"))
    return views


def leaks_in(text, secrets):
    return sorted({secret for view in decoded_views(text) for secret in secrets if secret in view})


def _page(graded, student):
    path = os.path.join(graded["course"], "feedback", student, ASSIGNMENT, PAGE)
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _autograded_text(graded, student):
    with open(os.path.join(graded["course"], "autograded", student, ASSIGNMENT, NOTEBOOK), encoding="utf-8") as handle:
        return handle.read()


def test_the_run_grades_everyone(graded):
    result = graded["result"]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for student in graded["students"]:
        assert graded["dump"].get(student, {}).get(ASSIGNMENT) is not None, (student, result.stdout[-3000:])
        assert os.path.exists(os.path.join(graded["course"], "feedback", student, ASSIGNMENT, PAGE)), student


def test_the_leaks_ran_and_the_instructor_copy_keeps_them(graded):
    """The attack is real: each leaker's outputs in the autograded notebook carry its marker, and the leakers
    that watch cells being run decode to hidden test lines there."""
    secrets = secrets_of(graded["course"])
    caught = {}
    for student in CAPTURE:
        text = _autograded_text(graded, student)
        assert MARKER in text, student
        caught[student] = [s for s in leaks_in(text, secrets) if s != MARKER]
    print({student: len(found) for student, found in caught.items()})
    for student in ("leak_events", "leak_run_cell", "leak_audit", "leak_fd_write"):
        assert caught[student], (student, "saw nothing of the hidden tests: the attack did not run as written")


@pytest.mark.parametrize("student", sorted(CAPTURE))
def test_no_leak_reaches_the_page(graded, student):
    page = _page(graded, student)
    secrets = secrets_of(graded["course"])
    assert leaks_in(page, secrets) == []
    assert leaks_in(page_text(os.path.join(graded["course"], "feedback", student, ASSIGNMENT, PAGE)), secrets) == []
    assert FORGED_VERDICT not in page
    assert "Grader&#x27;s verdict" in page or "Grader's verdict" in page


@pytest.mark.parametrize("student", HONEST)
def test_honest_classmates_get_full_marks_and_full_feedback(graded, student):
    record = graded["dump"][student][ASSIGNMENT]
    assert record["score"] == record["max"] > 0, (student, record, graded["result"].stdout[-3000:])
    text = page_text(os.path.join(graded["course"], "feedback", student, ASSIGNMENT, PAGE))
    tests = len([p for p in record["parts"] if p.startswith("test_")])
    assert text.count("Passed: every check the grader ran on this part passed.") == tests > 0
    assert len(re.findall(r"Hidden tests: (\d+) of \1 passed\.", text)) == tests
    assert HONEST_OUTPUT in text and "All checks passed." in text   # what they submitted
    assert "Output as you submitted it; not re-run by the grader." in text
    assert leaks_in(_page(graded, student), secrets_of(graded["course"])) == []


def test_plain_nbgrader_generate_feedback_shows_no_leak_either(graded):
    """The course's configuration alone (plain `nbgrader generate_feedback`, reading submitted/) writes the same
    kind of page: submitted outputs and verdicts, no leak."""
    if graded["executor"] != "fork" or graded["who"] != "root":
        pytest.skip("once is enough: the pages are built outside the sandbox, the same way in every mode")
    with tempfile.TemporaryDirectory(prefix="kit-leakers-plain-") as folder:   # the shared course stays as graded
        course = hostile_class.private_copy(graded, os.path.join(folder, "course"))
        result = subprocess.run([os.path.join(os.path.dirname(sys.executable), "nbgrader"), "generate_feedback",
                                 ASSIGNMENT, "--force"], cwd=course, env=course_env(course), capture_output=True,
                                text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        secrets = secrets_of(course)
        pages = {student: _page({"course": course}, student) for student in CAPTURE}
        honest = page_text(os.path.join(course, "feedback", HONEST[0], ASSIGNMENT, PAGE))
    for student, page in pages.items():
        assert leaks_in(page, secrets) == [], student
    assert HONEST_OUTPUT in honest and "Passed: every check the grader ran on this part passed." in honest


def test_no_kernel_connection_folder_is_left(graded):
    """Each kernel's connection folder (grader/sandbox/kernel_manager.py: kit-kernel-<pid>-*) is gone once its
    notebook is graded: none made since this run started by a process that has ended (every grading process
    of the run has)."""
    if graded["executor"] != "kernel":
        pytest.skip("the fork executor starts no Jupyter kernel")
    left = []
    for path in glob.glob(os.path.join(tempfile.gettempdir(), "kit-kernel-*")):
        pid = os.path.basename(path)[len("kit-kernel-"):].split("-", 1)[0]
        with contextlib.suppress(OSError):
            if pid.isdigit() and not os.path.exists("/proc/" + pid) and os.lstat(path).st_mtime >= graded["started"]:
                left.append(path)
    assert left == []
