"""Each graded test's outcome, from the grader's verdicts: points, maximum and what went wrong.

What went wrong is the verdict's `mistake` (the judge names it: a known mistake's label,
"unrecognized", or an error kind) when the verdict has one; verdicts written before the judge
named mistakes get a label derived from their other fields (`label_from_verdict_fields`).
Everything here comes from the grading process, never from the student's kernel, but an
exception's name and a reason's text are the student's own words: they are cut to a bound
here and escaped wherever they are shown.
"""
import re

from grader.verdict import read_verdicts

UNRECOGNIZED, TIME_LIMIT, MEMORY_LIMIT = "unrecognized", "time limit", "memory limit"
ERROR_KINDS = {"CellTimeoutError": TIME_LIMIT, "MemoryError": MEMORY_LIMIT}   # the grader's and Python's names
_ERROR_REASON = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]{0,79}):(?: |$)")              # messages.zero_reason's "ename: ..."
_CASE_RAISED = re.compile(r"your function raised ([A-Za-z_][A-Za-z0-9_.]{0,79})$")   # messages.CASE_RAISED
MAX_LABEL = 120
MAX_DETAIL = 1000


def error_kind(ename):
    """The error kind of an exception name: "time limit", "memory limit", else the name itself."""
    return ERROR_KINDS.get(ename, ename)


def label_from_verdict_fields(verdict):
    """What went wrong in a failed test, from a verdict without a `mistake` field (drop once every verdict has one).

    The error kind when the reason names an error ("CellTimeoutError: ...", "...: your function
    raised KeyError"), else "unrecognized".
    """
    reason = verdict.reason or ""
    for pattern in (_ERROR_REASON, _CASE_RAISED):
        found = pattern.search(reason)
        if found and found.group(1) not in ("HiddenTestFailure",):
            return error_kind(found.group(1))
    return UNRECOGNIZED


def outcome_label(verdict, points, maximum):
    """"" for full marks; else the verdict's mistake, or what its fields tell ("unrecognized" without a verdict)."""
    if points >= maximum:
        return ""
    if verdict is None:
        return UNRECOGNIZED
    named = getattr(verdict, "mistake", None)
    label = named if isinstance(named, str) and named else label_from_verdict_fields(verdict)
    return " ".join(label.split())[:MAX_LABEL] or UNRECOGNIZED


def outcome_detail(verdict, points, maximum):
    """What the judge recorded of a failure (its reason and the self-check's findings), bounded; "" when none."""
    if verdict is None or points >= maximum:
        return ""
    lines = [verdict.reason] + [f for f in verdict.self_check_findings if f != verdict.reason]
    return "\n".join(line for line in lines if line)[:MAX_DETAIL]


def submission_outcomes(autograded_folder, notebook_scores):
    """[{grade_id, points, max_points, mistake, detail}] of a graded submission.

    notebook_scores: {notebook name: {grade_id: (points, max)}} as the gradebook has them;
    the verdicts are read from the autograded folder the grading process wrote them to.
    """
    outcomes = []
    for notebook, scores in sorted(notebook_scores.items()):
        verdicts = {v.grade_id: v for v in read_verdicts(autograded_folder, notebook)}
        for grade_id, (points, maximum) in sorted(scores.items()):
            verdict = verdicts.get(grade_id)
            outcomes.append({"grade_id": grade_id, "points": points, "max_points": maximum,
                             "mistake": outcome_label(verdict, points, maximum),
                             "detail": outcome_detail(verdict, points, maximum)})
    return outcomes


_EXCEPTION_NAME = re.compile(r"^[A-Z][A-Za-z0-9_.]*$")


def label_category(label):
    """"error" for an error kind (a limit, or an exception's CamelCase name), "unrecognized", else "mistake"."""
    if label == UNRECOGNIZED:
        return "unrecognized"
    if label in (TIME_LIMIT, MEMORY_LIMIT) or _EXCEPTION_NAME.match(label):
        return "error"
    return "mistake"
