"""No notebook's bytes are in the memory the next notebook's interpreter starts with.

A fork server's interpreter is a copy of the process it was forked from. When the server itself
relayed a notebook's cells (hidden test blocks included), files and outputs, their freed copies
stayed in its heap, and the next notebook, another student's, could scan its own memory and print
them (the red team found a hidden block 8 times over). Now each notebook has a session process
forked from the clean server (grader/sandbox/zygote.py); here a second notebook on the same warm
server searches every readable-writable mapping of its own memory for what the first one's cells,
outputs and files held, and must find only its own search strings.
"""
import pytest

from grader.sandbox import bwrap
from notebook_runner import run_on_fork_server

pytestmark = pytest.mark.e2e   # the notebooks run in the real sandbox

# built from pieces, so that the searching notebook's own source never holds the whole marker
SOURCE_MARK = "FIRST" + "_STUDENT_SOURCE_" + "7f3a"
OUTPUT_MARK = "FIRST" + "_STUDENT_OUTPUT_" + "91c2"
FILE_MARK = "FIRST" + "_STUDENT_FILE_" + "5be8"

FIRST = [
    "secret_source = %r\n### BEGIN HIDDEN TESTS\nassert secret_source\n### END HIDDEN TESTS" % SOURCE_MARK,
    "print(%r * 3)" % OUTPUT_MARK,
    "print(open('first_student.txt').read())",
]

SEARCH = """
import ctypes, re
pattern = re.compile(rb'FIRST_STUDENT_(SOURCE|OUTPUT|FILE)_[0-9a-f]{4}')   # never the whole marker itself
found = {'SOURCE': 0, 'OUTPUT': 0, 'FILE': 0}
for line in open('/proc/self/maps'):
    span, perms = line.split()[:2]
    if not perms.startswith('rw'):
        continue
    low, high = (int(x, 16) for x in span.split('-'))
    if high - low > 256 * 1024 * 1024:
        continue
    try:
        blob = ctypes.string_at(low, high - low)
    except Exception:
        continue
    for kind in pattern.findall(blob):
        found[kind.decode()] += 1
print(found)
"""


def run(cells, folder):
    return run_on_fork_server(cells, folder, timeout=60)


def printed(cell):
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_the_next_notebook_finds_nothing_of_the_previous_one_in_its_memory(tmp_path):
    assert bwrap.problem() is None, bwrap.problem()
    first_folder, second_folder = tmp_path / "first", tmp_path / "second"
    first_folder.mkdir()
    second_folder.mkdir()
    (first_folder / "first_student.txt").write_text(FILE_MARK * 4)
    first = run(FIRST, first_folder)
    assert OUTPUT_MARK in printed(first.cells[1]) and FILE_MARK in printed(first.cells[2]), first.cells
    second = run([SEARCH], second_folder)
    report = printed(second.cells[0])
    assert report.strip(), second.cells[0].outputs
    counts = eval(report.strip(), {})   # our own cell's dict of ints
    assert counts == {"SOURCE": 0, "OUTPUT": 0, "FILE": 0}, counts
