"""Plain `nbgrader autograde` reads a student's file as the pipeline does: any editor's save, a renamed download.

nbgrader reads notebooks with nbformat, which refuses a file saved with a UTF-8 byte-order mark, and
grades a notebook only under its released name. Two supported settings of nbgrader's converters
(nbgrader_config.py) fix both with the pipeline's own code (grader/notebook_file.py):
- `Autograde.exporter_class = SubmissionExporter`: the notebook is read like the pipeline's intake
  reads it (byte-order mark, CRLF sources, odd cell ids repaired, each with a note in the log);
- `Autograde.pre_convert_hook = use_released_names(source folder)`: in the list of a submission's
  notebooks nbgrader hands the hook (its own list), the only notebook of a folder named as a
  browser's download renames it ("Initialization (1).ipynb") takes its released name; the exporter
  then reads that file for it, and the autograded notebook, the gradebook and the feedback carry
  the released name. The note says which file was graded.
In the pipeline, whose intake has done all this already, both find nothing to do.
"""
import logging
import os

from nbconvert.exporters import NotebookExporter

from grader.notebook_file import notebook_from_text, read_notebook, renamed_download, renamed_note, shown_name


class _RenamedIsNotMissing(logging.Filter):
    """Drops nbgrader's "No submitted file: <path>" for a released name graded from a renamed download."""

    def __init__(self):
        super().__init__()
        self.paths = set()

    def filter(self, record):
        message = record.getMessage()
        return not (message.startswith("No submitted file: ") and message[len("No submitted file: "):] in self.paths)


_QUIET = _RenamedIsNotMissing()


class UnreadableNotebook(ValueError):
    """A submitted file that is not a notebook nbgrader can grade; the message says why in plain words."""


class SubmissionExporter(NotebookExporter):
    """NotebookExporter reading a student's file with grader/notebook_file.py; a released name that is missing
    from the folder stands for the folder's one renamed download (see use_released_names)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if _QUIET not in self.log.filters:   # the converter's log (nbgrader makes its exporter with it as parent)
            self.log.addFilter(_QUIET)

    def from_filename(self, filename, resources=None, **kw):
        return self.from_notebook_node(*self.read_submission(filename, resources), **kw)

    def read_submission(self, filename, resources=None):
        """(NotebookNode, resources): the notebook file `filename` read as the pipeline's intake reads it (a
        missing released name read from the folder's one renamed download), each repair noted in the log."""
        folder, name = os.path.split(filename)
        found = name
        if not os.path.lexists(filename):
            found = renamed_download(folder, name) or name
        notes = []
        notebook, problem = read_notebook(os.path.join(folder, found), found, notes)
        return self._read(notebook, problem, notes, filename, found, resources)

    def read_text(self, text, filename, resources=None):
        """read_submission of `text`, the content the file `filename` would hold, without writing the file."""
        notes = []
        notebook, problem = notebook_from_text(text, os.path.basename(filename), notes)
        return self._read(notebook, problem, notes, filename, os.path.basename(filename), resources)

    def _read(self, notebook, problem, notes, filename, found, resources):
        folder, name = os.path.split(filename)
        if problem:
            raise UnreadableNotebook(problem)
        if found != name:
            notes.insert(0, renamed_note(found, name))
        # student / assignment, as the pipeline's notes name a submission
        submission = "%s / %s" % (shown_name(os.path.basename(os.path.dirname(folder))),
                                   shown_name(os.path.basename(folder)))
        for note in notes:
            self.log.warning("%s: %s", submission, note)
        resources = resources if resources is not None else {}
        resources.setdefault("metadata", {})
        resources["metadata"].update(name=os.path.splitext(name)[0], path=folder)
        return notebook, resources


def released_notebooks(source_folder, assignment):
    """Names of the notebooks of `assignment` as released (its source folder's notebooks)."""
    try:
        return sorted(n for n in os.listdir(os.path.join(source_folder, assignment)) if n.endswith(".ipynb"))
    except OSError:
        return []


def use_released_names(source_folder, notebooks, **_):
    """nbgrader's pre_convert_hook: in `notebooks` (nbgrader's list of one submission folder's notebooks,
    changed in place), a renamed download that is the folder's only notebook becomes its released name."""
    for index, path in enumerate(notebooks):
        folder, name = os.path.split(path)
        released = released_notebooks(source_folder, os.path.basename(folder))
        if name in released:
            continue
        for wanted in released:
            if renamed_download(folder, wanted) == name and not os.path.lexists(os.path.join(folder, wanted)):
                notebooks[index] = os.path.join(folder, wanted)
                _QUIET.paths.add(notebooks[index])
                break
