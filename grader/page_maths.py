"""The maths of a feedback page, typeset when the page is written: LaTeX to MathML (latex2mathml).

A browser draws MathML itself (MathML Core: Chromium, Firefox, Safari), so the page needs no
script and no network for its formulas. The MathML is data for the page's sanitizer like any
other markup (grader/page_sanitizer.py): `\\href` becomes an attribute it drops.
"""
import functools
import html
import re

from latex2mathml.converter import convert
from nbconvert.filters.markdown_mistune import IPythonRenderer, InvalidNotebook

MAX_TEX = 5000      # a formula longer than this is shown as its source (the converter is not linear in it)
ENTITY = re.compile(r"&#x([0-9A-Fa-f]{1,6});")
KEPT_ENTITIES = {"<", ">", "&", '"', "'"}
# what a text/latex output holds: display maths, inline maths, or a LaTeX environment; plain text around them
LATEX_PARTS = re.compile(r"\$\$(?P<dd>.+?)\$\$|\\\[(?P<db>.+?)\\\]|\\\((?P<ib>.+?)\\\)|(?<!\\)\$(?P<id>.+?)(?<!\\)\$"
                         r"|(?P<env>\\begin\{(?P<name>[a-zA-Z]+\*?)\}.*?\\end\{(?P=name)\})", re.S)


def _characters(mathml):
    """latex2mathml writes every symbol as a hexadecimal reference (`&#x003BB;`, 9 bytes): the UTF-8 character
    itself is 2 or 3 bytes, and the markup's own characters stay escaped."""
    def one(match):
        code = int(match.group(1), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or chr(code) in KEPT_ENTITIES or code < 0x20:
            return match.group(0)
        return chr(code)
    return ENTITY.sub(one, mathml)


@functools.lru_cache(maxsize=8192)
def tex_to_mathml(tex, display=False):
    """MathML for the LaTeX formula `tex` (a page's formulas are the same for every student: kept per process);
    a formula the converter cannot read is shown as its escaped source."""
    tex = tex.strip()
    if tex and len(tex) <= MAX_TEX:
        try:
            return _characters(convert(tex, display="block" if display else "inline"))
        except Exception:  # noqa: BLE001  any LaTeX a student writes: show it as text rather than fail the page
            pass
    shown = html.escape("$$%s$$" % tex if display else "$%s$" % tex)
    return '<code class="tex">%s</code>' % shown


def latex_output_html(text):
    """HTML for a text/latex output: its formulas as MathML, the rest as escaped text."""
    parts, last = [], 0
    for match in LATEX_PARTS.finditer(str(text)):
        parts.append(html.escape(text[last:match.start()]))
        if match.group("env"):
            parts.append(tex_to_mathml(match.group("env"), display=True))
        else:
            inline = match.group("ib") or match.group("id")
            parts.append(tex_to_mathml(inline if inline else (match.group("dd") or match.group("db")),
                                       display=not inline))
        last = match.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer with its formulas typeset as MathML instead of left for MathJax, and a
    missing attachment shown as its alternative text instead of failing the whole page."""

    def block_math(self, body):
        return tex_to_mathml(body, display=True)

    def inline_math(self, body):
        return tex_to_mathml(body, display=False)

    def latex_environment(self, name, body):
        return tex_to_mathml("\\begin{%s}%s\\end{%s}" % (name, body, name), display=True)

    def multiline_math(self, text):
        return latex_output_html(text)

    def image(self, text, url, title=None):
        try:
            return super().image(text, url, title)
        except InvalidNotebook:
            return "<em>[%s: image not found]</em>" % html.escape(text or "figure")
