"""The one account of how a test cell scored: made by the grader, read by the pipeline, the table and the harness.

The judge preprocessor writes a notebook's verdicts next to the autograded notebook
(`.<notebook>.verdicts.json`, a dot file, so nbgrader never copies it into feedback),
from the grading process, never from the student's kernel.
"""
import json
import os
from dataclasses import asdict, dataclass
from typing import NamedTuple


class _Case(NamedTuple):
    passed: bool
    message: str


class CaseResult(_Case):
    """One hidden case: passed, and a message that shows no input or expected value (unpacks as that pair).

    `mistake` says what a failed case was: the label of the known mistake it matches,
    "unrecognized", or the kind of error it raised ("" when it passed or did not run).
    """

    def __new__(cls, passed, message, mistake=""):
        result = super().__new__(cls, passed, message)
        result.mistake = mistake
        return result


@dataclass(frozen=True)
class Verdict:
    """A graded cell's outcome.

    reason: why it scored 0, in words a student may read ("" when it passed);
    self_check_passed: False when its self-check raised, True when the cell raised nothing, else None;
    self_check_findings / self_check_causes: what a failed self-check reported, and the mistakes it named;
    mistake: what the failure was, named by the grader (grader.judge.cell_mistake), never by the kernel:
    a known mistake's label (grader/mistakes/), "unrecognized", or an error kind ("time limit",
    "memory limit", an exception's name); "" when the cell passed.
    """
    grade_id: str
    function: str | None
    points: float
    passed: bool
    reason: str = ""
    hidden_passed: int = 0
    hidden_total: int = 0
    self_check_passed: bool | None = None
    self_check_findings: tuple[str, ...] = ()
    self_check_causes: tuple[str, ...] = ()
    mistake: str = ""


def verdict_file(notebook: str) -> str:
    """The sidecar's file name for notebook `notebook` (with or without .ipynb)."""
    return ".%s.verdicts.json" % os.path.splitext(notebook)[0]


def dumps(verdicts: list[Verdict]) -> str:
    """The sidecar's text for `verdicts`."""
    return json.dumps({"verdicts": [asdict(v) for v in verdicts]}, indent=1)


def loads(text: str) -> list[Verdict]:
    """The verdicts `dumps` wrote (ValueError, KeyError or TypeError when the text is not such a sidecar)."""
    return [Verdict(**dict(item, self_check_findings=tuple(item.get("self_check_findings", ())),
                           self_check_causes=tuple(item.get("self_check_causes", ()))))
            for item in json.loads(text)["verdicts"]]


def read_verdicts(folder: str, notebook: str) -> list[Verdict]:
    """The verdicts the grader wrote for `notebook` in `folder` ([] when there are none)."""
    try:
        with open(os.path.join(folder, verdict_file(notebook)), encoding="utf-8") as handle:
            return loads(handle.read())
    except (OSError, ValueError, KeyError, TypeError):
        return []
