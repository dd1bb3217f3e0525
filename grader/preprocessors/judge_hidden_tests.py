"""JudgeHiddenTests: judge each test cell's hidden records in the grading process and record its verdict.

The records come from the kernel (see grader/judge.py); hidden details are scrubbed from the
outputs, and a cell that failed gets an error output, which nbgrader scores 0. A test cell that
wrote to stderr (nbgrader scores it 0) gets an error output that says so in plain words. Each
test cell's Verdict (grader/verdict.py) is written next to the autograded notebook, by this
process, for the pipeline and the catalog harness to read.
"""
import time

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade, is_solution

import grading_cases
from grader import messages, step_clock
from grader.hidden_block import hidden_calls, hidden_lines
from grader.hidden_leaks import scrub_error
from grader.judge import cell_mistake, judge_records
from grader.self_check_report import is_self_check_record, read_record
from grader.verdict import Verdict, dumps, verdict_file


def _function_of(grade_id):
    return grade_id[len("test_"):] if isinstance(grade_id, str) and grade_id.startswith("test_") else None


class JudgeHiddenTests(NbGraderPreprocessor):
    """Judge hidden-test records outside the kernel, make the cell outputs tell the verdict, keep the verdicts."""

    def preprocess(self, nb, resources):
        self._verdicts = []
        cpu = time.process_time()
        with step_clock.timed("judging"):
            nb, resources = super().preprocess(nb, resources)
        step_clock.add("judging_cpu", time.process_time() - cpu)
        name = resources.get("nbgrader", {}).get("notebook") or resources.get("unique_key") or "notebook"
        resources.setdefault("outputs", {})[verdict_file(name)] = dumps(self._verdicts).encode("utf-8")
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and not is_grade(cell):  # a record means something in a test cell only
            cell.outputs = [o for o in cell.get("outputs", []) if grading_cases.RECORD_MIME not in o.get("data", {})]
        if cell.cell_type != "code" or not is_grade(cell) or is_solution(cell):
            return cell, resources
        secret = hidden_lines(cell.source)
        records, self_checks, outputs = [], [], []
        for output in cell.get("outputs", []):
            data = output.get("data", {}) if output.get("output_type") in ("display_data", "execute_result") else {}
            if grading_cases.RECORD_MIME in data:
                raw = data[grading_cases.RECORD_MIME]
                if is_self_check_record(raw):
                    self_checks += [record for record in [read_record(raw)] if record]   # malformed: ignored
                else:
                    records.append(raw)
                continue
            if output.get("output_type") == "error":
                output = scrub_error(output, secret)
            outputs.append(output)
        results = judge_records(cell.source, records) if secret and hidden_calls(cell.source) else []
        failed = [message for passed, message in results if not passed]
        if results:
            summary = messages.hidden_summary(len(results) - len(failed), len(results))
            if failed:
                outputs.append(messages.error_output(messages.HIDDEN_FAILURE_ERROR, summary,
                                                     [summary] + ["  - " + m for m in failed]))
            else:
                outputs.append(NotebookNode(output_type="stream", name="stdout", text=summary + "\n"))
        if (any(o.get("output_type") == "stream" and o.get("name") == "stderr" for o in outputs)
                and not any(o.get("output_type") == "error" for o in outputs)):
            outputs.append(messages.error_output(messages.STDERR_ERROR, messages.STDERR))
        cell.outputs = outputs
        self._verdicts.append(self._verdict(cell, outputs, results, failed, self_checks))
        return cell, resources

    @staticmethod
    def _verdict(cell, outputs, results, failed, self_checks):
        """The cell's Verdict; `self_checks` are the SelfCheckRecords of the self-checks that failed in it."""
        meta = cell.metadata.get("nbgrader", {})
        errors = [o for o in outputs if o.get("output_type") == "error"]
        kernel_errors = [o for o in errors if o.get("ename") not in (messages.HIDDEN_FAILURE_ERROR,
                                                                     messages.STDERR_ERROR)]
        findings = tuple(dict.fromkeys(f for record in self_checks for f in record.findings))
        causes = tuple(dict.fromkeys(c for record in self_checks for c in record.causes))
        explained = self_checks[0].explanation() if self_checks and errors else None
        return Verdict(grade_id=meta.get("grade_id"), function=_function_of(meta.get("grade_id")),
                       points=float(meta.get("points") or 0), passed=not errors,
                       reason=messages.zero_reason(errors, failed, explained) if errors else "",
                       hidden_passed=len(results) - len(failed), hidden_total=len(results),
                       self_check_passed=False if self_checks else (True if not kernel_errors else None),
                       self_check_findings=findings, self_check_causes=causes,
                       mistake=cell_mistake(results, errors))
