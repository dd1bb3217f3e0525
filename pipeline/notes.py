"""Why a graded part scored 0: the grader's verdicts, kept next to the autograded notebook."""
from grader.messages import one_line  # noqa: F401  (pipeline.autograde shortens nbgrader's errors with it)
from grader.verdict import read_verdicts


def failing_parts(course, student, assignment, parts):
    """[(grade_id, reason)] of the graded cells that scored 0, reasons from the grader's verdicts."""
    failing = [grade_id for grade_id, (score, maximum) in parts.items() if maximum > 0 and score == 0]
    verdicts = {v.grade_id: v for v in read_verdicts(course.autograded(student, assignment),
                                                     course.notebook(assignment))}
    return [(grade_id, verdicts[grade_id].reason if grade_id in verdicts and verdicts[grade_id].reason
             else "no points") for grade_id in failing]

