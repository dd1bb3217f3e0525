"""One settings object (grader/settings.py): command line over environment over defaults, the same for plain
nbgrader and the pipeline, passed to child processes as their environment, and read nowhere else."""
import argparse
import ast
import os
import subprocess
import sys

import pytest

from grader import settings as kit_settings
from grader.sandbox.limits import Limits

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _parsed(argv):
    return kit_settings.add_arguments(argparse.ArgumentParser()).parse_args(argv)


def test_command_line_over_environment_over_defaults():
    environ = {"KIT_EXECUTOR": "kernel", "NBGRADER_KIT_CELL_TIMEOUT": "7", "KIT_SANDBOX_MEMORY_MB": "2048",
               "KIT_UNSAFE_NO_SANDBOX": "1"}
    from_env = kit_settings.from_arguments(_parsed([]), environ)
    assert (from_env.executor, from_env.cell_timeout, from_env.limits.memory_mb) == ("kernel", 7, 2048)
    assert from_env.unsafe_no_sandbox and from_env.submission_deadline == kit_settings.Settings().submission_deadline
    given = kit_settings.from_arguments(_parsed(["--executor", "fork", "--cell-timeout", "3", "--jobs", "2"]), environ)
    assert (given.executor, given.cell_timeout, given.jobs, given.limits.memory_mb) == ("fork", 3, 2, 2048)
    assert kit_settings.from_arguments(_parsed([]), {}) == kit_settings.Settings()


def test_a_child_process_gets_the_same_settings_through_its_environment():
    chosen = kit_settings.Settings(executor="kernel", cell_timeout=9, unsafe_no_sandbox=True, db_url="sqlite:///x.db",
                                   jobs=3, limits=Limits(memory_mb=1000, processes=10))
    inherited = {"NBGRADER_EXCHANGE": "/elsewhere", "KIT_SANDBOX_OPEN_FILES": "5", "HOME": "/root"}
    env = chosen.environment(inherited)
    assert env["HOME"] == "/root"   # everything else is passed on
    assert "NBGRADER_EXCHANGE" not in env and "KIT_SANDBOX_OPEN_FILES" not in env  # not these settings': dropped
    code = "from grader import settings; print(repr(settings.current()))"
    child = subprocess.run([sys.executable, "-c", code], env=dict(env, PYTHONPATH=ROOT), capture_output=True,
                           text=True, timeout=120, check=True)
    assert child.stdout.strip() == repr(chosen)


@pytest.mark.parametrize("variable, raw", [("KIT_EXECUTOR", "threads"), ("NBGRADER_KIT_CELL_TIMEOUT", "soon"),
                                           ("KIT_SANDBOX_PROCESSES", "many")])
def test_a_bad_value_is_named(variable, raw):
    with pytest.raises(SystemExit, match=variable):
        kit_settings.from_environment({variable: raw})


def _plain_nbgrader_config(environ):
    """(executor class, cell timeout, gradebook URL) that nbgrader_config.py gives plain nbgrader in `environ`."""
    code = ("from traitlets.config.loader import PyFileConfigLoader\n"
            "c = PyFileConfigLoader('nbgrader_config.py', path=%r).load_config()\n"
            "print(c.Autograde.autograde_preprocessors[1]); print(c.GradingExecute.timeout)\n"
            "print(c.CourseDirectory.db_url)\n" % ROOT)
    env = {k: v for k, v in os.environ.items() if k not in kit_settings.VARIABLES}
    result = subprocess.run([sys.executable, "-c", code], env=dict(env, **environ), capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    executor, timeout, url = result.stdout.split()
    return executor, int(timeout), url


def test_plain_nbgrader_and_the_pipeline_grade_the_same_way_by_default():
    executor, timeout, url = _plain_nbgrader_config({})
    defaults = kit_settings.Settings()
    assert executor.endswith({"fork": "ForkExecute", "kernel": "GradingExecute"}[defaults.executor])
    assert timeout == defaults.cell_timeout and url == defaults.gradebook_url(ROOT)
    chosen = kit_settings.Settings(executor="kernel", cell_timeout=11, db_url="sqlite:////tmp/other.db")
    executor, timeout, url = _plain_nbgrader_config(chosen.environment({}))
    assert executor.endswith("GradingExecute") and timeout == 11 and url == "sqlite:////tmp/other.db"


def test_the_readme_has_the_table_of_every_setting():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        assert kit_settings.table() in handle.read()


def _setting_names_used(path):
    """Lines of `path` whose code names a setting's environment variable (a string equal to it)."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), path)
    names = kit_settings.VARIABLES | {"KIT_SANDBOX_"}
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Constant) and node.value in names]


def test_no_module_reads_or_writes_a_setting_variable_itself():
    """Only grader/settings.py (and the limits it reads through grader/sandbox/limits.py) knows the variables."""
    allowed = {os.path.join("grader", "settings.py"), os.path.join("grader", "sandbox", "limits.py")}
    found = []
    for folder in ("grader", "pipeline", "authoring", "samples", "proofs", "utils", "."):
        for directory, subfolders, files in os.walk(os.path.join(ROOT, folder)):
            if folder == ".":
                subfolders[:] = []
            for name in files:
                path = os.path.relpath(os.path.join(directory, name), ROOT)
                if name.endswith(".py") and path not in allowed:
                    found += ["%s:%d" % (path, line) for line in _setting_names_used(os.path.join(ROOT, path))]
    assert not found, "settings read or written outside grader/settings.py: " + ", ".join(sorted(found))
