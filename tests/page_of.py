"""Render one notebook's feedback page with the course's exporter and page steps, as the grader does.

    python tests/page_of.py NOTEBOOK PAGE     (prints the peak resident memory of this process, in MB)
"""
import resource
import sys

import nbformat
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from traitlets.config import Config

from grader.feedback_page import FeedbackExporter
from grader.preprocessors.feedback_page import FeedbackPage


def render(nb):
    for cell in nb.cells:   # the scores autograding writes into graded cells, which the page shows
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade"):
            grading.setdefault("score", 0.0)
    exporter = FeedbackExporter(config=Config())
    for step in (CSSHTMLHeaderPreprocessor, FeedbackPage):
        exporter.register_preprocessor(step, enabled=True)
    resources = {"nbgrader": {"notebook": "Regularization", "score": 0.0, "max_score": 0.0, "late_penalty": 0,
                              "student": "s", "assignment": "a"}, "metadata": {"path": "."}}
    return exporter.from_notebook_node(nb, resources)[0]


if __name__ == "__main__":
    page = render(nbformat.read(sys.argv[1], as_version=4))
    with open(sys.argv[2], "w", encoding="utf-8") as handle:
        handle.write(page)
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
