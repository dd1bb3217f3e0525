"""Per-cell limits that do not depend on how busy the machine is, and an output budget applied while output streams.

A graded cell's time limit is counted in CPU seconds of the kernel's whole process
tree (the sandbox), read from /proc, so a loaded machine does not turn a correct cell
into a timeout; a wall-clock backstop (a multiple of the limit) still stops a cell
that sleeps or waits forever. Output beyond the budget is dropped as it arrives.
"""
import os

from nbformat import NotebookNode

import grading_cases
from grader.sandbox.sandbox_tree import children as _children

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _own_cpu(pid):
    """utime + stime + cutime + cstime of one process, in seconds (0 when it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / _TICKS
    except (OSError, ValueError, IndexError):
        return 0.0


def tree_cpu_seconds(pid):
    """CPU seconds used so far by process `pid` and every descendant it has (including reaped ones)."""
    if not pid or not os.path.isdir("/proc/%d" % pid):
        return 0.0
    total, seen, stack = 0.0, set(), [pid]
    while stack:
        current = stack.pop()
        if current in seen or len(seen) > 10000:
            continue
        seen.add(current)
        total += _own_cpu(current)
        stack += _children(current)
    return total


def is_essential(output):
    """Outputs that decide a score are never dropped: errors, stderr, and hidden-test records."""
    return (output.get("output_type") == "error" or output.get("name") == "stderr"
            or grading_cases.RECORD_MIME in (output.get("data") or {}))


class OutputBudget:
    """Counts the characters and the number of a cell's outputs as they arrive; `admit` says whether the next
    one is kept. Essential outputs (errors, stderr, hidden-test records) stay past the character budget, and past
    the count budget until twice it (a flood of them cannot grow without bound either)."""

    def __init__(self, max_cell_chars, max_notebook_chars, max_cell_outputs=10_000, max_notebook_outputs=10_000):
        self.max_cell_chars, self.max_notebook_chars = max_cell_chars, max_notebook_chars
        self.max_cell_outputs, self.max_notebook_outputs = max_cell_outputs, max_notebook_outputs
        self.notebook_chars = self.notebook_outputs = 0
        self.cell_chars = self.cell_outputs = 0
        self.dropped = 0

    def new_cell(self):
        self.cell_chars, self.cell_outputs, self.dropped = 0, 0, 0

    def _count_room(self, factor=1):
        return (self.cell_outputs < factor * self.max_cell_outputs
                and self.notebook_outputs < factor * self.max_notebook_outputs)

    def _take(self, size):
        self.cell_chars += size
        self.notebook_chars += size
        self.cell_outputs += 1
        self.notebook_outputs += 1

    @staticmethod
    def size(content):
        """Characters of a message's content (text, data values, traceback lines)."""
        total = 0
        for key in ("text", "evalue"):
            value = content.get(key)
            total += len(value) if isinstance(value, str) else 0
        for value in (content.get("data") or {}).values():
            total += len(value) if isinstance(value, str) else len(str(value))
        for line in content.get("traceback") or []:
            total += len(line) if isinstance(line, str) else 0
        return total

    def room(self):
        """Characters this cell may still keep."""
        return max(0, min(self.max_cell_chars - self.cell_chars, self.max_notebook_chars - self.notebook_chars))

    def truncate_stream(self, content, keep_at_least=2000):
        """Cut a stream message's text to the room left (at least `keep_at_least`), saying so; counts it."""
        text = content.get("text", "")
        keep = max(self.room(), keep_at_least)
        content["text"] = text[:keep] + ("\n... output truncated by the autograder: %d characters in all ...\n"
                                         % len(text))
        self.cell_chars += len(content["text"])
        self.notebook_chars += len(content["text"])
        return content

    def admit(self, content, essential=False, stream=False):
        """Count `content`; False when it goes over the budget and should be dropped (errors always stay).

        With `stream`, text over the budget keeps its head while the cell has room left, cut in
        place and marked as cut (a flood still shows how it began)."""
        size = self.size(content)
        if essential and self._count_room(factor=2) or self._count_room() and (
                self.cell_chars + size <= self.max_cell_chars and self.notebook_chars + size <= self.max_notebook_chars):
            self._take(size)
            return True
        if stream and self.room() > 0 and self._count_room():
            self.truncate_stream(content)
            self.cell_outputs += 1
            self.notebook_outputs += 1
            return True
        self.dropped += 1
        return False

    def dropped_note(self):
        """The stdout line that tells how many outputs of this cell were left out, or None when none were."""
        if not self.dropped:
            return None
        return NotebookNode(output_type="stream", name="stdout",
                            text="\n... %d more output(s) of this cell left out by the autograder (too much "
                                 "output: at most %d characters and %d outputs are kept) ...\n"
                                 % (self.dropped, self.max_cell_chars, self.max_cell_outputs))
