"""What a feedback page says about a graded test cell, in a fixed vocabulary, from the grader's structured verdict.

Everything a grading run produces inside the sandbox is the student's to choose: printed text, exception
messages, exception class names (`class QmFzZTY0(Exception)`), the values a self-check record carries. A
hook that a solution cell installs sees the hidden test cell's source and inputs and can hide them in any
of those, encoded. So the page's account of a test cell is built here, outside the sandbox, from numbers
the grader computed (points, hidden cases passed) and one of a fixed set of explanations chosen by the
verdict's `mistake` field: a known mistake's label from the grader's catalog (grader/mistakes/), one of
the grader's own stops, or a common exception's name (messages.NAMED_ERRORS). Anything else becomes a generic sentence.
"""
from grader import messages
from grader.mistakes import MATCHES, UNRECOGNIZED, mistakes_for
from grader.settings import current

# error kinds the judge names (grader.judge.cell_mistake, budget_messages.hit_kind) and what a student reads
_STOPS = {
    "time limit": lambda: "%s: %s" % (messages.TIMEOUT_ERROR, messages.timeout_message(current().cell_timeout)),
    "memory limit": lambda: "the notebook ran out of memory (its memory budget or a MemoryError) while this "
                            "test ran, so the autograder stopped it",
    "process limit": lambda: "the notebook started more processes or threads than its budget allows, so the "
                             "autograder stopped it",
    "disk limit": lambda: "the notebook wrote more files than its scratch space budget allows, so the "
                          "autograder stopped it",
    "resource limit": lambda: "the notebook used up one of its budgets, so the autograder stopped it",
    messages.STDERR_ERROR: lambda: "%s: %s" % (messages.STDERR_ERROR, messages.STDERR),
    messages.KERNEL_DIED_ERROR: lambda: "%s: %s" % (messages.KERNEL_DIED_ERROR, messages.KERNEL_DIED),
    "NotImplementedError": lambda: "your function still raises NotImplementedError, as released: write its code",
}
SUBMITTED_NOTE = "Output as you submitted it; not re-run by the grader."
NO_VERDICT = "The grader kept no account of this test; ask your instructor."


def stop_sentence(kind):
    """The grader's own words for one of its stops ("time limit", "KernelDied", "memory limit", ...)."""
    return _STOPS[kind]()


def explanation(mistake, function, hidden_passed, hidden_total):
    """The sentence for a failed test's `mistake` (see the module's docstring); never the string itself unless it
    is in the fixed vocabulary."""
    labels = {m.label for m in mistakes_for(function)} if function else set()
    if mistake in labels:
        return MATCHES % mistake
    if mistake in _STOPS:
        return _STOPS[mistake]()
    if mistake == UNRECOGNIZED or not mistake:
        if hidden_total and hidden_passed == hidden_total:
            return ("the hidden tests passed, but this cell's visible self-check failed when the grader ran it: "
                    "run the cell yourself to see its report")
        return "on a hidden case your output is wrong in a way that matches no known mistake"
    if mistake in messages.NAMED_ERRORS:
        return "your code raised %s while this test ran: run the cell yourself to see where" % mistake
    return ("your code raised an exception while this test ran (its name and message are not shown: they come "
            "from your code); run the cell yourself to see it")


def verdict_lines(verdict, score, points):
    """The lines a page shows under a graded test cell. `verdict`: its grader.verdict.Verdict, or None when the
    grader wrote none; `score`, `points`: the gradebook's score and the cell's maximum."""
    lines = ["Grader's verdict: %s of %s point(s)." % (_number(score), _number(points))]
    if verdict is None:
        return lines + [NO_VERDICT]
    if verdict.hidden_total:
        lines.append(messages.hidden_summary(int(verdict.hidden_passed), int(verdict.hidden_total)))
    if verdict.passed:
        lines.append("Passed: every check the grader ran on this part passed.")
    else:
        lines.append("Scored 0: " + explanation(verdict.mistake, verdict.function, verdict.hidden_passed,
                                                verdict.hidden_total) + ".")
    return lines


def _number(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "?"
    return ("%d" % value) if value.is_integer() else ("%.2f" % value)
