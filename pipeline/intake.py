"""Admit a submission as untrusted input: a clean copy that nbgrader may read, or a reason it cannot be graded.

Everything a student hands in is data, read here once, defensively. Folder names must be safe
(`name_problem`): nbgrader uses a student id as a glob, so a folder named `*` would grade the
whole class. Every file is opened once without following links (O_NOFOLLOW, O_NONBLOCK for
pipes), checked with fstat (a regular file of bounded size) and read from that descriptor
(`read_regular`, grader/notebook_file.py, which plain nbgrader reads notebooks with too). The
notebook must be UTF-8 JSON of bounded nesting that nbformat accepts; it
is written back normalised: a byte-order mark, CRLF sources, odd cell ids, copied, split or
merged graded cells (grader/preprocessors/one_graded_copy.py) and a browser's renamed download
are repaired with a note. A timestamp.txt nbgrader cannot parse is reported and left out.
Any failure, whatever its kind, becomes `Admission.problem`: never an exception.
"""
import os
import shutil
import stat
import unicodedata
from dataclasses import dataclass, field

import nbformat

from grader.notebook_file import (MAX_FILE_BYTES, MAX_JSON_NESTING, MAX_NAME,  # noqa: F401 (tests import them here)
                                  Unreadable, read_notebook, read_regular, renamed_download, renamed_note, shown_name)
from grader.preprocessors.one_graded_copy import resolve

MAX_OTHER_BYTES = 50 * 1024 * 1024    # all the other files together
MAX_TIMESTAMP_BYTES = 1000
MAX_FILES = 200
MAX_DEPTH = 4
NAME_PUNCTUATION = "_.-@+"
GRADER_METADATA = ("kit",)   # metadata keys only the grader may write


def name_problem(name, what="folder"):
    """Why `name` (a student or assignment folder) cannot be used, or None when it is safe.

    Letters and digits (any script), and `_ . - @ +` inside; it must start with a letter or digit, hold
    no `..`, and be in Unicode's composed form: no glob, shell or control character, no path, no option.
    """
    if not isinstance(name, str) or not name:
        return "an empty %s name" % what
    if len(name) > MAX_NAME:
        return "the %s name is longer than %d characters" % (what, MAX_NAME)
    if unicodedata.normalize("NFC", name) != name:
        return "the %s name is not in Unicode's composed form" % what
    if not name[0].isalnum():
        return "the %s name must start with a letter or digit" % what
    if ".." in name:
        return "the %s name holds '..'" % what
    odd = sorted({ch for ch in name if not (ch.isalnum() or ch in NAME_PUNCTUATION)})
    if odd:
        return "the %s name holds %s (only letters, digits and %s are allowed)" % (
            what, ", ".join(shown_character(ch) for ch in odd[:5]), " ".join(NAME_PUNCTUATION))
    return None


def shown_character(ch):
    """A character as it may be printed: visible ones quoted, the others as their code point."""
    return repr(ch) if ch.isprintable() and not ch.isspace() else "U+%04X" % ord(ch)


@dataclass
class Admission:
    """The outcome of admitting one submission folder."""
    student: str
    assignment: str
    problem: str | None = None             # set when the notebook cannot be graded (a recorded zero)
    notes: list[str] = field(default_factory=list)
    timestamp: str | None = None


def normalise(notebook, released=None):
    """Drop cell metadata nbgrader would crash on and anything only the grader may write, leave one
    cell per graded id (`released`: grader.preprocessors.one_graded_copy's
    description of the release); return notes."""
    notes = []
    for index, cell in enumerate(notebook.cells):
        meta = cell.get("metadata", {})
        for key in GRADER_METADATA:
            meta.pop(key, None)
        grading = meta.get("nbgrader")
        if grading is None:
            continue
        if not isinstance(grading, dict) or not isinstance(grading.get("grade_id", ""), str):
            del meta["nbgrader"]
            notes.append("cell %d had malformed nbgrader metadata: removed" % (index + 1))
            continue
        points = grading.get("points")
        if points is not None and not isinstance(points, (int, float)):
            grading.pop("points")
    if released:
        notes += resolve(notebook, released, nbformat.v4.new_code_cell)
    return notes


def check_timestamp(path):
    """(timestamp text, None) or (None, why it is ignored) for a submission's timestamp.txt."""
    from nbgrader.utils import parse_utc
    try:
        raw = read_regular(path, "timestamp.txt", MAX_TIMESTAMP_BYTES)
    except Unreadable as error:
        if str(error).endswith(" is missing"):
            return None, None
        return None, "%s: ignored" % error
    try:
        text = raw.decode("utf-8").strip()
        if not text.isprintable():
            return None, "timestamp.txt holds control characters: ignored"
        parse_utc(text)
        return text, None
    except Exception as error:
        return None, "timestamp.txt could not be read as a date (%s): ignored" % str(error)[:80]


def _copy_regular_files(source, target, skip, notes):
    """Copy the regular files under `source` (no links, bounded), except the names in `skip` at the top."""
    count, total = 0, 0

    def walk(folder, relative, depth):
        nonlocal count, total
        try:
            names = sorted(os.listdir(folder))
        except OSError as error:
            notes.append("%s could not be listed (%s): left out" % (relative or "the folder", error.strerror))
            return
        for name in names:
            path, rel = os.path.join(folder, name), os.path.join(relative, name) if relative else name
            if (not relative and name in skip) or name.startswith("."):
                continue
            if name_problem(name, "file") and not _plain_file_name(name):
                notes.append("%s: a file name with unusual characters: left out" % shown_name(rel))
                continue
            info = os.lstat(path)
            if stat.S_ISDIR(info.st_mode):
                if depth < MAX_DEPTH:
                    walk(path, rel, depth + 1)
                else:
                    notes.append("%s is nested too deep: left out" % rel)
                continue
            if count >= MAX_FILES:
                notes.append("%s is over the limit of %d files: left out" % (rel, MAX_FILES))
                continue
            try:
                data = read_regular(path, rel, MAX_FILE_BYTES)
            except Unreadable as error:
                notes.append("%s: left out" % error)
                continue
            if total + len(data) > MAX_OTHER_BYTES:
                notes.append("%s: left out, the submission's files together may have %d MB"
                             % (rel, MAX_OTHER_BYTES // 2 ** 20))
                continue
            os.makedirs(os.path.join(target, relative), exist_ok=True)
            with open(os.path.join(target, rel), "wb") as handle:
                handle.write(data)
            count, total = count + 1, total + len(data)

    walk(source, "", 0)


def _plain_file_name(name):
    """A file name a student's editor may well make (spaces, brackets) but with nothing to glob or to hide."""
    return all(ch.isprintable() and ch not in "*?[]\\$`\"'" for ch in name) and not name.startswith("-")


def admit(submitted_folder, notebook_name, target_folder, student, assignment, released=None):
    """Admit `submitted_folder` into `target_folder` (replaced); never raises for anything in the submission.

    released: the release's graded cells (grader.preprocessors.one_graded_copy.released_from_cells), to
    leave one cell per graded id; without it copies are left for nbgrader's own steps.
    """
    admission = Admission(student, assignment)
    if os.path.isdir(target_folder):
        shutil.rmtree(target_folder)
    for value, what in ((student, "student folder"), (assignment, "assignment folder")):
        problem = name_problem(value, what)
        if problem:
            admission.problem = problem
            return admission
    try:
        info = os.lstat(submitted_folder)
        if not stat.S_ISDIR(info.st_mode):
            admission.problem = "the submission is not a folder"
            return admission
        os.makedirs(target_folder)
        found = notebook_name
        if not os.path.lexists(os.path.join(submitted_folder, notebook_name)):
            found = renamed_download(submitted_folder, notebook_name) or notebook_name
        notebook, problem = read_notebook(os.path.join(submitted_folder, found), found, admission.notes)
        if problem:
            others = sorted(n for n in os.listdir(submitted_folder) if n.endswith(".ipynb") and n != notebook_name)
            if others and "missing" in problem:
                problem = ("no %s in the submission (found %s; notebooks are graded by their name)"
                           % (notebook_name, ", ".join(shown_name(n) for n in others)))
            admission.problem = problem
            return admission
        if found != notebook_name:
            admission.notes.append(renamed_note(found, notebook_name))
        admission.notes += normalise(notebook, released)
        nbformat.write(notebook, os.path.join(target_folder, notebook_name))
        timestamp, why = check_timestamp(os.path.join(submitted_folder, "timestamp.txt"))
        if why:
            admission.notes.append(why)
        if timestamp:
            with open(os.path.join(target_folder, "timestamp.txt"), "w", encoding="utf-8") as handle:
                handle.write(timestamp + "\n")
            admission.timestamp = timestamp
        _copy_regular_files(submitted_folder, target_folder, {found, "timestamp.txt"}, admission.notes)
    except Exception as error:  # an unreadable folder, a full disk: this submission only
        admission.problem = "the submission could not be read (%s)" % type(error).__name__
    return admission
