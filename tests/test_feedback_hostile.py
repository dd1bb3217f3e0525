"""Feedback pages and the instructor's console against a hostile student, graded by the real pipeline.

One student (tests/attacks/hostile_pages.py) writes into an Initialization notebook every way a string
can reach a feedback page (markdown with scripts and event handlers, `javascript:` links, LaTeX
`\\href`, HTML, SVG, Markdown, LaTeX and JavaScript outputs, an image whose width breaks out of its
attribute, attachments that are not images, cell tags with quotes), prints `In` after the hidden tests
ran, and forges a self-check record full of terminal control sequences. An honest classmate is graded
in the same run (`python -m pipeline --no-samples`, sandbox and nbgrader for real): the hostile class of
tests/hostile_class.py, graded once per test run as root and as an ordinary user with the other
attackers. The tests read the pages, the folders, the stamps and what the pipeline printed.
tests/test_browser.py opens the hostile page in Chromium (the `hostile_course` fixture: tests/conftest.py).
"""
import glob
import html
import json
import os
import re
from html.parser import HTMLParser

import nbformat
import pytest

from attacks.hostile_pages import ASSIGNMENT, HONEST, HOSTILE, NOTEBOOK, PAGE
from grader.hidden_block import hidden_lines
from grader.messages import CONTROL
from grader.page_sanitizer import MATHML_TAGS, style_hash

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["root", "ordinary user"])
def graded(request, hostile_class_run):
    """(course, what the pipeline printed) of the hostile class graded with the fork executor, as root and as an
    ordinary user who owns the course copy."""
    run = hostile_class_run("fork", "root" if request.param == "root" else "user")
    return run["course"], run["result"].stdout


def page_path(course, student):
    return os.path.join(course, "feedback", student, ASSIGNMENT, PAGE)


class PageParts(HTMLParser):
    """Every start tag of a page with its attributes (entities decoded), and the text of its <style> elements."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.styles, self._in_style = [], [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def unsafe_parts(text):
    """What a page must never hold: scripts, frames, event handlers, script URLs, remote or non-image loads."""
    found = []
    for tag, attrs in PageParts(text).tags:
        if tag in ("script", "iframe", "frame", "object", "embed", "svg", "form", "button", "base", "link", "portal"):
            found.append("<%s>" % tag)
        for name, value in attrs.items():
            plain = re.sub(r"[\x00-\x20]", "", html.unescape(value or "")).lower()
            if name.startswith("on"):
                found.append("%s %s=" % (tag, name))
            if "javascript:" in plain or "vbscript:" in plain:
                found.append("%s %s=%r" % (tag, name, value))
            if name in ("src", "href", "action", "formaction", "data", "xlink:href") and not (
                    plain.startswith("#") or re.match(r"data:image/(png|jpeg|gif|webp|svg\+xml);base64,", plain)
                    or (name == "href" and tag == "a" and plain.startswith(("https:", "http:", "mailto:")))):
                found.append("%s %s=%r" % (tag, name, value[:60]))
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "refresh":
            found.append("meta refresh")
    return found


def policy_of(text):
    """The page's Content-Security-Policy, from the <meta> that must come before anything it governs."""
    head = text[:text.lower().index("<body")]
    metas = [attrs for tag, attrs in PageParts(head).tags if tag == "meta"
             and attrs.get("http-equiv", "").lower() == "content-security-policy"]
    assert len(metas) == 1, metas
    assert "<style" not in head.lower() or head.lower().index("content-security-policy") < head.lower().index("<style")
    return dict((d.split()[0], d.split()[1:]) for d in metas[0]["content"].split(";") if d.strip())


def test_the_hostile_page_holds_no_script_handler_or_script_url(graded):
    course, _ = graded
    with open(page_path(course, HOSTILE), encoding="utf-8") as handle:
        text = handle.read()
    assert unsafe_parts(text) == []
    tags = PageParts(text).tags
    assert all(a["width"].isdigit() for t, a in tags if t == "img" and "width" in a)  # `1 onerror=...`: dropped
    assert sum(t == "math" for t, _ in tags) >= 20                                   # the lesson's maths, as MathML
    assert not any("href" in a for t, a in tags if t in MATHML_TAGS)                 # \\href made no link


def test_every_page_carries_a_policy_that_allows_no_script(graded):
    course, _ = graded
    pages = glob.glob(os.path.join(course, "feedback", "*", "*", "*.html"))
    assert {page_path(course, HOSTILE), page_path(course, HONEST)} <= set(pages)   # and every classmate's
    for path in pages:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        policy = policy_of(text)
        assert policy["default-src"] == ["'none'"] and policy["script-src"] == ["'none'"], policy
        assert policy["img-src"] == ["data:"] and policy["base-uri"] == ["'none'"]
        head = text[:text.lower().index("<body")]
        # exactly the page's own style sheets (none on the page of a submission that could not be graded)
        hashes = {style_hash(css) for css in re.findall(r"<style[^>]*>(.*?)</style>", head, re.S)}
        assert sorted(policy["style-src"]) == (sorted(hashes) or ["'none'"])


def test_hidden_tests_reach_no_output_of_any_cell(graded):
    course, _ = graded
    source = nbformat.read(os.path.join(course, "source", ASSIGNMENT, NOTEBOOK), as_version=4)
    secret = [line for cell in source.cells for line in hidden_lines(cell.source)]
    assert secret
    with open(page_path(course, HOSTILE), encoding="utf-8") as handle:
        text = html.unescape(handle.read())
    for line in secret + ["grade_case(", "BEGIN HIDDEN TESTS"]:
        assert line not in text and line.replace('"', "\\'") not in text, line
    assert "print(In)" in re.sub(r"<[^>]+>", "", text)   # the leaking cell is on the page, its output is not


def test_feedback_folders_hold_the_pages_only(graded):
    course, _ = graded
    for student in (HOSTILE, HONEST):
        names = sorted(os.listdir(os.path.join(course, "feedback", student, ASSIGNMENT)))
        assert names == [PAGE, "timestamp.txt"], names


def test_the_console_and_the_notes_get_no_control_characters(graded):
    course, printed = graded
    assert "\x1b" not in printed and not CONTROL.search(printed.replace("\n", "")), [
        line for line in printed.splitlines() if CONTROL.search(line)]
    notes = printed[printed.index("Notes:"):]
    assert "%s / %s: test_initialize_parameters_zeros scored 0 (self-check: C" % (HOSTILE, ASSIGNMENT) in notes
    # a student's text loses its control sequences (an OSC string goes with its sequence); the intake names a
    # hostile file name with its control characters spelled out (<U+001B>), so the instructor sees what it was
    assert notes.count("pwned title") == notes.count("<U+001B>]0;pwned title<U+0007>") == 1
    assert "<U+202E>yp.link: a file name with unusual characters" in notes
    with open(os.path.join(course, "autograded", HOSTILE, ASSIGNMENT, ".kit-grading.json")) as handle:
        stamp = json.load(handle)
    stored = json.dumps(stamp, ensure_ascii=False)
    assert "\x1b" not in stored and not CONTROL.search(stored.replace("\n", "")), stored


def test_a_typical_page_is_under_200_kb(hostile_course):
    """The honest student's page (tests/test_feedback_hidden.py measures every sample student's)."""
    course, _ = hostile_course
    with open(page_path(course, HONEST), encoding="utf-8") as handle:
        size = len(handle.read().encode("utf-8"))
    print("honest %s page: %d bytes" % (ASSIGNMENT, size))
    assert size < 200 * 1024
