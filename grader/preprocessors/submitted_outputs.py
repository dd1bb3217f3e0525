"""SubmittedOutputs (feedback, right after GetGrades): nothing the grading run produced reaches the student's page.

A solution cell can install a hook (IPython events, a wrapper around run_cell, an audit hook, settrace, a
gc scan) that sees the hidden test cells' source and inputs while they run, and a graded function sees its
hidden arguments; either can print them encoded (base64, hex, a class name) where no scrub can recognise
them. So the page shows no output of the grading run at all:

* every code cell shows the outputs the student SUBMITTED, read by this process from the submitted
  notebook (the pipeline's admitted copy, or nbgrader's submitted/ folder), with their execution counts,
  and the page says so ("as you submitted it; not re-run by the grader"). A cell the grader skipped
  (training, plots) shows them too. A restored test cell the student deleted shows none;
* every graded test cell adds the grader's verdict in words of a fixed vocabulary
  (grader/feedback_verdict.py), from the gradebook's score and the verdict file the grading process wrote
  next to the autograded notebook.

The autograded notebook on disk (the instructor's copy) keeps every output of the run. Submitted outputs are
the student's own bytes: bounded here, then sanitized like everything else on the page (feedback_page.py,
grader/page_sanitizer.py).
"""
import copy
import json
import os

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

from grader import messages
from grader.feedback_verdict import SUBMITTED_NOTE, stop_sentence, verdict_lines
from grader.preprocessors.limit_output_size import left_out_note
from grader.submitted_notebook import read_submitted
from grader.verdict import read_verdicts

KINDS = ("stream", "display_data", "execute_result", "error")
RECORD_MIME = "application/vnd.pada.grade-record+json"   # utils/grading_cases.py: the grader's, never shown
MAX_CELL_OUTPUTS, MAX_NOTEBOOK_OUTPUTS = 100, 2000
MAX_CELL_CHARS, MAX_NOTEBOOK_CHARS = 2_000_000, 8_000_000
PAGE_KEY = "kit_page"   # cell metadata this step alone writes (any submitted value is removed first)
LANGUAGE = {"name": "python", "pygments_lexer": "ipython3", "codemirror_mode": {"name": "ipython", "version": 3}}


def feedback_sources(preprocessor, resources):
    """(submitted notebook's path, autograded folder) of the notebook being converted, from the GenerateFeedback
    converter that runs this step; resources["kit_sources"] when given (tests); (None, None) otherwise."""
    if "kit_sources" in resources:
        return resources["kit_sources"]
    converter = getattr(getattr(preprocessor, "parent", None), "parent", None)
    coursedir, names = getattr(converter, "coursedir", None), resources.get("nbgrader", {})
    if coursedir is None or not all(names.get(k) for k in ("student", "assignment", "notebook")):
        return None, None
    submitted = coursedir.format_path(coursedir.submitted_directory, names["student"], names["assignment"])
    autograded = coursedir.format_path(coursedir.autograded_directory, names["student"], names["assignment"])
    return os.path.join(submitted, names["notebook"] + ".ipynb"), autograded


def matcher(submitted_cells):
    """A function: autograded cell -> the submitted cell it was graded from, or None. Graded cells by grade id,
    others by cell id with the same source, else by the first unused cell with the same source."""
    code = [c for c in submitted_cells if c.get("cell_type") == "code" and isinstance(c.get("source"), str)]
    by_grade, by_id, used = {}, {}, set()
    for cell in code:
        grade_id = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
        if isinstance(grade_id, str):
            by_grade.setdefault(grade_id, cell)
        if isinstance(cell.get("id"), str):
            by_id.setdefault(cell["id"], cell)

    def match(cell):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        found = by_grade.get(grade_id) if grade_id else None
        if found is None:
            candidate = by_id.get(cell.get("id"))
            found = candidate if candidate is not None and candidate["source"] == cell.source and \
                id(candidate) not in used else None
        if found is None:
            found = next((c for c in code if id(c) not in used and c["source"] == cell.source), None)
        if found is not None:
            used.add(id(found))
        return found
    return match


class OutputBound:
    """Counts what the page keeps of the submitted outputs, per cell and per notebook."""

    def __init__(self):
        self.outputs = self.chars = 0

    def keep(self, outputs):
        kept, chars, dropped = [], 0, 0
        for output in outputs:
            size = len(json.dumps(output, default=str))
            if (len(kept) < MAX_CELL_OUTPUTS and self.outputs < MAX_NOTEBOOK_OUTPUTS
                    and chars + size <= MAX_CELL_CHARS and self.chars + size <= MAX_NOTEBOOK_CHARS):
                kept.append(output)
                chars, self.chars, self.outputs = chars + size, self.chars + size, self.outputs + 1
            else:
                dropped += 1
        if dropped:
            kept.append(left_out_note(dropped, "submitted output(s) not shown (too many or too large)"))
        return kept


def well_formed(output):
    """A submitted output as a NotebookNode when it is one of the four kinds with fields of the right types."""
    if not isinstance(output, dict) or output.get("output_type") not in KINDS:
        return None
    kind = output["output_type"]
    if kind == "stream":
        text = output.get("text", "")
        text = "".join(text) if isinstance(text, list) and all(isinstance(t, str) for t in text) else text
        if not isinstance(text, str) or output.get("name") not in ("stdout", "stderr"):
            return None
        return NotebookNode(output_type="stream", name=output["name"], text=text)
    if kind == "error":
        traceback = output.get("traceback", [])
        if not isinstance(traceback, list):
            return None
        return NotebookNode(output_type="error", ename=str(output.get("ename", "")), evalue=str(output.get("evalue", "")),
                            traceback=[str(line) for line in traceback[:200]])
    data, metadata = output.get("data", {}), output.get("metadata", {})
    if not isinstance(data, dict) or RECORD_MIME in data:
        return None
    data = {mime: ("".join(v) if isinstance(v, list) and all(isinstance(x, str) for x in v) else v)
            for mime, v in data.items() if isinstance(mime, str)}
    node = NotebookNode(output_type=kind, data=nbformat.from_dict(data),
                        metadata=nbformat.from_dict(metadata if isinstance(metadata, dict) else {}))
    if kind == "execute_result":
        count = output.get("execution_count")
        node["execution_count"] = count if isinstance(count, int) and not isinstance(count, bool) else None
    return node


def grader_note(outputs):
    """What the grader itself did to a code cell that is not a test (skipped it, or stopped it: time, a dead
    kernel, the budget), in its own fixed words; None when nothing. Test cells say it in their verdict."""
    for output in outputs:
        if output.get("output_type") == "error" and output.get("ename") in STOPPED:
            return stop_sentence(STOPPED[output["ename"]])
        if output.get("output_type") == "stream" and output.get("text") == messages.SKIPPED_TRAINING:
            return messages.SKIPPED_TRAINING.strip()
    return None


STOPPED = {messages.TIMEOUT_ERROR: "time limit", messages.KERNEL_DIED_ERROR: messages.KERNEL_DIED_ERROR,
           messages.BUDGET_ERROR: "resource limit"}


class SubmittedOutputs(NbGraderPreprocessor):
    """Replace every code cell's outputs by the submitted ones and add each test cell's verdict (see the module)."""

    def preprocess(self, nb, resources):
        path, autograded = feedback_sources(self, resources)
        submitted = read_submitted(path) if path else None
        self._match = matcher(submitted.cells if submitted is not None else [])
        self._verdicts = {v.grade_id: v for v in read_verdicts(autograded, resources["nbgrader"]["notebook"])} \
            if autograded and resources.get("nbgrader", {}).get("notebook") else {}
        self._bound = OutputBound()
        nb.metadata["language_info"] = copy.deepcopy(LANGUAGE)   # nbclient took it from the kernel
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        cell.metadata.pop(PAGE_KEY, None)
        cell.metadata.pop("execution", None)   # timings the kernel's messages carried
        if cell.cell_type != "code":
            return cell, resources
        note = None if is_grade(cell) and not is_solution(cell) else grader_note(cell.get("outputs", []))
        source = self._match(cell) or {}
        given = source.get("outputs") if isinstance(source.get("outputs"), list) else []
        outputs = [o for o in map(well_formed, given) if o is not None]
        cell.outputs = self._bound.keep(outputs)
        count = source.get("execution_count")
        cell.execution_count = count if isinstance(count, int) and not isinstance(count, bool) else None
        page = {"submitted": bool(cell.outputs)}
        if note:
            page["grader_note"] = note
        if is_grade(cell) and not is_solution(cell):
            meta = cell.metadata["nbgrader"]
            page["verdict"] = verdict_lines(self._verdicts.get(meta.get("grade_id")), meta.get("score"),
                                            meta.get("points"))
        cell.metadata[PAGE_KEY] = page
        return cell, resources


__all__ = ["SubmittedOutputs", "SUBMITTED_NOTE"]
