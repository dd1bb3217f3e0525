"""LimitOutputSize: caps the characters kept per output and per cell.

nbgrader's LimitOutput counts lines only: one 10^8-character line would stay.
"""
import json

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

TEXT_MIMES = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")


def _cut(text, limit, what="output"):
    if len(text) <= limit:
        return text
    return text[:limit] + "\n... %s truncated by the autograder: %d characters in all ...\n" % (what, len(text))



def left_out_note(count, what):
    """The stdout output put where `count` outputs were left out: "... N more <what> ..." (also used for the
    submitted outputs a feedback page does not show)."""
    return NotebookNode(output_type="stream", name="stdout", text="... %d more %s ...\n" % (count, what))

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
            kept.append(left_out_note(dropped, "output(s) left out by the autograder (too much output)"))
        cell.outputs = kept
        return cell, resources
