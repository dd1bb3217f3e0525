"""What the class report says about an assignment, computed from ClassData: scores, items, mistakes, attention.

Item statistics are the classical ones: an item's difficulty is the class's mean share of its
points; its discrimination is the correlation of its points with the rest of the assignment
(the total without that item), undefined when either does not vary.
"""
import statistics
from dataclasses import dataclass, field

from pipeline.kit_tables import NOT_GRADED, RESTORED, NOT_GRADED_NOTE
from pipeline.outcomes import MEMORY_LIMIT, TIME_LIMIT, UNRECOGNIZED, label_category

MAX_EXAMPLES = 3
WHOLE_NOTEBOOK = "(every test)"   # where a submission that could not be graded is counted, once


@dataclass
class ItemStats:
    grade_id: str
    function: str
    max_points: float
    full_share: float          # share of submissions with full marks
    difficulty: float          # mean share of the points
    discrimination: float | None


@dataclass
class Problem:
    """One thing that went wrong in one graded test: a named mistake, an error kind, "unrecognized", "not graded"."""
    function: str
    label: str
    category: str              # "mistake", "error", "unrecognized", "not graded"
    students: list
    share: float
    examples: list = field(default_factory=list)   # unrecognized: up to MAX_EXAMPLES distinct recorded outputs


@dataclass
class AssignmentSummary:
    name: str
    max_points: float
    scores: list               # one per submission, in student order
    mean: float | None
    median: float | None
    items: list                # [ItemStats]
    problems: list             # [Problem], most frequent first
    attention: list            # [(student, [reasons])]


def correlation(xs, ys):
    """Pearson's r of two equally long lists; None when either does not vary (or fewer than 2 values)."""
    if len(xs) < 2:
        return None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sxx * syy) ** 0.5


def item_stats(info, submissions):
    """ItemStats of each graded test of assignment `info` over its `submissions`."""
    items = []
    for test in info.tests:
        points = [s.points.get(test.grade_id, 0.0) for s in submissions]
        rest = [s.score - p for s, p in zip(submissions, points)]
        n = len(points)
        full = sum(1 for p in points if test.max_points > 0 and p >= test.max_points)
        difficulty = (sum(points) / (n * test.max_points)) if n and test.max_points > 0 else 0.0
        items.append(ItemStats(test.grade_id, test.function, test.max_points, full / n if n else 0.0, difficulty,
                               correlation(points, rest)))
    return items


def outcome_of(submission, test):
    """(label, detail) of a test of a submission: the recorded outcome, "" at full marks (a manual grade wins)."""
    if submission.points.get(test.grade_id, 0.0) >= test.max_points:
        return "", ""
    label, detail = submission.outcomes.get(test.grade_id, (UNRECOGNIZED, ""))
    return (label or UNRECOGNIZED), detail


def problems(info, submissions):
    """Every (test, label) that went wrong, with its students; most frequent first. A submission that could
    not be graded counts once, under WHOLE_NOTEBOOK."""
    found = {}   # (function, label) -> ({student: None}, [distinct details])
    for submission in submissions:
        for test in info.tests:
            label, detail = outcome_of(submission, test)
            if not label:
                continue
            students, details = found.setdefault((WHOLE_NOTEBOOK if label == NOT_GRADED else test.function, label),
                                                 ({}, []))
            students[submission.student] = None
            if detail and detail not in details and len(details) < MAX_EXAMPLES:
                details.append(detail)
    n = len(submissions) or 1
    result = []
    for (function, label), (students, details) in found.items():
        category = NOT_GRADED if label == NOT_GRADED else label_category(label)
        examples = details if category == "unrecognized" else []
        result.append(Problem(function, label, category, sorted(students), len(students) / n, examples))
    return sorted(result, key=lambda p: (-len(p.students), p.function, p.label))


def _duration(seconds):
    hours, minutes = divmod(int(seconds // 60), 60)
    days, hours = divmod(hours, 24)
    return " ".join(part for part in ("%d d" % days if days else "", "%d h" % hours if hours else "",
                                      "%d min" % minutes if minutes or not (days or hours) else "") if part)


def attention(info, class_students, submissions):
    """[(student, [reasons])] of students who need a look in this assignment, in student order."""
    by_student = {s.student: s for s in submissions}
    flagged = []
    for student in class_students:
        submission, reasons = by_student.get(student), []
        if submission is None:
            flagged.append((student, ["no submission"]))
            continue
        if info.max_points > 0 and submission.score <= 0:
            reasons.append("zero points")
        for test in info.tests:
            label, _ = outcome_of(submission, test)
            if label in (TIME_LIMIT, MEMORY_LIMIT):
                reasons.append("%s hit in %s" % (label, test.function))
        reasons += ["test cell restored after tampering: %s" % text for kind, text in submission.notes
                    if kind == RESTORED]
        reasons += ["not graded: %s" % text for kind, text in submission.notes if kind == NOT_GRADED_NOTE]
        late = submission.seconds_late(info.duedate)
        if late > 0:
            reasons.append("late by %s" % _duration(late))
        if reasons:
            flagged.append((student, reasons))
    return flagged


def summarize(data):
    """An AssignmentSummary per assignment of ClassData `data`."""
    summaries = []
    for info in data.assignments:
        subs = [data.submissions[(s, info.name)] for s in data.students if (s, info.name) in data.submissions]
        scores = [s.score for s in subs]
        summaries.append(AssignmentSummary(
            info.name, info.max_points, scores, statistics.fmean(scores) if scores else None,
            statistics.median(scores) if scores else None, item_stats(info, subs), problems(info, subs),
            attention(info, data.students, subs)))
    return summaries
