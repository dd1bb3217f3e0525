"""In JupyterLab 4 in headless Chromium, a student who pasted a second copy of a test cell is told by the self-check.

The self-check finds the notebook from what JupyterLab gives a kernel (the id of the running cell in the
request's metadata, the notebook's path in JPY_SESSION_NAME): this checks that a real JupyterLab gives
them. The notebook is saved to the server the browser's JupyterLab serves (tests/test_browser.py's
fixtures), opened, run with Run > Run All Cells, and the note read from the page.
"""
import json
import urllib.request

import pytest

from grader.manifest import ASSIGNMENTS
from samples import honest_edits
from samples.notebook_edits import notebook_text, read_release
from test_browser import ASSIGNMENT, browser, jupyterlab, run_all, shot  # noqa: F401  (fixtures, shared)

pytestmark = pytest.mark.e2e
FIRST = ASSIGNMENTS[ASSIGNMENT].functions[0]


def _save(url, token, name, nb):
    """Save `nb` as `name` through Jupyter Server's contents API (as a student's upload would)."""
    body = json.dumps({"type": "notebook", "format": "json", "content": json.loads(notebook_text(nb))}).encode()
    request = urllib.request.Request("%s/api/contents/%s?token=%s" % (url, name, token), data=body, method="PUT",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).read()


def test_a_pasted_test_cell_is_named_by_the_self_check_in_jupyterlab(browser, jupyterlab):  # noqa: F811
    url, token = jupyterlab
    nb, _ = honest_edits.duplicated_test(ASSIGNMENT, read_release(ASSIGNMENT))
    _save(url, token, "Copied.ipynb", nb)
    page = browser.new_page()
    try:
        ran = " ".join(run_all(page, url, token, "Copied.ipynb").split())
        shot(page, "jupyterlab-pasted-test-cell.png")
    finally:
        page.close()
    assert "All checks passed for %s." % FIRST in ran, ran[-3000:]
    note = "the test cell test_%s appears twice (copied, or split in two" % FIRST
    assert ran.count(note) >= 2 and "Your submission will still be graded" in ran, ran[-3000:]
