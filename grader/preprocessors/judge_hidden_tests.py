"""JudgeHiddenTests: judge each test cell's hidden records in the grading process and show the verdict.

The records come from the kernel (see grader/judge.py); hidden details are scrubbed from the
outputs, and a cell that failed gets an error output, which nbgrader scores 0. A test cell that
wrote to stderr (nbgrader scores it 0) gets an error output that says so in plain words.
"""
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

import grading_cases
from grader.hidden_block import hidden_lines
from grader.hidden_leaks import scrub_error
from grader.judge import hidden_calls, judge_records
from grader.messages import STDERR, error_output


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
                output = scrub_error(output, secret)
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
            outputs.append(error_output("OutputOnStderr", STDERR))
        cell.outputs = outputs
        return cell, resources
