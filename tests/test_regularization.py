"""Regularization assignment: the SPEC figures, and the source and release notebooks as they run.

(a) the self-checks' stored figures are what the reference computes and within 1e-7 of SPEC.md;
(c) the source notebook runs headless, prints the SPEC figures, and its training results (costs,
accuracies, the results table, the numbers in its prose) are those of proofs/training.py on the
shipped data; (d) the release runs as shipped with readable failures only where unimplemented code
is called. What the self-checks say and what the release holds: tests/test_regularization_checks.py.
"""
import contextlib
import io
import os
import re

import nbformat
import numpy as np
import pytest

import checks_regularization as checks
import testCases
from conftest import ORIGINAL_FOOTBALL
from notebook_runner import outputs_of, passed_test_cells, stdout_text, stub_failures
from grader import judge
from grader.manifest import ROOT
from grader.reference import regularization as reference
from proofs.catalog import build

ASSIGNMENT = "regularization"
SOURCE = os.path.join(ROOT, "source", ASSIGNMENT, "Regularization.ipynb")
RELEASE = os.path.join(ROOT, "release", ASSIGNMENT, "Regularization.ipynb")
POINTS = {"compute_cost_with_regularization": 3, "backward_propagation_with_regularization": 4,
          "forward_propagation_with_dropout": 5, "backward_propagation_with_dropout": 4}
EXPERIMENTS = {"baseline": {}, "L2": {"lambd": 0.7}, "dropout": {"keep_prob": 0.86}}
SPEC_TOL = 1e-7

# SPEC.md figures
SPEC_COST = 1.7864859451590758
SPEC_DW = {"dW1": [[-0.25604646, 0.12298827, -0.28297129], [-0.17706303, 0.34536094, -0.4410571]],
           "dW2": [[0.79276486, 0.85133918], [-0.0957219, -0.01720463], [-0.13100772, -0.03750433]],
           "dW3": [[-1.77691347, -0.11832879, -0.09397446]]}
SPEC_A3 = [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]]
SPEC_DA = {"dA1": [[0.36544439, 0, -0.00188233, 0, -0.17408748], [0.65515713, 0, -0.00337459, 0, 0]],
           "dA2": [[0.58180856, 0, -0.00299679, 0, -0.27715731], [0, 0.53159854, 0, 0.53159854, -0.34089673],
                   [0, 0, -0.00292733, 0, 0]]}


# ----------------------------------------------------------------------------- the stored figures
def test_stored_cost_is_what_our_fixture_gives_and_within_1e7_of_spec():
    A3, Y, parameters = testCases.compute_cost_with_regularization_test_case()
    ours = reference.compute_cost_with_regularization(A3, Y, parameters, 0.1)
    assert ours == pytest.approx(checks.EXPECTED_COST, rel=1e-12)
    assert checks.SPEC_COST == SPEC_COST
    assert abs(checks.EXPECTED_COST - SPEC_COST) <= SPEC_TOL
    assert checks.EXPECTED_COST != SPEC_COST  # the difference is real (computed vs pasted A3), and small


def test_stored_figures_are_the_reference_output_and_within_1e7_of_spec():
    """The checks store what the reference computes (so every digit they print agrees with the notebook);
    the SPEC quotes the same numbers to 8 decimals, some truncated (-0.00188233 for -0.0018823360...)."""
    X, Y, cache = testCases.backward_propagation_with_regularization_test_case()
    grads = reference.backward_propagation_with_regularization(X, Y, cache, checks.BACKWARD_LAMBD)
    for key in SPEC_DW:
        np.testing.assert_allclose(checks.EXPECTED_DW[key], grads[key], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(checks.EXPECTED_DW[key], SPEC_DW[key], rtol=0, atol=SPEC_TOL)
    X, parameters = testCases.forward_propagation_with_dropout_test_case()
    A3, _ = reference.forward_propagation_with_dropout(X, parameters, checks.FORWARD_KEEP)
    np.testing.assert_allclose(checks.EXPECTED_A3, A3, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(checks.EXPECTED_A3, SPEC_A3, rtol=0, atol=SPEC_TOL)
    X, Y, cache = testCases.backward_propagation_with_dropout_test_case()
    grads = reference.backward_propagation_with_dropout(X, Y, cache, checks.BACKWARD_KEEP)
    for key in SPEC_DA:
        np.testing.assert_allclose(checks.EXPECTED_DA[key], grads[key], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(checks.EXPECTED_DA[key], SPEC_DA[key], rtol=0, atol=SPEC_TOL)
    assert SPEC_DA["dA1"][0][2] == -0.00188233 and "%.8f" % checks.EXPECTED_DA["dA1"][0][2] == "-0.00188234"



# ----------------------------------------------------------------------------- (c) the source notebook runs
def code_cell(notebook, text):
    cells = [cell for cell in notebook.cells if cell.cell_type == "code" and text in cell.source]
    assert len(cells) == 1, "%d cells contain %r" % (len(cells), text)
    return cells[0]


def printed_array(text, label):
    """The numbers NumPy printed after `label = ` (up to the next `name = ` or the end)."""
    match = re.search(re.escape(label) + r" = (.*?)(?=\n\w+ = |\Z)", text, re.S)
    assert match, "no %r in %r" % (label, text)
    return [float(v) for v in re.findall(r"-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+", match.group(1))]


def experiment_output(notebook, name):
    """(costs at 0, 10000, 20000; train accuracy; test accuracy) as the experiment's cell printed them."""
    text = stdout_text(code_cell(notebook, 'run_experiment("%s"' % name))
    costs = [float(v) for v in re.findall(r"^Cost after iteration \d+: (\S+)$", text, re.M)]
    iterations = [int(v) for v in re.findall(r"^Cost after iteration (\d+):", text, re.M)]
    accuracies = [float(v) for v in re.findall(r"^Accuracy: (\S+)$", text, re.M)]
    assert iterations == [0, 10000, 20000] and len(accuracies) == 2, text
    assert text.index("On the training set:") < text.index("On the test set:")
    return costs, accuracies[0], accuracies[1]


def table_rows(notebook):
    """{row label: (train correct, train total, test correct, test total, squared weights)} of the results table."""
    cell = code_cell(notebook, "not run yet")
    markdown = [o.data["text/markdown"] for o in outputs_of(cell, "display_data") if "text/markdown" in o.data]
    assert len(markdown) == 1
    rows = {}
    for line in markdown[0].splitlines()[2:]:
        label, train, test, weights = [part.strip() for part in line.strip("|").split("|")]
        if train == "not run yet":
            rows[label] = None
            continue
        t = re.fullmatch(r"(\d+\.\d)% \((\d+) of (\d+)\)", train)
        v = re.fullmatch(r"(\d+\.\d)% \((\d+) of (\d+)\)", test)
        assert t and v, line
        assert t.group(1) == "%.1f" % (100.0 * int(t.group(2)) / int(t.group(3)))
        assert v.group(1) == "%.1f" % (100.0 * int(v.group(2)) / int(v.group(3)))
        rows[label] = (int(t.group(2)), int(t.group(3)), int(v.group(2)), int(v.group(3)), float(weights))
    return rows


ROW_OF = {"baseline": "no regularization", "L2": "L2 regularization", "dropout": "dropout"}


def row_for(rows, name):
    found = [label for label in rows if label.endswith(ROW_OF[name]) or ROW_OF[name] + " (" in label]
    assert len(found) == 1, (name, list(rows))
    return rows[found[0]]


@pytest.fixture(scope="module")
def trainer_results():
    """Costs and accuracies of proofs/training.py's trainer on the shipped data, for the three experiments."""
    from course_data import load_2D_dataset
    cwd = os.getcwd()
    os.chdir(os.path.join(ROOT, "source", ASSIGNMENT))
    try:
        train_X, train_Y, test_X, test_Y = load_2D_dataset(plot=False)
    finally:
        os.chdir(cwd)
    from proofs.training import accuracy, train
    found = {}
    for name, settings in EXPERIMENTS.items():
        parameters, costs = train(train_X, train_Y, 0.3, 30000, **settings)
        found[name] = {"costs": [costs[0], costs[10], costs[20]], "train": accuracy(train_X, train_Y, parameters),
                       "test": accuracy(test_X, test_Y, parameters),
                       "weights": sum(float(np.sum(parameters["W%d" % l] ** 2)) for l in (1, 2, 3))}
    return found


@pytest.mark.e2e
def test_source_notebook_runs_cleanly(executed_source):
    for test in passed_test_cells(executed_source, POINTS).values():
        assert len(outputs_of(test, "display_data")) == len(judge.hidden_calls(test.source))


@pytest.mark.e2e
def test_source_notebook_prints_the_spec_figures(executed_source):
    text = stdout_text(code_cell(executed_source, "print(\"cost = \""))
    cost = float(re.fullmatch(r"cost = (\S+)\n", text).group(1))
    assert abs(cost - SPEC_COST) <= SPEC_TOL and cost == pytest.approx(checks.EXPECTED_COST, rel=1e-12)
    text = stdout_text(code_cell(executed_source, "print(\"dW1 = \""))
    for key, expected in SPEC_DW.items():
        np.testing.assert_allclose(printed_array(text, key), np.ravel(expected), rtol=0, atol=SPEC_TOL)
    text = stdout_text(code_cell(executed_source, "print(\"A3 = \""))
    np.testing.assert_allclose(printed_array(text, "A3"), np.ravel(SPEC_A3), rtol=0, atol=SPEC_TOL)
    text = stdout_text(code_cell(executed_source, "print(\"dA1 = \""))
    for key, expected in SPEC_DA.items():
        np.testing.assert_allclose(printed_array(text, key), np.ravel(expected), rtol=0, atol=SPEC_TOL)


@pytest.mark.e2e
def test_expected_outputs_in_the_text_are_what_the_cells_print(executed_source):
    cells = executed_source.cells
    for index, cell in enumerate(cells):
        if cell.cell_type == "code" and cell.source.startswith(("A3, Y_assess", "X_assess")):
            following = cells[index + 1]
            assert following.cell_type == "markdown" and following.source.startswith("Expected output")
            block = re.search(r"```\n(.*?)\n```", following.source, re.S).group(1)
            assert block == stdout_text(cell).rstrip("\n")


@pytest.mark.e2e
def test_training_matches_the_trainer_and_the_table(executed_source, trainer_results):
    rows = table_rows(executed_source)
    assert len(rows) == 3
    for name in EXPERIMENTS:
        costs, train_accuracy, test_accuracy = experiment_output(executed_source, name)
        expected = trainer_results[name]
        assert costs == pytest.approx(expected["costs"], rel=1e-12), name
        assert train_accuracy == expected["train"] and test_accuracy == expected["test"], name
        row = row_for(rows, name)
        assert row is not None, name
        assert row[0] / row[1] == train_accuracy and row[2] / row[3] == test_accuracy, (name, row)
        assert row[4] == pytest.approx(expected["weights"], abs=0.051)
    print("\n" + "\n".join("%-9s costs %s  train %.4f  test %.4f" % (name, ["%.6f" % c for c in r["costs"]],
                                                                     r["train"], r["test"])
                           for name, r in trainer_results.items()))


@pytest.mark.e2e
def test_the_lesson_holds_on_the_shipped_data(trainer_results):
    baseline, l2, dropout = (trainer_results[name] for name in ("baseline", "L2", "dropout"))
    assert baseline["train"] > baseline["test"]
    assert l2["test"] > baseline["test"] and dropout["test"] > baseline["test"]
    assert l2["train"] < baseline["train"] and dropout["train"] < baseline["train"]
    assert l2["weights"] < baseline["weights"]


@pytest.mark.e2e
def test_prose_after_the_runs_quotes_no_numbers_of_its_own(executed_source, trainer_results):
    """After the first run the text quotes no accuracy or weight figure: the numbers come from the run
    (printed accuracies, the table), since they may move by an example between machines. The
    qualitative claims the text makes are checked on this run."""
    cells = executed_source.cells
    start = cells.index(code_cell(executed_source, 'run_experiment("baseline"'))
    for cell in cells[start:]:
        if cell.cell_type == "markdown":
            assert not re.findall(r"\d+\.\d+ ?%|\d{2,}\.\d", cell.source), cell.source
    claims = [c for c in cells if c.cell_type == "markdown" and "many times smaller" in c.source]
    assert len(claims) == 1
    assert 5 * trainer_results["L2"]["weights"] < trainer_results["baseline"]["weights"]


@pytest.mark.e2e
@pytest.mark.skipif(not os.path.exists(ORIGINAL_FOOTBALL),
                    reason="the original football data (../shared/seed/original-football-data.mat) is not here")
def test_notebook_model_reproduces_the_spec_training_figures_on_the_original_data():
    """The notebook's own `model` cell, run on the original course data, prints the SPEC figures."""
    import matplotlib.pyplot as plt
    from course_data import load_2D_dataset
    from proofs.training import accuracy
    notebook = nbformat.read(SOURCE, as_version=4)
    namespace = build.reference_namespace(ASSIGNMENT)
    exec("from reg_utils import plot_costs\n" + code_cell(notebook, "def model(").source, namespace)
    X, Y, test_X, test_Y = load_2D_dataset(ORIGINAL_FOOTBALL, plot=False)
    spec = {"baseline": ([0.6557412523481002, 0.16329987525724218, 0.13851642423267105], 0.9478672985781991, 0.915),
            "L2": ([0.6974484493131264, 0.2684918873282239, 0.26809163371273004], 0.9383886255924171, 0.93),
            "dropout": ([0.6543912405149825, 0.061016986574905584, 0.060582435798513114], 0.9289099526066351, 0.95)}
    for name, settings in EXPERIMENTS.items():
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            parameters = namespace["model"](X, Y, **settings)
        plt.close("all")
        costs = [float(v) for v in re.findall(r"Cost after iteration \d+: (\S+)", output.getvalue())]
        assert costs == pytest.approx(spec[name][0], rel=1e-9), name
        assert accuracy(X, Y, parameters) == spec[name][1] and accuracy(test_X, test_Y, parameters) == spec[name][2]


# ----------------------------------------------------------------------------- (d) the release as shipped
STUDENT_CODE = re.compile(r"\b(compute_cost_with_regularization|backward_propagation_with_regularization|"
                          r"forward_propagation_with_dropout|backward_propagation_with_dropout|check_\w+)\(|"
                          r"run_experiment\(\"(L2|dropout)\"")


@pytest.mark.e2e
def test_release_fails_only_where_unimplemented_code_is_called(executed_release):
    failing = stub_failures(executed_release, STUDENT_CODE)
    # 4 demos, 4 self-checks, 2 experiments that call the missing functions
    assert len(failing) == 10, failing
    # what needs no student code runs: imports, data, the model, the baseline, the table
    for text in ("load_2D_dataset(plot=False)", "def model(", "def run_experiment(", 'run_experiment("baseline"',
                 "not run yet"):
        assert executed_release.cells.index(code_cell(executed_release, text)) not in failing, text
    costs, train_accuracy, test_accuracy = experiment_output(executed_release, "baseline")
    rows = table_rows(executed_release)
    row = row_for(rows, "baseline")
    assert row[0] / row[1] == train_accuracy and row[2] / row[3] == test_accuracy
    assert row_for(rows, "L2") is None and row_for(rows, "dropout") is None
