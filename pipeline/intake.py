"""Admit a submission as untrusted input: a clean copy that nbgrader may read, or a reason it cannot be graded.

Everything a student hands in is read here once, defensively: only regular files inside
the submission folder (no link is followed, no FIFO opened), bounded in number, size
and depth; the notebook must be UTF-8 JSON of bounded size and nesting that nbformat
accepts, and is written back normalised (nbgrader metadata of a shape nbgrader would
crash on is dropped). A timestamp.txt nbgrader cannot parse is reported and left out.
Any failure, whatever its kind, becomes `Admission.problem`: never an exception.
"""
import json
import os
import shutil
import stat
from dataclasses import dataclass, field

import nbformat

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_OTHER_BYTES = 50 * 1024 * 1024
MAX_FILES = 200
MAX_DEPTH = 4
MAX_JSON_NESTING = 64
GRADER_METADATA = ("kit",)   # metadata keys only the grader may write


@dataclass
class Admission:
    """The outcome of admitting one submission folder."""
    student: str
    assignment: str
    problem: str | None = None             # set when the notebook cannot be graded (a recorded zero)
    notes: list[str] = field(default_factory=list)
    timestamp: str | None = None


def _nesting(value, limit=MAX_JSON_NESTING):
    """How deep parsed JSON `value` nests lists and dicts, counting no further than `limit` + 1 (no recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, depth)
            if deepest > limit:
                break
            stack += [(child, depth + 1) for child in (item.values() if isinstance(item, dict) else item)]
    return deepest


def read_notebook(path, name):
    """(NotebookNode, None) or (None, reason): `path` read as an untrusted notebook file."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None, "no notebook was submitted (%s is missing)" % name
    except OSError as error:
        return None, "%s could not be read (%s)" % (name, error.strerror)
    if stat.S_ISLNK(info.st_mode):
        return None, "%s is a link, not a notebook file" % name
    if stat.S_ISDIR(info.st_mode):
        return None, "%s is a folder, not a notebook file" % name
    if not stat.S_ISREG(info.st_mode):
        return None, "%s is not a regular file (a pipe or a device?)" % name
    if info.st_size > MAX_NOTEBOOK_BYTES:
        return None, "%s is %d MB, over the %d MB a notebook may have" % (
            name, info.st_size // 2 ** 20, MAX_NOTEBOOK_BYTES // 2 ** 20)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(MAX_NOTEBOOK_BYTES + 1)
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "%s is not a text file, so not a notebook" % name
    except OSError as error:
        return None, "%s could not be read (%s)" % (name, error.strerror)
    too_deep = "%s is not a valid notebook file: its JSON nests more than %d levels deep" % (name, MAX_JSON_NESTING)
    try:
        parsed = json.loads(text)
    except RecursionError:
        return None, too_deep
    except ValueError as error:
        return None, ("%s is not a valid notebook file: it is not JSON (%s), maybe it was cut off while saving"
                      % (name, error))
    if _nesting(parsed) > MAX_JSON_NESTING:
        return None, too_deep
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises many kinds; all mean the same to a student
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        return None, "%s is not a valid notebook file (%s)" % (name, first)
    return notebook, None


def normalise(notebook):
    """Drop cell metadata nbgrader would crash on and anything only the grader may write; return notes."""
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
    return notes


def check_timestamp(path):
    """(timestamp text, None) or (None, why it is ignored) for a submission's timestamp.txt."""
    from nbgrader.utils import parse_utc
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > 1000:
            return None, "timestamp.txt is not a small regular file: ignored"
        with open(path, encoding="utf-8") as handle:
            text = handle.read().strip()
        parse_utc(text)
        return text, None
    except FileNotFoundError:
        return None, None
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
            info = os.lstat(path)
            if stat.S_ISDIR(info.st_mode):
                if depth < MAX_DEPTH:
                    walk(path, rel, depth + 1)
                else:
                    notes.append("%s is nested too deep: left out" % rel)
            elif not stat.S_ISREG(info.st_mode):
                notes.append("%s is %s: left out" % (rel, "a link" if stat.S_ISLNK(info.st_mode)
                                                     else "not a regular file"))
            elif count >= MAX_FILES or total + info.st_size > MAX_OTHER_BYTES:
                notes.append("%s is over the limit of %d files or %d MB: left out"
                             % (rel, MAX_FILES, MAX_OTHER_BYTES // 2 ** 20))
            else:
                os.makedirs(os.path.join(target, relative), exist_ok=True)
                fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
                with os.fdopen(fd, "rb") as src, open(os.path.join(target, rel), "wb") as dst:
                    shutil.copyfileobj(src, dst)
                count, total = count + 1, total + info.st_size

    walk(source, "", 0)


def admit(submitted_folder, notebook_name, target_folder, student, assignment):
    """Admit `submitted_folder` into `target_folder` (replaced); never raises for anything in the submission."""
    admission = Admission(student, assignment)
    if os.path.isdir(target_folder):
        shutil.rmtree(target_folder)
    try:
        info = os.lstat(submitted_folder)
        if not stat.S_ISDIR(info.st_mode):
            admission.problem = "the submission is not a folder"
            return admission
        os.makedirs(target_folder)
        notebook, problem = read_notebook(os.path.join(submitted_folder, notebook_name), notebook_name)
        if problem:
            others = sorted(n for n in os.listdir(submitted_folder) if n.endswith(".ipynb") and n != notebook_name)
            if others and "missing" in problem:
                problem = ("no %s in the submission (found %s; notebooks are graded by their name)"
                           % (notebook_name, ", ".join(others)))
            admission.problem = problem
            return admission
        admission.notes += normalise(notebook)
        nbformat.write(notebook, os.path.join(target_folder, notebook_name))
        timestamp, why = check_timestamp(os.path.join(submitted_folder, "timestamp.txt"))
        if why:
            admission.notes.append(why)
        if timestamp:
            with open(os.path.join(target_folder, "timestamp.txt"), "w", encoding="utf-8") as handle:
                handle.write(timestamp + "\n")
            admission.timestamp = timestamp
        _copy_regular_files(submitted_folder, target_folder, {notebook_name, "timestamp.txt"}, admission.notes)
    except Exception as error:  # an unreadable folder, a full disk: this submission only
        admission.problem = "the submission could not be read (%s: %s)" % (type(error).__name__, str(error)[:150])
    return admission
