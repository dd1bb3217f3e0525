"""Helpers for the Gradient Checking notebook: activations and parameter <-> vector reshaping.

The gradient check needs every parameter as one flat column vector theta; these
functions flatten the W1, b1, ..., b3 dictionary in that fixed order and back.
The per-block report of section 4 (`print_gradient_report`, `numerical_gradient`)
works on the notebook's example only: it demonstrates the lesson, and is not a
way to do the graded exercise for other inputs.
"""
import numpy as np

import testCases
from nn_core import sigmoid, relu

PARAMETER_ORDER = ("W1", "b1", "W2", "b2", "W3", "b3")
DEFAULT_SHAPES = {"W1": (5, 4), "b1": (5, 1), "W2": (3, 5), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)}

__all__ = ["sigmoid", "relu", "dictionary_to_vector", "vector_to_dictionary", "gradients_to_vector",
           "parameter_shapes", "numerical_gradient", "print_gradient_report"]


def parameter_shapes(parameters):
    """Shapes of W1..b3 in a parameters dict, in the flattening order."""
    return {key: np.shape(parameters[key]) for key in PARAMETER_ORDER}


def dictionary_to_vector(parameters):
    """Flatten W1, b1, W2, b2, W3, b3 into one (n, 1) column; also return each entry's key."""
    columns, keys = [], []
    for key in PARAMETER_ORDER:
        column = np.reshape(parameters[key], (-1, 1))
        columns.append(column)
        keys += [key] * column.shape[0]
    return np.concatenate(columns, axis=0), keys


def vector_to_dictionary(theta, shapes=None):
    """Inverse of `dictionary_to_vector`: cut the column theta back into W1..b3.

    `shapes` defaults to the Gradient Checking network (4 inputs, layers 5, 3, 1).
    """
    shapes = shapes or DEFAULT_SHAPES
    parameters, start = {}, 0
    for key in PARAMETER_ORDER:
        size = int(np.prod(shapes[key]))
        parameters[key] = np.reshape(theta[start:start + size], shapes[key])
        start += size
    if start != len(theta):
        raise ValueError("theta has %d entries, the shapes need %d" % (len(theta), start))
    return parameters


def gradients_to_vector(gradients):
    """Flatten dW1, db1, ..., db3 into one (n, 1) column, in the parameters' order."""
    return np.concatenate([np.reshape(gradients["d" + key], (-1, 1)) for key in PARAMETER_ORDER], axis=0)


def _relative_difference(grad, gradapprox):
    """||grad - gradapprox|| / (||grad|| + ||gradapprox||), 0 when both are zero."""
    scale = sum(np.linalg.norm(v) for v in (grad, gradapprox))
    return 0.0 if scale == 0 else float(np.linalg.norm(grad - gradapprox) / scale)


def _difference_by_block(grad, gradapprox, parameters):
    """Relative difference of each parameter block (W1, b1, ... b3) of two flat gradient vectors."""
    keys = np.array(dictionary_to_vector(parameters)[1])
    grad, gradapprox = np.reshape(grad, (-1, 1)), np.reshape(gradapprox, (-1, 1))
    return {key: _relative_difference(grad[keys == key], gradapprox[keys == key]) for key in PARAMETER_ORDER}


def _require_the_notebook_example(parameters, X, Y):
    """Refuse other inputs than gradient_check_n_test_case's (NumPy's random state is left as it was)."""
    state = np.random.get_state()
    try:
        example_X, example_Y, example_parameters = testCases.gradient_check_n_test_case()
    finally:
        np.random.set_state(state)
    try:
        same = (np.array_equal(X, example_X) and np.array_equal(np.reshape(Y, (1, -1)), example_Y)
                and all(np.array_equal(parameters[key], example_parameters[key]) for key in PARAMETER_ORDER))
    except (KeyError, TypeError, ValueError):
        same = False
    if not same:
        raise ValueError("this helper works on the notebook's example only (X, Y and parameters of "
                         "gradient_check_n_test_case): it shows the lesson, your gradient_check_n does the checking")


def numerical_gradient(cost_function, parameters, X, Y, epsilon=1e-7):
    """Centred finite-difference gradient of `cost_function(X, Y, parameters)` (first return value), on the
    notebook's example only.

    Returned as one column in the `dictionary_to_vector` order.
    """
    _require_the_notebook_example(parameters, X, Y)
    theta, _ = dictionary_to_vector(parameters)
    shapes = parameter_shapes(parameters)
    estimate = np.zeros_like(theta, dtype=float)
    for index in range(theta.shape[0]):
        step = np.zeros_like(theta, dtype=float)
        step[index, 0] = epsilon
        cost_up = cost_function(X, Y, vector_to_dictionary(theta + step, shapes))[0]
        cost_down = cost_function(X, Y, vector_to_dictionary(theta - step, shapes))[0]
        estimate[index, 0] = (cost_up - cost_down) / (2 * epsilon)
    return estimate


def print_gradient_report(cost_function, parameters, gradients, X, Y, epsilon=1e-6, threshold=2e-7):
    """Compare backprop `gradients` with finite differences, one line per parameter block.

    Shows which of W1, b1, ..., b3 disagree, so a wrong gradient can be traced to
    its line in the backward pass. Returns {block: relative difference}. The step
    is 1e-6 rather than 1e-7: a block with a handful of entries (b3 has one) has
    no other entries to average its rounding noise away.
    """
    grad = gradients_to_vector(gradients)
    gradapprox = numerical_gradient(cost_function, parameters, X, Y, epsilon)
    report = _difference_by_block(grad, gradapprox, parameters)
    for key, difference in report.items():
        verdict = "ok" if difference <= threshold else "MISMATCH: check d%s in the backward pass" % key
        print("%-3s relative difference = %.3e   %s" % (key, difference, verdict))
    return report
