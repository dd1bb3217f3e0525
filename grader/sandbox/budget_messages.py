"""What a student reads when a notebook used up its budget (grader/sandbox/budget.py): the note on the cell it
happened in and on each cell after it. An error output with these scores its cell 0, as nbgrader does."""
from grader.settings import current

BUDGET_ERROR = "NotebookBudgetExceeded"
_WHAT = {"memory": "its memory budget (%(memory_mb)d MB over all its processes, files in /tmp and shared memory)",
         "processes": "its budget of %(processes)d processes and threads",
         "cpu": "its budget of %(cpu_seconds)d CPU seconds (over every process it started)",
         "wall": "its %(wall_seconds)d seconds on the clock",
         "disk": "its budget of %(disk_mb)d MB of files in its scratch folders"}


def hit_message(hit, limits=None):
    """What a student reads on the cell during which the notebook hit budget `hit`."""
    limits = limits or current().limits
    what = _WHAT.get(hit, "its budget") % vars(limits)
    return ("while this cell ran, the notebook used up %s, so the autograder stopped it; this cell and the ones "
            "after it score 0, the cells before it were graded" % what)


_SHORT = {"memory": "memory budget", "processes": "budget of processes", "cpu": "CPU time budget",
          "wall": "time on the clock", "disk": "scratch space budget"}


def not_run_message(hit):
    """What a student reads on each cell not run because the notebook was stopped earlier."""
    return "not run: the notebook was stopped earlier, when it used up its %s" % _SHORT.get(hit, "budget")



# words each note above uses for a budget, and how the class report names that budget
_KINDS = (("memory budget", "memory limit"), ("on the clock", "time limit"), ("CPU", "time limit"),
          ("processes", "process limit"), ("scratch", "disk limit"))


def hit_kind(message):
    """How the class report names the budget a note above speaks of ("memory limit", "time limit", ...)."""
    return next((kind for words, kind in _KINDS if words in message), "resource limit")
