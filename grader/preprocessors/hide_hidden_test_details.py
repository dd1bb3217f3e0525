"""HideHiddenTestDetails (feedback, before ClearHiddenTests): no output of any cell may show a hidden test.

A second line of defence: the page shows only what the student submitted and the grader's verdicts
(grader/preprocessors/submitted_outputs.py runs first), so this step sees the submitted outputs; any that
quotes a hidden line is replaced by a note all the same, and a test cell's stderr is summarised."""
import html
import json

from nbgrader.preprocessors import NbGraderPreprocessor
from nbgrader.utils import is_grade

from grader.hidden_block import hidden_lines
from grader.hidden_leaks import reveals, scrub_error

MIN_LINE = 6   # a hidden line shorter than this (a lone bracket) is no evidence of a leak; grade_case( still is
NOT_SHOWN = "[output not shown: it would quote hidden tests]"


def _views(text):
    """`text` as printed, with HTML entities decoded, and with Python's string escapes undone (a printed `In`,
    a repr of a cell's source or of globals shows its lines between `\\n` escapes)."""
    unescaped = text.replace("\\n", "\n").replace("\\'", "'").replace('\\"', '"').replace("\\\\", "\\")
    return [text, html.unescape(text), unescaped]


def quotes_hidden(text, secret):
    """Whether `text`, however it was escaped, quotes a hidden test of the notebook (see grader/hidden_leaks.py)."""
    return any(reveals(view, secret) for view in _views(text))


class HideHiddenTestDetails(NbGraderPreprocessor):
    """Feedback only (before ClearHiddenTests): nothing the notebook printed may show its hidden tests.

    The hidden lines of every test cell are looked for in the outputs of every cell, not only the test
    cells: a student's cell can print `In`, its globals, a frame or a traceback that quotes a hidden block.
    Tracebacks that quote hidden lines are cut to their last line; other outputs that quote them are
    replaced by a note. The stderr text of a cell with hidden tests is summarised. The autograded notebook
    keeps everything for the instructor.
    """

    def preprocess(self, nb, resources):
        self._secret = sorted({line for cell in nb.cells if cell.cell_type == "code" and is_grade(cell)
                               for line in hidden_lines(cell.source) if len(line) >= MIN_LINE})
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not self._secret:
            return cell, resources
        has_hidden = is_grade(cell) and bool(hidden_lines(cell.source))
        for output in cell.get("outputs", []):
            kind = output.get("output_type")
            if kind == "error":
                scrub_error(output, self._secret)
                if any(quotes_hidden(str(line), self._secret) for line in output.get("traceback", [])
                       ) or quotes_hidden(str(output.get("evalue", "")), self._secret):
                    output["evalue"], output["traceback"] = NOT_SHOWN, [NOT_SHOWN]
            elif kind == "stream" and output.get("name") == "stderr" and has_hidden:
                output["text"] = ("[%d characters on stderr in this test cell; not shown in feedback: run the "
                                  "cell yourself to see them]\n" % len(output.get("text", "")))
            elif kind == "stream" and quotes_hidden(str(output.get("text", "")), self._secret):
                output["text"] = NOT_SHOWN + "\n"
            elif kind in ("display_data", "execute_result"):
                data = output.get("data", {})
                if any(quotes_hidden(v if isinstance(v, str) else json.dumps(v), self._secret)
                       for v in data.values()):
                    output["data"] = {"text/plain": NOT_SHOWN}
                    output["metadata"] = {}
        return cell, resources
