"""Feedback pages and the instructor's console against a hostile student, graded by the real pipeline.

One student writes into an Initialization notebook every way a string can reach a feedback page
(markdown with scripts and event handlers, `javascript:` links, LaTeX `\\href`, HTML, SVG,
Markdown, LaTeX and JavaScript outputs, an image whose width breaks out of its attribute,
attachments that are not images, cell tags with quotes), prints `In` after the hidden tests ran,
and forges a self-check record full of terminal control sequences. An honest classmate is graded
in the same run (`python -m pipeline --no-samples`, sandbox and nbgrader for real). The tests read
the pages, the folders, the stamps and what the pipeline printed. tests/test_browser.py opens the
hostile page in Chromium (the `hostile_course` fixture, graded as root once per test run: tests/conftest.py).
"""
import glob
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

import nbformat
import pytest

from graded_course import course_env
from grader.hidden_block import hidden_lines
from grader.messages import CONTROL
from grader.page_sanitizer import MATHML_TAGS, style_hash
from released_course import released_copy

pytestmark = pytest.mark.e2e

ASSIGNMENT, NOTEBOOK, PAGE = "initialization", "Initialization.ipynb", "Initialization.html"
HOSTILE, HONEST = "hostile_pages", "honest_pages"
RECORD_MIME = "application/vnd.pada.grade-record+json"
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
EVIL_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"><script>window.__pwned=1;alert(1)'
            '</script><circle r="5"/></svg>')
# control sequences a terminal acts on: a window title (OSC 0), the clipboard (OSC 52), a hyperlink (OSC 8),
# cursor up (ESC M), screen clear, reset (ESC c), backspaces, a carriage return, bidirectional overrides
CONTROLS = ("\x1b]0;pwned title\x07\x1bM\x1bM\x1b[2J\x08\x08\x08\r\x1bc\x1b]52;c;cGF5bG9hZA==\x07"
            "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\\u202etxt.exe\u2066x\u2069\x9b2J")

HOSTILE_MARKDOWN = r"""## Notes <img src=x onerror="window.__pwned=1;alert(1)">
<script>window.__pwned=1; alert(1)</script>
<a href="javascript:window.__pwned=1">one</a> [two](javascript:alert(1)) <a href="  JaVaScRiPt:alert(1)">three</a>
<a href="jav&#x09;ascript:alert(1)">four</a>
<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">five</a>
<svg onload="window.__pwned=1"><script>alert(1)</script></svg>
<iframe src="javascript:alert(1)"></iframe><object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">
<div onmouseover="window.__pwned=1" style="position:fixed;top:0;left:0;width:100%;height:100%">cover</div>
<details open ontoggle="window.__pwned=1"><summary>s</summary></details>
<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>
<meta http-equiv="refresh" content="0;url=javascript:alert(1)"><base href="javascript:alert(1)//">
<img src="http://127.0.0.1:9/track.png"><style>body { display: none }</style>
<math><mrow href="javascript:window.__pwned=1"><mi>m</mi></mrow></math>

The cost $\href{javascript:window.__pwned=1}{J} = \frac{1}{m}\sum_i \mathcal{L}^{(i)}$ and

$$\href{javascript:alert(1)}{W^{[l]}} = \sqrt{\frac{2}{n^{[l-1]}}}$$

![evil svg](attachment:evil.svg) ![evil html](attachment:evil.html)
"""

HOSTILE_OUTPUTS = r"""
from IPython.display import display, HTML, SVG, Markdown, Latex, Javascript
display(HTML('<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=1</script>'
             '<a href="javascript:alert(1)">h</a>'))
display(SVG('''%s'''))
display(Markdown('<img src=x onerror="window.__pwned=1"> $\\href{javascript:alert(1)}{m}$'))
display(Latex(r'$\href{javascript:window.__pwned=1}{x} + \alpha$'))
display(Javascript('window.__pwned = 1; alert(1)'))
display({'image/png': '%s'}, metadata={'image/png': {'width': '1 onerror=window.__pwned=1;alert(1)',
                                                      'height': '2 onload=alert(1)'}}, raw=True)
display({'text/html': '<b>framed</b>'}, metadata={'text/html': {'isolated': True}}, raw=True)
""" % (EVIL_SVG, PNG)

FORGED_RECORD = r'''
def initialize_parameters_zeros(layers_dims):
    from IPython.display import display
    text = %r
    display({%r: {"kind": "self_check", "function": "initialize_parameters_zeros", "summary": "S" + text,
                  "findings": ["F" + text], "causes": ["C" + text]}}, raw=True)
    return {"W1": 0}
''' % (CONTROLS, RECORD_MIME)

LEAKS = "print(In)\nprint(repr(globals().get('_ih')))\n"
CONTROL_NAME = "notes\x1b]0;pwned title\x07\x1bM\x08\x08\u202eyp.link"   # a file name the intake notes down


def _attachment(mime, text):
    import base64
    return {mime: base64.b64encode(text.encode()).decode()}


def submitted_hostile_outputs():
    """What running HOSTILE_OUTPUTS leaves in a saved notebook: the student hands these in as the cell's outputs."""
    def display(data, metadata=None):
        return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})
    return [display({"text/html": '<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=1</script>'
                                  '<a href="javascript:alert(1)">h</a>'}),
            display({"image/svg+xml": EVIL_SVG}),
            display({"text/markdown": '<img src=x onerror="window.__pwned=1"> $\\href{javascript:alert(1)}{m}$'}),
            display({"text/latex": r"$\href{javascript:window.__pwned=1}{x} + \alpha$"}),
            display({"application/javascript": "window.__pwned = 1; alert(1)"}),
            display({"image/png": PNG}, {"image/png": {"width": "1 onerror=window.__pwned=1;alert(1)",
                                                       "height": "2 onload=alert(1)"}}),
            display({"text/html": "<b>framed</b>"}, {"text/html": {"isolated": True}})]


def hostile_notebook(root):
    """The release notebook, solved, then given every hostile string (see the module's docstring)."""
    from samples import notebook_edits as edits
    nb = edits.fill_all(edits.read_release(ASSIGNMENT, root), ASSIGNMENT, root=root)
    markdown = nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN)
    markdown.attachments = {"evil.svg": _attachment("image/svg+xml", EVIL_SVG),
                            "evil.html": _attachment("text/html", "<script>window.__pwned=1</script>")}
    nb.cells.insert(1, markdown)
    outputs = nbformat.v4.new_code_cell(HOSTILE_OUTPUTS)
    outputs.outputs = submitted_hostile_outputs()   # the page shows what was submitted, never the grading run's
    outputs.metadata["tags"] = ['x" onmouseover="window.__pwned=1', "y' onclick='alert(1)", "<script>"]
    nb.cells.insert(2, outputs)
    edits.set_function_source(nb, "initialize_parameters_zeros", FORGED_RECORD)
    nb.cells.append(nbformat.v4.new_code_cell(LEAKS))
    return nb


def build_hostile_course(course, user=None):
    """A course copy with the hostile student and an honest one, graded by the pipeline (as `user`, who then owns
    the copy, when given); what the pipeline printed."""
    from samples import notebook_edits as edits
    from samples.students import correct
    released_copy(course)
    edits.write_submission(HOSTILE, ASSIGNMENT, hostile_notebook(course), root=course)
    edits.write_submission(HONEST, ASSIGNMENT, correct(ASSIGNMENT, edits.read_release(ASSIGNMENT, course)),
                           root=course)
    os.symlink("/etc/hostname", os.path.join(course, "submitted", HOSTILE, ASSIGNMENT, CONTROL_NAME))
    env, command = course_env(course), [sys.executable, "-m", "pipeline", "--no-samples"]
    if user:   # an OrdinaryUser (tests/ordinary_user.py)
        user.own(os.path.dirname(course))
        env["HOME"] = os.path.join(course, ".home")
        command = user.command(command)
    result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=1500)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


_BUILT = {}


@pytest.fixture(scope="session")
def hostile_course_as_user(request, ordinary_user):
    """The same class graded by an ordinary user (tests/conftest.py) who owns the course copy."""
    if "user" not in _BUILT:
        folder = tempfile.mkdtemp(prefix="kit-pages-user-")   # pytest's own temp folder is root's alone
        request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
        course = os.path.join(folder, "course")
        _BUILT["user"] = (course, build_hostile_course(course, user=ordinary_user))
    return _BUILT["user"]


@pytest.fixture(params=["root", "ordinary user"])
def graded(request):
    """The hostile class, graded as root and as an ordinary user."""
    return request.getfixturevalue("hostile_course" if request.param == "root" else "hostile_course_as_user")


def page_path(course, student):
    return os.path.join(course, "feedback", student, ASSIGNMENT, PAGE)


class PageParts(HTMLParser):
    """Every start tag of a page with its attributes (entities decoded), and the text of its <style> elements."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.styles, self._in_style = [], [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def unsafe_parts(text):
    """What a page must never hold: scripts, frames, event handlers, script URLs, remote or non-image loads."""
    found = []
    for tag, attrs in PageParts(text).tags:
        if tag in ("script", "iframe", "frame", "object", "embed", "svg", "form", "button", "base", "link", "portal"):
            found.append("<%s>" % tag)
        for name, value in attrs.items():
            plain = re.sub(r"[\x00-\x20]", "", html.unescape(value or "")).lower()
            if name.startswith("on"):
                found.append("%s %s=" % (tag, name))
            if "javascript:" in plain or "vbscript:" in plain:
                found.append("%s %s=%r" % (tag, name, value))
            if name in ("src", "href", "action", "formaction", "data", "xlink:href") and not (
                    plain.startswith("#") or re.match(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,", plain)
                    or (name == "href" and tag == "a" and plain.startswith(("https:", "http:", "mailto:")))):
                found.append("%s %s=%r" % (tag, name, value[:60]))
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append("meta refresh")
    return found


def policy_of(text):
    """The page's Content-Security-Policy, from the <meta> that must come before anything it governs."""
    head = text[:text.lower().index("<body")]
    metas = [attrs for tag, attrs in PageParts(head).tags if tag == "meta"
             and attrs.get("http-equiv", "").lower() == "content-security-policy"]
    assert len(metas) == 1, metas
    assert head.lower().index("content-security-policy") < head.lower().index("<style")
    return dict((d.split()[0], d.split()[1:]) for d in metas[0]["content"].split(";") if d.strip())


def test_the_hostile_page_holds_no_script_handler_or_script_url(graded):
    course, _ = graded
    with open(page_path(course, HOSTILE), encoding="utf-8") as handle:
        text = handle.read()
    assert unsafe_parts(text) == []
    tags = PageParts(text).tags
    assert all(a["width"].isdigit() for t, a in tags if t == "img" and "width" in a)  # `1 onerror=...`: dropped
    assert sum(t == "math" for t, _ in tags) >= 20                                   # the lesson's maths, as MathML
    assert not any("href" in a for t, a in tags if t in MATHML_TAGS)                 # \\href made no link


def test_every_page_carries_a_policy_that_allows_no_script(graded):
    course, _ = graded
    pages = glob.glob(os.path.join(course, "feedback", "*", "*", "*.html"))
    assert len(pages) == 2
    for path in pages:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        policy = policy_of(text)
        assert policy["default-src"] == ["'none'"] and policy["script-src"] == ["'none'"], policy
        assert policy["img-src"] == ["data:"] and policy["base-uri"] == ["'none'"]
        head = text[:text.lower().index("<body")]
        assert sorted(policy["style-src"]) == sorted({style_hash(css) for css in re.findall(
            r"<style[^>]*>(.*?)</style>", head, re.S)})   # exactly the page's own style sheets


def test_hidden_tests_reach_no_output_of_any_cell(graded):
    course, _ = graded
    source = nbformat.read(os.path.join(course, "source", ASSIGNMENT, NOTEBOOK), as_version=4)
    secret = [line for cell in source.cells for line in hidden_lines(cell.source)]
    assert secret
    with open(page_path(course, HOSTILE), encoding="utf-8") as handle:
        text = html.unescape(handle.read())
    for line in secret + ["grade_case(", "BEGIN HIDDEN TESTS"]:
        assert line not in text and line.replace('"', "\\'") not in text, line
    assert "print(In)" in re.sub(r"<[^>]+>", "", text)   # the leaking cell is on the page, its output is not


def test_feedback_folders_hold_the_pages_only(graded):
    course, _ = graded
    for student in (HOSTILE, HONEST):
        names = sorted(os.listdir(os.path.join(course, "feedback", student, ASSIGNMENT)))
        assert names == [PAGE, "timestamp.txt"], names


def test_the_console_and_the_notes_get_no_control_characters(graded):
    course, printed = graded
    assert "\x1b" not in printed and not CONTROL.search(printed.replace("\n", "")), [
        line for line in printed.splitlines() if CONTROL.search(line)]
    notes = printed[printed.index("Notes:"):]
    assert "%s / %s: test_initialize_parameters_zeros scored 0 (self-check: C" % (HOSTILE, ASSIGNMENT) in notes
    # a student's text loses its control sequences (an OSC string goes with its sequence); the intake names a
    # hostile file name with its control characters spelled out (<U+001B>), so the instructor sees what it was
    assert notes.count("pwned title") == notes.count("<U+001B>]0;pwned title<U+0007>") == 1
    assert "<U+202E>yp.link: a file name with unusual characters" in notes
    with open(os.path.join(course, "autograded", HOSTILE, ASSIGNMENT, ".kit-grading.json")) as handle:
        stamp = json.load(handle)
    stored = json.dumps(stamp, ensure_ascii=False)
    assert "\x1b" not in stored and not CONTROL.search(stored.replace("\n", "")), stored


def test_a_typical_page_is_under_200_kb(hostile_course):
    """The honest student's page (tests/test_feedback_hidden.py measures every sample student's)."""
    course, _ = hostile_course
    with open(page_path(course, HONEST), encoding="utf-8") as handle:
        size = len(handle.read().encode("utf-8"))
    print("honest %s page: %d bytes" % (ASSIGNMENT, size))
    assert size < 200 * 1024
