"""Why a graded part scored 0, read from the autograded notebook (for the table's notes)."""
import os
import re

import nbformat


def failing_parts(course, student, assignment, parts):
    """[(grade_id, reason)] of the graded cells that scored 0, reasons from the autograded notebook."""
    failing = [grade_id for grade_id, (score, maximum) in parts.items() if maximum > 0 and score == 0]
    if not failing:
        return []
    reasons = {grade_id: "no points" for grade_id in failing}
    try:
        notebook = nbformat.read(os.path.join(course.autograded(student, assignment), course.notebook(assignment)),
                                 as_version=4)
    except Exception:
        return sorted(reasons.items())
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id not in reasons or cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            # the most telling error: a timeout, a dead kernel or stderr beats the hidden-test summary
            order = ("CellTimeoutError", "KernelDied", "OutputOnStderr", "NameError")
            errors.sort(key=lambda o: order.index(o.get("ename")) if o.get("ename") in order else len(order))
            reasons[grade_id] = one_line("%s: %s" % (errors[0].get("ename"), errors[0].get("evalue")))
            if errors[0].get("ename") == "SelfCheckFailed":
                reasons[grade_id] = "self-check: " + _self_check_finding(cell, errors[0].get("evalue"))
        elif any(o.get("name") == "stderr" for o in cell.get("outputs", [])):
            reasons[grade_id] = "wrote to stderr"
    return [(grade_id, reasons[grade_id]) for grade_id in failing]


def _self_check_finding(cell, fallback):
    """The self-check's diagnosis of a failed test cell: its first likely cause, else its first finding."""
    printed = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == "stdout")
    lines = printed.splitlines()
    causes = [line[4:] for line in lines if line.startswith("  * ")]
    findings = [line[4:] for line in lines if line.startswith("  - ")]
    return one_line((causes or findings or [fallback])[0])


def one_line(text, limit=110):
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip().splitlines()[0] if str(text).strip() else ""
    return text if len(text) <= limit else text[:limit - 3] + "..."
