"""Each of the course's nbgrader preprocessors on small hand-made notebooks (no nbgrader run)."""
import json
import os
import sys

import nbformat
import pytest

import grading_cases
from grader.hidden_block import HIDDEN_BEGIN, HIDDEN_END
from grader.preprocessors.hide_hidden_test_details import HideHiddenTestDetails
from grader.preprocessors.judge_hidden_tests import JudgeHiddenTests
from grader.preprocessors.limit_output_size import LimitOutputSize
from grader.preprocessors.one_graded_copy import OneGradedCopy, repair_cell_ids
from grader.preprocessors.restore_cell_roles import RestoreCellRoles
from grader.preprocessors.restore_cells import RestoreCells
from grader.preprocessors.skip_training_cells import NBCLIENT_SKIP_TAG, SKIP_TAG, SkipTrainingCells
from grader.reference import reference
from grader.verdict import loads, verdict_file
from hand_made import code, error, notebook, resources, stream

HIDDEN = '''check_cube(gradient_check)
%s
grade_case(gradient_check, "gradient_check", x=3.0, theta=2.0, epsilon=1e-2)
grade_case(gradient_check, "gradient_check", x=-1.0, theta=0.5, epsilon=1e-3)
%s
''' % (HIDDEN_BEGIN, HIDDEN_END)


def record_output(function, case, params, implementation=None):
    record = grading_cases.record_call(implementation or reference(function), case, params)
    return {"output_type": "display_data", "metadata": {},
            "data": {grading_cases.RECORD_MIME: record, "text/plain": "(hidden test recorded)"}}


def honest_records():
    return [record_output("gradient_check", "gradient_check", {"x": 3.0, "theta": 2.0, "epsilon": 1e-2}),
            record_output("gradient_check", "gradient_check", {"x": -1.0, "theta": 0.5, "epsilon": 1e-3})]


def judged(*outputs, source=HIDDEN):
    nb = notebook(code(source, "test_gradient_check", grade=True, points=4, outputs=outputs))
    nb, res = JudgeHiddenTests().preprocess(nb, resources(notebook_name="Gradient_Checking"))
    return nb.cells[0], loads(res["outputs"][verdict_file("Gradient_Checking")])[0]


# ----------------------------------------------------------------------------- JudgeHiddenTests
def test_honest_records_pass_and_the_records_leave_the_notebook():
    cell, verdict = judged(stream("All checks passed for gradient_check.\n"), *honest_records())
    assert verdict.passed and verdict.reason == "" and (verdict.hidden_passed, verdict.hidden_total) == (2, 2)
    assert verdict.self_check_passed is True and verdict.points == 4 and verdict.function == "gradient_check"
    assert [o.output_type for o in cell.outputs] == ["stream", "stream"]
    assert cell.outputs[-1].text == "Hidden tests: 2 of 2 passed.\n"


def gradient_check(x, theta, epsilon=1e-7):
    """A wrong answer: always 0.5."""
    return 0.5


def test_a_wrong_record_fails_the_cell_with_a_reason_that_shows_no_input():
    wrong = record_output("gradient_check", "gradient_check", {"x": 3.0, "theta": 2.0, "epsilon": 1e-2},
                          implementation=gradient_check)
    cell, verdict = judged(wrong, honest_records()[1])
    assert not verdict.passed and (verdict.hidden_passed, verdict.hidden_total) == (1, 2)
    assert cell.outputs[-1].ename == "HiddenTestFailure"
    assert "hidden test 1 of 2 (gradient_check) failed" in verdict.reason and "3.0" not in verdict.reason


def test_missing_records_fail():
    _, verdict = judged(honest_records()[0])
    assert not verdict.passed and "did not run" in verdict.reason


def test_stderr_alone_scores_zero_with_a_plain_message():
    cell, verdict = judged(stream("careful\n", "stderr"), *honest_records())
    assert cell.outputs[-1].ename == "OutputOnStderr" and not verdict.passed
    assert "wrote to stderr" in verdict.reason


def self_check_output(summary, findings=(), causes=()):
    record = {"kind": "self_check", "function": "gradient_check", "summary": summary, "findings": list(findings),
              "causes": list(causes)}
    return {"output_type": "display_data", "metadata": {},
            "data": {grading_cases.RECORD_MIME: record, "text/plain": "(self-check recorded)"}}


def test_a_failed_self_check_gives_its_diagnosis_from_its_record_not_its_text():
    recorded = self_check_output("gradient_check does not pass its self-check yet: 1 problem.",
                                 ["the difference is 0.5, expected 1e-10"],
                                 ["your gradapprox looks one-sided, use both sides"])
    cell, verdict = judged(recorded, error("SelfCheckFailed", "text the grader does not read: * not a cause"),
                           *honest_records())
    assert verdict.self_check_passed is False and not verdict.passed
    assert verdict.self_check_causes == ("your gradapprox looks one-sided, use both sides",)
    assert verdict.self_check_findings == ("the difference is 0.5, expected 1e-10",)
    assert verdict.reason == "self-check: your gradapprox looks one-sided, use both sides"
    assert grading_cases.RECORD_MIME not in json.dumps(cell.outputs)   # the record leaves the notebook


def test_a_self_check_record_never_passes_a_cell_and_malformed_ones_are_ignored():
    forged = self_check_output("all good", [], [])
    cell, verdict = judged(forged, error("ValueError", "boom"), *honest_records())
    assert not verdict.passed and verdict.points == 4 and verdict.reason == "self-check: all good"
    junk = {"output_type": "display_data", "metadata": {},
            "data": {grading_cases.RECORD_MIME: {"kind": "self_check", "summary": ["not", "text"],
                                                 "findings": "x" * 10, "causes": [1, {"a": 2}, "y" * 9000]}}}
    _, verdict = judged(junk, error("ValueError", "boom"), *honest_records())
    assert verdict.reason == "ValueError: boom" and verdict.self_check_passed is None
    many = self_check_output("s", ["f%d" % i for i in range(100)], ["c" * 9000])
    _, verdict = judged(many, error("SelfCheckFailed", "s"), *honest_records())
    assert len(verdict.self_check_findings) == 20 and verdict.self_check_causes == ("c" * 500,)


def test_a_traceback_quoting_hidden_code_is_cut_to_its_last_line():
    quoting = error("NameError", "name 'gradient_check' is not defined",
                    ["Cell In[3], line 3", 'grade_case(gradient_check, "gradient_check", x=3.0, ...)', "NameError"])
    cell, verdict = judged(quoting)
    shown = json.dumps(cell.outputs)
    assert "x=3.0" not in shown and "traceback not shown" in shown
    assert verdict.reason.startswith("NameError")


def test_cells_that_are_not_tests_are_left_alone_and_get_no_verdict():
    nb = notebook(code("x = 1", outputs=[stream("stderr text", "stderr"), self_check_output("f is wrong")]),
                  code("def f(): pass", "f", solution=True))
    nb, res = JudgeHiddenTests().preprocess(nb, resources())
    assert [o.get("name") for o in nb.cells[0].outputs] == ["stderr"]   # a stray record is dropped, nothing else
    assert loads(res["outputs"][verdict_file("nb")]) == []


# ----------------------------------------------------------------------------- SkipTrainingCells
def test_only_unchanged_tagged_cells_of_the_source_are_skipped(tmp_path):
    training = code("model(X, Y)", tags=[SKIP_TAG])
    source = notebook(training, code("plot()", tags=[SKIP_TAG]))
    (tmp_path / "a").mkdir()
    nbformat.write(source, str(tmp_path / "a" / "nb.ipynb"))
    student = notebook(code("model(X, Y)", tags=[SKIP_TAG]), code("plot(); cheat()", tags=[SKIP_TAG]),
                       code("answer()", "test_answer", grade=True, points=1, tags=[SKIP_TAG, NBCLIENT_SKIP_TAG]))
    processor = SkipTrainingCells(source_directory=str(tmp_path))
    student, _ = processor.preprocess(student, resources())
    kept, changed, test = student.cells
    assert NBCLIENT_SKIP_TAG in kept.metadata["tags"] and "not run while autograding" in kept.outputs[0].text
    assert NBCLIENT_SKIP_TAG not in changed.metadata["tags"]
    assert NBCLIENT_SKIP_TAG not in test.metadata["tags"]  # a student's own skip tag on a test cell is removed


# ----------------------------------------------------------------------------- LimitOutputSize
def test_long_outputs_are_cut_and_errors_are_kept():
    cell = code("print()", outputs=[stream("x" * 50), stream("y" * 50), error("ValueError", "z" * 50)])
    nb, _ = LimitOutputSize(max_chars=20, max_cell_chars=100).preprocess(notebook(cell), resources())
    outputs = nb.cells[0].outputs
    assert outputs[0].text.startswith("x" * 20) and "truncated by the autograder: 50 characters" in outputs[0].text
    assert [o.output_type for o in outputs] == ["stream", "error", "stream"]  # the second stream is dropped
    assert "1 more output(s) left out" in outputs[-1].text


def test_a_large_image_is_replaced_by_a_note():
    image = {"output_type": "display_data", "metadata": {}, "data": {"image/png": "A" * 100}}
    nb, _ = LimitOutputSize(max_chars=20).preprocess(notebook(code("show()", outputs=[image])), resources())
    assert nb.cells[0].outputs[0].data == {"text/plain": "(image/png output of 100 characters left out by the "
                                                         "autograder)"}


# ----------------------------------------------------------------------------- HideHiddenTestDetails
def test_feedback_shows_no_hidden_line_and_no_stderr_of_a_hidden_test_cell():
    cell = code(HIDDEN, "test_gradient_check", grade=True, points=4,
                outputs=[stream("theta=2.0 x=3.0\n", "stderr"), stream('grade_case(gradient_check, "g", x=3.0)\n'),
                         error("HiddenTestFailure", "Hidden tests: 0 of 2 passed.",
                               ['grade_case(gradient_check, "gradient_check", x=3.0, theta=2.0, epsilon=1e-2)'])])
    nb, _ = HideHiddenTestDetails().preprocess(notebook(cell), resources())
    shown = json.dumps(nb.cells[0].outputs)
    assert "x=3.0" not in shown and "theta=2.0" not in shown
    assert "not shown in feedback" in nb.cells[0].outputs[0].text


def feedback_html(nb, parent=None):
    """The course's feedback page for `nb` (FeedbackPage, then the course exporter), as nbgrader makes it
    (`parent`: the feedback converter, whose course's release notebooks say what a page may remember)."""
    from traitlets.config import Config
    from grader.feedback_page import FeedbackExporter
    from grader.preprocessors.feedback_page import FeedbackPage
    page_resources = dict(resources(), nbgrader=dict(resources()["nbgrader"], score=1, max_score=2, late_penalty=0))
    nb, page_resources = FeedbackPage().preprocess(nb, page_resources)
    config = Config()
    config.HTMLExporter.sanitize_html = True
    html, _ = FeedbackExporter(config=config, parent=parent).from_notebook_node(nb, page_resources)
    return html


def test_every_image_on_a_feedback_page_has_an_alternative_text_and_student_html_is_sanitized():
    import base64
    import re
    png = base64.b64encode(b"\x89PNG not really").decode()
    svg = "<svg xmlns='http://www.w3.org/2000/svg'><circle r='1'/></svg>"
    drawn = code("plot()", outputs=[
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": png, "text/plain": "<Figure>"}},
        {"output_type": "display_data", "metadata": {"image/png": {"alt": "the cost curve"}},
         "data": {"image/png": png}},
        {"output_type": "display_data", "metadata": {}, "data": {"image/svg+xml": svg}},
        {"output_type": "display_data", "metadata": {},
         "data": {"text/html": "<b>bold</b><script>steal()</script><img src='x.png' onerror='steal()'>"}}])
    html = feedback_html(notebook(drawn))
    images = re.findall(r"<img\b[^>]*>", html)
    assert len(images) == 3 and all(re.search(r'\balt="[^"]+"', tag) for tag in images), images
    assert 'alt="the cost curve"' in html and html.count('alt="No description has been provided for this image"') == 2
    assert "<b>bold</b>" in html and "<script>steal" not in html and "onerror" not in "".join(images)
    assert "&lt;script&gt;steal()&lt;/script&gt;" in html   # the student's HTML is shown as text, never run
    assert "<script" not in html and "Score: 1.0 / 2.0" in html


def test_a_page_rendered_from_remembered_html_equals_a_fresh_one(tmp_path):
    import copy
    from nbgrader.converters import GenerateFeedback
    from nbgrader.coursedir import CourseDirectory
    from grader.feedback_page import RENDERED
    lesson = nbformat.v4.new_markdown_cell("The cost is $J = -\\frac{1}{m} \\sum_i y^{(i)} \\log a^{(i)}$.\n\n* one")
    page = notebook(lesson, code("def f(x):\n    return 2 * x  # YOUR CODE", "f", solution=True), code("f(1)"))
    (tmp_path / "release" / "a").mkdir(parents=True)   # the release holds the page as it is: all the instructor's
    nbformat.write(page, str(tmp_path / "release" / "a" / "nb.ipynb"))
    course = GenerateFeedback(coursedir=CourseDirectory(root=str(tmp_path)))
    RENDERED.store.clear()
    fresh = feedback_html(copy.deepcopy(page), course)
    assert RENDERED.store, "nothing was remembered"
    again = feedback_html(copy.deepcopy(page), course)
    page.cells[1].source = "def f(x):\n    return 3 * x"
    changed = feedback_html(page, course)
    assert again == fresh and "<mfrac>" in fresh and "# YOUR CODE" in fresh
    assert "# YOUR CODE" not in changed and ">3</span>" in changed


# ----------------------------------------------------------------------------- RestoreCellRoles, RestoreCells
def gradebook_of(folder, cells, checksums):
    """The URL of a new gradebook in `folder` that knows assignment a / notebook nb with `cells` (hand_made.code
    cells: solution or graded), with each cell's checksum when `checksums` (as generate_assignment leaves them)."""
    from nbgrader.api import Gradebook
    from nbgrader.utils import compute_checksum
    os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])  # alembic
    url = "sqlite:///" + str(folder / "gradebook.db")
    with Gradebook(url) as gradebook:
        gradebook.update_or_create_assignment("a")
        gradebook.update_or_create_notebook("nb", "a")
        for cell in cells:
            meta = cell.metadata["nbgrader"]
            if meta["solution"]:
                gradebook.update_or_create_solution_cell(meta["grade_id"], "nb", "a")
            else:
                gradebook.update_or_create_grade_cell(meta["grade_id"], "nb", "a", max_score=meta["points"],
                                                      cell_type="code")
            gradebook.update_or_create_source_cell(meta["grade_id"], "nb", "a", source=cell.source, cell_type="code",
                                                   locked=meta["locked"],
                                                   checksum=compute_checksum(cell) if checksums else None)
    return url


@pytest.fixture(scope="module")
def gradebook_url(tmp_path_factory):
    """A gradebook that knows assignment a / notebook nb: an answer cell, its test (3 points), a second test."""
    return gradebook_of(tmp_path_factory.mktemp("gradebook"), [
        code("x = 1", "answer", solution=True), code("assert x == 1", "test_answer", grade=True, points=3),
        code("assert x > 0", "test_more", grade=True, points=1)], checksums=False)


def test_a_test_cell_flipped_to_solution_gets_its_role_back(gradebook_url):
    flipped = code("assert x == 1", "test_answer", solution=True)
    stranger = code("y = 2", "made_up", grade=True, points=50)
    nb, _ = RestoreCellRoles().preprocess(notebook(code("x = 1", "answer", solution=True), flipped, stranger),
                                          resources(db_url=gradebook_url))
    meta = nb.cells[1].metadata["nbgrader"]
    assert meta["grade"] and not meta["solution"] and meta["locked"] and meta["points"] == 3
    assert "nbgrader" not in nb.cells[2].metadata


def test_deleted_test_cells_come_back_even_without_their_neighbours(gradebook_url):
    nb = notebook(code("x = 1", "answer", solution=True))
    nb, _ = RestoreCells(add_missing_cells=True).preprocess(nb, resources(db_url=gradebook_url))
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert ids == ["answer", "test_answer", "test_more"]
    assert all(c.get("id") for c in nb.cells)


# ----------------------------------------------------------------------------- OneGradedCopy
RELEASED = [code("# YOUR CODE HERE\nraise NotImplementedError()", "answer", solution=True),
            code("assert x == 1", "test_answer", grade=True, points=3),
            code("assert x > 0", "test_more", grade=True, points=1)]


@pytest.fixture(scope="module")
def released_url(tmp_path_factory):
    """A gradebook as generate_assignment leaves it: the released cells with their checksums."""
    return gradebook_of(tmp_path_factory.mktemp("released"), RELEASED, checksums=True)


def sanitized(nb, url, one_copy=True):
    """The course's sanitize steps that read nbgrader metadata, in the course's order (nbgrader_config.py)."""
    from nbgrader.preprocessors import CheckCellMetadata, DeduplicateIds
    steps = ([OneGradedCopy()] if one_copy else []) + [RestoreCellRoles(), DeduplicateIds(),
                                                        RestoreCells(add_missing_cells=True), CheckCellMetadata()]
    res = resources(db_url=url)
    for step in steps:
        nb, res = step.preprocess(nb, res)
    return nb


def roles(nb):
    return [(c.metadata["nbgrader"]["grade_id"], c.source, c.metadata["nbgrader"].get("points"))
            for c in nb.cells if "nbgrader" in c.metadata]


def copied_class_notebook():
    """An edited copy claiming 100 points above the real test, the real test, a plain copy of it at the end."""
    return notebook(code("x = 1", "answer", solution=True), code("assert True", "test_answer", grade=True, points=100),
                    code("assert x == 1", "test_answer", grade=True, points=3),
                    code("assert x > 0", "test_more", grade=True, points=1),
                    code("assert x == 1", "test_answer", grade=True, points=3))


def test_stock_nbgrader_fails_a_notebook_with_a_copied_test_cell(released_url):
    """The control: nbgrader #1083 (DeduplicateIds blanks the copy's metadata, OverwriteCells reads its grade_id)."""
    with pytest.raises(KeyError):
        sanitized(copied_class_notebook(), released_url, one_copy=False)


def test_copies_leave_one_graded_cell_the_released_one_and_run_as_plain_code(released_url):
    nb = sanitized(copied_class_notebook(), released_url)
    assert roles(nb) == [("answer", "x = 1", None), ("test_answer", "assert x == 1", 3.0),
                         ("test_more", "assert x > 0", 1.0)]
    assert [c.source for c in nb.cells if "nbgrader" not in c.metadata] == ["assert True", "assert x == 1"]
    assert nb.cells[2].metadata["nbgrader"]["grade_id"] == "test_answer"   # the unedited copy in its place


def test_a_split_answer_keeps_its_first_part_and_a_merged_test_is_split_apart(released_url):
    nb = notebook(code("# my answer", "answer", solution=True), code("x = 1", "answer", solution=True),
                  code("y = 2\n\nassert x == 1\n\nz = 3"), code("assert x > 0", "test_more", grade=True, points=1))
    nb = sanitized(nb, released_url)
    assert [c.source for c in nb.cells] == ["# my answer", "x = 1", "y = 2", "assert x == 1", "z = 3", "assert x > 0"]
    assert roles(nb) == [("answer", "# my answer", None), ("test_answer", "assert x == 1", 3.0),
                         ("test_more", "assert x > 0", 1.0)]
    assert len({c.id for c in nb.cells}) == len(nb.cells)


def test_missing_duplicated_and_unusual_cell_ids_are_replaced():
    nb = notebook(code("a"), code("b"), code("c"), code("d"))
    nb.nbformat_minor = 4
    del nb.cells[0]["id"]
    nb.cells[2]["id"] = nb.cells[1]["id"]
    nb.cells[3]["id"] = "not an id"
    notes = repair_cell_ids(nb)
    ids = [c["id"] for c in nb.cells]
    assert len(set(ids)) == 4 and all(len(i) == 8 for i in ids[2:]) and nb.nbformat_minor == 5
    assert "had no ids" in notes[0] and notes[1].startswith("2 cell id(s) were duplicated or unusual")
    nbformat.validate(nb)


# ----------------------------------------------------------------------------- GradingExecute
@pytest.mark.e2e
def test_a_dead_kernel_costs_only_its_cell(tmp_path):
    """The kernel dies in the second cell: that cell gets KernelDied, the kernel is restarted, the first cell
    is replayed, and the rest of the notebook runs (timeouts: tests/test_cell_limits.py)."""
    from grader.kernelspec import pin_course_kernel
    from grader.manifest import ROOT
    from grader.preprocessors.grading_execute import GradingExecute
    from grader.sandbox.kernel_manager import SandboxedKernelManager
    pin_course_kernel(ROOT)
    nb = notebook(code("x = 41"), code("import os\nos._exit(1)"), code("print(x + 1)"))
    executor = GradingExecute(timeout=30, kernel_name="python3", kernel_manager_class=SandboxedKernelManager)
    executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert [o.ename for o in nb.cells[1].outputs if o.output_type == "error"] == ["KernelDied"]
    assert nb.cells[2].outputs[0].text == "42\n"


def test_a_cell_nbgrader_cannot_restore_is_classified_from_where_it_failed(gradebook_url):
    """This gradebook has no checksums, so OverwriteCells fails the cell; the pipeline names that failure from the
    exception's type and the module that raised it (pipeline.workers.classify), not from its text."""
    from pipeline.workers import classify
    nb = notebook(code("x = 1", "answer", solution=True), code("assert x == 1", "test_answer", grade=True, points=3))
    try:
        RestoreCells(add_missing_cells=True).preprocess(nb, resources(db_url=gradebook_url))
    except RuntimeError as error:
        assert classify(error) == ("checksums", "builtins.RuntimeError")
    else:
        raise AssertionError("OverwriteCells restored a cell it cannot check")


def test_of_copies_as_released_the_one_after_its_answer_is_graded(released_url):
    """A test cell pasted above everything would run before its answer exists: the copy in place is graded."""
    nb = notebook(code("assert x == 1", "test_answer", grade=True, points=3), code("x = 1", "answer", solution=True),
                  code("assert x == 1", "test_answer", grade=True, points=3),
                  code("assert x > 0", "test_more", grade=True, points=1))
    nb = sanitized(nb, released_url)
    assert "nbgrader" not in nb.cells[0].metadata and nb.cells[2].metadata["nbgrader"]["grade_id"] == "test_answer"
