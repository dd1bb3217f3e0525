"""nbgrader preprocessors of the course kit (wired in by nbgrader_config.py).

* `SkipTrainingCells`: cells the *source* notebook tags `skip-in-autograde`
  (training runs, plots) are not executed while autograding, when unchanged and
  neither graded nor solution cells. A student cannot use the tag, or nbclient's
  own `skip-execution` tag, to skip anything else.
* `JudgeHiddenTests`: after execution, judges each test cell's hidden records
  in this process (see tools/judge.py), scrubs hidden details from the outputs,
  and leaves an error output on cells that failed, which nbgrader scores 0.
"""
import json
import os

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution
from traitlets import Integer, Unicode

import grading_cases
from tools.judge import hidden_calls, judge_records

SKIP_TAG = "skip-in-autograde"
NBCLIENT_SKIP_TAG = "skip-execution"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _tags(cell):
    return list(cell.metadata.get("tags", []))


def trusted_skippable_sources(source_notebook_path):
    """Sources of the cells the instructor's notebook tags for skipping."""
    try:
        with open(source_notebook_path, encoding="utf-8") as handle:
            notebook = json.load(handle)
    except (OSError, ValueError):
        return set()
    return {"".join(c.get("source", "")) if isinstance(c.get("source"), list) else c.get("source", "")
            for c in notebook.get("cells", [])
            if c.get("cell_type") == "code" and SKIP_TAG in c.get("metadata", {}).get("tags", [])}


class SkipTrainingCells(NbGraderPreprocessor):
    """Mark the trusted training cells with nbclient's skip tag; strip that tag everywhere else."""

    source_directory = Unicode("", help="Folder of the instructor notebooks (default: ./source).").tag(config=True)

    def preprocess(self, nb, resources):
        info = resources.get("nbgrader", {})
        source_root = self.source_directory or "source"
        trusted = trusted_skippable_sources(
            os.path.join(source_root, info.get("assignment", ""), info.get("notebook", "") + ".ipynb"))
        for cell in nb.cells:
            tags = [t for t in _tags(cell) if t != NBCLIENT_SKIP_TAG]
            if (cell.cell_type == "code" and SKIP_TAG in tags and cell.source in trusted
                    and not is_grade(cell) and not is_solution(cell)):
                tags.append(NBCLIENT_SKIP_TAG)
                cell.outputs = [NotebookNode(output_type="stream", name="stdout",
                                             text="(not run while autograding: a training or plotting cell "
                                                  "that carries no points)\n")]
            if tags != _tags(cell) or "tags" in cell.metadata:
                cell.metadata["tags"] = tags
        return nb, resources


class GradingExecute(Execute):
    """nbgrader's Execute with the course's grading timeout (training cells are skipped)."""

    timeout = Integer(60, help="Seconds a graded cell may run before it is stopped and scored 0.").tag(config=True)


def hidden_lines(source):
    """The non-empty lines between the hidden-test markers of a cell."""
    lines, inside = [], False
    for line in source.splitlines():
        if HIDDEN_BEGIN in line:
            inside = True
        elif HIDDEN_END in line:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def _scrub_error(output, secret_lines):
    """Drop traceback lines that quote hidden test code."""
    text = "\n".join(output.get("traceback", [])) + output.get("evalue", "")
    if any(line in text for line in secret_lines):
        output["traceback"] = ["%s raised inside the hidden tests (details hidden)" % output.get("ename", "Error")]
        output["evalue"] = "raised inside the hidden tests"
    return output


class JudgeHiddenTests(NbGraderPreprocessor):
    """Judge hidden-test records outside the kernel and make the cell outputs tell the verdict."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not is_grade(cell) or is_solution(cell):
            return cell, resources
        secret = hidden_lines(cell.source)
        records, outputs = [], []
        for output in cell.get("outputs", []):
            data = output.get("data", {}) if output.get("output_type") in ("display_data", "execute_result") else {}
            if grading_cases.RECORD_MIME in data:
                records.append(data[grading_cases.RECORD_MIME])
                continue
            if output.get("output_type") == "error":
                output = _scrub_error(output, secret)
            outputs.append(output)
        if not secret or not hidden_calls(cell.source):
            cell.outputs = outputs
            return cell, resources
        results = judge_records(cell.source, records)
        failed = [message for passed, message in results if not passed]
        passed = len(results) - len(failed)
        summary = "Hidden tests: %d of %d passed." % (passed, len(results))
        if failed:
            outputs.append(NotebookNode(output_type="error", ename="HiddenTestFailure",
                                        evalue=summary, traceback=[summary] + ["  - " + m for m in failed]))
        else:
            outputs.append(NotebookNode(output_type="stream", name="stdout", text=summary + "\n"))
        cell.outputs = outputs
        return cell, resources
