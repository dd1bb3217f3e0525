"""Grade every catalog entry through the real autograde path and say whether the verdict is right.

One submission per entry (student id = entry id): the release notebook with every graded
function filled from the reference, then the entry's cell text in its function's cell. All
of them are graded as one class in a throwaway copy of the course by the pipeline's `grade` step:
its worker processes run nbgrader's autograde with the course's nbgrader_config.py (restored test
cells, skipped training cells, hidden tests judged outside the kernel), many submissions per worker
(tests/catalog_builds.py checks that plain `nbgrader autograde` gives a slice the same scores).
Per entry we read the part scores from the gradebook and the grader's verdict on the entry's
test cell (grader/verdict.py) from beside the autograded notebook. A second, in-process verdict runs the entry's function on the hidden
cases of its source test cell and judges them with grader.judge: it shows that the hidden
tests alone catch each mutant, even where the self-check already stops the cell first.

    python -m proofs.catalog            # the table (entry, expected, got) for both catalogs
    python -m proofs.catalog he_xavier  # only these entries
"""
import contextlib
import io
import os
import tempfile
from dataclasses import dataclass, field

import nbformat

from grader import settings as kit_settings
from grader.manifest import ASSIGNMENTS, SELF_CHECK_CALL
from grader.messages import one_line
from grader.verdict import Verdict, read_verdicts
from pipeline.table import format_number
from proofs.catalog.build import assignment_of, function_source, judged, reference_namespace, source_notebook
from samples.catalog_entries import ENTRIES

REFERENCE_STUDENT = "reference_%s"  # a control per assignment: the reference itself must get full marks


@dataclass
class Result:
    entry: object
    score: float = 0.0
    max_score: float = 0.0
    parts: dict = field(default_factory=dict)      # grade_id -> (score, max)
    verdict: Verdict | None = None                 # the grader's verdict on the entry's test cell
    errors: list = field(default_factory=list)     # "ename: evalue" of every error output in the notebook (to show)
    passes: int = 0                                # self-check cells that ran without an error
    hidden: tuple = (0, 0)                         # in-process judge: (hidden cases passed, hidden cases)
    problems: list = field(default_factory=list)   # why the verdict is wrong (empty: as expected)

    @property
    def ok(self):
        return not self.problems


def test_cell_id(function):
    return "test_" + function


def self_check_cells(nb):
    """The code cells that call a self-check (graded test cells and re-checks)."""
    return [c for c in nb.cells if c.cell_type == "code" and SELF_CHECK_CALL.search(c.source)]


# ----------------------------------------------------------------------------- building submissions
def student_of(entry):
    return entry.id


def build_submissions(course, entries):
    """Write one submission per entry, plus one reference student per assignment; returns the (student,
    assignment) pairs to grade."""
    from samples import notebook_edits as submissions
    pairs = []
    for assignment in sorted({assignment_of(e.function) for e in entries}):
        nb = submissions.fill_all(submissions.read_release(assignment, course), assignment, root=course)
        submissions.write_submission(REFERENCE_STUDENT % assignment, assignment, nb, root=course)
        pairs.append((REFERENCE_STUDENT % assignment, assignment))
    for entry in entries:
        assignment = assignment_of(entry.function)
        nb = submissions.fill_all(submissions.read_release(assignment, course), assignment, root=course)
        submissions.apply_catalog_entry(nb, entry)
        submissions.write_submission(student_of(entry), assignment, nb, root=course)
        pairs.append((student_of(entry), assignment))
    return pairs


# ----------------------------------------------------------------------------- reading the results
def read_autograded(course, student, assignment):
    """(the grader's verdicts, "ename: evalue" of every error output, self-check cells that ran cleanly)."""
    folder = os.path.join(course, "autograded", student, assignment)
    path = os.path.join(folder, ASSIGNMENTS[assignment].notebook)
    if not os.path.exists(path):
        return [], ["no autograded notebook"], 0
    nb = nbformat.read(path, as_version=4)
    errors = ["%s: %s" % (o.get("ename"), one_line(o.get("evalue"), 300)) for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    clean = sum(1 for c in self_check_cells(nb) if c.get("execution_count") is not None
                and not any(o.get("output_type") == "error" for o in c.get("outputs", [])))
    return read_verdicts(folder, ASSIGNMENTS[assignment].notebook), errors, clean


def hidden_verdict(entry, root=None):
    """Run the entry's function on the hidden cases of its source test cell; (passed, total) by grader.judge."""
    namespace = reference_namespace(assignment_of(entry.function))
    with contextlib.redirect_stdout(io.StringIO()):
        exec(function_source(entry), namespace)  # the function as written (a tampering prelude is not run here)
    results = judged(entry.function, namespace[entry.function], root)
    return sum(1 for passed, _ in results if passed), len(results)


def expected_text(entry):
    if entry.kind == "variant":
        return "full marks, all checks passed"
    hint = " + hint %r" % entry.hint if entry.hint and entry.self_check_catches else ""
    return "%s scores 0%s" % (test_cell_id(entry.function), hint)


def judge_entry(result, full, pass_lines):
    """Fill result.problems: what differs from what the entry deserves."""
    entry, problems = result.entry, result.problems
    if entry.kind == "variant":
        if result.score != full or result.max_score != full:
            problems.append("score %s / %s, full marks are %s" % (result.score, result.max_score, full))
        if result.errors:
            problems.append("errors in the notebook: %s" % "; ".join(result.errors))
        if result.passes != pass_lines or not (result.verdict and result.verdict.self_check_passed):
            problems.append("%d of %d self-checks passed" % (result.passes, pass_lines))
        if result.hidden[0] != result.hidden[1]:
            problems.append("hidden cases in-process: %d of %d passed" % result.hidden)
        return
    got, maximum = result.parts.get(test_cell_id(entry.function), (None, None))
    if got is None:
        problems.append("no grade for %s" % test_cell_id(entry.function))
    elif got > 0:
        problems.append("%s scored %s / %s" % (test_cell_id(entry.function), got, maximum))
    if result.score >= full:
        problems.append("full marks")
    if entry.self_check_catches:
        causes = result.verdict.self_check_causes if result.verdict else ()
        if result.verdict is None or result.verdict.self_check_passed:
            problems.append("the self-check passed")
        if entry.hint and entry.hint.lower() not in " ".join(causes).lower():
            problems.append("the self-check's likely cause does not say %r" % entry.hint)
    if not entry.prelude and result.hidden[0] == result.hidden[1]:
        problems.append("the hidden tests alone pass it (%d of %d)" % result.hidden)


# ----------------------------------------------------------------------------- the run
def run_catalog(entries=None, workdir=None, jobs=None, quiet=True, course=None):
    """Grade `entries` (default: all) in a copy of the course (or in `course`, a copy made beforehand, e.g. with
    its release generated); returns ([Result], {assignment: full marks})."""
    from pipeline.autograde import grade
    from pipeline.course import Course, copy_course
    from pipeline.gradebook import open_gradebook, part_scores, submission_score
    from pipeline.release import generate_release
    from pipeline.stamps import read_stamp
    entries = list(entries or ENTRIES)
    holder = None
    if workdir is None and course is None:
        holder = tempfile.TemporaryDirectory(prefix="kit-catalog-")
        workdir = holder.name
    course = course or copy_course(os.path.join(workdir, "course"))
    try:
        output = io.StringIO()
        with contextlib.redirect_stdout(output) if quiet else contextlib.nullcontext():
            generate_release(Course(course))
            pairs = build_submissions(course, entries)
            grade(Course(course), pairs, jobs=jobs or kit_settings.current().worker_count())
        results, full, pass_lines = [], {}, {}
        with open_gradebook(course) as gradebook:
            for assignment in {a for _, a in pairs}:
                score = submission_score(gradebook, assignment, REFERENCE_STUDENT % assignment)
                full[assignment] = score[1] if score else None
                if not score or score[0] != score[1]:
                    raise RuntimeError("the reference submission of %s did not get full marks (%s):\n%s"
                                       % (assignment, score, output.getvalue()[-3000:]))
                _, errors, pass_lines[assignment] = read_autograded(course, REFERENCE_STUDENT % assignment,
                                                                    assignment)
                expected_lines = len(self_check_cells(source_notebook(assignment, course)))
                if errors or pass_lines[assignment] != expected_lines:
                    raise RuntimeError("the reference submission of %s: %d of %d self-checks passed, errors %s"
                                       % (assignment, pass_lines[assignment], expected_lines, errors))
            for entry in entries:
                assignment = assignment_of(entry.function)
                score = submission_score(gradebook, assignment, student_of(entry)) or (0.0, 0.0)
                result = Result(entry, score=score[0], max_score=score[1],
                                parts=part_scores(gradebook, assignment, student_of(entry)))
                verdicts, result.errors, result.passes = read_autograded(course, student_of(entry), assignment)
                result.verdict = next((v for v in verdicts if v.grade_id == test_cell_id(entry.function)), None)
                stamp = read_stamp(Course(course), student_of(entry), assignment) or {}
                if stamp.get("status") == "failed":  # the pipeline recorded a zero: say why
                    result.errors.insert(0, "ZERO: %s" % stamp.get("reason"))
                result.hidden = hidden_verdict(entry, course)
                judge_entry(result, full[assignment], pass_lines[assignment])
                results.append(result)
        return results, full
    finally:
        if holder is not None:
            holder.cleanup()


def describe_got(result):
    failed = sorted(g for g, (s, m) in result.parts.items() if s < m)
    got = "%s/%s" % (format_number(result.score), format_number(result.max_score))
    if failed:
        got += " failed " + ",".join(g[len("test_"):] for g in failed)
    if result.entry.kind == "variant":
        got += ", %d self-checks passed" % result.passes
    else:
        verdict = result.verdict
        lines = list((verdict.self_check_causes or verdict.self_check_findings) if verdict else ())
        message = next((l for l in lines if result.entry.hint and result.entry.hint.lower() in l.lower()),
                       lines[0] if lines else "(no self-check message)")
        got += "; says: " + (message if len(message) <= 90 else message[:87] + "...")
    got += "; hidden in-process %d/%d" % result.hidden
    return got


def table(results):
    rows = [("entry", "kind", "expected", "got", "verdict")]
    for r in results:
        rows.append((r.entry.id, r.entry.kind, expected_text(r.entry), describe_got(r),
                     "ok" if r.ok else "WRONG: " + "; ".join(r.problems)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
                     + "  [" + row[4] + "]")
        if index == 0:
            lines.append("-" * min(200, len(lines[0])))
    return "\n".join(lines)


def summary(results):
    variants = [r for r in results if r.entry.kind == "variant"]
    mutants = [r for r in results if r.entry.kind == "mutant"]
    return ("variants: %d of %d full marks with every self-check passed; mutants: %d of %d lose the points "
            "with the right self-check message" % (sum(r.ok for r in variants), len(variants),
                                                  sum(r.ok for r in mutants), len(mutants)))
