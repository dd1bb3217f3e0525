"""Every explanation a student reads of why a test cell scored 0, and the error outputs that carry them."""
import re

from nbformat.notebooknode import NotebookNode
from grader.sandbox.budget_messages import BUDGET_ERROR

# every terminal escape sequence: CSI (colours, cursor moves), the string sequences (OSC: window titles and
# links, DCS, SOS, PM, APC) up to their terminator or the end of the text, 8-bit CSI, and the short ESC ones
# (ESC M: cursor up, ESC c: reset, ESC ( B, ESC 7, ...)
ANSI = re.compile(r"""
      \x1b\[[0-?]*[ -/]*[@-~]?
    | (?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f]) .*? (?:\x07|\x1b\\|\x9c|\Z)
    | \x9b[0-?]*[ -/]*[@-~]?
    | \x1b[ -/]*[0-~]?
""", re.X | re.S)
# what is left after the sequences: C0 controls but newline and tab (backspace, carriage return, bell, a lone
# ESC, ...), DEL, C1 controls, and the bidirectional marks, overrides and isolates that reorder what is shown
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text):
    """`text` (anything, made a string) safe to print on the instructor's console or to store in a note or a
    gradebook comment: terminal escape sequences, control characters but newline and tab, and bidirectional
    overrides removed. Every student-controlled string goes through it before it reaches a console."""
    return CONTROL.sub("", ANSI.sub("", str(text)))


# error names of the outputs the grader itself adds (nbgrader scores a cell with any error output 0)
TIMEOUT_ERROR, KERNEL_DIED_ERROR = "CellTimeoutError", "KernelDied"  # grader/preprocessors/grading_execute.py
STDERR_ERROR, HIDDEN_FAILURE_ERROR = "OutputOnStderr", "HiddenTestFailure"  # judge_hidden_tests.py
# the exceptions a verdict may name (a page's explanation, the class report's mistake column): the common built-in
# ones and the grader's own. Any other name is the student's to choose, so it could carry anything (an encoding
# of hidden inputs, control characters); it is recorded and shown as OTHER_ERROR. A short list also keeps what
# a student can learn of hidden inputs by choosing which exception to raise to a few bits per test.
NAMED_ERRORS = frozenset({
    "ArithmeticError", "AssertionError", "AttributeError", "FileNotFoundError", "FloatingPointError", "ImportError",
    "IndentationError", "IndexError", "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError",
    "ModuleNotFoundError", "NameError", "NotImplementedError", "OSError", "OverflowError", "PermissionError",
    "RecursionError", "RuntimeError", "StopIteration", "SyntaxError", "SystemExit", "TypeError",
    "UnboundLocalError", "ValueError", "ZeroDivisionError", "Exception",
    TIMEOUT_ERROR, KERNEL_DIED_ERROR, STDERR_ERROR, HIDDEN_FAILURE_ERROR})
OTHER_ERROR = "another exception"


def error_output(ename, message, traceback=None):
    """An error output (nbgrader scores its cell 0) whose traceback is just the message, unless given."""
    return NotebookNode(output_type="error", ename=ename, evalue=message,
                        traceback=traceback if traceback is not None else ["%s: %s" % (ename, message)])


def timeout_message(seconds):
    return ("this cell ran longer than the %d s the autograder allows and was stopped (an endless loop, "
            "or a very slow computation?); it scores 0, the other cells were still graded" % seconds)


KERNEL_DIED = ("the Python kernel died while this cell ran (os._exit, a crash in compiled code or "
                       "running out of memory?); it scores 0. The autograder restarted the kernel and went on "
                       "with the next cells, without what this cell defines")
KERNEL_HUNG = ("this cell did not finish and the kernel stopped answering (a loop that ignores "
                       "interrupts?); it scores 0. The autograder restarted the kernel and went on with the next "
                       "cells, without what this cell defines")
STDERR = ("while this test ran, your code wrote to stderr (usually a warning, such as "
                  "a RuntimeWarning from a division by zero or an overflow, or a print(..., file=sys.stderr)). "
                  "The autograder scores a test cell with any stderr output 0, even when its checks pass: "
                  "make your function run without warnings.")
SKIPPED_TRAINING = ("(not run while autograding: a training or plotting cell that carries no points. "
                    "Run the notebook yourself to see its output; the text after this cell talks about it.)\n")

# one hidden case (templates: the first %s is the case's label); never an input or an expected value
CASE_LABEL = "hidden test %d of %d (%s)"
CASE_PASSED = "%s passed"
UNKNOWN_FUNCTION = "%s: unknown graded function"
CASE_DID_NOT_RUN = "%s did not run (the cell stopped before it)"
CASE_MISMATCH = "%s: the recorded case does not match the test"
CASE_RAISED = "%s: your function raised %s"
CASE_FAILED = "%s failed: %s"
CASE_NOT_JUDGED = "%s could not be judged (%s); ask your instructor"


def hidden_summary(passed, total):
    return "Hidden tests: %d of %d passed." % (passed, total)


def one_line(text, limit=110):
    """The first line of `text`, made printable (see `printable`), cut to `limit` characters."""
    text = printable(text).strip()
    text = text.splitlines()[0] if text else ""
    return text if len(text) <= limit else text[:limit - 3] + "..."


# which error explains a zero best when a cell has several: the grader's own stops first
_FIRST = (BUDGET_ERROR, TIMEOUT_ERROR, KERNEL_DIED_ERROR, STDERR_ERROR, "NameError")


def zero_reason(errors, failed_cases, self_check=None):
    """Why a cell with these error outputs scored 0, in one line a student may read.

    failed_cases: messages of the hidden cases that failed; self_check: what a failed self-check
    recorded as its best explanation (None when no self-check failed). The grader's own stops
    (time, a dead kernel, stderr) and a NameError explain a zero before a self-check does.
    """
    if not errors:
        return "no points"
    errors = sorted(errors, key=lambda o: _FIRST.index(o.get("ename")) if o.get("ename") in _FIRST else len(_FIRST))
    first = errors[0]
    if self_check is not None and first.get("ename") not in _FIRST:
        return one_line("self-check: " + self_check)
    if first.get("ename") == HIDDEN_FAILURE_ERROR and failed_cases:
        return one_line(failed_cases[0])
    return one_line("%s: %s" % (first.get("ename"), first.get("evalue")))
