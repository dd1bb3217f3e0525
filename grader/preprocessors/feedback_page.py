"""FeedbackPage (feedback only, last): the notebook's data checked for the template, and what else it needs.

* Only data the template can show safely reaches it: an image's width and height are numbers or
  are dropped (nbconvert writes them into an unquoted attribute, so `1 onerror=...` would become
  an event handler), cell tags are plain words (an execution count is an integer already: nbconvert
  refuses any other notebook), and output metadata that points outside the page (file names,
  isolated iframes) is removed. The whole page
  is sanitized again when it is written (grader/page_sanitizer.py): this step is the first of two.
* A label per graded cell that names the function it tests ("Test of gradient_check_n"), for the
  page's summary and the cells' headings.
* An alternative text for every image a cell drew that has none (what nbconvert's HTMLExporter
  adds afterwards with BeautifulSoup, a pass the course's exporter skips: grader/feedback_page.py).
* The lesson's diagrams (PNG attachments of markdown cells) stored with a palette of 256 colours,
  which looks the same for a drawing and is a fifth of the size: they were most of a page's bytes
  (Regularization: 320 of 440 KB). Done once per process and image; a student's own plots (outputs)
  are left as they are, and an image too large or that Pillow cannot read is left too.

* Markdown and HTML within the page's bounds (grader/page_budget.py); the rest is shown as plain text.

The page's maths needs nothing here: it becomes MathML as the markdown is rendered (grader/page_maths.py).
The template is grader/feedback_templates/kit_feedback (selected in nbgrader_config.py).
"""
import base64
import functools
import io
import re

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

from grader.feedback_verdict import SUBMITTED_NOTE
from grader.page_budget import PageBudget

SELF_CHECK_CALL = re.compile(r"^\s*check_(\w+)\(", re.M)
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
NO_ALT_TEXT = "No description has been provided for this image"   # nbconvert's own words for it
SAFE_TAG = re.compile(r"[A-Za-z0-9_.-]{1,64}")
OUTSIDE_THE_PAGE = ("filenames", "isolated", "unconfined")   # output metadata that would load or frame anything
MAX_DIAGRAM = (4_000_000, 2_000_000)   # base64 characters, pixels: larger attachments are left as they are


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


@functools.lru_cache(maxsize=64)
def palette_png(encoded):
    """The base64 PNG `encoded` with a 256-colour palette, when that is smaller; else `encoded` itself."""
    from PIL import Image
    if len(encoded) > MAX_DIAGRAM[0]:
        return encoded
    try:
        image = Image.open(io.BytesIO(base64.b64decode(encoded)))
        if image.format != "PNG" or image.size[0] * image.size[1] > MAX_DIAGRAM[1]:
            return encoded
        buffer = io.BytesIO()
        image.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(buffer, "PNG", optimize=True)
    except Exception:  # noqa: BLE001  whatever Pillow makes of a student's file: keep it as it is
        return encoded
    smaller = base64.b64encode(buffer.getvalue()).decode("ascii")
    return smaller if len(smaller) < len(encoded) else encoded


def compact_diagrams(cell):
    """A markdown cell's PNG attachments with a palette (see the module's docstring)."""
    for attachment in (cell.get("attachments") or {}).values():
        if isinstance(attachment, dict) and isinstance(attachment.get("image/png"), str):
            attachment["image/png"] = palette_png(attachment["image/png"])


def _size(value):
    """An image dimension as the number it must be, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if 0 <= number <= 100000 else None


def check_metadata(cell):
    """Leave in `cell` only metadata the template can show as it is (see the module's docstring)."""
    tags = cell.metadata.get("tags")
    if tags is not None:
        cell.metadata["tags"] = [t for t in tags if isinstance(t, str) and SAFE_TAG.fullmatch(t)] \
            if isinstance(tags, list) else []
    for output in cell.get("outputs", []):
        metadata = output.get("metadata")
        if not isinstance(metadata, dict):
            continue
        for key in OUTSIDE_THE_PAGE:
            metadata.pop(key, None)
        for kind, entry in list(metadata.items()):
            if not isinstance(entry, dict):
                continue
            for key in OUTSIDE_THE_PAGE:
                entry.pop(key, None)
            for key in ("width", "height"):
                if key in entry:
                    size = _size(entry[key])
                    if size is None:
                        del entry[key]
                    else:
                        entry[key] = size


class FeedbackPage(NbGraderPreprocessor):
    """Check the notebook's metadata for the template, put the graded cells' labels into its resources,
    and an alternative text on every image."""

    def preprocess(self, nb, resources):
        budget = PageBudget()
        for cell in nb.cells:
            check_metadata(cell)
            describe_images(cell)
            if cell.cell_type == "markdown":
                budget.markdown_cell(cell)
                compact_diagrams(cell)
            elif cell.cell_type == "code":
                budget.outputs(cell)
        resources["kit_feedback"] = {
            "submitted_note": SUBMITTED_NOTE,
            "labels": {cell.metadata["nbgrader"]["grade_id"]: cell_label(cell) for cell in nb.cells
                       if cell.metadata.get("nbgrader", {}).get("grade_id")},
        }
        return nb, resources
