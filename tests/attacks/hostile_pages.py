"""The hostile student of the feedback pages: every way a string can reach a page, in one Initialization notebook.

Markdown with scripts and event handlers, `javascript:` links, LaTeX `\\href`, HTML, SVG, Markdown,
LaTeX and JavaScript outputs (run, and handed in as the cell's outputs), an image whose width breaks
out of its attribute, attachments that are not images, cell tags with quotes, `print(In)` after the
hidden tests ran, a forged self-check record full of terminal control sequences, and a file whose
name carries control characters. An honest classmate is handed in next to it. tests/hostile_class.py
grades them; tests/test_feedback_hostile.py and tests/test_browser.py read the pages.
"""
import os

import nbformat

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


def write_class(course):
    """The hostile student and an honest classmate, handed in to the course copy `course`; their names."""
    from samples import notebook_edits as edits
    from samples.students import correct
    edits.write_submission(HOSTILE, ASSIGNMENT, hostile_notebook(course), root=course)
    edits.write_submission(HONEST, ASSIGNMENT, correct(ASSIGNMENT, edits.read_release(ASSIGNMENT, course)),
                           root=course)
    os.symlink("/etc/hostname", os.path.join(course, "submitted", HOSTILE, ASSIGNMENT, CONTROL_NAME))
    return [HOSTILE, HONEST]
