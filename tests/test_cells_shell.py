"""The fork server builds the IPython shell its children start from once; every notebook still starts from a pristine one.

The server prepares the shell before its first fork (grader/sandbox/child_runner.py: `prepare`)
and runs nothing in it, so each child gets a copy that no notebook touched. Here the first of
two notebooks on one warm server changes everything of the shell a cell can reach (its names,
history, output counter, events, magics, settings, formatters, builtins, loaded modules,
matplotlib's settings), and the second, a different student's, must see none of it.
"""
import pytest

from grader.sandbox import bwrap, forkserver
from notebook_runner import run_on_fork_server

pytestmark = pytest.mark.e2e   # the notebooks run in the real sandbox

CHANGES = """
import builtins, sys, types
import matplotlib
planted = 'first student'
ip = get_ipython()
ip.events.register('post_run_cell', lambda result: print('first student hook'))
ip.register_magic_function(lambda line: 'first student magic', magic_name='firstmagic')
ip.ast_node_interactivity = 'all'
ip.display_formatter.formatters['text/plain'].for_type(int, lambda value, printer, cycle: printer.text('ONE'))
builtins.planted_builtin = 1
sys.modules['planted_module'] = types.ModuleType('planted_module')
matplotlib.rcParams['lines.linewidth'] = 9.0
ip.user_ns['_planted_hidden'] = 1
"""

CHECKS = """
import builtins, sys
import matplotlib
ip = get_ipython()
seen = {
    'names': [n for n in ('planted', '_planted_hidden') if n in ip.user_ns],
    'history': [entry for entry in ip.history_manager.input_hist_raw if 'first ' + 'student' in entry],
    'hooks': len(ip.events.callbacks['post_run_cell']),
    'magic': 'firstmagic' in ip.magics_manager.magics['line'],
    'interactivity': ip.ast_node_interactivity,
    'builtin': hasattr(builtins, 'planted_builtin'),
    'module': 'planted_module' in sys.modules,
    'linewidth': matplotlib.rcParams['lines.linewidth'],
    'count': ip.execution_count,
}
print(seen)
"""


def run(cells, folder):
    return run_on_fork_server(cells, folder, timeout=30)


def printed(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_the_server_prepared_the_shell_and_preloaded_everything():
    assert bwrap.problem() is None, bwrap.problem()
    server = forkserver.shared_server()
    if not server.alive():
        server.start()
    assert server.preload_failed == []


def test_a_notebook_starts_from_a_shell_no_other_notebook_touched(tmp_path):
    assert bwrap.problem() is None, bwrap.problem()
    fresh = run([CHECKS], tmp_path)
    first = run([CHANGES, "1", "print('done')"], tmp_path)
    assert "ONE" in str(first.cells[1].outputs) and "first student hook" in printed(first.cells[2]), first.cells
    second = run([CHECKS], tmp_path)
    expected = printed(fresh.cells[0])
    assert "'names': []" in expected and "'history': []" in expected and "'hooks': 0" in expected, expected
    assert printed(second.cells[0]) == expected
    assert second.cells[0].execution_count == fresh.cells[0].execution_count == 1
