"""Step 6: the grade table (student x assignment, score / max, total) and its notes."""
from grader.manifest import ASSIGNMENTS
from grader.messages import printable
from pipeline.gradebook import all_scores, open_gradebook


def format_number(value):
    """A score without trailing zeros: 10, 2.5, 0.33."""
    return ("%.2f" % value).rstrip("0").rstrip(".")


def render_table(scores, maxima):
    """The table's text from {(student, assignment): (score, max)} and {assignment: max}."""
    assignments = [a for a in ASSIGNMENTS if a in maxima] + sorted(set(maxima) - set(ASSIGNMENTS))
    students = sorted({student for student, _ in scores})
    header = ["student"] + assignments + ["total"]
    rows = []
    for student in students:
        row, total = [_one_line(student)], 0.0
        for assignment in assignments:
            if (student, assignment) in scores:
                score, maximum = scores[(student, assignment)]
                total += score
                row.append("%s / %s" % (format_number(score), format_number(maximum)))
            else:
                row.append("-")
        row.append("%s / %s" % (format_number(total), format_number(sum(maxima[a] for a in assignments))))
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in [header] + rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _one_line(text):
    """A student-controlled string as one printable line (no escape sequences, controls or line breaks)."""
    return " ".join(printable(text).split())


def table_notes(stamps):
    """What the stamps say happened: zeros recorded, repairs made, parts that scored 0 and why.

    Names, reasons and notes can hold what a student wrote (a folder name, an error message, a self-check
    record): each note is one printable line, whatever the stamp holds.
    """
    notes = []
    for (student, assignment), stamp in sorted(stamps.items()):
        if stamp.get("status") == "failed":
            notes.append("%s / %s: 0 points, %s" % (student, assignment, stamp.get("reason")))
        for note in stamp.get("notes", []):
            notes.append("%s / %s: %s" % (student, assignment, note))
        for grade_id, reason in stamp.get("failing", []):
            notes.append("%s / %s: %s scored 0 (%s)" % (student, assignment, grade_id, reason))
    return [_one_line(note) for note in notes]


def grade_table(course, stamps):
    """The grade table from the course's gradebook, and the notes of `stamps`."""
    with open_gradebook(course.root) as gradebook:
        scores, maxima = all_scores(gradebook)
    return render_table(scores, maxima), table_notes(stamps)
