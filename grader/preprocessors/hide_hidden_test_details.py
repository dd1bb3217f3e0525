"""HideHiddenTestDetails (feedback, before ClearHiddenTests): no test-cell output may show its hidden tests."""
import json

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade

from grader.hidden_block import hidden_lines
from grader.hidden_leaks import reveals, scrub_error


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
                scrub_error(output, secret)
            elif kind == "stream" and output.get("name") == "stderr":
                output["text"] = ("[%d characters written to stderr while this cell ran; not shown in feedback "
                                  "because hidden tests ran in this cell: run the cell yourself to see them]\n"
                                  % len(output.get("text", "")))
            elif kind == "stream" and reveals(output.get("text", ""), secret):
                output["text"] = "[output not shown: it would quote hidden tests]\n"
            elif kind in ("display_data", "execute_result"):
                data = output.get("data", {})
                if any(reveals(v if isinstance(v, str) else json.dumps(v), secret) for v in data.values()):
                    output["data"] = {"text/plain": "[output not shown: it would quote hidden tests]"}
        return cell, resources
