"""Code written for the later edition of the course (2021 and after) runs on our notebooks unchanged.

That edition's public tests call the graded functions in ways of their own: keyword arguments
(`lambd=`, `keep_prob=`), a `print_msg` argument on both gradient checks (positional in
`gradient_check_n(parameters, gradients, X, Y, 1e-7, True)`), and a gradient-check fixture whose
labels are a flat array, `Y = np.array([1, 1, 0])`. This module makes those calls, in our own
words, on the functions exactly as the source notebooks define them (their import cell, then their
`# GRADED FUNCTION` / `# COURSE CODE` cells), and compares with the figures of SPEC.md.
"""
import contextlib
import io
import os

import nbformat
import numpy as np
import pytest

from grader.manifest import ASSIGNMENTS, ROOT

SPEC_TOL = 1e-7


def notebook_functions(assignment, fixed_backward=False):
    """The namespace a student's kernel has after running the notebook's import and function cells.

    Gradient Checking defines backward_propagation_n twice: the colleague's version with two bugs,
    and the student's fix further down (taken when `fixed_backward`).
    """
    path = os.path.join(ROOT, "source", assignment, ASSIGNMENTS[assignment].notebook)
    namespace = {}
    code_cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    for position, cell in enumerate(code_cells):
        first = cell.source.split("\n", 1)[0]
        wanted = (position == 0 or first.startswith(("# GRADED FUNCTION", "# COURSE CODE"))  # 0: the imports
                  or (fixed_backward and first.startswith("# FIX")))
        if wanted:
            code = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
            exec(code, namespace)
    return namespace


def seed_1_parameters(shapes):
    return {key: np.random.randn(*shape) for key, shape in shapes}


SMALL = (("W1", (2, 3)), ("b1", (2, 1)), ("W2", (3, 2)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1)))
GC_NET = (("W1", (5, 4)), ("b1", (5, 1)), ("W2", (3, 5)), ("b2", (3, 1)), ("W3", (1, 3)), ("b3", (1, 1)))


def flat_label_case():
    """The later edition's gradient-check fixture: seed 1, X (4, 3), the network's parameters, flat labels."""
    np.random.seed(1)
    X = np.random.randn(4, 3)
    parameters = seed_1_parameters(GC_NET)
    return X, np.array([1, 1, 0]), parameters


# ----------------------------------------------------------------------------- Gradient Checking
def test_print_msg_switches_the_verdict_line_and_printing_stays_the_default():
    gc = notebook_functions("gradient_checking")
    for call, printed in ((lambda: gc["gradient_check"](3, 4, print_msg=True), "The gradient is correct!\n"),
                          (lambda: gc["gradient_check"](3, 4), "The gradient is correct!\n"),
                          (lambda: gc["gradient_check"](3, 4, 1e-7, False), "")):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            difference = call()
        assert out.getvalue() == printed
        assert 0 <= difference < 1e-7
    assert gc["forward_propagation"](2, 4) == 8 and gc["backward_propagation"](3, 4) == 3


@pytest.mark.parametrize("fixed, expected, verdict", [
    (False, 0.28509315678069896, "There is a mistake in the backward propagation! difference = "),
    (True, 1.1890913024229996e-07, "Your backward propagation works perfectly fine! difference = "),
])
def test_gradient_check_n_takes_flat_labels_and_a_positional_print_msg(fixed, expected, verdict):
    gc = notebook_functions("gradient_checking", fixed_backward=fixed)
    X, Y, parameters = flat_label_case()
    cost, cache = gc["forward_propagation_n"](X, Y, parameters)
    gradients = gc["backward_propagation_n"](X, Y, cache)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        difference = gc["gradient_check_n"](parameters, gradients, X, Y, 1e-7, True)
    assert out.getvalue().startswith(verdict)
    assert isinstance(difference, (float, np.floating)) and not isinstance(difference, np.ndarray)
    assert difference == pytest.approx(expected, rel=1e-3 if fixed else 1e-9)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert gc["gradient_check_n"](parameters, gradients, X, Y, print_msg=False) == difference
    assert out.getvalue() == ""


def test_flat_and_row_labels_give_the_same_cost_and_gradients():
    gc = notebook_functions("gradient_checking")
    X, Y, parameters = flat_label_case()
    flat_cost, flat_cache = gc["forward_propagation_n"](X, Y, parameters)
    row_cost, row_cache = gc["forward_propagation_n"](X, Y.reshape(1, -1), parameters)
    assert flat_cost == row_cost
    flat, row = (gc["backward_propagation_n"](X, labels, cache)
                 for labels, cache in ((Y, flat_cache), (Y.reshape(1, -1), row_cache)))
    for key in ("dW1", "db1", "dW2", "db2", "dW3", "db3"):
        np.testing.assert_array_equal(flat[key], row[key])


# ----------------------------------------------------------------------------- Regularization
def test_regularization_functions_with_keyword_arguments():
    reg = notebook_functions("regularization")
    np.random.seed(1)
    parameters = seed_1_parameters(SMALL)
    pasted_A3 = np.array([[0.40682402, 0.01629284, 0.16722898, 0.10118111, 0.40682402]])  # as printed, 8 decimals
    Y = np.array([[1, 1, 0, 1, 0]])
    cost = reg["compute_cost_with_regularization"](pasted_A3, Y, parameters, lambd=0.1)
    assert cost == pytest.approx(1.7864859451590758, abs=1e-12)  # SPEC, computed from that rounded A3

    np.random.seed(1)
    X = np.random.randn(3, 5)
    parameters = seed_1_parameters(SMALL)
    _, cache = reg["forward_propagation"](X, parameters)
    grads = reg["backward_propagation_with_regularization"](X, Y, cache, lambd=0.7)
    np.testing.assert_allclose(grads["dW3"], [[-1.77691347, -0.11832879, -0.09397446]], atol=SPEC_TOL)
    A3, _ = reg["forward_propagation_with_dropout"](X, parameters, keep_prob=0.7)
    np.testing.assert_allclose(A3, [[0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721]], atol=SPEC_TOL)
    _, dropout_cache = reg["forward_propagation_with_dropout"](X, parameters, keep_prob=0.5)
    grads = reg["backward_propagation_with_dropout"](X, Y, dropout_cache, keep_prob=0.8)
    np.testing.assert_allclose(grads["dA1"], [[0.36544439, 0, -0.00188233, 0, -0.17408748],
                                              [0.65515713, 0, -0.00337459, 0, 0]], atol=SPEC_TOL)


# ----------------------------------------------------------------------------- Initialization
def test_initialization_functions_on_the_later_edition_examples():
    init = notebook_functions("initialization")
    zeros = init["initialize_parameters_zeros"]([3, 2, 1])
    assert {k: v.shape for k, v in zeros.items()} == {"W1": (2, 3), "b1": (2, 1), "W2": (1, 2), "b2": (1, 1)}
    assert all(not v.any() for v in zeros.values())
    random = init["initialize_parameters_random"]([3, 2, 1])
    np.testing.assert_allclose(random["W2"], [[-0.82741481, -6.27000677]], atol=SPEC_TOL)
    he = init["initialize_parameters_he"]([2, 4, 1])
    np.testing.assert_allclose(he["W2"], [[-0.03098412, -0.33744411, -0.92904268, 0.62552248]], atol=SPEC_TOL)
    assert he["b1"].shape == (4, 1) and not he["b1"].any()
