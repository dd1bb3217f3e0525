"""Check notebooks before submitting, with an exit code that tells the result.

    python -m authoring.validate path/to/Notebook.ipynb [...]

`nbgrader validate` prints "VALIDATION FAILED ON N CELL(S)!" but exits 0, even for a file
that does not exist, so a script or a CI job cannot trust it. This runs nbgrader's own
Validator with the course's nbgrader_config.py (same kernel, same timeouts) and exits 1 when
any notebook is missing, is not a notebook, has a failing test cell or an edited test cell. For a
failing self-check it prints the self-check's whole report (what is wrong and the likely cause);
for a notebook separated from its helper files it names the missing files.
"""
import ast
import os
import sys
import tempfile

import nbformat
from traitlets.config.loader import PyFileConfigLoader

from grader.manifest import ROOT, SELF_CHECK_CALL
from grader.messages import ANSI
from grader.preprocessors.one_graded_copy import copies_warnings, keep_checksummed_copy


def course_config():
    """The configuration nbgrader would load from the course root (it also pins the course kernel)."""
    return PyFileConfigLoader("nbgrader_config.py", path=ROOT).load_config()




def _last_line(text):
    lines = [line for line in ANSI.sub("", text or "").strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no message)"


def _first_line(source):
    """What a test cell checks: its self-check call if it has one, else its first line."""
    found = SELF_CHECK_CALL.search(source)
    if found:
        return "the test of %s" % found.group(1)
    return next((line for line in source.splitlines() if line.strip()), "(empty cell)")


def _diagnosis(raw_error):
    """What a failed cell says: a self-check's whole report (it is short and written for people), else
    the last line of the traceback."""
    text = ANSI.sub("", raw_error or "").strip()
    if not text or "Traceback" in text or "-" * 20 in text or "Cell In[" in text:
        return [_last_line(text)]
    return [line for line in text.splitlines() if line.strip()]


def _imported_modules(notebook):
    """Top-level names of the modules the notebook's code cells import (IPython magics skipped)."""
    names = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines())
        try:
            tree = ast.parse(code)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def missing_helpers(path, notebook):
    """Course helper modules (utils/*.py) the notebook imports that are not in its folder."""
    helpers = {name[:-3] for name in os.listdir(os.path.join(ROOT, "utils")) if name.endswith(".py")}
    folder = os.path.dirname(os.path.abspath(path))
    return sorted(name + ".py" for name in _imported_modules(notebook) & helpers
                  if not os.path.isfile(os.path.join(folder, name + ".py")))


def copies_notes(path, notebook):
    """What a student should hear about graded cells that appear more than once (copied, or split in two)."""
    return ["%s: note: %s" % (path, warning) for warning in copies_warnings(notebook.cells)]


def _validate_one_copy_each(path, notebook, validator):
    """nbgrader's validator on a copy of the notebook (next to it, for its helpers) with one cell per graded id:
    nbgrader itself refuses a notebook with a repeated grade id ("Duplicate grade id")."""
    keep_checksummed_copy(notebook.cells)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix=".validate-", suffix=".ipynb", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            nbformat.write(notebook, stream)
        return validator.validate(temporary)
    finally:
        os.remove(temporary)


def validate(path, validator=None):
    """(ok, lines to print) for one notebook."""
    from nbgrader.validator import Validator
    if not os.path.isfile(path):
        return False, ["%s: no such file" % path]
    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # not JSON, not a notebook: nbgrader would crash or pass it
        return False, ["%s: not a readable notebook (%s)" % (path, _last_line(str(error)))]
    missing = missing_helpers(path, notebook)
    if missing:  # every test cell would fail with a NameError that names none of them
        return False, ["%s: the helper file(s) %s must be in the notebook's folder (the notebook imports them). "
                       "Keep the notebook in the assignment folder you were given, with all its files."
                       % (path, ", ".join(missing))]
    validator = validator or Validator(config=course_config())
    notes = copies_notes(path, notebook)
    if notes:
        results = _validate_one_copy_each(path, notebook, validator)
    else:
        results = validator.validate(os.path.abspath(path))
    if results.get("type_changed"):
        return False, notes + ["%s: %d cell(s) changed type (code <-> markdown); undo that"
                               % (path, len(results["type_changed"]))]
    if results.get("changed"):
        lines = ["%s: %d test cell(s) were edited; restore them (the autograder runs the originals):"
                 % (path, len(results["changed"]))]
        return False, notes + lines + ["  - " + _first_line(cell["source"]) for cell in results["changed"]]
    if results.get("failed"):
        lines = ["%s: VALIDATION FAILED on %d cell(s):" % (path, len(results["failed"]))]
        for cell in results["failed"]:
            lines.append("  - %s:" % _first_line(cell["source"]))
            lines += ["      " + line for line in _diagnosis(cell.get("raw_error"))]
        return False, notes + lines
    return True, notes + ["%s: passed (every test cell runs without errors)" % path]


def main(argv=None):
    paths = argv if argv is not None else sys.argv[1:]
    if not paths:
        print("usage: python -m authoring.validate NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    all_ok = True
    for path in paths:
        ok, lines = validate(path)
        all_ok = all_ok and ok
        print("\n".join(lines), flush=True)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
