"""The Regularization self-checks' fixed examples: the figures a right answer gives on the notebook's
visible examples, the tolerances, and the fixed inputs whose outputs the stored file holds.

Data only: the numbers here are results, never a way to compute one (the release ships this file).
"""
import testCases
from grading_cases import build_case, stored_function

# L2 cost, lambd = 0.1. Our testCases computes A3 with the forward pass instead of pasting a rounded
# copy of it, so the cost comes out as 1.786485898718046; the original figure 1.7864859451590758
# (SPEC_COST) was computed from the rounded A3 and is 4.6e-8 away (tests/test_regularization.py).
COST_LAMBD = 0.1
EXPECTED_COST = 1.786485898718046
SPEC_COST = 1.7864859451590758

# The figures below are what a correct solution computes on the fixtures, at full precision, so that
# a number the check prints agrees with the notebook's expected output to every digit shown. The
# original course quotes them to 8 decimals (SPEC.md): tests/test_regularization.py checks that both
# agree within 1e-7 (the original truncates some: -0.00188233 for -0.0018823360...).

# Gradients of the L2-regularized cost, lambd = 0.7.
BACKWARD_LAMBD = 0.7
EXPECTED_DW = {
    "dW1": [[-0.2560464576312637, 0.1229882689643368, -0.2829712859153772],
            [-0.17706302597622675, 0.34536094329148287, -0.44105710069054516]],
    "dW2": [[0.7927648593155051, 0.8513391823932989], [-0.09572190028440662, -0.01720463157261074],
            [-0.13100772079626963, -0.03750433114764222]],
    "dW3": [[-1.7769134664009532, -0.11832878980982073, -0.09397445831715466]],
}

# Forward pass with dropout, keep_prob = 0.7.
FORWARD_KEEP = 0.7
EXPECTED_A3 = [[0.36974720617815354, 0.003051758134649767, 0.045650993373441896, 0.4968338925883705,
                0.36974720617815354]]

# Backward pass with dropout, keep_prob = 0.8 (the cache's masks were drawn with keep_prob 0.5).
BACKWARD_KEEP = 0.8
EXPECTED_DA = {
    "dA1": [[0.36544438535341717, 0.0, -0.0018823360422263386, 0.0, -0.1740874766122231],
            [0.6551571295118488, 0.0, -0.0033745924896590304, 0.0, 0.0]],
    "dA2": [[0.5818085611106311, 0.0, -0.0029967876594827686, 0.0, -0.27715731403886806],
            [0.0, 0.5315985407440749, 0.0, 0.5315985407440749, -0.34089672853347136],
            [0.0, 0.0, -0.002927331253143829, 0.0, 0.0]],
}

# Tolerance of the comparison with the figures (a correct solution is within 1e-12 of them).
FIGURE_ATOL = 1e-7
# Tolerance for "the result equals the number mistake X gives" (computed at full precision).
MATCH_RTOL, MATCH_ATOL = 1e-6, 1e-9
# Seeds the checks put into the global generator before a call, to see whether the result depends on it.
DISTURB_SEEDS = (20261124, 4242)

GRADIENT_KEYS = ["dZ3", "dW3", "db3", "dA2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1"]


# ----------------------------------------------------------------------------- the fixed inputs of the stored outputs
def _notebook_example(test_case, extra_args=(), **kwargs):
    """(args, kwargs, patches) of a notebook example: the test case's arrays, then `extra_args`."""
    return lambda: (tuple(test_case()) + tuple(extra_args), dict(kwargs), {})


def _second_example(case, **params):
    """(args, kwargs, patches) of a second fixed input, a seeded network of other sizes."""
    return lambda: build_case(case, params)


STORED_INPUTS = {
    "compute_cost_with_regularization": [
        ("notebook example", _notebook_example(testCases.compute_cost_with_regularization_test_case, (COST_LAMBD,))),
        ("second example", _second_example("l2_cost", seed=101, n_x=3, n_h1=4, n_h2=3, m=6, lambd=0.4))],
    "backward_propagation_with_regularization": [
        ("notebook example", _notebook_example(testCases.backward_propagation_with_regularization_test_case,
                                               (BACKWARD_LAMBD,))),
        ("second example", _second_example("l2_backward", seed=102, n_x=4, n_h1=3, n_h2=2, m=5, lambd=0.9))],
    "forward_propagation_with_dropout": [
        ("notebook example", _notebook_example(testCases.forward_propagation_with_dropout_test_case,
                                               keep_prob=FORWARD_KEEP)),
        ("second example", _second_example("dropout_forward", seed=103, n_x=2, n_h1=4, n_h2=3, m=7, keep_prob=0.8))],
    "backward_propagation_with_dropout": [
        ("notebook example", _notebook_example(testCases.backward_propagation_with_dropout_test_case,
                                               (BACKWARD_KEEP,))),
        ("second example", _second_example("dropout_backward", seed=104, n_x=3, n_h1=4, n_h2=3, m=6,
                                           keep_prob=0.7, mask_seed=5))],
}


def stored_outputs(function):
    """The stored outputs (right answer, mistakes, variants) of one graded function."""
    return stored_function("regularization", function)


CACHE_NAMES = ["Z1", "D1", "A1", "W1", "b1", "Z2", "D2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3"]
