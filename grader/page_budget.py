"""How much student markup a feedback page renders: bounded per cell and per page, the rest shown as text.

The page is written outside the sandbox, by the trusted grading process, so a submission must not be
able to make that step slow or large: rendering markdown full of formulas costs hundreds of bytes of
memory per byte of source, and the sanitizer (nh3) takes time quadratic in the nesting of tags. The
course's own notebooks render under a tenth of these bounds (at most 19 KB of markdown, a handful of
tags); what goes past them is shown as the start of its source, as plain text, with a note.
"""
import html
import json

MAX_CELL_MARKDOWN = 50_000      # characters of one markdown cell rendered as markdown
MAX_PAGE_MARKDOWN = 200_000     # characters of markdown and LaTeX output rendered on one page
MAX_FRAGMENT_TAGS = 2_000       # '<' in one markdown cell or HTML output
MAX_PAGE_TAGS = 10_000          # '<' over the whole page's markdown and HTML outputs
SHOWN_CHARS = 2_000             # of a cell not rendered, the source shown as text
MAX_PAGE_SHOWN = 100_000        # characters shown as text on one page; past them, a note only

NOT_RENDERED = ("This cell is shown as plain text (its first %d characters): it holds more markup than a "
                "feedback page renders.")


def _plain(text, room):
    """The start of `text` (at most `room` characters) as HTML that no markdown or maths renderer reads anything
    into."""
    shown = html.escape(text[:room]).replace("$", "&#36;").replace("\\", "&#92;").replace("`", "&#96;")
    more = len(text) - room
    tail = "\n... (%d more characters)" % more if more > 0 else ""
    return '<pre class="kit-not-rendered">%s%s</pre>' % (shown, tail)


class PageBudget:
    """What one page has rendered so far; `markdown_cell` and `outputs` apply the bounds to a cell."""

    def __init__(self):
        self.markdown = self.tags = self.shown = 0

    def _fits(self, text):
        tags = text.count("<")
        if (len(text) > MAX_CELL_MARKDOWN or tags > MAX_FRAGMENT_TAGS or self.markdown + len(text) > MAX_PAGE_MARKDOWN
                or self.tags + tags > MAX_PAGE_TAGS):
            return False
        self.markdown, self.tags = self.markdown + len(text), self.tags + tags
        return True

    def markdown_cell(self, cell):
        source = cell.get("source", "")
        source = source if isinstance(source, str) else "".join(source)
        if not self._fits(source):
            room = max(0, min(SHOWN_CHARS, MAX_PAGE_SHOWN - self.shown))
            self.shown += room
            cell["source"] = "*%s*\n\n%s\n" % (NOT_RENDERED % room, _plain(source, room))
            cell["attachments"] = {}

    def outputs(self, cell):
        """HTML and LaTeX outputs past the bounds become a plain-text note."""
        for output in cell.get("outputs", []):
            data = output.get("data") if isinstance(output.get("data"), dict) else None
            if not data:
                continue
            for kind in ("text/html", "text/latex"):
                if kind in data:
                    text = data[kind] if isinstance(data[kind], str) else json.dumps(data[kind])
                    if not self._fits(text if kind == "text/html" else text.replace("<", "")):
                        output["data"] = {"text/plain": "[an output of %d characters, not shown: it holds more "
                                                        "markup than a feedback page renders]" % len(text)}
                        break
