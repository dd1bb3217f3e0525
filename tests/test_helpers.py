"""The shared helper modules: warning-free on current NumPy, one implementation behind the three views."""
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

import gc_utils
import init_utils
import nn_core
import reg_utils
import testCases
from grader.manifest import ROOT


pytestmark = pytest.mark.usefixtures("warnings_are_errors")


def test_views_are_the_one_implementation():
    for name in ("sigmoid", "relu", "forward_propagation", "backward_propagation", "update_parameters", "predict",
                 "predict_dec"):
        for view in (init_utils, reg_utils):
            assert getattr(view, name) is getattr(nn_core, name), (view.__name__, name)
    assert init_utils.compute_loss is nn_core.compute_cost is reg_utils.compute_cost
    assert gc_utils.sigmoid is nn_core.sigmoid and gc_utils.relu is nn_core.relu
    assert init_utils.plot_decision_boundary is reg_utils.plot_decision_boundary


@pytest.mark.parametrize("module, names", [
    (init_utils, "sigmoid relu compute_loss forward_propagation backward_propagation update_parameters predict "
                 "load_dataset plot_decision_boundary predict_dec"),
    (reg_utils, "sigmoid relu initialize_parameters compute_cost forward_propagation backward_propagation "
                "update_parameters predict load_2D_dataset plot_decision_boundary predict_dec"),
    (gc_utils, "sigmoid relu dictionary_to_vector vector_to_dictionary gradients_to_vector"),
    (testCases, "compute_cost_with_regularization_test_case backward_propagation_with_regularization_test_case "
                "forward_propagation_with_dropout_test_case backward_propagation_with_dropout_test_case "
                "gradient_check_n_test_case"),
])
def test_spec_public_names(module, names):
    for name in names.split():
        assert callable(getattr(module, name)), name


def test_saturated_cost_is_inf_without_warnings():
    Y = np.array([[1, 0, 1]])
    a3 = np.array([[0.0, 0.2, 1.0]])  # log(0) on the first example
    cost = nn_core.compute_cost(a3, Y)
    assert np.isinf(cost)
    assert nn_core.compute_cost(np.array([[1.0, 0.0]]), np.array([[1, 0]])) == 0.0  # 0*log(0) terms count as 0


def test_large_random_init_first_step_is_inf_and_quiet():
    from grader.reference.initialization import initialize_parameters_random
    train_X, train_Y, _, _ = init_utils.load_dataset(plot=False)
    parameters = initialize_parameters_random([2, 10, 5, 1])
    a3, _ = nn_core.forward_propagation(train_X, parameters)
    assert np.isinf(nn_core.compute_loss(a3, train_Y))


def test_predict_prints_accuracy_and_returns_int_row(capsys):
    X, Y, parameters = testCases.gradient_check_n_test_case()
    p = nn_core.predict(X, Y, parameters)
    assert p.shape == (1, 3) and p.dtype.kind == "i"
    assert capsys.readouterr().out.startswith("Accuracy: ")


def test_initialize_parameters_regularization_start():
    parameters = reg_utils.initialize_parameters([2, 20, 3, 1])
    assert parameters["W1"].shape == (20, 2) and parameters["b3"].shape == (1, 1)
    np.random.seed(3)
    np.testing.assert_array_equal(parameters["W1"], np.random.randn(20, 2) / np.sqrt(2))


def test_vector_round_trip_and_report(capsys):
    X, Y, parameters = testCases.gradient_check_n_test_case()
    theta, keys = gc_utils.dictionary_to_vector(parameters)
    assert theta.shape == (47, 1) and keys[:20] == ["W1"] * 20
    back = gc_utils.vector_to_dictionary(theta)
    for key in parameters:
        np.testing.assert_array_equal(back[key], parameters[key])

    def cost(X, Y, parameters):
        a3, cache = nn_core.forward_propagation(X, parameters)
        return nn_core.compute_cost(a3, Y), cache
    _, cache = cost(X, Y, parameters)
    gradients = nn_core.backward_propagation(X, Y, cache)
    gradients["dW2"] = 2 * gradients["dW2"]
    report = gc_utils.print_gradient_report(cost, parameters, gradients, X, Y)
    assert [k for k, v in report.items() if v > 2e-7] == ["W2"]
    assert "MISMATCH" in capsys.readouterr().out


def test_plots_work_headless():
    train_X, train_Y, _, _ = init_utils.load_dataset(plot=True)
    from grader.reference.initialization import initialize_parameters_he
    parameters = initialize_parameters_he([2, 10, 5, 1])
    init_utils.plot_decision_boundary(lambda x: nn_core.predict_dec(parameters, x.T), train_X, train_Y)
    init_utils.plot_costs([0.7, 0.5, 0.3], learning_rate=0.01)
    plt.close("all")


@pytest.mark.e2e
def test_utils_import_cleanly_in_a_fresh_interpreter():
    """No DeprecationWarning/RuntimeWarning at import on current NumPy/SciPy/scikit-learn/matplotlib."""
    code = ("import warnings; warnings.simplefilter('error'); import matplotlib; matplotlib.use('Agg'); "
            "import init_utils, reg_utils, gc_utils, testCases, selfcheck_core, grading_cases")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT + "/utils", capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
