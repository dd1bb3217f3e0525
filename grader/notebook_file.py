"""A student's notebook file read as untrusted input, the one way the pipeline's intake and plain nbgrader read it.

Whatever saved it: a UTF-8 byte-order mark is dropped, CRLF line ends in cell sources become plain
ones, missing, duplicated or odd cell ids are replaced (grader/preprocessors/one_graded_copy.py),
and a browser's renamed download ("Name (1).ipynb") is found when it is the only notebook in its
folder. The file is opened once without following a link and checked with fstat (a regular file
of bounded size); the JSON must nest boundedly and nbformat must accept it. Each repair gives a
note in plain words; a file that cannot be read gives a reason, never an exception.
"""
import errno
import json
import os
import re
import stat

import nbformat

from grader.preprocessors.one_graded_copy import repair_cell_ids

MAX_FILE_BYTES = 50 * 1024 * 1024     # any one file, the notebook included
MAX_JSON_NESTING = 64
MAX_NAME = 100
BOM = "\ufeff"


def shown_name(name):
    """`name` with every character that is not plainly visible written as its code point (safe to print)."""
    return "".join(ch if ch == " " or (ch.isprintable() and not ch.isspace()) else "<U+%04X>" % ord(ch)
                   for ch in name)[:MAX_NAME]


class Unreadable(Exception):
    """A file that is not admitted; the message says why in plain words (it names the file)."""


def read_regular(path, name, limit):
    """The bytes of `path`, opened once without following a link and checked with fstat; Unreadable if not."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise Unreadable("%s is missing" % name) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Unreadable("%s is a link, not a file" % name) from None
        raise Unreadable("%s could not be read (%s)" % (name, error.strerror)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable("%s is a folder, not a file" % name)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable("%s is not a regular file (a pipe or a device?)" % name)
        if info.st_size > limit:
            raise Unreadable("%s is %.1f MB, over the %d MB a file may have" % (name, info.st_size / 2 ** 20,
                                                                              limit // 2 ** 20))
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise Unreadable("%s is over the %d MB a file may have" % (name, limit // 2 ** 20))
    return data


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


def notebook_from_text(text, name, notes):
    """(NotebookNode, None) or (None, reason): the file text `text` of notebook `name`; repairs go to `notes`."""
    if text.startswith(BOM):
        text = text[len(BOM):]
        notes.append("%s was saved with a byte-order mark: read without it" % shown_name(name))
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
        if isinstance(parsed, dict) and isinstance(parsed.get("cells"), list):
            notes += repair_cell_ids(parsed)
            text = json.dumps(parsed)
        notebook = nbformat.reads(text, as_version=4)
        notes += repair_cell_ids(notebook)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises many kinds; all mean the same to a student
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        return None, "%s is not a valid notebook file (%s)" % (name, first)
    notes += plain_line_ends(notebook)
    return notebook, None


def read_notebook(path, name, notes=None):
    """(NotebookNode, None) or (None, reason): `path` read as an untrusted notebook file; repairs go to `notes`."""
    notes = notes if notes is not None else []
    try:
        raw = read_regular(path, name, MAX_FILE_BYTES)
    except Unreadable as error:
        reason = str(error)
        if reason.endswith(" is missing"):
            return None, "no notebook was submitted (%s is missing)" % name
        return None, reason
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "%s is not a text file, so not a notebook" % name
    return notebook_from_text(text, name, notes)


def plain_line_ends(notebook):
    """Make Windows (CRLF) and old Mac (CR) line ends in cell sources plain; the note, if any were."""
    changed = False
    for cell in notebook.cells:
        if isinstance(cell.get("source"), str) and "\r" in cell.source:
            cell.source = cell.source.replace("\r\n", "\n").replace("\r", "\n")
            changed = True
    return ["cell sources had Windows line endings (CRLF): read as plain line ends"] if changed else []


def renamed_download(folder, notebook_name):
    """The one notebook in `folder` when its name is `notebook_name` as a browser's download renames it
    ("Name (1).ipynb", "Name-Copy1.ipynb", "Name copy.ipynb"), else None."""
    stem = re.escape(os.path.splitext(notebook_name)[0])
    pattern = re.compile(r"^%s(\s*\(\d+\)|-Copy\d*|[ _-]?copy\d*|[ _-]\d+)\.ipynb$" % stem, re.IGNORECASE)
    try:
        notebooks = [n for n in os.listdir(folder) if n.lower().endswith(".ipynb")]
    except OSError:
        return None
    return notebooks[0] if len(notebooks) == 1 and pattern.match(notebooks[0]) else None


def renamed_note(found, notebook_name):
    """What a student and the instructor are told when a renamed download was graded."""
    return ("%s was graded as %s (the only notebook in the folder; a download renames it)"
            % (shown_name(found), notebook_name))
