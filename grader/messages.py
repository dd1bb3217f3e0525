"""What a student reads when a test cell scores 0 for a reason other than a wrong answer."""
from nbformat.notebooknode import NotebookNode


def error_output(ename, message):
    """An error output (nbgrader scores its cell 0) whose traceback is just the message."""
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=["%s: %s" % (ename, message)])


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
SKIPPED_TRAINING = "(not run while autograding: a training or plotting cell that carries no points)\n"
