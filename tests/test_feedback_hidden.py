"""Feedback never shows hidden tests: no hidden code, inputs or expected values; but says what failed and why.

Reads the feedback HTML of the graded course copy (tests/graded_course.py): the sample
students and the bad-input students (timeouts, kernel crash, stderr, huge output), i.e. the
cases where a traceback or printed text could quote a hidden test.
"""
import ast
import glob
import html
import os
import re

import nbformat
import numpy as np
import pytest

from grader.manifest import ASSIGNMENTS, ROOT
from grader.judge import hidden_calls, reference_output
from grader.messages import ANSI
from grader.hidden_block import hidden_lines

pytestmark = pytest.mark.e2e  # runs nbgrader, a kernel or a training


def page_text(path):
    """What a student reads: the HTML without tags, entities decoded, terminal colours removed."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    text = re.sub(r"<style.*?</style>|<script.*?</script>", "", text, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return ANSI.sub("", text)


def source_test_cells(assignment):
    nb = nbformat.read(os.path.join(ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook), as_version=4)
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and hidden_lines(c.source)]


def visible_text(course, assignment):
    """What the student has anyway: the release folder (notebook and helper files, e.g. the self-checks)."""
    chunks = []
    for path in glob.glob(os.path.join(course, "release", assignment, "**", "*"), recursive=True):
        if path.endswith((".ipynb", ".py")):
            with open(path, encoding="utf-8") as handle:
                chunks.append(handle.read())
    return "\n".join(chunks)


def hidden_literals(assignment, visible=""):
    """The literal arguments of every hidden grade_case call, as written: each call's argument list
    (`seed=11, n_x=4, ...`), each keyword (`seed=11`) and each list value, unless the student can
    see that text anyway (a signature default such as `epsilon=1e-7`, a self-check input)."""
    found = set()
    for cell in source_test_cells(assignment):
        block = "\n".join(hidden_lines(cell.source))
        for node in ast.walk(ast.parse(block)):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "grade_case":
                segments = [ast.get_source_segment(block, keyword) for keyword in node.keywords]
                found.add(", ".join(segments))
                found.update(segment for segment in segments if len(segment) >= 8)  # `x=1.5` is too common
                for keyword in node.keywords:
                    value = ast.literal_eval(keyword.value)
                    if isinstance(value, (list, tuple)) and len(value) > 1:
                        found.add(repr(list(value)))
    return {literal for literal in found if literal and literal not in visible}


def _numbers(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _numbers(item)
    else:
        try:
            yield from np.asarray(value, dtype=float).ravel().tolist()
        except (TypeError, ValueError):
            return


def reference_numbers(assignment, visible=""):
    """The reference outputs of the hidden cases, printed the ways NumPy and Python print them (except numbers
    the student sees anyway, e.g. a hidden case's first weights equal to the visible example's: same seed)."""
    strings = set()
    for cell in source_test_cells(assignment):
        for function, case, params in hidden_calls(cell.source):
            for number in _numbers(reference_output(function, case, params)):
                if not np.isfinite(number) or abs(number) < 1e-3 or float(number).is_integer():
                    continue
                strings.add(np.format_float_positional(number, precision=8, trim="-"))
                strings.add(repr(float(number)))
    return {s for s in strings if len(s.lstrip("-").replace(".", "")) >= 6  # long enough to be telling
            and s.lstrip("-") not in visible}


def feedback_pages(course):
    return sorted(glob.glob(os.path.join(course, "feedback", "*", "*", "*.html")))


@pytest.fixture(scope="module")
def pages(graded_course):
    found = feedback_pages(graded_course)
    assert len(found) >= 15
    return {os.path.relpath(p, os.path.join(graded_course, "feedback")): page_text(p) for p in found}


def assignment_of(relative):
    return relative.split(os.sep)[1]


def test_no_hidden_test_code_in_feedback(pages):
    for name, text in pages.items():
        for marker in ("grade_case(", "BEGIN HIDDEN", "END HIDDEN", "(hidden test recorded)", "grade-record"):
            assert marker not in text, "%s shows %r" % (name, marker)
        for cell in source_test_cells(assignment_of(name)):
            for line in hidden_lines(cell.source):
                assert line not in text, "%s shows the hidden line %r" % (name, line)


def test_no_hidden_inputs_in_feedback(pages, graded_course):
    literals = {a: hidden_literals(a, visible_text(graded_course, a)) for a in ASSIGNMENTS}
    assert all(literals.values())
    for name, text in pages.items():
        for literal in literals[assignment_of(name)]:
            assert literal not in text, "%s shows the hidden input %r" % (name, literal)


def own_visible_outputs(course, relative):
    """Text the student's own code printed in cells that are not test cells (on the visible examples): a wrong
    answer can print a number that happens to equal a hidden expected value (same seeds), which leaks nothing."""
    student, assignment = relative.split(os.sep)[:2]
    path = os.path.join(course, "autograded", student, assignment, ASSIGNMENTS[assignment].notebook)
    if not os.path.exists(path):
        return ""
    nb = nbformat.read(path, as_version=4)
    return "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells if c.cell_type == "code" and not c.metadata.get("nbgrader", {}).get("grade")
                     for o in c.get("outputs", []))


def test_no_expected_values_in_feedback(pages, graded_course):
    numbers = {a: reference_numbers(a, visible_text(graded_course, a)) for a in ASSIGNMENTS}
    assert all(numbers.values())
    for name, text in pages.items():
        own = own_visible_outputs(graded_course, name)
        for number in numbers[assignment_of(name)]:
            assert number not in text or number.lstrip("-") in own, "%s shows the expected value %s" % (name, number)


def test_student_sees_which_part_failed_and_why(pages):
    he = pages[os.path.join("partly_wrong", "initialization", "Initialization.html")]
    assert "Test of initialize_parameters_he (Score: 0.0 / 5.0)" in he  # the summary names the function
    assert re.search(r"Test of initialize_parameters_he\s+Score: 0\.0 / \d", he)  # and so does the cell
    section = he[he.rindex("Test of initialize_parameters_he"):]
    assert "Hidden tests: 0 of" in section or "does not pass its self-check" in section or "failed" in section
    stderr = pages[os.path.join("noisy_stderr", "regularization", "Regularization.html")]
    assert "OutputOnStderr" in stderr and "scores a test cell with any stderr output 0" in stderr
    loop = pages[os.path.join("endless_loop", "initialization", "Initialization.html")]
    assert "CellTimeoutError" in loop and "was stopped" in loop
    crash = pages[os.path.join("kernel_crash", "regularization", "Regularization.html")]
    assert "KernelDied" in crash


def test_passing_parts_say_so(pages):
    text = pages[os.path.join("correct", "gradient_checking", "Gradient_Checking.html")]
    assert "Hidden tests:" in text and "passed." in text
    assert not re.search(r"Score: 0\.0 /", text)


def test_typical_pages_are_under_200_kb(graded_course):
    """Every sample student's page (the lesson, their outputs, the lesson's diagrams) is at most 200 KB: the maths
    is MathML, there is no script, and the diagrams carry a palette (grader/preprocessors/feedback_page.py)."""
    from graded_course import SAMPLES
    for student in SAMPLES:
        for assignment, spec in ASSIGNMENTS.items():
            path = os.path.join(graded_course, "feedback", student, assignment,
                                os.path.splitext(spec.notebook)[0] + ".html")
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            size = len(text.encode("utf-8"))
            images = sum(len(m) for m in re.findall(r"data:image/[^\"']+", text))
            print("%s / %s: %d bytes, %d of them images" % (student, assignment, size, images))
            assert size <= 200 * 1024, (student, assignment, size)
