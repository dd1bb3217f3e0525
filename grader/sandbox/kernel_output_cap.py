"""A Jupyter kernel's own cap on the number of outputs per cell, installed at its start inside the sandbox.

The grader budgets outputs as they arrive (grader.cell_limits), but 300,000 tiny displays would
still cost it 300,000 messages to receive and parse. Past MAX_OUTPUTS displays in one cell, the
kernel stops formatting and sending them and says at the end of the cell how many it left out.
Student code can undo this in its own kernel; then only its own notebook is slow (its time
limits still apply) and the grader's budget still bounds what is kept.
Standard library and IPython only: this file runs inside the sandbox (`python -c` reads it there).
"""
import sys

MAX_OUTPUTS = 10_000


def install(shell, max_outputs=MAX_OUTPUTS):
    state = {"count": 0, "dropped": 0}
    publisher, formatter = shell.display_pub, shell.display_formatter
    publish, format_ = publisher.publish, formatter.format

    def counted_publish(data, *args, **kwargs):
        if state["count"] >= max_outputs and "application/vnd.pada.grade-record+json" not in (data or {}):
            state["dropped"] += 1
            return None
        state["count"] += 1
        return publish(data, *args, **kwargs)

    def format_unless_full(obj, include=None, exclude=None):
        if state["count"] >= max_outputs:
            state["dropped"] += 1
            return {}, {}
        return format_(obj, include=include, exclude=exclude)

    def new_cell(*args):
        state["count"], state["dropped"] = 0, 0

    def end_of_cell(*args):
        if state["dropped"]:
            sys.stdout.write("\n... %d more output(s) of this cell left out by the autograder (more than %d "
                             "outputs) ...\n" % (state["dropped"], max_outputs))
            sys.stdout.flush()
    publisher.publish, formatter.format = counted_publish, format_unless_full
    shell.events.register("pre_execute", new_cell)
    shell.events.register("post_execute", end_of_cell)


if __name__ == "kit_kernel_output_cap":   # run by the kernel's startup line (grader.sandbox.launch)
    install(get_ipython())  # noqa: F821
