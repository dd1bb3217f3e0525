"""The instructor pipeline, end to end: release, sample submissions, autograde, feedback, export, grade table.

    python -m tools.pipeline                  # everything; re-runs only redo what changed
    python -m tools.pipeline --force          # re-grade every submission
    python -m tools.pipeline --no-samples     # grade submitted/ as it is (real submissions)
    python -m tools.pipeline --bad-inputs     # also the robustness demo students (endless loop, crash, ...)

Steps, each with the plain nbgrader CLI from the course root:
1. `nbgrader generate_assignment` for an assignment whose source changed since release/ was made
   (or that the gradebook does not know yet, as on a fresh checkout);
2. sample submissions into submitted/<student>/<assignment>/ (tools/submissions.py);
3. `nbgrader autograde` of every submission that is new or changed (or whose grading set-up
   changed), with progress per student and assignment;
4. `nbgrader generate_feedback`; 5. `nbgrader export` to grades.csv; 6. the grade table.

What makes it safe to re-run and to feed bad submissions:
- Every graded submission leaves a stamp (autograded/<student>/<assignment>/.kit-grading.json)
  holding a fingerprint of the submitted files and of the grading set-up, and the score. A
  submission is skipped only when the stamp, the files and the gradebook all agree; otherwise
  its gradebook entry, autograded and feedback folders are removed *before* it is graded
  again, so a failed re-grade can never leave an old score behind.
- Submissions nbgrader cannot grade (missing notebook, not JSON, a notebook nbgrader gives
  up on) get a recorded zero for that notebook, with the reason printed, written into the
  gradebook as a comment and into the student's feedback folder. Other submissions and
  other students are not affected.
- Tampering is repaired, not punished by a crash: edited or deleted test cells are restored
  from the gradebook (nbgrader), a test cell flipped to `solution: true` gets its role back
  (tools.nbgrader_plugins.RestoreCellRoles). The table's notes say what was restored.
- An interrupted run (Ctrl-C, a killed process) loses nothing: what was stamped stays, what
  was not is graded again from scratch by the next run. A lock keeps two runs apart.
"""
import argparse
import contextlib
import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import nbformat

from tools import ROOT
from tools.assignments import ASSIGNMENTS
from tools.make_release import nbgrader_command, nbgrader_env

STAMP = ".kit-grading.json"
STAMP_VERSION = 1
ENV_KNOBS = ("NBGRADER_KIT_CELL_TIMEOUT", "NBGRADER_KIT_STOCK")
# a new version of any of these re-grades everything (as does a change of the course's grading code)
VERSIONED = ("nbgrader", "nbclient", "nbconvert", "ipykernel", "jupyter_client", "numpy")
GRADING_CODE = ["nbgrader_config.py", "tools/nbgrader_plugins.py", "tools/judge.py", "tools/kernel.py",
                "tools/reference/__init__.py"]


def say(message=""):
    print(message, flush=True)


# ----------------------------------------------------------------------------- paths and fingerprints
class Course:
    """Folders of the course at `root` (the repository, or a throwaway copy in tests)."""

    def __init__(self, root=None):
        self.root = os.path.abspath(root or ROOT)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def submitted(self, student="", assignment=""):
        return self.path("submitted", student, assignment)

    def autograded(self, student, assignment):
        return self.path("autograded", student, assignment)

    def feedback(self, student, assignment):
        return self.path("feedback", student, assignment)

    def notebook(self, assignment):
        return ASSIGNMENTS[assignment]["notebook"]


def _hash_files(paths, digest, base):
    for path in sorted(paths):
        digest.update(os.path.relpath(path, base).encode())
        try:
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
        except OSError:
            digest.update(b"<missing>")


def _files_under(folder, skip_dot=True):
    found = []
    for base, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not (skip_dot and d.startswith(".")) and d != "__pycache__")
        found += [os.path.join(base, f) for f in files if not (skip_dot and f.startswith("."))
                  and not f.endswith(".pyc")]
    return found


def setup_fingerprint(course, assignment):
    """Everything the grade of a submission of `assignment` depends on besides the submission."""
    from importlib.metadata import version
    tools_versions = " ".join("%s %s" % (name, version(name)) for name in VERSIONED)
    digest = hashlib.sha256(("v%d %s %s" % (STAMP_VERSION, sys.executable, tools_versions)).encode())
    for knob in ENV_KNOBS:
        digest.update(("%s=%s;" % (knob, os.environ.get(knob, ""))).encode())
    files = [course.path(p) for p in GRADING_CODE + ["tools/reference/%s.py" % assignment]]
    files += _files_under(course.path("source", assignment))
    _hash_files(files, digest, course.root)
    return digest.hexdigest()


def submission_fingerprint(course, student, assignment, setup):
    digest = hashlib.sha256(setup.encode())
    folder = course.submitted(student, assignment)
    _hash_files(_files_under(folder, skip_dot=False), digest, folder)
    return digest.hexdigest()


def read_stamp(course, student, assignment):
    try:
        with open(os.path.join(course.autograded(student, assignment), STAMP), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def write_stamp(course, student, assignment, stamp):
    folder = course.autograded(student, assignment)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, STAMP)
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(stamp, handle, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


def _rmtree(path):
    if os.path.isdir(path):
        for base, dirs, files in os.walk(path):  # nbgrader makes autograded files read-only
            for name in dirs + files:
                with contextlib.suppress(OSError):
                    os.chmod(os.path.join(base, name), 0o755)
        shutil.rmtree(path, ignore_errors=True)


# ----------------------------------------------------------------------------- nbgrader calls
_CHILDREN = set()


def stop_children():
    """Terminate the nbgrader processes still running (on Ctrl-C or a kill of the pipeline)."""
    for process in list(_CHILDREN):
        with contextlib.suppress(OSError):
            process.terminate()
    for process in list(_CHILDREN):
        with contextlib.suppress(Exception):
            process.wait(timeout=10)


def nbgrader(course, args, on_line=None):
    """Run `nbgrader <args>` in the course root, streaming its log lines to `on_line`.

    Returns (exit code, log text). Never raises for nbgrader's own failures: callers read
    the results (nbgrader exits 0 on some failures and 1 on others).
    """
    env = nbgrader_env()
    env.setdefault("PYTHONUNBUFFERED", "1")
    process = subprocess.Popen(nbgrader_command() + list(args), cwd=course.root, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, errors="replace")
    _CHILDREN.add(process)
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if on_line:
                on_line(line.rstrip("\n"))
        process.wait()
    except BaseException:  # Ctrl-C or a kill of this process: do not leave nbgrader running
        stop_children()
        raise
    finally:
        _CHILDREN.discard(process)
    return process.returncode, "".join(lines)


def release_is_current(course, gradebook, assignment):
    release = course.path("release", assignment, course.notebook(assignment))
    try:
        gradebook.find_notebook(os.path.splitext(course.notebook(assignment))[0], assignment)
        made = os.path.getmtime(release)
    except Exception:  # not in the gradebook, or no release notebook
        return False
    inputs = _files_under(course.path("source", assignment)) + [course.path("nbgrader_config.py")]
    return all(os.path.getmtime(p) <= made for p in inputs if os.path.exists(p))


def generate_release(course, force=False):
    from tools.gradebook import open_gradebook
    with open_gradebook(course.root) as gradebook:
        needed = [a for a in ASSIGNMENTS if force or not release_is_current(course, gradebook, a)]
    if not needed:
        say("release: up to date (%s)" % ", ".join(ASSIGNMENTS))
        return []
    say("release: nbgrader generate_assignment %s" % ", ".join(needed))
    sources = sorted(d for d in os.listdir(course.path("source")) if os.path.isdir(course.path("source", d)))
    targets = ["*"] if set(needed) == set(ASSIGNMENTS) and sources == sorted(ASSIGNMENTS) else needed
    for target in targets:
        code, log = nbgrader(course, ["generate_assignment", target, "--force"])
        if code != 0 or "[ERROR]" in log:
            raise SystemExit("nbgrader generate_assignment %s failed:\n%s" % (target, log[-4000:]))
    return needed


# ----------------------------------------------------------------------------- checks before grading
def _role(cell):
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return {k: bool(meta.get(k, False)) for k in ("grade", "solution", "locked")} if isinstance(meta, dict) else {}


def precheck(course, student, assignment):
    """(reason it cannot be graded or None, notes on repairs nbgrader will make)."""
    folder = course.submitted(student, assignment)
    expected = course.notebook(assignment)
    path = os.path.join(folder, expected)
    if not os.path.exists(path):
        others = sorted(f for f in os.listdir(folder) if f.endswith(".ipynb"))
        if others:
            return ("no %s in the submission (found %s; notebooks are graded by their name)"
                    % (expected, ", ".join(others)), [])
        return "no notebook was submitted (%s is missing)" % expected, []
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        json.loads(text)
    except UnicodeDecodeError:
        return "%s is not a text file, so not a notebook" % expected, []
    except ValueError as error:
        return ("%s is not a valid notebook file: it is not JSON (%s), maybe it was cut off while saving"
                % (expected, error), [])
    try:
        submitted = nbformat.reads(text, as_version=4)
        cells = list(submitted.cells)
    except Exception as error:
        return "%s is not a valid notebook file (%s)" % (expected, str(error).splitlines()[0][:200]), []
    notes = []
    try:
        release = nbformat.read(course.path("release", assignment, expected), as_version=4)
    except Exception:
        return None, notes
    by_id = {}
    for cell in cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if isinstance(meta, dict) and meta.get("grade_id"):
            by_id.setdefault(meta["grade_id"], cell)
    for cell in release.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if not grade_id or not (meta.get("grade") or meta.get("solution")):
            continue
        mine = by_id.get(grade_id)
        test = meta.get("grade") and not meta.get("solution")
        if mine is None:
            notes.append("test cell %s was deleted: restored and graded" % grade_id if test
                         else "answer cell %s is missing: its test cannot pass" % grade_id)
            continue
        if _role(mine) != _role(cell):
            notes.append("nbgrader metadata of cell %s was changed: restored" % grade_id)
        if test and mine.source != cell.source:
            notes.append("test cell %s was edited: the original test was restored and graded" % grade_id)
    return None, notes


# ----------------------------------------------------------------------------- reading results
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
            reasons[grade_id] = _one_line("%s: %s" % (errors[0].get("ename"), errors[0].get("evalue")))
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
    return _one_line((causes or findings or [fallback])[0])


def _one_line(text, limit=110):
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(text)).strip().splitlines()[0] if str(text).strip() else ""
    return text if len(text) <= limit else text[:limit - 3] + "..."


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
            return "nbgrader could not grade it: %s" % (plain or _one_line(last, 160))
    return "nbgrader could not grade it: %s" % (_one_line(last, 160) or "see nbgrader's log")


# ----------------------------------------------------------------------------- autograde
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
    from tools.gradebook import remove_submission
    remove_submission(gradebook, assignment, student)
    _rmtree(course.autograded(student, assignment))
    _rmtree(course.feedback(student, assignment))


def read_timestamp(course, student, assignment):
    try:
        with open(os.path.join(course.submitted(student, assignment), "timestamp.txt"), encoding="utf-8") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


def _up_to_date(course, stamp, fingerprint, current, student, assignment):
    graded_file = os.path.join(course.autograded(student, assignment), course.notebook(assignment))
    return (stamp is not None and stamp.get("fingerprint") == fingerprint and current is not None
            and abs(current[0] - stamp.get("score", -1)) < 1e-9
            and (stamp.get("status") == "failed" or os.path.exists(graded_file)))


def grade(course, pairs, force=False, jobs=1):
    """Autograde what changed among `pairs`; returns {pair: stamp} for every pair."""
    from tools.gradebook import open_gradebook, part_scores, record_zero, submission_score
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
            stamps[pair] = _record_failure(course, gradebook, record_zero, stamp)
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
                stamps[pair] = _record_failure(course, gradebook, record_zero, dict(pending.pop(pair), reason=reason))
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


def _record_failure(course, gradebook, record_zero, stamp):
    student, assignment = stamp["student"], stamp["assignment"]
    score = record_zero(gradebook, assignment, student, stamp["reason"],
                        timestamp=read_timestamp(course, student, assignment))
    stamp = dict(stamp, status="failed", score=score[0] if score else 0.0, max_score=score[1] if score else 0.0,
                 failing=[])
    write_stamp(course, student, assignment, stamp)  # also keeps nbgrader from trying it on its own
    write_failure_feedback(course, student, assignment, stamp["reason"])
    return stamp


# ----------------------------------------------------------------------------- feedback, export, table
def write_failure_feedback(course, student, assignment, reason):
    """A one-page feedback for a submission that could not be graded (nbgrader makes none)."""
    folder = course.feedback(student, assignment)
    os.makedirs(folder, exist_ok=True)
    name = os.path.splitext(course.notebook(assignment))[0]
    page = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s: not graded</title></head><body>\n"
            "<h1>%s</h1>\n<p><strong>Your submission could not be graded</strong>, so it scores 0: %s.</p>\n"
            "<p>Fix this and submit again, or ask your instructor.</p>\n</body></html>\n"
            % (html.escape(name), html.escape(name), html.escape(reason)))
    with open(os.path.join(folder, name + ".html"), "w", encoding="utf-8") as handle:
        handle.write(page)


def generate_feedback(course, stamps):
    missing = [pair for pair, stamp in stamps.items() if stamp.get("status") == "graded" and not os.path.exists(
        os.path.join(course.feedback(*pair), os.path.splitext(course.notebook(pair[1]))[0] + ".html"))]
    if not missing:
        say("feedback: up to date")
        return
    say("feedback: nbgrader generate_feedback (%d notebook(s))" % len(missing))
    code, log = nbgrader(course, ["generate_feedback", "*"])
    still = [pair for pair in missing if not os.path.exists(
        os.path.join(course.feedback(*pair), os.path.splitext(course.notebook(pair[1]))[0] + ".html"))]
    for student, assignment in still:
        say("  no feedback for %s / %s (nbgrader generate_feedback exit code %s)" % (student, assignment, code))


def export(course, stamps):
    """`nbgrader export` to grades.csv, unless it is newer than every grading stamp."""
    target = course.path("grades.csv")
    stamp_files = [os.path.join(course.autograded(*pair), STAMP) for pair in stamps]
    newest = max([os.path.getmtime(p) for p in stamp_files if os.path.exists(p)] or [0])
    if os.path.exists(target) and os.path.getmtime(target) > newest:
        say("export: grades.csv up to date")
        return
    code, log = nbgrader(course, ["export", "--to=%s" % target])
    if code != 0 or not os.path.exists(target) or os.path.getmtime(target) <= newest:
        say("export: nbgrader export failed (exit code %s):\n%s" % (code, log[-2000:]))
    else:
        say("export: grades.csv")


def format_number(value):
    return ("%.2f" % value).rstrip("0").rstrip(".")


def grade_table(course, stamps):
    """The grade table (student x assignment, score / max, total) from the gradebook, and notes."""
    from tools.gradebook import all_scores, open_gradebook
    with open_gradebook(course.root) as gradebook:
        scores, maxima = all_scores(gradebook)
    assignments = [a for a in ASSIGNMENTS if a in maxima] + sorted(set(maxima) - set(ASSIGNMENTS))
    students = sorted({student for student, _ in scores})
    header = ["student"] + assignments + ["total"]
    rows = []
    for student in students:
        row, total = [student], 0.0
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
    notes = []
    for (student, assignment), stamp in sorted(stamps.items()):
        if stamp.get("status") == "failed":
            notes.append("%s / %s: 0 points, %s" % (student, assignment, stamp.get("reason")))
        for note in stamp.get("notes", []):
            notes.append("%s / %s: %s" % (student, assignment, note))
        for grade_id, reason in stamp.get("failing", []):
            notes.append("%s / %s: %s scored 0 (%s)" % (student, assignment, grade_id, reason))
    return "\n".join(lines), notes


# ----------------------------------------------------------------------------- main
COURSE_PARTS = ["nbgrader_config.py", "tools", "utils", "datasets", "source", "release"]


def copy_course(destination, root=None, parts=COURSE_PARTS):
    """A throwaway copy of the course's code, notebooks and data (no gradebook, submissions or grades), e.g.
    for tests and benchmarks; symlinks are kept, so assignment folders still point into its utils/."""
    root = root or ROOT
    os.makedirs(destination, exist_ok=True)
    for part in parts:
        source = os.path.join(root, part)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(destination, part), symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif os.path.exists(source):
            shutil.copy2(source, destination)
    return destination


def submitted_pairs(course, students=None, quiet=False):
    pairs = []
    root = course.submitted()
    if not os.path.isdir(root):
        return pairs
    for student in sorted(os.listdir(root)):
        if student.startswith(".") or not os.path.isdir(os.path.join(root, student)):
            continue
        if students and student not in students:
            continue
        for assignment in sorted(os.listdir(os.path.join(root, student))):
            if not os.path.isdir(os.path.join(root, student, assignment)):
                continue
            if assignment not in ASSIGNMENTS:
                if not quiet:
                    say("  ignoring submitted/%s/%s: no such assignment" % (student, assignment))
                continue
            pairs.append((student, assignment))
    return pairs


@contextlib.contextmanager
def course_lock(course):
    """One pipeline at a time per course (the lock goes away with the process, even when killed)."""
    os.makedirs(course.path("autograded"), exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    with open(course.path("autograded", ".kit-pipeline.lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SystemExit("another pipeline run is grading this course; wait for it to finish")
        yield


def default_jobs():
    """Parallel nbgrader processes: one per core, at most 4 (grading is start-up and kernel bound)."""
    return max(1, min(4, os.cpu_count() or 1))


def run(root=None, samples=True, bad_inputs=False, force=False, students=None, jobs=None):
    """The whole pipeline; returns {(student, assignment): stamp}."""
    course = Course(root)
    started = time.monotonic()
    with course_lock(course):
        generate_release(course)
        if samples or bad_inputs:
            from tools import submissions
            changed = submissions.build_samples(course.root) if samples else {}
            if bad_inputs:
                changed.update(submissions.build_bad_inputs(course.root))
            rewritten = sum(len(v) for v in changed.values())
            say("samples: %s" % ("%d submission(s) written" % rewritten if rewritten else "unchanged"))
        pairs = submitted_pairs(course, students)
        stamps = grade(course, pairs, force=force, jobs=jobs or default_jobs())
        exporting = threading.Thread(target=export, args=(course, stamps))  # two nbgrader start-ups at once
        exporting.start()
        try:
            generate_feedback(course, stamps)
        finally:
            exporting.join()
        table, notes = grade_table(course, stamps)
    say()
    say(table)
    if notes:
        say()
        say("Notes:")
        for note in notes:
            say("  " + note)
    say()
    say("done in %.0f s (feedback in feedback/, grades in grades.csv)" % (time.monotonic() - started))
    return stamps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="re-grade every submission")
    parser.add_argument("--no-samples", action="store_true", help="do not (re)write the sample submissions")
    parser.add_argument("--bad-inputs", action="store_true",
                        help="also write and grade the robustness demo students (slow: includes a timeout)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="nbgrader processes grading in parallel (default: one per core, at most 4)")
    args = parser.parse_args(argv)

    def stop(signum, frame):  # a kill (SIGTERM) stops the nbgrader child too; graded work stays stamped
        raise SystemExit("pipeline stopped by signal %d; run it again to finish" % signum)
    signal.signal(signal.SIGTERM, stop)
    try:
        run(samples=not args.no_samples, bad_inputs=args.bad_inputs, force=args.force, students=args.student,
            jobs=args.jobs)
    finally:
        stop_children()


if __name__ == "__main__":
    sys.exit(main())
