"""FeedbackPage (feedback only, last): what the feedback template needs beyond nbgrader's.

* The maths renderer, inlined: MathJax 3 (TeX input, SVG output, fonts inside the script) from the
  `django-static-mathjax` package of requirements.txt, so a feedback page shows its formulas with
  no network at all (nbgrader's own template loads MathJax from a CDN) and stays one file, which is
  all nbgrader's exchange hands a student.
* A label per graded cell that names the function it tests ("Test of gradient_check_n"), for the
  page's summary and the cells' headings.
* An alternative text for every image a cell drew that has none (what nbconvert's HTMLExporter
  adds afterwards with BeautifulSoup, a pass the course's exporter skips: grader/feedback_page.py).

The template is grader/feedback_templates/kit_feedback (selected in nbgrader_config.py).
"""
import functools
import importlib.util
import os
import re

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

MATHJAX_FILE = ("static", "mathjax", "es5", "tex-svg-full.js")
MATHJAX_CONFIG = """window.MathJax = {
  tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], displayMath: [['$$', '$$'], ['\\\\[', '\\\\]']],
        processEscapes: true, processEnvironments: true},
  svg: {fontCache: 'global'},
  options: {skipHtmlTags: ['script', 'noscript', 'style', 'textarea', 'pre', 'code']},
  startup: {typeset: true}
};"""
SELF_CHECK_CALL = re.compile(r"^\s*check_(\w+)\(", re.M)
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
NO_ALT_TEXT = "No description has been provided for this image"   # nbconvert's own words for it


@functools.lru_cache(maxsize=1)
def mathjax_script():
    """The text of MathJax's single-file TeX-to-SVG component, ready to sit inside <script>."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the maths renderer is missing: install requirements.txt (django-static-mathjax)")
    path = os.path.join(list(spec.submodule_search_locations)[0], *MATHJAX_FILE)
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.I)


def cell_label(cell):
    """What a graded cell is about, in words: "Test of forward_propagation", "Your answer: ...", ..."""
    meta = cell.metadata.get("nbgrader", {})
    grade_id = meta.get("grade_id", "")
    if is_grade(cell) and not is_solution(cell):
        found = SELF_CHECK_CALL.search(cell.source)
        name = found.group(1) if found else (grade_id[len("test_"):] if grade_id.startswith("test_") else grade_id)
        return "Test of %s" % name
    if is_solution(cell):
        return "Your answer: %s" % grade_id
    return grade_id


def describe_images(cell):
    """Give each image output of `cell` without an alternative text nbconvert's placeholder one."""
    if cell.metadata.get("alt"):
        return
    for output in cell.get("outputs", []):
        for kind in IMAGE_TYPES:
            if kind in output.get("data", {}):
                metadata = output.setdefault("metadata", {}).setdefault(kind, {})
                if isinstance(metadata, dict) and not metadata.get("alt"):
                    metadata["alt"] = NO_ALT_TEXT


class FeedbackPage(NbGraderPreprocessor):
    """Put the inlined maths renderer and the graded cells' labels into the template's resources,
    and an alternative text on every image."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            describe_images(cell)
        resources["kit_feedback"] = {
            "mathjax_config": MATHJAX_CONFIG,
            "mathjax": mathjax_script(),
            "labels": {cell.metadata["nbgrader"]["grade_id"]: cell_label(cell) for cell in nb.cells
                       if cell.metadata.get("nbgrader", {}).get("grade_id")},
        }
        return nb, resources
