"""Initialization assignment: self-checks, hidden cases, the source notebook's figures, the release."""
import os
import re

import nbformat
import pytest

from notebook_runner import error_cells, stderr_cells, stdout_text
from grader import judge
from grader.manifest import ROOT
from proofs.catalog import build
from samples import catalog_entries as entries

ASSIGNMENT = "initialization"
SOURCE = os.path.join(ROOT, "source", ASSIGNMENT, "Initialization.ipynb")
RELEASE = os.path.join(ROOT, "release", ASSIGNMENT, "Initialization.ipynb")
ENTRIES = [e for e in entries.ENTRIES if build.assignment_of(e.function) == ASSIGNMENT]


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.kind == "variant"], ids=lambda e: e.id)
def test_variant_passes_self_check(entry):
    passed, output = build.run_self_check(entry)
    assert passed, output


@pytest.mark.parametrize("mistake, advice", [
    ("he_xavier", "Xavier"), ("he_current_layer", "previous layer"), ("he_unscaled", "not scaled"),
    ("random_not_times_10", "not multiplied by 10"), ("random_times_100", "multiplied by 100"),
    ("he_reseed_in_loop", "inside the loop"), ("he_transposed", "transposed draw"),
    ("zeros_rank1_bias", "rank-1"), ("zeros_transposed", "transposed"), ("random_no_seed", "depends on the random"),
    ("random_other_seed", "not the ones np.random.seed(3) gives"), ("he_bias_random", "biases should start at zero"),
])
def test_hint_names_the_mistake(mistake, advice):
    entry = next(e for e in ENTRIES if e.id == mistake)
    passed, output = build.run_self_check(entry)
    assert not passed and advice in output, output


def test_stub_reports_not_implemented():
    namespace = build.reference_namespace(ASSIGNMENT)
    exec("def initialize_parameters_he(layers_dims):\n    raise NotImplementedError()", namespace)
    import checks_initialization
    with pytest.raises(AssertionError, match="not implemented yet"):
        checks_initialization.check_initialize_parameters_he(namespace["initialize_parameters_he"])


# --------------------------------------------------------------------------- the source notebook
def _hidden_sources(notebook):
    return {c.metadata["nbgrader"]["grade_id"][5:]: c.source for c in notebook.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def test_source_structure_and_points():
    notebook = nbformat.read(SOURCE, as_version=4)
    tests = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in notebook.cells
             if c.metadata.get("nbgrader", {}).get("grade")}
    assert tests == {"test_initialize_parameters_zeros": 2, "test_initialize_parameters_random": 3,
                     "test_initialize_parameters_he": 5}
    assert "**Graded: 10 points**" in notebook.cells[0].source
    for function, source in _hidden_sources(notebook).items():
        calls = judge.hidden_calls(source)
        assert len(calls) >= 3 and all(c[0] == function for c in calls)
    for cell in notebook.cells:
        if "skip-in-autograde" in cell.metadata.get("tags", []):
            assert "nbgrader" not in cell.metadata


@pytest.mark.e2e
def test_source_runs_cleanly(executed_source):
    assert error_cells(executed_source) == []
    assert stderr_cells(executed_source) == []


def _numbers(text, label):
    return [float(v) for v in re.findall(re.escape(label) + r"\s*([-+0-9.e]+|inf)", text)]


@pytest.mark.e2e
def test_source_prints_the_spec_figures(executed_source):
    text = "".join(stdout_text(c) for c in executed_source.cells if c.cell_type == "code")
    assert "W1 = [[ 17.88628473   4.36509851   0.96497468]\n [-18.63492703  -2.77388203  -3.54758979]]" in text
    assert "W2 = [[-0.82741481 -6.27000677]]" in text
    assert "W2 = [[-0.03098412 -0.33744411 -0.92904268  0.62552248]]" in text
    costs = _numbers(text, "Cost after iteration 0:")
    assert costs[0] == pytest.approx(0.6931471805599453, abs=1e-12) and costs[1] == float("inf")
    assert costs[2] == pytest.approx(0.8830537463419761, abs=1e-7)
    last = _numbers(text, "Cost after iteration 14000:")
    assert last[0] == pytest.approx(0.6931471805599453, abs=1e-12)
    assert last[1] == pytest.approx(0.383, abs=0.01)  # chaotic run: BLAS-dependent digits
    assert last[2] == pytest.approx(0.07357895962677363, abs=1e-7)
    assert _numbers(text, "Accuracy:") == [0.5, 0.5, 0.83, 0.86, 0.9933333333333333, 0.96]


@pytest.mark.e2e
def test_expected_outputs_follow_the_three_prints_and_are_what_they_print(executed_source):
    """Issue 11.5: each `parameters = initialize_parameters_...(...)` print is followed by an
    "Expected output" block, and the block is exactly what the reference solution prints."""
    cells = executed_source.cells
    prints = [i for i, c in enumerate(cells) if c.cell_type == "code" and c.source.startswith("parameters = initialize")]
    assert len(prints) == 3
    for index in prints:
        following = cells[index + 1]
        assert following.cell_type == "markdown" and following.source.startswith("Expected output"), following.source
        block = re.search(r"```\n(.*?)\n```", following.source, re.S).group(1)
        assert block == stdout_text(cells[index]).rstrip("\n")


@pytest.mark.e2e
def test_comparison_table_shows_what_the_notebook_computed(executed_source):
    text = "".join(stdout_text(c) for c in executed_source.cells if c.cell_type == "code")
    accuracies = _numbers(text, "Accuracy:")
    table = next(o.data["text/markdown"] for c in executed_source.cells if c.cell_type == "code"
                 for o in c.get("outputs", []) if "text/markdown" in o.get("data", {}))
    rows = [r for r in table.splitlines() if r.startswith("| ") and "%" in r]
    shown = [float(v) / 100 for r in rows for v in re.findall(r"([0-9.]+)%", r)]
    assert shown == pytest.approx(accuracies, abs=5e-5)
