"""Test cases of the notebooks' visible examples: fixed inputs, each built the same way every time.

Most arrays are drawn from NumPy's legacy global generator (`np.random.seed` +
`randn`), which gives the same numbers on every NumPy version; the dropout cache
is stored data (expected_outputs_regularization.json). No builder takes a graded
function's inputs.
"""
import numpy as np

from grading_cases import decode, stored_outputs
from nn_core import forward_propagation

Y_EXAMPLE = np.array([[1, 1, 0, 1, 0]])
SMALL_NET_SHAPES = (("W1", (2, 3)), ("b1", (2, 1)), ("W2", (3, 2)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1)))


def draw_parameters(shapes=SMALL_NET_SHAPES):
    """Draw each parameter with randn, in the given order, from the current global seed."""
    return {key: np.random.randn(*shape) for key, shape in shapes}


def _seeded_inputs_and_parameters():
    """Seed 1, then X (3, 5), then W1, b1, W2, b2, W3, b3 of the small net."""
    np.random.seed(1)
    X = np.random.randn(3, 5)
    return X, draw_parameters()


def compute_cost_with_regularization_test_case():
    """(A3, Y, parameters): parameters drawn after seed 1; A3 from the seed-1 forward case."""
    np.random.seed(1)
    parameters = draw_parameters()
    X, forward_parameters = _seeded_inputs_and_parameters()
    A3, _ = forward_propagation(X, forward_parameters)
    return A3, Y_EXAMPLE.copy(), parameters


def backward_propagation_with_regularization_test_case():
    """(X, Y, cache): the cache is the plain forward pass of the seed-1 parameters."""
    X, parameters = _seeded_inputs_and_parameters()
    _, cache = forward_propagation(X, parameters)
    return X, Y_EXAMPLE.copy(), cache


def forward_propagation_with_dropout_test_case():
    """(X, parameters) of the seed-1 forward case."""
    return _seeded_inputs_and_parameters()


def backward_propagation_with_dropout_test_case():
    """(X, Y, cache): the seed-1 case and the cache of its dropout forward pass (keep_prob 0.5, masks drawn
    right after seed 1), stored as data in expected_outputs_regularization.json."""
    X, _ = _seeded_inputs_and_parameters()
    stored = stored_outputs("regularization")["fixtures"]["backward_propagation_with_dropout_test_case"]
    cache = tuple(np.asarray(value, dtype=float) for value in decode(stored))
    return X, Y_EXAMPLE.copy(), cache


def gradient_check_n_test_case():
    """(X, Y, parameters): seed 1, X (4, 3), then W1 (5, 4) .. b3 (1, 1); Y = [1, 1, 0]."""
    np.random.seed(1)
    X = np.random.randn(4, 3)
    parameters = draw_parameters((("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)), ("b2", (3, 1)),
                                  ("W3", (1, 3)), ("b3", (1, 1))))
    return X, np.array([[1, 1, 0]]), parameters
