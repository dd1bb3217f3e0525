"""The lessons' prose holds whatever a run measures, and says what the plots show (issue 11, points 6, 8, 9).

* Gradient Checking's timing section quotes no timing figure, and its cell prints measurements and
  their ratio, never a claim about them ("as long as about 61 forward passes (94, ...)").
* Text right after a cell that is skipped while autograding does not point at "the accuracies printed
  above": in a feedback page that cell shows only the marker that it was not run.
* Both datasets' descriptions say which colour is which class (the plots' legends say the same).
"""
import os
import re

import nbformat
import pytest

from grader.manifest import ASSIGNMENTS, ROOT

SKIP_TAG = "skip-in-autograde"


def source(assignment):
    return nbformat.read(os.path.join(ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook), as_version=4)


def test_the_timing_section_claims_nothing_a_busy_machine_could_contradict():
    cells = source("gradient_checking").cells
    index = next(i for i, c in enumerate(cells) if c.cell_type == "markdown"
                 and c.source.startswith("## 5. Before you use this elsewhere"))
    prose, timing = cells[index].source, cells[index + 1]
    assert SKIP_TAG in timing.metadata.get("tags", []) and "perf_counter" in timing.source
    numbers = set(re.findall(r"\d+(?:\.\d+)?", prose))
    assert numbers <= {"5", "94", "47", "2"}, numbers  # section number, pass and parameter counts only
    assert "about" not in prose.split("The cell below")[-1]
    printed = re.findall(r'print\("([^"]*)"', timing.source)
    # the old line, "as long as about %d forward passes (94, plus ...)", set a measurement against a count
    assert printed and not any("about" in line or re.search(r"%[.\d]*[dfg] forward passes", line)
                               for line in printed), printed


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_text_after_a_skipped_cell_does_not_point_at_its_output(assignment):
    cells = source(assignment).cells
    for index, cell in enumerate(cells[:-1]):
        if cell.cell_type == "code" and SKIP_TAG in cell.metadata.get("tags", []):
            following = cells[index + 1]
            if following.cell_type == "markdown":
                assert "printed above" not in following.source.replace("\n", " ") or "When you run" in following.source


@pytest.mark.parametrize("assignment, words", [
    ("initialization", ("**inner ring**", "$y = 1$, drawn in **blue**", "**outer ring**", "$y = 0$, **red**")),
    ("regularization", ("**blue** when our player won it", "($y = 1$)", "**red** when an opponent did", "($y = 0$)")),
])
def test_the_data_section_says_which_colour_is_which_class(assignment, words):
    text = " ".join(c.source.replace("\n", " ") for c in source(assignment).cells if c.cell_type == "markdown")
    for phrase in words:
        assert phrase in text, phrase
