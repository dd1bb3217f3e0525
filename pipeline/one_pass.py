"""nbgrader's Autograde for grading workers: each notebook's sanitize and autograde conversions in one pass.

Stock Autograde converts a notebook twice: the sanitize steps' result is written into the
autograded folder as an indented notebook file, then read back (parsed, repaired, validated) and
converted again by the autograde steps, whose result overwrites that file. Here the sanitized
notebook reaches the autograde steps in memory, as the same data: the JSON the file would hold
(transient fields stripped, as nbformat's writer does), read by the same reader
(grader/submission_reader.py, on grader/notebook_file.py), only without the indentation, the file
and a second read of the submission. Everything else is nbgrader's: the preprocessors of each
pass, their resources, the log lines, the autograded notebook written once at the end.

Only grading workers use it (`use_one_pass`, from pipeline/nbgrader_speedups.apply); plain
`nbgrader autograde` keeps nbgrader's class, with the same steps and the same results.
"""
import json
import os

from nbconvert.exporters import Exporter
from nbformat.v4.nbjson import BytesEncoder
from nbformat.v4.rwbase import strip_transient
from nbgrader import utils
from nbgrader.converters.autograde import Autograde


def file_text(notebook):
    """The data a notebook file written by nbformat would hold, as compact JSON (no indentation)."""
    return json.dumps(strip_transient(notebook), cls=BytesEncoder, sort_keys=True, ensure_ascii=False)


class OnePassAutograde(Autograde):
    """Autograde whose sanitized notebook goes to the autograde steps in memory (see the module's docstring)."""

    def convert_single_notebook(self, notebook_filename):
        if not hasattr(self.exporter, "read_text"):   # another exporter than the course's: nbgrader's way
            return super().convert_single_notebook(notebook_filename)
        self.log.info("Sanitizing %s", notebook_filename)
        self._sanitizing = True
        self._init_preprocessors()
        resources = self.init_single_notebook_resources(notebook_filename)
        notebook, resources = self.exporter.read_submission(notebook_filename, resources)
        sanitized, resources = Exporter.from_notebook_node(self.exporter, notebook, resources)
        text = file_text(sanitized)
        folder = self._format_dest(resources["nbgrader"]["assignment"], resources["nbgrader"]["student"])
        notebook_filename = os.path.join(folder, os.path.basename(notebook_filename))
        self.log.info("Autograding %s", notebook_filename)
        self._sanitizing = False
        self._init_preprocessors()
        try:
            with utils.setenv(NBGRADER_EXECUTION="autograde"):
                resources = self.init_single_notebook_resources(notebook_filename)
                notebook, resources = self.exporter.read_text(text, notebook_filename, resources)
                output, resources = self.exporter.from_notebook_node(notebook, resources)
                self.write_single_notebook(output, resources)
        finally:
            self._sanitizing = True


def use_one_pass():
    """Make nbgrader's API (NbGraderAPI.autograde) grade with OnePassAutograde in this process."""
    import nbgrader.apps.api as api
    api.Autograde = OnePassAutograde
