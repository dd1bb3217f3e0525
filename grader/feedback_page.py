"""The course's feedback page: nbgrader's feedback HTML with the maths rendered offline, the graded
functions named, and long lines wrapped.

nbgrader_config.py sets `GenerateFeedback.exporter_class` to FeedbackExporter (and adds the
FeedbackPage preprocessor, grader/preprocessors/feedback_page.py, which puts the inlined MathJax
and the cells' labels into the template's resources). The exporter always uses the course template,
grader/feedback_templates/kit_feedback, which extends nbgrader's own feedback template: the
formgrader's "generate feedback" button forces `HTMLExporter.template_name = "feedback"` in its
config, which would otherwise bring back the CDN maths and the anonymous "Test cell" summary.

nbgrader makes a new exporter for every page, and nbconvert would compile the same Jinja
templates again each time (about a third of a second): the exporters of one process share the
compiled code through a bytecode cache keyed by each template's source checksum.
"""
import copy
import os

import nbgrader
from jinja2 import BytecodeCache
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "feedback_templates")
NBGRADER_TEMPLATES = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates")
NBGRADER_CSS = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "static",
                            "node_modules", "bootstrap", "dist", "css")


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled Jinja templates, in memory, for this process (a changed template's checksum misses)."""

    def __init__(self):
        self.store = {}

    def load_bytecode(self, bucket):
        checksum, code = self.store.get(bucket.key, (None, None))
        if code is not None and checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = (bucket.checksum, bucket.code)


SHARED_BYTECODE = _ProcessBytecodeCache()


class FeedbackExporter(HTMLExporter):
    """HTMLExporter pinned to the course's feedback template (whatever HTMLExporter's config says)."""

    def __init__(self, config=None, parent=None, **kwargs):
        config = copy.deepcopy(config if config is not None else (parent.config if parent is not None else Config()))
        # this class's own config section wins over HTMLExporter's, whatever nbgrader put there
        config.FeedbackExporter.template_name = "kit_feedback"
        config.FeedbackExporter.extra_template_basedirs = [TEMPLATES, NBGRADER_TEMPLATES]
        config.FeedbackExporter.extra_template_paths = [NBGRADER_CSS, NBGRADER_TEMPLATES]
        super().__init__(config=config, parent=parent, **kwargs)

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = SHARED_BYTECODE
        return environment
