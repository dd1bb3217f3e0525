"""Unit tier: the feedback page's safety steps on hostile data, with the course's real exporter and preprocessors.

* the page: a notebook full of hostile markdown, outputs, metadata, attachments and tags, rendered by
  FeedbackExporter with the feedback preprocessors nbgrader_config.py lists (all but GetGrades, which
  needs a gradebook: its scores are given), holds no script, handler or script URL and has its policy;
* the scrub: hidden test lines printed by any cell (not only test cells) never reach the page;
* the console: `printable` and every note of the grade table drop control sequences and characters.
"""
import base64
import copy
import re

import nbformat
from traitlets.config import Config

from grader.feedback_page import FeedbackExporter
from grader.messages import CONTROL, one_line, printable, zero_reason
from grader.page_maths import latex_output_html, tex_to_mathml
from grader.page_sanitizer import clean_fragment, safe_page
from grader.preprocessors.feedback_page import FeedbackPage
from grader.preprocessors.hide_hidden_test_details import HideHiddenTestDetails
from nbgrader.preprocessors import ClearHiddenTests
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from pipeline.table import render_table, table_notes
from attacks.hostile_pages import CONTROLS, EVIL_SVG, HOSTILE_MARKDOWN, PNG
from test_feedback_hostile import policy_of, unsafe_parts

HIDDEN = ('grade_case(initialize_parameters_he, "layers", layers_dims=[3, 7, 2])',
          'grade_case(initialize_parameters_he, "layers", layers_dims=[5, 11, 4, 1])')
TEST_SOURCE = ("check_initialize_parameters_he(initialize_parameters_he)\n### BEGIN HIDDEN TESTS\n%s\n%s\n"
               "### END HIDDEN TESTS" % HIDDEN)


def output(kind, **fields):
    return nbformat.from_dict(dict(output_type=kind, **fields))


def display(data, metadata=None):
    return output("display_data", data=data, metadata=metadata or {})


def hostile_notebook():
    """Every way a notebook's strings reach a page, with the outputs a hostile run would have left."""
    markdown = nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN)
    markdown.attachments = {"evil.svg": {"image/svg+xml": base64.b64encode(EVIL_SVG.encode()).decode()},
                            "evil.html": {"text/html": base64.b64encode(b"<script>alert(1)</script>").decode()}}
    shown = nbformat.v4.new_code_cell("show()", execution_count=3)
    shown.metadata["tags"] = ['x" onmouseover="window.__pwned=1', "y' onclick='alert(1)", "fine-tag"]
    shown.outputs = [
        display({"text/html": '<img src=x onerror="alert(1)"><script>alert(1)</script><a href="javascript:x">h</a>'}),
        display({"image/svg+xml": EVIL_SVG}),
        display({"text/markdown": '<img src=x onerror="alert(1)"> $\\href{javascript:alert(1)}{m}$'}),
        display({"text/latex": "$\\href{javascript:alert(1)}{x} + \\alpha$"}),
        display({"application/javascript": "window.__pwned = 1"}),
        display({"image/png": PNG}, {"image/png": {"width": "1 onerror=alert(1)", "height": "2 onload=alert(1)",
                                                    "filenames": {"image/png": "../../gradebook.db"}}}),
        display({"image/png": PNG}, {"image/png": {"width": 320}}),
        display({"text/html": "<b>framed</b>"}, {"text/html": {"isolated": True}}),
        output("error", ename="Bad<script>", evalue='<img src=x onerror="alert(1)">', traceback=["<svg onload=x>"]),
    ]
    test = nbformat.v4.new_code_cell(TEST_SOURCE, execution_count=4)
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_he", "points": 5,
                                 "schema_version": 3, "locked": True, "score": 0.0}
    leak = nbformat.v4.new_code_cell("print(In)", execution_count=5)
    leak.outputs = [output("stream", name="stdout", text="['', %r]\n" % TEST_SOURCE),
                    display({"text/html": "<pre>%s</pre>" % HIDDEN[0].replace('"', "&quot;")}),
                    output("error", ename="NameError", evalue="x", traceback=["----> 3 " + HIDDEN[1]])]
    nb = nbformat.v4.new_notebook(cells=[markdown, shown, test, leak])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def page_of(nb):
    """The feedback page of `nb`, through the course's feedback steps (GetGrades's scores given)."""
    resources = {"nbgrader": {"notebook": "Hostile", "score": 0.0, "max_score": 5.0, "late_penalty": 0,
                              "student": "s", "assignment": "a"}, "metadata": {"path": "."}}
    config = Config()
    config.HTMLExporter.sanitize_html = True
    exporter = FeedbackExporter(config=config)
    for step in (HideHiddenTestDetails, ClearHiddenTests, CSSHTMLHeaderPreprocessor, FeedbackPage):
        exporter.register_preprocessor(step, enabled=True)
    text, _ = exporter.from_notebook_node(nb, resources)
    return text


def test_a_hostile_notebook_makes_a_page_with_no_script_and_a_strict_policy():
    text = page_of(hostile_notebook())
    assert unsafe_parts(text) == []
    policy = policy_of(text)
    assert policy["default-src"] == ["'none'"] and policy["script-src"] == ["'none'"]
    assert re.findall(r"<img\b[^>]*\bwidth=\"(\w+)\"", text) == ["320"]   # a number kept, a break-out dropped
    assert "celltag_fine-tag" in text and "onmouseover" not in text and "onclick" not in text
    assert "<math" in text and "\\href" not in text.split("<body", 1)[1].replace("\\\\href", "")
    assert "gradebook.db" not in text and "framed" in text
    assert re.search(r'class="output_markdown[^>]*>\s*<p><img> <math', text)   # a Markdown output's maths: MathML


def test_hidden_lines_printed_by_any_cell_never_reach_the_page():
    text = page_of(hostile_notebook())
    for line in HIDDEN:
        assert line not in text and line.replace('"', "&quot;") not in text and line.replace('"', "&#34;") not in text
    assert "grade_case(" not in text and "BEGIN HIDDEN" not in text
    assert text.count("output not shown: it would quote hidden tests") >= 2


def test_a_lesson_without_hidden_tests_loses_nothing():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('grade_case(')")])
    nb.cells[0].outputs = [output("stream", name="stdout", text="grade_case( is just text here\n")]
    nb, _ = HideHiddenTestDetails().preprocess(copy.deepcopy(nb), {})
    assert nb.cells[0].outputs[0]["text"] == "grade_case( is just text here\n"


def test_the_page_refuses_a_head_it_did_not_write():
    body = "<body><p>x</p></body></html>"
    good = '<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" ' \
           'content="KIT-CONTENT-SECURITY-POLICY"><title>t</title></head>'
    assert "script-src 'none'" in safe_page(good + body)
    for bad in (good.replace("<title>t</title>", "<title>t</title><script>alert(1)</script>"),
                good.replace("<title>t</title>", '<meta http-equiv="refresh" content="0">'), good + body + "<script>"):
        try:
            safe_page(bad if bad.endswith("<script>") else bad + body)
        except ValueError:
            continue
        raise AssertionError("accepted: %s" % bad)


def test_mathml_carries_no_link_and_bad_latex_stays_text():
    assert "href" not in clean_fragment(tex_to_mathml("\\href{javascript:alert(1)}{x}"))
    assert "<mfrac>" in tex_to_mathml("\\frac{a}{b}") and "λ" in tex_to_mathml("\\lambda")
    shown = tex_to_mathml("a_{", display=True)
    assert shown == '<code class="tex">$$a_{$$</code>'
    assert latex_output_html("see <b> $x^2$").startswith("see &lt;b&gt; <math")


def test_printable_drops_every_control_sequence():
    text = printable("ok" + CONTROLS + "\tend\nnext")
    assert text == "oklinktxt.exex\tend\nnext", repr(text)
    assert not CONTROL.search(printable("".join(map(chr, range(0x20))) + "\x7f\x85\x9b\u202e\u2067"))
    assert one_line("\x1b]0;title\x07first\x1bM line\nsecond") == "first line"


def test_notes_and_the_table_hold_no_control_characters():
    forged = "self-check: C" + CONTROLS
    reason = zero_reason([{"output_type": "error", "ename": "SelfCheckFailed", "evalue": "x"}], [], forged)
    stamps = {("st\x1b]0;x\x07udent", "initialization"): {
        "status": "graded", "notes": ["repaired\x1bM\x08\x08 " + CONTROLS], "failing": [("test_he", reason)]},
        ("other", "initialization"): {"status": "failed", "reason": "broken\r\x1b[2Kfine" + CONTROLS}}
    notes = table_notes(stamps)
    assert len(notes) == 3 and all(not CONTROL.search(note) and "\n" not in note for note in notes), notes
    assert "student / initialization: test_he scored 0 (self-check: self-check: Clinktxt.exex)" in notes[-1] or any(
        "test_he scored 0" in note for note in notes)
    table = render_table({("st\x1b]0;x\x07udent", "initialization"): (1.0, 2.0)}, {"initialization": 2.0})
    assert "\x1b" not in table and not CONTROL.search(table.replace("\n", ""))


def test_lesson_diagrams_get_a_palette_and_anything_else_is_left_alone():
    import io
    import matplotlib.pyplot as plt
    from PIL import Image
    from grader.preprocessors.feedback_page import palette_png
    figure, axes = plt.subplots(figsize=(6, 4), dpi=100)
    for row in range(12):
        axes.plot([0, 1], [row, 11 - row], color="steelblue", linewidth=0.6)
        axes.add_patch(plt.Circle((0, row), 0.3, color="wheat"))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    drawn = base64.b64encode(buffer.getvalue()).decode()
    smaller = palette_png(drawn)
    assert len(smaller) < len(drawn) / 2
    before, after = (Image.open(io.BytesIO(base64.b64decode(x))) for x in (drawn, smaller))
    assert after.size == before.size and after.mode == "P"
    for junk in ("not base64 at all", base64.b64encode(b"\x89PNG\r\n\x1a\n broken").decode(), PNG):
        assert palette_png(junk) == junk   # unreadable, or already as small as it gets
