"""Step 3: autograde what changed, in parallel nbgrader processes, following their logs; zeros for what fails.

This is the one module that runs `nbgrader autograde` and decides what a failed run means.
"""
import os
import re
import threading
import time

from grader.manifest import ASSIGNMENTS
from pipeline.course import read_timestamp, remove_tree, say, submitted_pairs
from pipeline.feedback import write_failure_feedback
from pipeline.fingerprints import setup_fingerprint, submission_fingerprint
from pipeline.gradebook import open_gradebook, part_scores, record_zero, remove_submission, submission_score
from pipeline.nbgrader_process import nbgrader, stop_children
from pipeline.notes import failing_parts, one_line
from pipeline.prechecks import precheck
from pipeline.stamps import read_stamp, write_stamp
from pipeline.table import format_number


SETTLED_FAILURES = ("Inconsistent checksums", "NotJSONError", "No submitted file")
PLAIN_REASONS = [
    ("Inconsistent checksums", "a locked test cell could not be restored"),
    ("NotJSONError", "the notebook is not valid JSON"),
    ("giving up on it", None),
    ("Kernel died", "the Python kernel died and could not be restarted"),
    ("No submitted file", "no notebook was submitted"),
]


def settled_failure(log_lines):
    """True when the failure lies in the submitted file itself (grading it again cannot help)."""
    text = "\n".join(log_lines)
    return any(needle in text for needle in SETTLED_FAILURES)


def failure_reason(log_lines):
    """A one-line reason from nbgrader's log of a failed submission."""
    text = "\n".join(log_lines)
    last = ""
    for line in log_lines:
        stripped = line.strip()
        if re.match(r"^[\w.]+(Error|Exception|Exit|Interrupt)\b.*", stripped):
            last = stripped
    for needle, plain in PLAIN_REASONS:
        if needle in text:
            return "nbgrader could not grade it: %s" % (plain or one_line(last, 160))
    return "nbgrader could not grade it: %s" % (one_line(last, 160) or "see nbgrader's log")


PAIR_START = re.compile(r"SubmittedAssignment<(?P<assignment>\S+) for (?P<student>\S+)> submitted at")
PAIR_SANITIZING = re.compile(r"\] Sanitizing (?P<path>.+\.ipynb)\s*$")  # also logged without a timestamp.txt
PAIR_ERROR = re.compile(r"There was an error processing assignment: (?P<path>\S+)")
PAIR_DONE = "Setting destination file permissions"


class AutogradeRun:
    """Follows one nbgrader autograde's log: progress per submission, completions, each failure's log lines."""

    def __init__(self, pairs, progress):
        self.pairs, self.progress = set(pairs), progress
        self.current, self.started = None, None
        self.completed, self.errors = [], {}   # errors: pair -> log lines
        self.in_error = None

    def on_line(self, line):
        match = PAIR_START.search(line)
        pair = (match.group("student"), match.group("assignment")) if match else None
        sanitizing = PAIR_SANITIZING.search(line)
        if sanitizing:
            parts = os.path.normpath(sanitizing.group("path")).split(os.sep)
            pair = (parts[-3], parts[-2]) if pair is None and (parts[-3], parts[-2]) != self.current else None
        if pair is not None:
            self.current = self.started = None
            if pair in self.pairs:
                self.current, self.started = pair, time.monotonic()
            self.in_error = None
            return
        match = PAIR_ERROR.search(line)
        if match:
            parts = os.path.normpath(match.group("path")).split(os.sep)
            self.in_error = (parts[-2], parts[-1])
            self.errors.setdefault(self.in_error, [])
            if self.in_error == self.current:
                self.progress.done(self.current, "could not be graded", time.monotonic() - self.started)
                self.current = None
            return
        if self.in_error is not None:
            if "Removing failed" in line or "There was an error processing assignment '" in line:
                self.in_error = None
            else:
                self.errors[self.in_error].append(line)
            return
        if PAIR_DONE in line and self.current is not None:
            self.completed.append(self.current)
            self.progress.done(self.current, None, time.monotonic() - self.started)
            self.current = None


class Progress:
    """One line per graded submission, from however many nbgrader processes; stamps them as they finish."""

    def __init__(self, total, on_complete):
        self.count, self.total, self.on_complete = 0, total, on_complete
        self.lock = threading.Lock()

    def done(self, pair, status, seconds):
        with self.lock:
            if status is None:  # completed: stamp it now, so an interrupted run keeps it
                status = self.on_complete(pair)
            self.count += 1
            say("  [%d/%d] %s / %s: %s (%.1f s)" % (self.count, self.total, pair[0], pair[1], status, seconds))


def _groups(pending, jobs):
    """Split the students with pending submissions into at most `jobs` groups of similar size."""
    counts = {}
    for student, _ in pending:
        counts[student] = counts.get(student, 0) + 1
    groups = [[] for _ in range(max(1, min(jobs, len(counts))))]
    loads = [0] * len(groups)
    for student in sorted(counts, key=lambda s: (-counts[s], s)):
        index = loads.index(min(loads))
        groups[index].append(student)
        loads[index] += counts[student]
    return [sorted(g) for g in groups if g]


def clean_pair(course, gradebook, student, assignment):
    """Forget everything graded about a submission: gradebook entry, autograded and feedback folders."""
    remove_submission(gradebook, assignment, student)
    remove_tree(course.autograded(student, assignment))
    remove_tree(course.feedback(student, assignment))


def _up_to_date(course, stamp, fingerprint, current, student, assignment):
    graded_file = os.path.join(course.autograded(student, assignment), course.notebook(assignment))
    return (stamp is not None and stamp.get("fingerprint") == fingerprint and current is not None
            and abs(current[0] - stamp.get("score", -1)) < 1e-9
            and (stamp.get("status") == "failed" or os.path.exists(graded_file)))


def grade(course, pairs, force=False, jobs=1):
    """Autograde what changed among `pairs`; returns {pair: stamp} for every pair."""
    setups = {a: setup_fingerprint(course, a) for a in ASSIGNMENTS}
    stamps, pending, failed = {}, {}, {}
    with open_gradebook(course.root) as gradebook:
        for student, assignment in pairs:
            fingerprint = submission_fingerprint(course, student, assignment, setups[assignment])
            stamp = read_stamp(course, student, assignment)
            current = submission_score(gradebook, assignment, student)
            if not force and _up_to_date(course, stamp, fingerprint, current, student, assignment):
                stamps[(student, assignment)] = stamp
                continue
            clean_pair(course, gradebook, student, assignment)
            reason, notes = precheck(course, student, assignment)
            base = {"fingerprint": fingerprint, "notes": notes, "student": student, "assignment": assignment}
            if reason:
                failed[(student, assignment)] = dict(base, reason=reason)
            else:
                pending[(student, assignment)] = base
        for pair, stamp in sorted(failed.items()):
            stamps[pair] = _record_failure(course, gradebook, stamp)
    say("autograde: %d submission(s) to grade, %d up to date, %d not gradable"
        % (len(pending), len(pairs) - len(pending) - len(failed), len(failed)))
    for pair in sorted(failed):
        say("  %s / %s: ZERO, %s" % (pair[0], pair[1], stamps[pair]["reason"]))

    def complete(pair):
        student, assignment = pair
        with open_gradebook(course.root) as gradebook:
            score = submission_score(gradebook, assignment, student)
            parts = part_scores(gradebook, assignment, student)
        graded_file = os.path.join(course.autograded(student, assignment), course.notebook(assignment))
        if score is None or not os.path.exists(graded_file) or pair not in pending:
            return "graded, but no score in the gradebook: graded again"
        stamp = dict(pending[pair], status="graded", score=score[0], max_score=score[1],
                     failing=failing_parts(course, student, assignment, parts))
        write_stamp(course, student, assignment, stamp)
        stamps[pair] = stamp
        return "%s / %s" % (format_number(score[0]), format_number(score[1]))

    attempts, progress = {}, Progress(len(pending), complete)
    everyone = sorted({student for student, _ in submitted_pairs(course, quiet=True)})
    while pending:
        groups = _groups(pending, jobs)
        if len(groups) > 1:
            say("  (%d nbgrader processes in parallel)" % len(groups))
        results = [None] * len(groups)

        def grade_group(index, students):
            run = AutogradeRun([p for p in pending if p[0] in students], progress)
            # nbgrader skips submissions that have an autograded folder: the pending ones have none
            args = ["autograde", "*", "--log-level=INFO"]
            others = [student for student in everyone if student not in students]
            if others:
                args.append("--CourseDirectory.student_id_exclude=%s" % ",".join(others))
            code, log = nbgrader(course, args, on_line=run.on_line)
            results[index] = (run, code, log)

        threads = [threading.Thread(target=grade_group, args=(i, g), daemon=True) for i, g in enumerate(groups)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                while thread.is_alive():
                    thread.join(0.2)  # wakes up for Ctrl-C and SIGTERM
        except BaseException:
            stop_children()
            raise
        if any(result is None for result in results):
            raise SystemExit("an nbgrader process could not be run")
        runs = [run for run, _, _ in results]
        errors = {pair: lines for run in runs for pair, lines in run.errors.items()}
        cut_offs = {run.current: code for run, code, _ in results if run.current is not None}
        for pair, code in sorted(cut_offs.items()):
            say("  %s / %s: cut off, the grading process stopped (exit code %s)" % (pair[0], pair[1], code))
        log = "".join(result[2] for result in results)
        if (len(errors) >= 3 and not any(run.completed for run in runs) and not cut_offs
                and set(errors) >= set(pending)):
            # every submission failed the same way: the grading set-up is broken, not the students' work
            raise SystemExit("nbgrader autograde failed on every submission; nothing was recorded. nbgrader's log:\n"
                             + log[-4000:])
        made_progress, unreached = False, []
        with open_gradebook(course.root) as gradebook:
            for pair in sorted(pending):
                student, assignment = pair
                if pair in stamps and stamps[pair].get("fingerprint") == pending[pair]["fingerprint"]:
                    del pending[pair]  # graded and stamped while nbgrader ran
                    made_progress = True
                    continue
                clean_pair(course, gradebook, student, assignment)
                if pair in errors:
                    reason = failure_reason(errors[pair])
                    if not settled_failure(errors[pair]) and attempts.get(pair, 0) < 1:
                        attempts[pair] = attempts.get(pair, 0) + 1
                        made_progress = True
                        say("  %s / %s: %s; grading it once more" % (student, assignment, reason))
                        continue  # maybe the machine, not the notebook (a kernel slow to start under load)
                elif pair in cut_offs:
                    attempts[pair] = attempts.get(pair, 0) + 1
                    made_progress = True
                    if attempts[pair] < 2:
                        continue  # an outside kill, maybe: once more in a fresh process
                    reason = ("the grading process died twice while grading this notebook (exit code %s)"
                              % cut_offs[pair])
                else:
                    unreached.append(pair)  # its process stopped before it (or skipped it: see below)
                    continue
                stamps[pair] = _record_failure(course, gradebook, dict(pending.pop(pair), reason=reason))
                made_progress = True
                say("  %s / %s: ZERO, %s" % (student, assignment, reason))
        stopped = {student for pair in cut_offs for student in [pair[0]]}
        lost = [pair for pair in unreached if not any(pair[0] in g and set(g) & stopped for g in groups)]
        if lost:
            raise SystemExit("nbgrader autograde ended without grading %s; nothing was recorded for them. "
                             "nbgrader's log:\n%s" % (", ".join("%s/%s" % p for p in lost), log[-4000:]))
        if pending and not made_progress:
            raise SystemExit("nbgrader autograde made no progress:\n%s" % log[-3000:])
        if pending:
            say("  grading the remaining %d submission(s) in a fresh process" % len(pending))
    return stamps


def _record_failure(course, gradebook, stamp):
    student, assignment = stamp["student"], stamp["assignment"]
    score = record_zero(gradebook, assignment, student, stamp["reason"],
                        timestamp=read_timestamp(course, student, assignment))
    stamp = dict(stamp, status="failed", score=score[0] if score else 0.0, max_score=score[1] if score else 0.0,
                 failing=[])
    write_stamp(course, student, assignment, stamp)  # also keeps nbgrader from trying it on its own
    write_failure_feedback(course, student, assignment, stamp["reason"])
    return stamp
