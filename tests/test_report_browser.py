"""The class report in a real browser (headless Chromium, tests/test_browser.py's), opened from disk with the
network cut: its plots are drawn, its tables are there, and its policy blocks nothing it needs."""
import os

import pytest

from grader.manifest import ASSIGNMENTS
from test_browser import browser, shot  # noqa: F401  (the module's Chromium fixture, reused)

pytestmark = pytest.mark.e2e


def test_the_class_report_shows_its_plots_and_tables_offline(browser, graded_course):  # noqa: F811
    path = os.path.join(graded_course, "reports", "class_report.html")
    page = browser.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: refused.append(request.url) if not request.url.startswith(
        ("file://", "data:")) else None)
    page.context.set_offline(True)
    try:
        page.goto("file://" + path)
        page.wait_for_load_state("load")
        plots = page.locator("img.plot")
        assert plots.count() == 2 * len(ASSIGNMENTS)
        widths = page.evaluate("() => Array.from(document.querySelectorAll('img.plot'))"
                               ".map(img => img.complete ? img.naturalWidth : 0)")
        assert all(width > 0 for width in widths), widths
        for assignment in ASSIGNMENTS:
            section = page.locator("section.assignment", has=page.locator("h2", has_text=assignment))
            assert section.locator("table.items tbody tr").count() == len(ASSIGNMENTS[assignment].graded)
            assert section.locator("table.problems tbody tr").count() >= 1
            assert section.locator("table.attention tbody tr").count() >= 1
            text = section.inner_text()
            for function in ASSIGNMENTS[assignment].functions:
                assert function in text
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width
        assert page.evaluate("() => getComputedStyle(document.querySelector('th')).backgroundColor") \
            != "rgba(0, 0, 0, 0)"   # the page's style block was allowed by its hash
        assert not refused, refused
        shot(page, "class-report.png")
    finally:
        page.context.set_offline(False)
        page.close()
