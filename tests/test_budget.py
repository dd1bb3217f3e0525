"""A notebook's budget holds for all of its processes together, as root (cgroup) and as an ordinary user (watchdog).

Hostile notebooks (tests/budget_attacks.py) run on a real fork server in a real sandbox, each
followed on the same server by an honest notebook that must run clean (no leftover process,
file or shared memory). The whole grading tree runs inside a memory cgroup of the test's own,
whose high-water mark is the measured peak.
"""
import dataclasses
import json
import os
import subprocess
import sys

import pytest

from grader import settings
from grader.sandbox import budget, bwrap, cgroup_enter
from grader.sandbox.budget_cgroups import CgroupV1, kind
from grader.sandbox.limits import Limits
from ordinary_user import reachable

pytestmark = pytest.mark.e2e   # each test grades notebooks in the sandbox for tens of seconds
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.path.join(ROOT, "tests", "budget_attacks.py")
MB = 1024 * 1024
SPACE = {"KIT_SANDBOX_MEMORY_MB": "512", "KIT_SANDBOX_TMPFS_MB": "1024", "KIT_SANDBOX_DISK_MB": "4096",
         "KIT_SANDBOX_PROCESSES": "32", "KIT_SANDBOX_WALL_SECONDS": "90", "KIT_SANDBOX_CPU_SECONDS": "60"}
CPU = {"KIT_SANDBOX_CPU_SECONDS": "6", "KIT_SANDBOX_WALL_SECONDS": "300"}
CLOCK = {"KIT_SANDBOX_WALL_SECONDS": "16"}


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """Runs the attack runner (as root or as an OrdinaryUser) inside a memory cgroup; its JSON lines and the tree's peak."""
    if os.geteuid() != 0 or not kind():
        pytest.skip("measuring the grading tree's peak needs root and cgroups")
    assert bwrap.problem() is None, bwrap.problem()
    cache = os.path.join(ROOT, ".kit-cache")
    from grader.sandbox.launch import font_cache_files
    font_cache_files()   # built once by root, so an ordinary user's server finds it

    def run(folder, names, env, user=None, args=()):
        os.chmod(folder, 0o777)
        reachable(folder, str(tmp_path_factory.getbasetemp()))
        cgroup = CgroupV1()
        try:
            enter = [sys.executable, "-I", "-S", cgroup_enter.__file__, json.dumps({"procs": cgroup.procs_files()[:1]})]
            runner = [sys.executable, RUNNER] + list(names) + list(args)
            command = enter + (user.command(runner) if user else runner)
            full_env = dict(os.environ, PYTHONPATH="%s:%s/utils" % (ROOT, ROOT), PYTHONDONTWRITEBYTECODE="1", **env)
            full_env.pop("KIT_BUDGET_GUARD", None)
            result = subprocess.run(command, cwd=folder, env=full_env, capture_output=True, text=True, timeout=900)
            peak = cgroup.peak_bytes()
        finally:
            cgroup.remove()
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        return {"guard": lines[0]["guard"], "runs": {line["name"]: line for line in lines[1:]}, "peak": peak}
    assert os.path.isdir(cache)
    return run


def assert_honest_after(run):
    """The honest notebook after a hostile one, on the same server, finds nothing of it and scores as usual."""
    cells = run["honest"]
    assert [c["errors"] for c in cells] == [[], []], cells
    assert cells[0]["text"] == "10\n4\n", cells   # sum(range(5)); the sandbox's init, its server, the session, this cell
    assert cells[1]["text"] == "0\n[]\n", cells   # no shared memory segment, no file in /tmp, /dev/shm, work
    assert run["honest_usage"]["hit"] is None


def assert_stopped(run, hit, at=0):
    cells = run["cells"]
    assert run["usage"]["hit"] == hit, (run["usage"], cells)
    assert budget.BUDGET_ERROR in cells[at]["errors"], cells
    assert all(budget.BUDGET_ERROR in c["errors"] and c["notes"] == [budget.not_run_message(hit)]
               for c in cells[at + 1:]), cells


@pytest.fixture(scope="module", params=["root", "user"])
def space_attacks(request, measured, tmp_path_factory):
    """Memory over processes, tmpfs and System V shared memory; fork and thread storms; CPU in children."""
    user = request.getfixturevalue("ordinary_user") if request.param == "user" else None
    return request.param, measured(str(tmp_path_factory.mktemp("space")), [
        "memory_processes", "memory_tmpfs", "memory_sysv", "fork_storm", "thread_storm", "cpu_in_children"],
        SPACE, user, ["--attempt-mb", "1536", "--cell-timeout", "2", "--wall-factor", "5"])


@pytest.fixture(scope="module", params=["root", "user"])
def time_attacks(request, measured, tmp_path_factory):
    """CPU over the notebook in short bursts; sleeping cells and cells that ignore interrupts."""
    user = request.getfixturevalue("ordinary_user") if request.param == "user" else None
    cpu = measured(str(tmp_path_factory.mktemp("cpu")), ["cpu_over_the_notebook"], CPU, user, ["--cell-timeout", "2"])
    clock = measured(str(tmp_path_factory.mktemp("clock")), ["sleepers"], CLOCK, user,
                     ["--cell-timeout", "2", "--wall-factor", "3"])
    return request.param, {"runs": dict(cpu["runs"], **clock["runs"])}


def test_the_guard_is_the_kernel_as_root_and_a_watchdog_for_a_user(space_attacks):
    who, result = space_attacks
    assert ("guarded by the kernel (cgroup" in result["guard"]) == (who == "root"), result["guard"]
    assert ("guarded by a watchdog" in result["guard"]) == (who == "user"), result["guard"]


@pytest.mark.parametrize("attack", ["memory_processes", "memory_tmpfs", "memory_sysv"])
def test_memory_is_counted_over_processes_scratch_folders_and_shared_memory(space_attacks, attack):
    who, result = space_attacks
    run = result["runs"][attack]
    assert_stopped(run, "memory")
    assert 256 * MB < run["usage"]["peak_memory_bytes"] < 1024 * MB, run["usage"]
    assert_honest_after(run)


def test_the_whole_grading_tree_stays_near_the_budget(space_attacks):
    """1.5 GB tried against 512 MB: the runner, the server, the notebook, its files and shared memory together."""
    who, result = space_attacks
    assert result["peak"] < 512 * MB + 768 * MB, (who, result["peak"] / MB)


@pytest.mark.parametrize("attack", ["fork_storm", "thread_storm"])
def test_fork_and_thread_storms_stop_the_notebook(space_attacks, attack):
    run = space_attacks[1]["runs"][attack]
    assert_stopped(run, "processes")
    assert_honest_after(run)


def test_cpu_in_children_counts_for_the_cell_and_ends_with_it(space_attacks):
    """A double-forked and a setsid burner: each cell is stopped on the CPU of all its processes, the burners
    with it, and the next cell runs normally."""
    run = space_attacks[1]["runs"]["cpu_in_children"]
    cells = run["cells"]
    assert "CellTimeoutError" in cells[0]["errors"] and "CellTimeoutError" in cells[1]["errors"], cells
    assert cells[2] == {"errors": [], "text": "after the burners\n", "notes": []}, cells
    assert run["usage"]["hit"] is None and run["usage"]["cpu_seconds"] < 40, run["usage"]
    assert_honest_after(run)


def test_cpu_over_the_notebook_stops_it(time_attacks):
    run = time_attacks[1]["runs"]["cpu_over_the_notebook"]
    assert run["cells"][0] == {"errors": [], "text": "burned\n", "notes": []}, run["cells"]
    stopped = next(i for i, c in enumerate(run["cells"]) if c["errors"])
    assert_stopped(run, "cpu", at=stopped)
    assert 6 <= run["usage"]["cpu_seconds"] < 12, run["usage"]
    assert_honest_after(run)


def test_sleeping_and_signal_ignoring_cells_stop_at_the_notebook_clock(time_attacks):
    run = time_attacks[1]["runs"]["sleepers"]
    cells = run["cells"]
    assert "CellTimeoutError" in cells[0]["errors"], cells   # the per-cell backstop interrupts a sleeping cell
    stopped = next(i for i, c in enumerate(cells) if budget.BUDGET_ERROR in c["errors"])
    assert stopped >= 1
    assert_stopped(run, "wall", at=stopped)
    assert 16 <= run["usage"]["wall_seconds"] < 16 + 10, run["usage"]   # ended at once, not after each cell's grace
    assert_honest_after(run)


def test_default_budget_holds_a_notebook_that_tries_6_gb_under_3_gb(measured, tmp_path):
    """The course's defaults (2 GB a notebook): 6 GB tried over four processes; the whole tree peaks under 3 GB."""
    result = measured(str(tmp_path), ["memory_processes"], {}, None, ["--attempt-mb", "6144"])
    run = result["runs"]["memory_processes"]
    assert_stopped(run, "memory")
    assert result["peak"] < 3 * 1024 * MB, result["peak"] / MB
    assert_honest_after(run)


def test_limits_defaults_and_overrides():
    limits = Limits.from_environment({})
    assert (limits.memory_mb, limits.processes, limits.cpu_seconds, limits.wall_seconds) == (2048, 64, 300, 300)
    assert Limits.from_environment({"KIT_SANDBOX_WALL_SECONDS": "20"}).wall_seconds == 20
    assert limits.rlimits()["RLIMIT_AS"] == limits.address_space_mb * MB


def test_the_run_names_its_guard():
    line = budget.describe_guard(Limits())
    assert "2048 MB" in line and ("cgroup" in line or "watchdog" in line)
    before = settings.current()
    settings.install(dataclasses.replace(before, budget_guard="watchdog"))
    try:
        assert "watchdog" in budget.describe_guard(Limits())
    finally:
        settings.install(before)
