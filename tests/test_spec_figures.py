"""The reference solutions reproduce every unit figure of SPEC.md (within 1e-7)."""

import numpy as np
import pytest

import testCases
from grader.reference import gradient_checking as gc_ref
from grader.reference import initialization as init_ref
from grader.reference import regularization as reg_ref
import nn_core

TOL = 1e-7


pytestmark = pytest.mark.usefixtures("warnings_are_errors")


def close(got, expected, tol=TOL):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    assert got.shape == expected.shape
    assert np.max(np.abs(got - expected)) <= tol, (got, expected)


def test_random_init_figures():
    parameters = init_ref.initialize_parameters_random([3, 2, 1])
    close(parameters["W1"], [[17.88628473, 4.36509851, 0.96497468], [-18.63492703, -2.77388203, -3.54758979]])
    close(parameters["W2"], [[-0.82741481, -6.27000677]])
    close(parameters["b1"], np.zeros((2, 1)))
    close(parameters["b2"], np.zeros((1, 1)))


def test_he_init_figures():
    parameters = init_ref.initialize_parameters_he([2, 4, 1])
    close(parameters["W1"], [[1.78862847, 0.43650985], [0.09649747, -1.8634927], [-0.2773882, -0.35475898],
                             [-0.08274148, -0.62700068]])
    close(parameters["W2"], [[-0.03098412, -0.33744411, -0.92904268, 0.62552248]])
    close(parameters["b1"], np.zeros((4, 1)))


def test_zeros_init_shapes_and_values():
    parameters = init_ref.initialize_parameters_zeros([3, 2, 1])
    assert {k: v.shape for k, v in parameters.items()} == {"W1": (2, 3), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}
    assert all(not v.any() for v in parameters.values())


def test_l2_cost_fixture_and_figure():
    A3, Y, parameters = testCases.compute_cost_with_regularization_test_case()
    # A3 is computed (the original pasted it rounded to 8 decimals)
    close(A3, [[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]], tol=5e-9)
    cost = reg_ref.compute_cost_with_regularization(A3, Y, parameters, lambd=0.1)
    assert abs(cost - 1.7864859451590758) <= TOL


def test_l2_backward_figures():
    X, Y, cache = testCases.backward_propagation_with_regularization_test_case()
    grads = reg_ref.backward_propagation_with_regularization(X, Y, cache, lambd=0.7)
    close(grads["dW1"], [[-0.25604646, 0.12298827, -0.28297129], [-0.17706303, 0.34536094, -0.4410571]])
    close(grads["dW2"], [[0.79276486, 0.85133918], [-0.0957219, -0.01720463], [-0.13100772, -0.03750433]])
    close(grads["dW3"], [[-1.77691347, -0.11832879, -0.09397446]])


def test_dropout_forward_figure():
    X, parameters = testCases.forward_propagation_with_dropout_test_case()
    A3, cache = reg_ref.forward_propagation_with_dropout(X, parameters, keep_prob=0.7)
    close(A3, [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]])
    assert len(cache) == 14


def test_dropout_backward_figures():
    X, Y, cache = testCases.backward_propagation_with_dropout_test_case()
    grads = reg_ref.backward_propagation_with_dropout(X, Y, cache, keep_prob=0.8)
    close(grads["dA1"], [[0.36544439, 0, -0.00188233, 0, -0.17408748], [0.65515713, 0, -0.00337459, 0, 0]])
    close(grads["dA2"], [[0.58180856, 0, -0.00299679, 0, -0.27715731], [0, 0.53159854, 0, 0.53159854, -0.34089673],
                         [0, 0, -0.00292733, 0, 0]])


def test_dropout_backward_cache_is_the_reference_forward_pass():
    """testCases builds the cache itself; it must equal the graded forward pass at keep_prob 0.5."""
    X, parameters = testCases.forward_propagation_with_dropout_test_case()
    _, expected = reg_ref.forward_propagation_with_dropout(X, parameters, keep_prob=0.5)
    _, _, cache = testCases.backward_propagation_with_dropout_test_case()
    for got, want in zip(cache, expected):
        np.testing.assert_array_equal(np.asarray(got, dtype=float), np.asarray(want, dtype=float))


def test_one_dimensional_gradient_check(capsys):
    assert gc_ref.forward_propagation(2, 4) == 8
    assert gc_ref.backward_propagation(2, 4) == 2
    difference = gc_ref.gradient_check(2, 4)
    assert abs(difference - 2.919335883291695e-10) <= 1e-7 * 1e-3  # relative 1e-3 of a noise-level number
    assert "correct" in capsys.readouterr().out


def test_n_dimensional_gradient_check_buggy_and_fixed():
    X, Y, parameters = testCases.gradient_check_n_test_case()
    _, cache = gc_ref.forward_propagation_n(X, Y, parameters)
    buggy = gc_ref.gradient_check_n(parameters, gc_ref.backward_propagation_n(X, Y, cache), X, Y)
    assert abs(buggy - 0.28509315678069896) <= TOL
    fixed = gc_ref.gradient_check_n(parameters, nn_core.backward_propagation(X, Y, cache), X, Y)
    assert 1.0e-7 < fixed < 2e-7
    assert abs(fixed - 1.19e-7) < 0.01e-7
