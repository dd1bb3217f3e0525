"""What students see in a real browser (issue 11, points 9 and 12): headless Chromium, driven by Playwright.

1. JupyterLab, as a student runs it: a release notebook with one mistake is opened, run (Run > Run All
   Cells), and nbgrader's Validate button is clicked; the dialog must show the self-check's diagnosis.
2. A feedback page of the graded sample course, opened from disk with the network cut off: its
   formulas must be drawn (MathML, made when the page was written: the page has no script), its
   summary must name the graded functions, and no line may need horizontal scrolling.
3. The feedback page of a hostile student (tests/test_feedback_hostile.py), opened the same way:
   no script of the student's may run (no dialog, no `window.__pwned`, no request), its maths drawn.

Chromium is Debian's (`apt-get install chromium`; .ci/run installs it when missing); Playwright's
own browser download is not used. Screenshots are written to $KIT_SCREENSHOTS (default: a temp folder).
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import nbformat
import pytest

from course_env import python_env
from test_feedback_hostile import HOSTILE, page_path
from grader.manifest import ASSIGNMENTS, ROOT
from samples import notebook_edits as edits

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = os.environ.get("KIT_SCREENSHOTS") or os.path.join(tempfile.gettempdir(), "kit-screenshots")


def _chromium_ready():
    if not os.path.exists(CHROMIUM):
        return "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (requirements.txt)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = _chromium_ready()
    if missing:
        pytest.fail(missing)
    from playwright.sync_api import sync_playwright
    profile = str(tmp_path_factory.mktemp("chromium-profile"))  # a fresh profile every run
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1300, "height": 1000})
        yield context
        context.close()


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, name)
    page.screenshot(path=path)
    return path


# ----------------------------------------------------------------------------- 1. Validate in JupyterLab
ASSIGNMENT, MISTAKE = "gradient_checking", "gcn_no_denominator"  # the fastest notebook; a mistake with a hint


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab on localhost, serving a student's copy of the release folder; yields (url, token)."""
    home = str(tmp_path_factory.mktemp("student-home"))
    folder = os.path.join(home, ASSIGNMENT)
    shutil.copytree(os.path.join(ROOT, "release", ASSIGNMENT), folder)
    notebook = edits.apply_catalog_entry(edits.fill_all(edits.read_release(ASSIGNMENT), ASSIGNMENT), MISTAKE)
    nbformat.write(notebook, os.path.join(folder, ASSIGNMENTS[ASSIGNMENT].notebook))
    settings = os.path.join(home, ".jupyter", "lab", "user-settings", "@jupyterlab")
    for extension, plugin, values in (("notebook-extension", "tracker", '{"windowingMode": "none"}'),
                                      ("apputils-extension", "notification", '{"fetchNews": "false"}')):
        os.makedirs(os.path.join(settings, extension), exist_ok=True)
        with open(os.path.join(settings, extension, plugin + ".jupyterlab-settings"), "w") as handle:
            handle.write(values)  # every cell in the page (not only those on screen); no news pop-up
    env = python_env(ROOT, HOME=home, JUPYTER_CONFIG_DIR=os.path.join(home, ".jupyter"),
                     JUPYTERLAB_SETTINGS_DIR=os.path.join(home, ".jupyter", "lab", "user-settings"),
                     JUPYTER_DATA_DIR=os.path.join(home, ".local", "share", "jupyter"))
    env.pop("JUPYTER_PATH", None)   # the student's own Jupyter: the environment's python3 kernel
    env.pop("PYTHONPATH", None)     # and nothing of the course on the path: the folder's files only
    port, token = _free_port(), "kit-browser-test"
    log = open(os.path.join(home, "jupyterlab.log"), "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", "--port=%d" % port,
         "--ServerApp.token=" + token, "--ServerApp.root_dir=" + folder, "--allow-root"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % port
    try:
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen("%s/api/status?token=%s" % (url, token), timeout=2)
                break
            except Exception:
                if server.poll() is not None or time.time() > deadline:
                    log.flush()
                    with open(log.name) as handle:
                        pytest.fail("JupyterLab did not start:\n" + handle.read()[-3000:])
                time.sleep(0.5)
        yield url, token
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def run_all(page, url, token, name):
    """Open notebook `name` in JupyterLab, Run All from the menu, wait until no cell is running; the text shown."""
    page.goto("%s/lab/tree/%s?token=%s" % (url, name, token))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator, .jp-Toolbar-kernelStatus", timeout=120_000)
    page.wait_for_function("() => document.body.innerText.includes('Idle')", timeout=120_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator("li[data-command='runmenu:run-all']").click()
    page.wait_for_timeout(1000)
    page.wait_for_function("() => !Array.from(document.querySelectorAll('.jp-InputPrompt'))"
                           ".some(prompt => prompt.innerText.includes('*'))", timeout=300_000)
    return page.locator(".jp-Notebook").inner_text()


def test_validate_button_shows_the_self_checks_diagnosis(browser, jupyterlab):
    url, token = jupyterlab
    page = browser.new_page()
    ran = run_all(page, url, token, ASSIGNMENTS[ASSIGNMENT].notebook)
    assert "All checks passed for forward_propagation." in ran and "All checks passed for gradient_check." in ran
    assert "gradient_check_n does not pass its self-check yet" in ran  # the mistake, in the notebook itself
    shot(page, "jupyterlab-after-run-all.png")

    page.get_by_text("Validate", exact=True).click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=300_000)
    page.wait_for_function("() => { const d = document.querySelector('.jp-Dialog');"
                           " return d && !/Validating/.test(d.innerText); }", timeout=300_000)
    text = dialog.inner_text()
    shot(page, "jupyterlab-validate-dialog.png")
    assert "The following cell failed" in text, text
    assert "check_gradient_check_n(gradient_check_n)" in text
    assert "gradient_check_n does not pass its self-check yet: 2 problems." in text
    assert "Likely cause:" in text
    assert "the difference is the numerator alone" in " ".join(text.split()), text
    for noise in ("details printed above", "Traceback", "selfcheck_core", "check_forward_propagation"):
        assert noise not in text, text
    page.close()


# ----------------------------------------------------------------------------- 2. a feedback page, offline
def test_feedback_page_typesets_its_maths_offline(browser, graded_course):
    path = os.path.join(graded_course, "feedback", "partly_wrong", "regularization", "Regularization.html")
    with open(path, encoding="utf-8") as handle:
        html = handle.read()
    assert "<script" not in html  # no script at all: nothing to load, nothing to run
    page = browser.new_page()
    page.context.set_offline(True)
    try:
        page.goto("file://" + path)
        formulas = page.locator("math")
        assert formulas.count() >= 20
        displayed = page.locator("math[display='block']")
        assert displayed.count() >= 3  # the displayed equations
        sizes = page.evaluate("() => Array.from(document.querySelectorAll('math')).map(m => {"
                              " const r = m.getBoundingClientRect(); return [r.width, r.height]; })")
        assert all(w > 0 and h > 0 for w, h in sizes), sizes   # every formula is drawn, none is empty
        fraction = page.locator("math mfrac").first.bounding_box()
        assert fraction["height"] > 1.5 * page.locator("math mi").first.bounding_box()["height"]  # stacked
        text = page.locator("main").first.inner_text()
        assert "\\frac" not in text and "$$" not in text and "\\lambda" not in text
        summary = page.locator("#toc").inner_text()
        for function in ASSIGNMENTS["regularization"].functions:
            assert "Test of %s" % function in summary, summary
        assert "Test cell" not in summary
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width  # long lines wrap: nothing to scroll sideways
        skipped = page.get_by_text("not run while autograding").first
        assert "Run the notebook yourself to see its output" in skipped.inner_text()
        displayed.nth(1).scroll_into_view_if_needed()
        shot(page, "feedback-regularization-maths.png")
        page.locator("#toc").scroll_into_view_if_needed()
        shot(page, "feedback-regularization-summary.png")
    finally:
        page.context.set_offline(False)
        page.close()


# ----------------------------------------------------------------------------- 3. a hostile page runs nothing
def test_a_hostile_feedback_page_runs_no_script(browser, hostile_course):
    course, _ = hostile_course
    path = page_path(course, HOSTILE)
    page = browser.new_page()
    dialogs, requests, violations = [], [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: violations.append(message.text))
    page.context.set_offline(True)
    try:
        page.goto("file://" + path)
        page.wait_for_load_state("load")
        hostile_cells = page.locator("div.cell").nth(1).locator("*").all() + page.locator("div.cell").nth(
            2).locator("*").all()   # the student's markdown and output cells (tests/test_feedback_hostile.py)
        assert len(hostile_cells) > 20
        for element in hostile_cells:   # hover and click everything in them
            try:
                element.hover(timeout=200)
                element.click(timeout=200, no_wait_after=True)
            except Exception:  # noqa: BLE001  hidden, covered or gone: nothing to trigger there
                pass
        page.wait_for_timeout(500)
        assert page.url.split("#")[0] == "file://" + path   # no link went anywhere
        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        assert dialogs == [], dialogs
        assert [url for url in requests if not url.startswith(("file://", "data:"))] == []
        assert page.locator("script").count() == 0
        sizes = page.evaluate("() => Array.from(document.querySelectorAll('math')).map(m => {"
                              " const r = m.getBoundingClientRect(); return r.width * r.height; })")
        assert len(sizes) >= 20 and all(size > 0 for size in sizes)
        shot(page, "feedback-hostile.png")
    finally:
        page.context.set_offline(False)
        page.close()
