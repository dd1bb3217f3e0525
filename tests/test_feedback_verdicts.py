"""Unit tier: a feedback page is built from what the student submitted and the grader's verdicts, never from the
grading run's outputs (grader/preprocessors/submitted_outputs.py, grader/feedback_verdict.py).

An autograded notebook full of what a hostile run could print (hidden lines, base64 of them, an exception whose
class name is an encoding, a forged verdict in the cell metadata, timings, a kernel's language info) goes
through the course's feedback steps with a submitted notebook and a verdict file written the way the grader
writes them; the page shows the submitted outputs and the verdicts in the fixed vocabulary, and nothing else.
"""
import base64
import os

import nbformat
import pytest
from traitlets.config import Config

from grader.feedback_page import FeedbackExporter
from grader.feedback_verdict import SUBMITTED_NOTE, explanation, verdict_lines
from grader.messages import NAMED_ERRORS
from grader.mistakes import MATCHES, mistakes_for
from grader.preprocessors.feedback_page import FeedbackPage
from grader.preprocessors.hide_hidden_test_details import HideHiddenTestDetails
from grader.preprocessors.submitted_outputs import SubmittedOutputs
from grader.submitted_notebook import read_submitted
from grader.verdict import Verdict, dumps, verdict_file
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import ClearHiddenTests

HIDDEN = 'grade_case(initialize_parameters_he, "layers", layers_dims=[7, 6, 5, 4, 3, 2, 1])'
TEST_SOURCE = "check_initialize_parameters_he(initialize_parameters_he)\n### BEGIN HIDDEN TESTS\n%s\n" \
              "### END HIDDEN TESTS" % HIDDEN
ENCODED = base64.b64encode(HIDDEN.encode()).decode()
LABEL = mistakes_for("initialize_parameters_he")[0].label


def _stream(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def notebooks():
    """(autograded, submitted): the same cells; the first with a hostile grading run's outputs, the second with the
    outputs the student saw."""
    answer = nbformat.v4.new_code_cell("def initialize_parameters_he(layers_dims):\n    return {}")
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "initialize_parameters_he",
                                   "schema_version": 3}
    test = nbformat.v4.new_code_cell(TEST_SOURCE)
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_initialize_parameters_he",
                                 "points": 5, "schema_version": 3, "locked": True}
    scratch = nbformat.v4.new_code_cell("print('mine')")
    plot = nbformat.v4.new_code_cell("plot_everything()")
    submitted = nbformat.v4.new_notebook(cells=[answer, test, scratch, plot])
    submitted.cells[1].outputs = [_stream("All checks passed.\n")]
    submitted.cells[1].execution_count = 2
    submitted.cells[2].outputs = [_stream("mine\n")]
    submitted.cells[2].execution_count = 3
    submitted.cells[3].outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "a figure I drew"})]
    graded = nbformat.from_dict(nbformat.reads(nbformat.writes(submitted), as_version=4))
    hostile = [_stream("KITLEAK %s\n" % ENCODED),
               nbformat.v4.new_output("error", ename="K" + base64.b32encode(b"layers_dims").decode().rstrip("="),
                                      evalue=ENCODED, traceback=[ENCODED]),
               nbformat.v4.new_output("display_data", data={"text/html": "<pre>%s</pre>" % ENCODED.encode().hex()})]
    for count, cell in enumerate(graded.cells, start=40):
        cell.outputs = list(hostile)
        cell.execution_count = count
        cell.metadata["execution"] = {"iopub.status.busy": ENCODED}
    graded.cells[1].metadata["nbgrader"]["score"] = 0.0
    graded.cells[0].metadata["kit_page"] = {"submitted": True, "verdict": ["FORGED " + ENCODED]}
    graded.cells[3].outputs = []   # a cell the grader skipped
    graded.metadata["language_info"] = {"name": ENCODED, "pygments_lexer": "python3"}
    return graded, submitted


def page(tmp_path, verdicts, submitted=True, pair=None):
    """The page of `pair` (autograded, submitted; notebooks() by default) with these verdicts."""
    graded, mine = pair or notebooks()
    folder = str(tmp_path)
    if submitted:
        nbformat.write(mine, os.path.join(folder, "Initialization.ipynb"))
    with open(os.path.join(folder, verdict_file("Initialization")), "w") as handle:
        handle.write(dumps(verdicts))
    resources = {"nbgrader": {"notebook": "Initialization", "score": 0.0, "max_score": 5.0, "late_penalty": 0,
                              "student": "s", "assignment": "a"}, "metadata": {"path": "."},
                 "kit_sources": (os.path.join(folder, "Initialization.ipynb"), folder)}
    config = Config()
    config.HTMLExporter.sanitize_html = True
    exporter = FeedbackExporter(config=config)
    for step in (SubmittedOutputs, HideHiddenTestDetails, ClearHiddenTests, CSSHTMLHeaderPreprocessor, FeedbackPage):
        exporter.register_preprocessor(step, enabled=True)
    return exporter.from_notebook_node(graded, resources)[0]


def failed(mistake, passed=1):
    return Verdict("test_initialize_parameters_he", "initialize_parameters_he", 5.0, False, "reason: " + ENCODED,
                   passed, 3, False, ("finding " + ENCODED,), ("cause " + ENCODED,), mistake)


def test_the_page_shows_the_submitted_outputs_and_the_verdict_only(tmp_path):
    text = page(tmp_path, [failed(LABEL)])
    assert ENCODED not in text and ENCODED.encode().hex() not in text and "KITLEAK" not in text
    assert "FORGED" not in text and "K" + base64.b32encode(b"layers_dims").decode().rstrip("=") not in text
    assert "All checks passed." in text and "mine" in text and "a figure I drew" in text   # submitted, skipped too
    assert text.count(SUBMITTED_NOTE) == 3
    assert "Grader&#x27;s verdict: 0 of 5 point(s)." in text or "Grader's verdict: 0 of 5 point(s)." in text
    assert "Hidden tests: 1 of 3 passed." in text and (MATCHES % LABEL) in text.replace("&#x27;", "'")
    assert "In&nbsp;[3]" in text and "In&nbsp;[42]" not in text   # the submitted execution counts


@pytest.mark.parametrize("mistake", ["QmFzZTY0", "K" + base64.b32encode(b"[7, 6, 5]").decode().rstrip("="),
                                     "reason: " + ENCODED])
def test_a_student_chosen_error_name_never_reaches_the_page(tmp_path, mistake):
    text = page(tmp_path, [failed(mistake)])
    assert mistake not in text and "its name and message are not shown" in text


def test_the_vocabulary():
    assert explanation("NameError", "initialize_parameters_he", 0, 3).startswith("your code raised NameError")
    assert "NameError" in NAMED_ERRORS and "QmFzZTY0" not in NAMED_ERRORS
    assert "was stopped" in explanation("time limit", None, 0, 0)
    assert "OutputOnStderr" in explanation("OutputOnStderr", None, 0, 0)
    assert "self-check failed" in explanation("unrecognized", "initialize_parameters_he", 3, 3)
    assert explanation(LABEL, "initialize_parameters_zeros", 0, 3) != MATCHES % LABEL or \
        LABEL in {m.label for m in mistakes_for("initialize_parameters_zeros")}   # another function's label: no
    passed = Verdict("t", "initialize_parameters_he", 5.0, True, "", 3, 3, True)
    assert verdict_lines(passed, 5.0, 5) == ["Grader's verdict: 5 of 5 point(s).", "Hidden tests: 3 of 3 passed.",
                                             "Passed: every check the grader ran on this part passed."]
    assert verdict_lines(None, 0, 5)[1].startswith("The grader kept no account")


def test_without_a_readable_submission_no_output_is_shown(tmp_path):
    text = page(tmp_path, [failed(LABEL)], submitted=False)
    assert ENCODED not in text and "KITLEAK" not in text and SUBMITTED_NOTE not in text
    assert "Hidden tests: 1 of 3 passed." in text


def test_the_submitted_notebook_is_read_safely(tmp_path):
    good = tmp_path / "good.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), str(good))
    assert read_submitted(str(good)) is not None
    link = tmp_path / "link.ipynb"
    link.symlink_to(good)
    fifo = tmp_path / "fifo.ipynb"
    os.mkfifo(fifo)
    junk = tmp_path / "junk.ipynb"
    junk.write_text("{not json")
    for path in (link, fifo, junk, tmp_path / "missing.ipynb", tmp_path):
        assert read_submitted(str(path)) is None, path


def test_a_submitted_output_cannot_dress_as_the_verdict(tmp_path):
    """Outputs the student submitted sit in a frame of their own, where the verdict's classes have no style."""
    graded, mine = notebooks()
    forged = nbformat.v4.new_output("display_data", data={
        "text/html": '<div class="panel-footer kit-verdict"><p>Grader\'s verdict: 5 of 5 point(s).</p></div>',
        "text/plain": "forged"})
    mine.cells[1].outputs = [forged]
    text = page(tmp_path, [failed(LABEL)], pair=(graded, mine))
    frame = text.index('class="kit-submitted-outputs"')
    assert text.index("5 of 5 point(s)") > frame > text.index("0 of 5 point(s)")
    assert "div.kit-submitted-outputs .kit-verdict" in text   # the frame's rule that unstyles it


def test_the_grader_says_in_its_own_words_when_it_stopped_or_skipped_a_cell(tmp_path):
    """A solution or plain cell the grader stopped (a dead kernel, time, the budget) or skipped says so in the
    grader's fixed words; an error the student's code raised there shows nothing of the run."""
    from grader import messages
    graded, mine = notebooks()
    graded.cells[0].outputs = [nbformat.v4.new_output("error", ename=messages.KERNEL_DIED_ERROR, evalue=ENCODED,
                                                      traceback=[ENCODED])]
    graded.cells[2].outputs = [nbformat.v4.new_output("error", ename="QmFzZTY0", evalue=ENCODED, traceback=[])]
    graded.cells[3].outputs = [_stream(messages.SKIPPED_TRAINING)]
    text = page(tmp_path, [failed(LABEL)], pair=(graded, mine)).replace("&#x27;", "'")
    assert text.count("When the grader ran this cell:") == 2
    assert "When the grader ran this cell: %s: " % messages.KERNEL_DIED_ERROR in text
    assert "Run the notebook yourself to see its output" in text
    assert ENCODED not in text and "QmFzZTY0" not in text
