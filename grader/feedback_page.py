"""The course's feedback page: nbgrader's feedback HTML, safe to open, its maths typeset as MathML, the
graded functions named, long lines wrapped; and a feedback folder that holds the pages alone.

nbgrader_config.py sets `GenerateFeedback.exporter_class` to FeedbackExporter (and adds the
FeedbackPage preprocessor, grader/preprocessors/feedback_page.py, which checks the notebook's
metadata and puts the cells' labels into the template's resources). The exporter always uses the
course template, grader/feedback_templates/kit_feedback, which extends nbgrader's own feedback
template: the formgrader's "generate feedback" button forces `HTMLExporter.template_name =
"feedback"` in its config, which would otherwise bring back the CDN maths and the anonymous
"Test cell" summary.

Safe to open: every page goes through grader/page_sanitizer.py last (its body through an
allowlist sanitizer, a Content-Security-Policy that allows no script), and its markdown's LaTeX
becomes MathML as it is rendered (grader/page_maths.py): the page needs no script at all.

The pages alone: nbgrader's feedback step copies every other file of the autograded folder
(the course's helper modules, the data) next to the pages. A feedback folder is what a student
gets, so the exporter tells the converter that made it to copy only nbgrader's bookkeeping
(`timestamp.txt`, `submission_secret.txt`: `nbgrader release_feedback` reads both there).

nbgrader makes a new exporter for every page, and nbconvert would compile the same Jinja
templates again each time (about a third of a second): the exporters of one process share the
compiled code through a bytecode cache keyed by each template's source checksum.

HTMLExporter re-reads every finished page with BeautifulSoup, to give images without one an
alternative text and to make JupyterLab cells focusable; on a feedback page that pass took a
fifth of the page's time. The course page skips it: FeedbackPage (grader/preprocessors/
feedback_page.py) gives each image its alternative text before the template runs, and the
classic template it extends has no JupyterLab cells.

Most of a page is the lesson itself, the same for every student: its markdown and its
unchanged code cells. A process keeps the HTML of such a cell (a pure function of the source,
its attachments and the exporter's settings) when its content is exactly that of a cell of the
assignment's release notebooks, the instructor's own material (InstructorCells); everything a
student wrote or changed is rendered for their page alone and never kept. So every page after
the first renders only what the student changed, and no student's input can reach another's page.
"""
import copy
import functools
import hashlib
import json
import os
import shutil

import nbgrader
from jinja2 import BytecodeCache, pass_context
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.markdown_mistune import MarkdownWithMath
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbgrader.converters import GenerateFeedback
from traitlets.config import Config

from grader.page_maths import MathMLRenderer, latex_output_html
from grader.page_sanitizer import safe_page

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "feedback_templates")
NBGRADER_TEMPLATES = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "templates")
NBGRADER_CSS = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "static",
                            "node_modules", "bootstrap", "dist", "css")
BOOKKEEPING = ("timestamp.txt", "submission_secret.txt")   # what a feedback folder holds besides the pages


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


class RenderedCache:
    """HTML already made in this process, by key; the newest `size` entries are kept."""

    def __init__(self, size=4096):
        self.size, self.store = size, {}

    def get(self, key, render):
        if key not in self.store:
            if len(self.store) >= self.size:
                self.store.pop(next(iter(self.store)))
            self.store[key] = render()
        return self.store[key]


RENDERED = RenderedCache()


def digest(value):
    """A short fingerprint of JSON-like data (cell attachments, cell metadata) for a cache key."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def cell_key(cell_type, source, attachments=None):
    """The fingerprint of a cell's content as InstructorCells knows it."""
    return digest([cell_type, source, attachments or {}])


class InstructorCells:
    """The content of every cell of an assignment's release notebooks (instructor's files), by fingerprint
    (cell_key), read again when a notebook of that folder changes."""

    def __init__(self):
        self.folders = {}   # release folder -> (its notebooks' names, sizes and times, frozenset of cell keys)

    def keys(self, folder):
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".ipynb"))
            stats = [os.stat(os.path.join(folder, n)) for n in names]
            signature = tuple((n, info.st_mtime_ns, info.st_size) for n, info in zip(names, stats))
        except OSError:
            return frozenset()
        known = self.folders.get(folder)
        if known is None or known[0] != signature:
            keys = set()
            for name in names:
                try:
                    with open(os.path.join(folder, name), encoding="utf-8") as handle:
                        cells = json.load(handle).get("cells", [])
                except (OSError, ValueError, AttributeError):
                    continue
                for cell in cells if isinstance(cells, list) else []:
                    source = cell.get("source", "") if isinstance(cell, dict) else ""
                    source = source if isinstance(source, str) else "".join(map(str, source))
                    keys.add(cell_key(cell.get("cell_type"), source, cell.get("attachments")))
            known = self.folders[folder] = (signature, frozenset(keys))
        return known[1]


INSTRUCTOR_CELLS = InstructorCells()


def instructor_keys(converter, resources):
    """The cell keys of the release notebooks of the assignment a page is for (none outside nbgrader's
    feedback step, or for an assignment name that is not a plain folder name)."""
    coursedir = getattr(converter, "coursedir", None)
    assignment = (resources or {}).get("nbgrader", {}).get("assignment")
    if coursedir is None or not isinstance(assignment, str) or not assignment or assignment.startswith(".") \
            or os.sep in assignment or (os.altsep and os.altsep in assignment):
        return frozenset()
    return INSTRUCTOR_CELLS.keys(os.path.join(coursedir.root, coursedir.release_directory, assignment))


class CachedHighlight:
    """nbconvert's code highlighter (a Highlight2HTML), remembering what it highlighted of the instructor's code
    (`instructor`: cell keys, see InstructorCells)."""

    def __init__(self, highlight, instructor=frozenset()):
        self.highlight, self.instructor = highlight, instructor

    def __call__(self, source, language=None, metadata=None):
        if cell_key("code", source) not in self.instructor:
            return self.highlight(source, language, metadata)
        key = ("code", self.highlight.pygments_lexer, repr(self.highlight.extra_formatter_options), source,
               language, digest(metadata or {}))
        return RENDERED.get(key, lambda: self.highlight(source, language, metadata))


class FeedbackExporter(HTMLExporter):
    """HTMLExporter pinned to the course's feedback template (whatever HTMLExporter's config says)."""

    def __init__(self, config=None, parent=None, **kwargs):
        config = copy.deepcopy(config if config is not None else (parent.config if parent is not None else Config()))
        # this class's own config section wins over HTMLExporter's, whatever nbgrader put there
        config.FeedbackExporter.template_name = "kit_feedback"
        config.FeedbackExporter.extra_template_basedirs = [TEMPLATES, NBGRADER_TEMPLATES]
        config.FeedbackExporter.extra_template_paths = [NBGRADER_CSS, NBGRADER_TEMPLATES]
        super().__init__(config=config, parent=parent, **kwargs)
        if isinstance(parent, GenerateFeedback):
            parent.init_assignment = functools.partial(copy_bookkeeping, parent)

    def default_filters(self):
        yield from super().default_filters()
        yield ("latex_to_mathml", latex_output_html)

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = SHARED_BYTECODE
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):
        """HTMLExporter's conversion (its code highlighter and widget filter, its resources), without
        the BeautifulSoup pass over the finished page (see the module's docstring)."""
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name", None))
        self.instructor = instructor_keys(self.parent, resources)
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", CachedHighlight(Highlight2HTML(pygments_lexer=lexer, parent=self), self.instructor)))
        resources = self._init_resources(resources)
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata,
                                                                       parent=self, resources=resources))
        output, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return safe_page(output), resources

    @pass_context
    def markdown2html(self, context, source):
        """HTMLExporter's markdown renderer with MathML for the maths, remembering what it rendered of the
        instructor's cells (see the module's docstring)."""
        cell = context.get("cell", {})
        attachments = cell.get("attachments", {})
        path = context.get("resources", {}).get("metadata", {}).get("path", "")

        def render():
            renderer = MathMLRenderer(escape=False, attachments=attachments, embed_images=self.embed_images,
                                      path=path, anchor_link_text=self.anchor_link_text,
                                      exclude_anchor_links=self.exclude_anchor_links, **self.lexer_options)
            return MarkdownWithMath(renderer=renderer).render(source)
        if cell_key("markdown", source, attachments) not in getattr(self, "instructor", frozenset()):
            return render()
        # the page's folder matters only to images embedded from files
        key = ("markdown", source, digest(attachments), path if self.embed_images else None, self.embed_images,
               self.anchor_link_text, self.exclude_anchor_links, repr(self.lexer_options))
        return RENDERED.get(key, render)


def copy_bookkeeping(converter, assignment_id, student_id):
    """GenerateFeedback's step that copies the autograded folder's other files, copying only nbgrader's
    bookkeeping (BOOKKEEPING): the course's helpers and data never reach a student's feedback folder."""
    source = converter._format_source(assignment_id, student_id)
    destination = converter._format_dest(assignment_id, student_id)
    for name in BOOKKEEPING:
        path = os.path.join(source, name)
        if os.path.isfile(path) and not os.path.islink(path):
            os.makedirs(destination, exist_ok=True)
            shutil.copyfile(path, os.path.join(destination, name))
