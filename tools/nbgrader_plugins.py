"""nbgrader preprocessors of the course kit (wired in by nbgrader_config.py).

* `SkipTrainingCells`: cells the *source* notebook tags `skip-in-autograde`
  (training runs, plots) are not executed while autograding, when unchanged and
  neither graded nor solution cells. A student cannot use the tag, or nbclient's
  own `skip-execution` tag, to skip anything else.
* `JudgeHiddenTests`: after execution, judges each test cell's hidden records
  in this process (see tools/judge.py), scrubs hidden details from the outputs,
  and leaves an error output on cells that failed, which nbgrader scores 0.
  A test cell that wrote to stderr (nbgrader scores it 0) gets an error output
  that says so in plain words.
* `RestoreCellRoles` (sanitize, first): every cell's nbgrader role (grade,
  solution, locked, points) is reset from the gradebook by grade_id, so a test
  cell flipped to `solution: true` is restored instead of failing the notebook
  with "Inconsistent checksums"; cells claiming an unknown id lose the role.
* `RestoreCells`: nbgrader's OverwriteCells whose re-insertion of deleted test
  cells does not crash when the cells around them were deleted too.
* `GradingExecute`: nbgrader's Execute with the grading timeout, a plain
  timeout message, and recovery from a dead or unresponsive kernel (the cell
  scores 0, the kernel is restarted, earlier cells are replayed, grading goes on).
* `LimitOutputSize`: caps the characters kept per output and per cell (nbgrader's
  LimitOutput counts lines only: one 10^8-character line would stay).
"""
import json
import os
import re
import uuid

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells
from nbgrader.utils import is_grade, is_solution
from traitlets import Integer, Unicode, default

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


def _error(ename, message):
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=["%s: %s" % (ename, message)])


class GradingExecute(Execute):
    """nbgrader's Execute with the course's grading timeout (training cells are skipped).

    Stock nbgrader gives up on the whole notebook (score 0 everywhere) when the kernel
    dies (`os._exit`, a segfault, out of memory) or stops answering after a timeout
    (a loop that swallows KeyboardInterrupt). Here only the cell it happened in gets
    an error output (so it scores 0); the kernel is restarted, the code cells before
    it are run again (without the ones that killed the kernel) and grading goes on.
    """

    timeout = Integer(60, help="Seconds a graded cell may run before it is stopped and scored 0.").tag(config=True)
    max_kernel_restarts = Integer(3, help="Kernel restarts per notebook before giving up on it.").tag(config=True)

    @default("error_on_timeout")
    def _error_on_timeout_default(self):
        message = ("this cell ran longer than the %d s the autograder allows and was stopped (an endless loop, "
                   "or a very slow computation?); it scores 0, the other cells were still graded" % self.timeout)
        return {"ename": "CellTimeoutError", "evalue": message, "traceback": ["CellTimeoutError: " + message]}

    def preprocess(self, nb, resources=None, km=None):
        self._broken_cells = set()
        self._restarts = 0
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        try:
            return super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError) as error:
            self._recover(index, error)
            return self.nb.cells[index], self.resources

    def _recover(self, index, error):
        """Mark cell `index` as failed, restart the kernel, replay the code cells before it."""
        target = index
        while True:
            cell = self.nb.cells[index]
            self._broken_cells.add(index)
            if isinstance(error, DeadKernelError):
                message = ("the Python kernel died while this cell ran (os._exit, a crash in compiled code or "
                           "running out of memory?); it scores 0. The autograder restarted the kernel and went on "
                           "with the next cells, without what this cell defines")
                ename = "KernelDied"
            else:
                message = ("this cell did not finish and the kernel stopped answering (a loop that ignores "
                           "interrupts?); it scores 0. The autograder restarted the kernel and went on with the next "
                           "cells, without what this cell defines")
                ename = "CellTimeoutError"
            cell.outputs = list(cell.get("outputs", [])) + [_error(ename, message)]
            self.log.warning("Cell %d: %s; restarting the kernel", index, ename)
            if self._restarts >= self.max_kernel_restarts:
                raise RuntimeError("the kernel died or hung %d times in this notebook; giving up on it"
                                   % (self._restarts + 1))
            self._restarts += 1
            self._restart_kernel()
            try:
                self._replay(target)
                return
            except (DeadKernelError, CellTimeoutError) as again:
                index, error = self._replaying, again

    def _restart_kernel(self):
        try:
            self._cleanup_kernel()
        except Exception as problem:  # a dead kernel may not clean up neatly; a new one is what matters
            self.log.warning("Kernel clean-up after a crash: %s", problem)
        self.km, self.kc = None, None
        self.km = self.create_kernel_manager()
        self.start_new_kernel()
        self.start_new_kernel_client()

    def _replay(self, upto):
        """Run the code cells before `upto` again, outputs refreshed, skipping the broken ones."""
        for position in range(upto):
            cell = self.nb.cells[position]
            if cell.cell_type != "code" or position in self._broken_cells:
                continue
            self._replaying = position
            self.execute_cell(cell, position, store_history=True)


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


ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _reveals(text, secret_lines):
    """Whether `text` (ANSI colours removed) quotes hidden-test code."""
    plain = ANSI.sub("", text)
    return bool(secret_lines) and ("grade_case(" in plain or HIDDEN_BEGIN in plain or HIDDEN_END in plain
                                   or any(line in plain for line in secret_lines))


def _scrub_error(output, secret_lines):
    """Replace a traceback that quotes hidden test code (IPython shows the lines around the error) by its last line."""
    evalue = ANSI.sub("", str(output.get("evalue", "")))
    if _reveals("\n".join(output.get("traceback", [])) + "\n" + evalue, secret_lines):
        if _reveals(evalue, secret_lines):
            evalue = "raised inside the hidden tests"
        output["evalue"] = evalue
        output["traceback"] = ["%s: %s  (traceback not shown: it would quote hidden tests)"
                               % (output.get("ename", "Error"), evalue)]
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
        if secret and hidden_calls(cell.source):
            results = judge_records(cell.source, records)
            failed = [message for passed, message in results if not passed]
            passed = len(results) - len(failed)
            summary = "Hidden tests: %d of %d passed." % (passed, len(results))
            if failed:
                outputs.append(NotebookNode(output_type="error", ename="HiddenTestFailure",
                                            evalue=summary, traceback=[summary] + ["  - " + m for m in failed]))
            else:
                outputs.append(NotebookNode(output_type="stream", name="stdout", text=summary + "\n"))
        if (any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in outputs)
                and not any(o.get("output_type") == "error" for o in outputs)):
            outputs.append(_error("OutputOnStderr", STDERR_MESSAGE))
        cell.outputs = outputs
        return cell, resources


STDERR_MESSAGE = ("while this test ran, your code wrote to stderr (usually a warning, such as "
                  "a RuntimeWarning from a division by zero or an overflow, or a print(..., file=sys.stderr)). "
                  "The autograder scores a test cell with any stderr output 0, even when its checks pass: "
                  "make your function run without warnings.")


class RestoreCellRoles(NbGraderPreprocessor):
    """Reset each cell's nbgrader role from the gradebook, by grade_id (runs before DeduplicateIds).

    A student can edit cell metadata in Jupyter. nbgrader restores the *source* of
    locked cells but fails the whole notebook ("Inconsistent checksums") when the
    role flags changed, e.g. a test cell turned into `solution: true`. Here the
    flags come back from the gradebook first, so the test is restored and scored.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        try:
            with Gradebook(info["db_url"]) as gradebook:
                notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
                points = {c.name: float(c.max_score) for c in notebook.grade_cells}
                solutions = {c.name for c in notebook.solution_cells}
                tasks = {c.name for c in notebook.task_cells}
                locked = {c.name: bool(c.locked) for c in notebook.source_cells}
        except MissingEntry:
            return nb, resources
        for index, cell in enumerate(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if not isinstance(grade_id, str) or grade_id not in locked:
                # not a cell of the assignment: without a role its nbgrader metadata means nothing, and
                # with one (or a schema_version nbgrader rejects) it would fail the notebook
                if isinstance(meta, dict) and any(meta.get(k) for k in ("grade", "solution", "locked", "task")):
                    self.log.warning("Cell %d claims an nbgrader role with an unknown id %r: role removed",
                                     index, grade_id)
                del cell.metadata["nbgrader"]
                continue
            wanted = {"grade": grade_id in points, "solution": grade_id in solutions,
                      "locked": locked[grade_id], "grade_id": grade_id}
            if grade_id in tasks:
                wanted["task"] = True
            if grade_id in points:
                wanted["points"] = points[grade_id]
            changed = sorted(k for k, v in wanted.items() if k != "points" and bool(meta.get(k, False)) != bool(v))
            if grade_id in points:
                try:
                    if float(meta.get("points")) != points[grade_id]:
                        changed.append("points")
                except (TypeError, ValueError):
                    changed.append("points")
            if changed:
                self.log.warning("Cell %s: nbgrader metadata %s restored from the gradebook",
                                 grade_id, ", ".join(changed))
            restored = {k: v for k, v in meta.items() if k in ("checksum", "cell_type")}
            restored.update(wanted)
            restored["schema_version"] = 3
            cell.metadata["nbgrader"] = restored
        return nb, resources


class RestoreCells(OverwriteCells):
    """OverwriteCells whose re-insertion of deleted test cells survives deleted neighbours.

    nbgrader puts a missing test cell after the cell that precedes it in the source,
    and raises KeyError (failing the notebook) when that cell was deleted too. Here it
    goes after the nearest earlier source cell still present (or first), with a cell id.
    """

    def add_missing_grade_cells(self, nb, resources):
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = source_nb.source_cells
        order = [cell.name for cell in source_cells]
        grade_cells = {cell.name: cell for cell in source_nb.grade_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        for grade_id in order:
            present = [cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells]
            if grade_id not in grade_cells or grade_id in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", grade_id)
            new_cell = self.missing_cell_transform(source_cells[order.index(grade_id)],
                                                   grade_cells[grade_id].max_score,
                                                   is_solution=grade_id in solution_ids)
            new_cell["id"] = uuid.uuid4().hex[:8]
            position = 0
            for earlier in reversed(order[:order.index(grade_id)]):
                if earlier in present:
                    position = present.index(earlier) + 1
                    break
            nb.cells.insert(position, new_cell)
        return nb, resources


def _cut(text, limit, what="output"):
    if len(text) <= limit:
        return text
    return text[:limit] + "\n... %s truncated by the autograder: %d characters in all ...\n" % (what, len(text))


class LimitOutputSize(NbGraderPreprocessor):
    """Cap the characters kept per output and per cell; errors and stderr are kept (short) so scores hold."""

    max_chars = Integer(20000, help="Characters kept of one output's text (per MIME type).").tag(config=True)
    max_cell_chars = Integer(200000, help="Characters of output kept per cell.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        kept, total, dropped = [], 0, 0
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "stream":
                text = output.get("text", "")
                output["text"] = _cut("".join(text) if isinstance(text, list) else text, self.max_chars)
                size = len(output["text"])
            elif kind == "error":
                output["evalue"] = _cut(str(output.get("evalue", "")), self.max_chars, "message")
                output["traceback"] = [_cut(line, self.max_chars, "traceback line")
                                       for line in output.get("traceback", [])][:200]
                size = len(output["evalue"]) + sum(len(line) for line in output["traceback"])
            else:
                data = output.get("data", {})
                for mime in list(data):
                    value = data[mime]
                    value = "".join(value) if isinstance(value, list) else value
                    if not isinstance(value, str):
                        value = json.dumps(value)
                    if len(value) > self.max_chars and (mime.startswith("image/") or mime not in TEXT_MIMES):
                        del data[mime]
                        data.setdefault("text/plain", "(%s output of %d characters left out by the autograder)"
                                        % (mime, len(value)))
                    elif mime in TEXT_MIMES:
                        data[mime] = _cut(value, self.max_chars)
                size = sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())
            keep = (total + size <= self.max_cell_chars or kind == "error"
                    or (kind == "stream" and output.get("name") == "stderr"))
            if keep:
                kept.append(output)
                total += size
            else:
                dropped += 1
        if dropped:
            kept.append(NotebookNode(output_type="stream", name="stdout",
                                     text="... %d more output(s) left out by the autograder (too much output) ...\n"
                                          % dropped))
        cell.outputs = kept
        return cell, resources


TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")


class HideHiddenTestDetails(NbGraderPreprocessor):
    """Feedback only (before ClearHiddenTests): nothing in a test cell's outputs may show its hidden tests.

    Tracebacks that quote hidden lines are cut to their last line, and stderr text of a
    cell with hidden tests is summarised (student code can print its inputs to stderr
    while the hidden cases run). The autograded notebook keeps everything for the instructor.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not is_grade(cell):
            return cell, resources
        secret = hidden_lines(cell.source)
        if not secret:
            return cell, resources
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                _scrub_error(output, secret)
            elif kind == "stream" and output.get("name") == "stderr":
                output["text"] = ("[%d characters written to stderr while this cell ran; not shown in feedback "
                                  "because hidden tests ran in this cell: run the cell yourself to see them]\n"
                                  % len(output.get("text", "")))
            elif kind == "stream" and _reveals(output.get("text", ""), secret):
                output["text"] = "[output not shown: it would quote hidden tests]\n"
            elif kind in ("display_data", "execute_result"):
                data = output.get("data", {})
                if any(_reveals(v if isinstance(v, str) else json.dumps(v), secret) for v in data.values()):
                    output["data"] = {"text/plain": "[output not shown: it would quote hidden tests]"}
        return cell, resources
