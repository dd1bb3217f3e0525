"""Step 3: autograde what changed, in sandboxed worker processes; the one place that writes grades.

For each submission: admit it as untrusted input (pipeline/intake.py), fingerprint the
admitted copy, skip it when its stamp, its files and the gradebook agree, else forget its
old grades and grade it. Grading happens in worker processes (pipeline/workers.py: local,
or a Dask cluster), each running nbgrader's own autograde into a scratch gradebook with
every notebook in the bubblewrap sandbox; results come back as data and only this process
writes the course gradebook. Anything that cannot be graded becomes a recorded zero with
its reason (gradebook comment, feedback page, table note); the run always finishes.
"""
import os
from dataclasses import replace

import nbformat

from grader import settings as kit_settings
from grader.messages import printable
from grader.preprocessors.one_graded_copy import released_from_cells
from grader.sandbox import budget, bwrap
from pipeline.course import remove_tree, say
from pipeline.feedback import write_failure_feedback
from pipeline.fingerprints import setup_fingerprint, submission_fingerprint
from pipeline.grade_records import assignment_structure, write_submission
from pipeline.gradebook import (all_scores, open_gradebook, part_scores, record_zero, remove_submission,
                                submission_score)
from pipeline.intake import admit, name_problem, shown_name
from pipeline.notes import failing_parts, one_line
from pipeline.prechecks import precheck
from pipeline.stamps import read_stamp, source_signature, write_stamp
from pipeline.table import format_number
from pipeline.workers import FAILURE_KINDS, INTAKE_FOLDER, SETTLED_KINDS, Task, WorkerPool


class SandboxUnavailable(SystemExit):
    """Grading untrusted work was refused: no sandbox can be started here."""


def require_sandbox(settings=None):
    """Stop unless bubblewrap works here, or warn loudly when the instructor chose to grade without it
    (settings.unsafe_no_sandbox; this process's settings by default)."""
    if (settings or kit_settings.current()).unsafe_no_sandbox:
        say("!" * 78)
        say("WARNING: --unsafe-no-sandbox: student code runs WITHOUT the sandbox, with all of your rights.")
        say("It can read the solutions and the gradebook, change grades and files, and outlive the run.")
        say("Use this only for notebooks you trust (your own), never for a class's submissions.")
        say("!" * 78)
        return
    problem = bwrap.problem()
    if problem:
        raise SandboxUnavailable(
            "cannot grade untrusted submissions: no sandbox can be started here.\n  %s\n"
            "Fix that (python3 kit.py installs bubblewrap itself when it runs as root with apt-get), or, only for "
            "notebooks you trust, pass --unsafe-no-sandbox." % problem)


def failure_reason(result):
    """(reason, settled) for a failed WorkerResult, from its structured failure kind (never from log text,
    which can quote a student's cells): settled failures lie in the file and are not retried."""
    if result.cut_off:
        return result.error, False
    plain = FAILURE_KINDS.get(result.failure, FAILURE_KINDS["error"])
    if result.failure not in FAILURE_KINDS or result.failure == "error":
        plain += " (%s)" % (result.exception.rsplit(".", 1)[-1] or "no exception was recorded")
    return "nbgrader could not grade it: %s" % plain, result.failure in SETTLED_KINDS


def refused_names(pairs):
    """{(shown student, assignment): stamp} for pairs whose folder names are not safe to use, and the safe pairs.

    nbgrader takes a student id as a glob and every later step builds paths from it, so such a folder
    is never admitted, graded or written anywhere; the stamp (kept in memory only) carries the note.
    """
    refused, safe = {}, []
    for student, assignment in pairs:
        problem = name_problem(student, "student folder") or name_problem(assignment, "assignment folder")
        if problem is None:
            safe.append((student, assignment))
            continue
        shown = shown_name(student), shown_name(assignment)
        refused[shown] = {"status": "refused", "student": shown[0], "assignment": shown[1], "score": 0.0,
                          "max_score": 0.0, "failing": [], "reason": problem,
                          "notes": ["not graded: %s; rename the folder submitted/%s/%s to a plain name (letters, "
                                    "digits, _ . - @ +) and grade again" % (problem, shown[0], shown[1])]}
    return refused, safe


def remove_stale_intake(course, pairs):
    """Remove every admitted copy in the intake folder that is not one of `pairs` (a student no longer
    submitted, a refused name), so nothing nbgrader reads there is left over from another run."""
    root = course.path(INTAKE_FOLDER)
    wanted = {}
    for student, assignment in pairs:
        wanted.setdefault(student, set()).add(assignment)
    try:
        students = os.listdir(root)
    except OSError:
        return
    for student in students:
        path = os.path.join(root, student)
        if student not in wanted or os.path.islink(path) or not os.path.isdir(path):
            _remove(path)
            continue
        for assignment in os.listdir(path):
            if assignment not in wanted[student]:
                _remove(os.path.join(path, assignment))


def _remove(path):
    if os.path.islink(path) or not os.path.isdir(path):
        os.remove(path)
    else:
        remove_tree(path)


def released_cells(course, assignment):
    """The release notebook's graded cells, as intake needs them to leave one cell per graded id (or None)."""
    try:
        release = nbformat.read(course.path("release", assignment, course.notebook(assignment)), as_version=4)
    except (OSError, ValueError):
        return None
    return released_from_cells(release.cells)


def clean_pair(course, gradebook, student, assignment):
    """Forget everything graded about a submission: gradebook entry, autograded and feedback folders."""
    remove_submission(gradebook, assignment, student)
    remove_tree(course.autograded(student, assignment))
    remove_tree(course.feedback(student, assignment))


def _up_to_date(course, stamp, fingerprint, current, student, assignment, key="fingerprint"):
    """Whether the stamp says this submission was graded as it is (`key`: compare the admitted copy's
    fingerprint, or "source": the submitted files' signature and the set-up) and the gradebook agrees."""
    graded_file = os.path.join(course.autograded(student, assignment), course.notebook(assignment))
    return (stamp is not None and fingerprint is not None and stamp.get(key) == fingerprint and current is not None
            and abs(current[0] - stamp.get("score", -1)) < 1e-9
            and (stamp.get("status") == "failed" or os.path.exists(graded_file)))


def _admit_all(course, pairs, force, settings):
    """Admit every submission; returns (stamps of up-to-date ones, pending {pair: base stamp}, failed)."""
    refused, pairs = refused_names(pairs)
    remove_stale_intake(course, pairs)
    setups = {a: setup_fingerprint(course, a, settings) for a in {a for _, a in pairs}}
    released = {a: released_cells(course, a) for a in setups}
    stamps, pending, failed = dict(refused), {}, {}
    with open_gradebook(course.root) as gradebook:
        scores = all_scores(gradebook)[0]
        for student, assignment in pairs:
            stamp = read_stamp(course, student, assignment)
            source = [setups[assignment], source_signature(course.submitted(student, assignment))]
            if not force and source[1] and _up_to_date(course, stamp, source, scores.get((student, assignment)),
                                                       student, assignment, key="source"):
                stamps[(student, assignment)] = stamp   # its files and the set-up are as when it was graded
                continue
            intake = course.path(INTAKE_FOLDER, student, assignment)
            admission = admit(course.submitted(student, assignment), course.notebook(assignment), intake,
                              student, assignment, released=released[assignment])
            fingerprint = submission_fingerprint(intake, setups[assignment], admission.problem)
            current = scores.get((student, assignment))
            if not force and _up_to_date(course, stamp, fingerprint, current, student, assignment):
                if stamp.get("source") != source:
                    stamp = dict(stamp, source=source)
                    write_stamp(course, student, assignment, stamp)
                stamps[(student, assignment)] = stamp
                continue
            clean_pair(course, gradebook, student, assignment)
            base = {"fingerprint": fingerprint, "source": source, "notes": [printable(n) for n in admission.notes],
                    "student": student,
                    "assignment": assignment, "timestamp": admission.timestamp}
            if admission.problem:
                failed[(student, assignment)] = dict(base, reason=admission.problem)
                continue
            try:
                reason, notes = precheck(course, student, assignment, folder=intake)
            except Exception as error:  # a precheck must never stop the run
                reason, notes = None, ["could not compare with the release (%s)" % type(error).__name__]
            base["notes"] += notes
            if reason:
                failed[(student, assignment)] = dict(base, reason=reason)
            else:
                pending[(student, assignment)] = base
        for pair, stamp in sorted(failed.items()):
            stamps[pair] = _record_failure(course, gradebook, stamp)
    return stamps, pending, failed


def grade(course, pairs, force=False, jobs=None, pool=None, unsafe=None, executor=None, settings=None):
    """Autograde what changed among `pairs`; returns {pair: stamp} for every pair.

    settings: what to grade with (grader/settings.py; this process's by default); jobs, unsafe and
    executor, when given, override its fields of the same names."""
    given = {"jobs": jobs, "unsafe_no_sandbox": unsafe, "executor": executor}
    settings = replace(settings or kit_settings.current(),
                       **{name: value for name, value in given.items() if value is not None})
    executor = settings.executor
    require_sandbox(settings)
    stamps, pending, failed = _admit_all(course, pairs, force, settings)
    refused = sorted(pair for pair, stamp in stamps.items() if stamp.get("status") == "refused")
    say("autograde: %d submission(s) to grade, %d up to date, %d not gradable, %d refused (folder name)"
        % (len(pending), len(pairs) - len(pending) - len(failed) - len(refused), len(failed), len(refused)))
    for pair in sorted(failed) + refused:
        say("  %s / %s: %s, %s" % (pair[0], pair[1], "ZERO" if pair in failed else "NOT GRADED",
                                    stamps[pair]["reason"]))
    if not pending:
        return stamps
    if not settings.unsafe_no_sandbox:
        say(budget.describe_guard())
    with open_gradebook(course.root) as gradebook:
        structures = {a: assignment_structure(gradebook, a) for a in sorted({a for _, a in pending})}
    pool = pool or WorkerPool(course.root, settings=settings)
    attempts, done, total = {}, 0, len(pending)
    tasks = [Task(student, assignment, structures[assignment], executor) for student, assignment in sorted(pending)]
    with open_gradebook(course.root) as gradebook:  # the one writer keeps one connection for the whole run
        while tasks:
            again = []
            for result in pool.run(tasks):
                pair = (result.student, result.assignment)
                if result.success and result.grades is not None:
                    stamps[pair] = _record_grades(course, gradebook, pending.pop(pair), result)
                    status = "%s / %s" % (format_number(stamps[pair]["score"]),
                                          format_number(stamps[pair]["max_score"]))
                else:
                    reason, settled = failure_reason(result)
                    attempts[pair] = attempts.get(pair, 0) + 1
                    if not settled and attempts[pair] < 2 and not result.budget_hits:  # a budget is never doubled
                        say("  %s / %s: %s; grading it once more" % (pair[0], pair[1], reason))
                        again.append(Task(pair[0], pair[1], structures[pair[1]], executor))
                        continue  # maybe the machine, not the notebook
                    stamps[pair] = _record_failure(course, gradebook, dict(pending.pop(pair), reason=reason))
                    status = "ZERO, %s" % reason
                done += 1
                say("  [%d/%d] %s / %s: %s (%.1f s)" % (done, total, pair[0], pair[1], status, result.seconds))
            tasks = again
    return stamps


def _record_grades(course, gradebook, base, result):
    """Write a worker's grades into the course gradebook and stamp the submission."""
    student, assignment = result.student, result.assignment
    write_submission(gradebook, result.grades)
    score = submission_score(gradebook, assignment, student)
    parts = part_scores(gradebook, assignment, student)
    notes = list(base["notes"])
    if result.feedback_error:
        notes.append("no feedback page could be made: %s" % one_line(result.feedback_error.splitlines()[-1]))
    stamp = dict(base, status="graded", score=score[0], max_score=score[1], notes=notes,
                 failing=failing_parts(course, student, assignment, parts), phases=result.phases,
                 budget_hits=list(result.budget_hits))
    write_stamp(course, student, assignment, stamp)
    return stamp


def _record_failure(course, gradebook, stamp):
    stamp = dict(stamp, reason=printable(stamp["reason"]))  # it reaches the console, the gradebook and a page
    student, assignment = stamp["student"], stamp["assignment"]
    score = record_zero(gradebook, assignment, student, stamp["reason"], timestamp=stamp.get("timestamp"))
    stamp = dict(stamp, status="failed", score=score[0] if score else 0.0, max_score=score[1] if score else 0.0,
                 failing=[])
    write_stamp(course, student, assignment, stamp)
    write_failure_feedback(course, student, assignment, stamp["reason"])
    return stamp

