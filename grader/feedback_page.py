"""The course's feedback page: nbgrader's feedback HTML with the maths rendered offline, the graded
functions named, and long lines wrapped.

nbgrader_config.py sets `GenerateFeedback.exporter_class` to FeedbackExporter (and adds the
FeedbackPage preprocessor, grader/preprocessors/feedback_page.py, which puts the inlined MathJax
and the cells' labels into the template's resources). The exporter always uses the course template,
grader/feedback_templates/kit_feedback, which extends nbgrader's own feedback template: the
formgrader's "generate feedback" button forces `HTMLExporter.template_name = "feedback"` in its
config, which would otherwise bring back the CDN maths and the anonymous "Test cell" summary.
"""
import copy
import os

import nbgrader
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "feedback_templates")
NBGRADER_TEMPLATES = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates")
NBGRADER_CSS = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "static",
                            "node_modules", "bootstrap", "dist", "css")


class FeedbackExporter(HTMLExporter):
    """HTMLExporter pinned to the course's feedback template (whatever HTMLExporter's config says)."""

    def __init__(self, config=None, parent=None, **kwargs):
        config = copy.deepcopy(config if config is not None else (parent.config if parent is not None else Config()))
        # this class's own config section wins over HTMLExporter's, whatever nbgrader put there
        config.FeedbackExporter.template_name = "kit_feedback"
        config.FeedbackExporter.extra_template_basedirs = [TEMPLATES, NBGRADER_TEMPLATES]
        config.FeedbackExporter.extra_template_paths = [NBGRADER_CSS, NBGRADER_TEMPLATES]
        super().__init__(config=config, parent=parent, **kwargs)
