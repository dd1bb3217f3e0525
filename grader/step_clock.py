"""Seconds this grading process spent in each step (execution, judging), for the class benchmark's phases.

The steps run inside nbgrader's converters, which hand nothing back to their caller but
the notebook on disk; a worker reads these totals before and after a submission instead.
"""
import collections
import contextlib
import time

SPENT = collections.defaultdict(float)   # step -> seconds, since this process started


@contextlib.contextmanager
def timed(step):
    """Add the wall-clock time of the block to SPENT[step]."""
    started = time.monotonic()
    try:
        yield
    finally:
        SPENT[step] += time.monotonic() - started


def add(step, seconds):
    """Add `seconds` measured elsewhere (the CPU time a sandboxed interpreter used) to SPENT[step]."""
    SPENT[step] += seconds


def snapshot():
    """A copy of the totals so far."""
    return dict(SPENT)


def since(before):
    """What each step added since `snapshot()` returned `before`."""
    return {step: total - before.get(step, 0.0) for step, total in SPENT.items() if total - before.get(step, 0.0)}
