"""The class report's HTML: one self-contained page, autoescaped, with a strict Content-Security-Policy.

Every student string (ids, exception names, what a failing test recorded) is escaped by the
template; the page loads nothing (its plots are data: URIs), runs no script, and its one
style block is allowed by its hash only.
"""
import base64
import hashlib
import os

import jinja2
from markupsafe import Markup

from pipeline.report.plots import full_marks_bars, score_histogram

STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 2rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#eee}
.assignment{border-top:2px solid #4477aa;margin-top:2rem}figure{display:inline-block;margin:.5rem 1rem .5rem 0}
img.plot{max-width:100%}pre.example{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;
padding:.5rem;border-left:3px solid #aaa}.hint{color:#555;font-size:.9em}tr.error td{background:#fff4e5}
tr.not-graded td{background:#fde8e8}td ul{margin:0;padding-left:1.1rem}nav ul{display:flex;gap:1.5rem;
list-style:none;padding:0}
"""
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.dirname(os.path.abspath(__file__))),
                               autoescape=True, undefined=jinja2.StrictUndefined)


def content_security_policy(style):
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; img-src data:; style-src 'sha256-%s'; script-src 'none'; base-uri 'none'; "
            "form-action 'none'" % digest)


def number(value):
    """Two decimals at most, no trailing zeros; "n/a" for None."""
    return "n/a" if value is None else ("%.2f" % value).rstrip("0").rstrip(".")


def percent(share):
    return "%.0f %%" % (100 * share)


def assignment_view(summary, names):
    """What the template shows of an AssignmentSummary; `names` turns ids into what the page shows."""
    return {
        "name": summary.name, "anchor": "assignment-" + hashlib.sha256(summary.name.encode()).hexdigest()[:8],
        "count": len(summary.scores), "mean": number(summary.mean), "median": number(summary.median),
        "max": number(summary.max_points),
        "histogram": score_histogram(summary.name, summary.scores, summary.max_points, summary.mean, summary.median)
        if summary.scores else "",
        "bars": full_marks_bars(summary.name, summary.items) if summary.scores else "",
        "tests": [{"function": i.function, "max": number(i.max_points), "full": percent(i.full_share),
                   "full_value": "%.4f" % i.full_share, "difficulty": number(i.difficulty),
                   "discrimination": number(i.discrimination)} for i in summary.items],
        "problems": [{"function": p.function, "label": p.label, "category": p.category, "count": len(p.students),
                      "share": percent(p.share), "students": sorted(names.name(s) for s in p.students),
                      "examples": [names.scrub(e) for e in p.examples]} for p in summary.problems],
        "attention": sorted((names.name(student), [names.scrub(r) for r in reasons])
                            for student, reasons in summary.attention),
    }


def render_page(data, summaries, names, anonymous=False):
    """The report's HTML text."""
    return TEMPLATES.get_template("class_report.html.j2").render(
        csp=content_security_policy(STYLE), style=Markup(STYLE), course_id=data.course_id,
        students=len(data.students), submissions=len(data.submissions), anonymous=anonymous,
        assignments=[assignment_view(s, names) for s in summaries])
