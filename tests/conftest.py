"""Shared pytest set-up: headless matplotlib, the long shared builds as fixtures, a check of the test tiers.

Tiers (markers, pytest.ini): unit tests carry no marker; `e2e` tests run nbgrader, kernels or
trainings (a thin slice of the catalogs included); `slow` tests read the full catalogs. Each test
file marks its own tests (`pytestmark = pytest.mark.e2e`, or a mark on a test); collection stops
when a test uses one of the long fixtures below without the mark its tier needs. The builds start
in the background when collection ends, only those the selected tests need (tests/background.py).
"""
import os
import sys
import uuid
import warnings

import matplotlib
import nbformat
import pytest

# one name for this test run's shared builds (tests/background.py), seen by every xdist worker and subprocess
os.environ.setdefault("KIT_TEST_RUN", os.environ.get("PYTEST_XDIST_TESTRUNUID") or "run-" + uuid.uuid4().hex)
import background  # noqa: E402  (reads KIT_TEST_RUN)
import catalog_builds  # noqa: E402
import class_course  # noqa: E402
import hostile_class  # noqa: E402
import ordinary_user as accounts  # noqa: E402
import released_course  # noqa: E402
from notebook_runner import execute  # noqa: E402

matplotlib.use("Agg")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED_SEED = os.path.join(ROOT, "..", "shared", "seed")
ORIGINAL_FOOTBALL = os.path.join(SHARED_SEED, "original-football-data.mat")

GRADED_COURSE = ("graded-course", [sys.executable, os.path.join(ROOT, "tests", "graded_course.py"),
                                   os.path.join("{folder}", "course")])
# the long fixtures, and the mark a test that uses one must carry
SLOW_FIXTURES = {"catalog_full"}
E2E_FIXTURES = {"graded_course", "class_graded", "hostile_course", "hostile_class_run", "catalog_slice",
                "executed_source", "executed_release", "run_notebook", "regenerated", "trainer_results", "lesson",
                "circles", "original"}  # builds, notebook runs, trainings
_WANTED = set()  # fixture names the selected tests use


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Stop when a test that uses a long fixture is not marked for its tier (it would slip into a faster tier)."""
    unmarked = []
    for item in items:
        marks, used = {mark.name for mark in item.iter_markers()}, set(item.fixturenames)
        if used & SLOW_FIXTURES and "slow" not in marks:
            unmarked.append("%s (uses %s: mark it slow)" % (item.nodeid, ", ".join(sorted(used & SLOW_FIXTURES))))
        elif used & E2E_FIXTURES and not marks & {"e2e", "slow"}:
            unmarked.append("%s (uses %s: mark it e2e)" % (item.nodeid, ", ".join(sorted(used & E2E_FIXTURES))))
    if unmarked:
        raise pytest.UsageError("tests without their tier's mark:\n  " + "\n  ".join(unmarked))
    items.sort(key=_file_rank(items).__getitem__)


# fixtures that wait for a background build
SHARED_BUILDS = {"graded_course", "class_graded", "hostile_course", "hostile_class_run", "catalog_slice"}


def _file_rank(items):
    """{item: rank of its file} (xdist hands out whole files in this order): end-to-end files first, then those
    that wait for a shared build, the unit files, the full catalogs last (their build takes longest)."""
    ranks = {}
    for item in items:
        marks, path = {mark.name for mark in item.iter_markers()}, item.nodeid.split("::")[0]
        rank = 3 if "slow" in marks else 1 if set(item.fixturenames) & SHARED_BUILDS else 0 if "e2e" in marks else 2
        ranks[path] = rank if path not in ranks else (max if 3 in (rank, ranks[path]) else min)(rank, ranks[path])
    return {item: ranks[item.nodeid.split("::")[0]] for item in items}


def pytest_collection_finish(session):
    """Start the shared builds the selected tests need (once per run, whichever worker is first)."""
    if session.config.option.collectonly:
        return
    _WANTED.update(name for item in session.items for name in item.fixturenames)
    if any(item.get_closest_marker("e2e") or item.get_closest_marker("slow") for item in session.items):
        background.start(*released_course.BUILD)   # most classes graded by the tests start from it
    if "graded_course" in _WANTED:
        background.start(*GRADED_COURSE)
    for mode in hostile_class.MODES:   # the modes the selected tests read (test ids name them: fork-root, ...)
        if "hostile_course" in _WANTED and mode == ("fork", "root") or any(
                "hostile_class_run" in item.fixturenames and (mode[0] == "fork" or "-".join(mode) in item.nodeid)
                for item in session.items):
            background.start(*hostile_class.build_of(*mode))
    if "class_graded" in _WANTED:
        background.start(*class_course.BUILD)
    if "catalog_full" in _WANTED:
        background.start(*catalog_builds.FULL)
    elif "catalog_slice" in _WANTED:
        background.start(*catalog_builds.SLICE)


def pytest_sessionfinish(session):
    """The run's shared builds are removed once every test is done: by the xdist controller after all of its
    workers (a worker that finished early must not remove what another still reads), or by a plain run."""
    if hasattr(session.config, "workerinput"):
        return
    if os.environ["KIT_TEST_RUN"].startswith("run-") and not session.config.option.collectonly:
        background.remove_run()


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory):
    """Path of the graded course copy (tests/graded_course.py), built once per test run."""
    folder, status = background.result(*GRADED_COURSE, tmp_path_factory=tmp_path_factory)
    if status["returncode"] != 0:
        pytest.fail("building the shared graded course failed:\n" + status["tail"])
    return os.path.join(folder, "course")


@pytest.fixture(scope="session")
def class_graded(tmp_path_factory):
    """Path of the small Initialization class (tests/class_course.py) graded by the local workers into SQLite, built
    once per test run; read it, never change it."""
    folder, status = background.result(*class_course.BUILD, tmp_path_factory=tmp_path_factory)
    if status["returncode"] != 0:
        pytest.fail("grading the shared small class failed:\n" + status["tail"])
    return os.path.join(folder, "course")


@pytest.fixture(scope="session")
def hostile_course():
    """(course folder, what the pipeline printed) of the hostile class graded as root with the fork executor, once
    per test run (tests/hostile_class.py; test_feedback_hostile.py and test_browser.py read its pages)."""
    run = hostile_class.graded("fork", "root")
    return run["course"], run["result"].stdout


@pytest.fixture(scope="session")
def hostile_class_run():
    """run(executor, who): the hostile class graded in that mode (tests/hostile_class.py), once per test run."""
    return hostile_class.graded


@pytest.fixture(scope="session")
def catalog_full(tmp_path_factory):
    """(data, {entry id: result}) of every catalog entry graded through nbgrader."""
    return catalog_builds.read_build(*background.result(*catalog_builds.FULL, tmp_path_factory=tmp_path_factory))


@pytest.fixture(scope="session")
def catalog_slice(tmp_path_factory):
    """The thin slice's results: read from the full build when this run makes it anyway."""
    build = catalog_builds.FULL if "catalog_full" in _WANTED else catalog_builds.SLICE
    return catalog_builds.read_build(*background.result(*build, tmp_path_factory=tmp_path_factory))


@pytest.fixture(scope="session")
def run_notebook(tmp_path_factory):
    """run(path, allow_errors=False): the notebook at `path` executed once per test run, whichever test asks."""
    def run(path, allow_errors=False):
        name = "executed-" + os.path.relpath(path, ROOT).replace(os.sep, "-")
        command = [sys.executable, os.path.join(ROOT, "tests", "notebook_runner.py"), path,
                   os.path.join("{folder}", "executed.ipynb")] + (["--allow-errors"] if allow_errors else [])
        folder, status = background.result(name, command, tmp_path_factory=tmp_path_factory)
        if status["returncode"] != 0:
            pytest.fail("executing %s failed:\n%s" % (path, status["tail"]))
        return nbformat.read(os.path.join(folder, "executed.ipynb"), as_version=4)
    return run


@pytest.fixture(scope="session")
def ordinary_user():
    """The unprivileged account this test process grades as (tests/ordinary_user.py), removed at the end."""
    if os.geteuid() != 0:
        pytest.skip("an ordinary user's run is started by root (useradd, runuser)")
    user = accounts.make_user("kitgrader_%s_%s" % (os.environ.get("PYTEST_XDIST_WORKER", "main"),
                                                  os.environ["KIT_TEST_RUN"][-6:]))   # never another run's account
    yield user
    accounts.remove_user(user)


@pytest.fixture
def warnings_are_errors():
    """Any warning raised during the test fails it."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.fixture(scope="module")
def executed_source(request):
    """The test module's SOURCE notebook, executed once for that module."""
    notebook, seconds = execute(request.module.SOURCE)
    print("\n%s executed in %.1f s" % (os.path.basename(request.module.SOURCE), seconds))
    return notebook


@pytest.fixture(scope="module")
def executed_release(request, run_notebook):
    """The test module's RELEASE notebook as shipped, run once per test run (errors kept)."""
    release = request.module.RELEASE
    assert os.path.exists(release), "no release: run python -m authoring.make_release"
    return run_notebook(release, allow_errors=True)
