"""Self-checks of the Regularization notebook.

Each `check_<name>(fn)` runs the student's function on the notebook's visible
example (the fixtures of testCases.py), compares the result with the figures
stored below, and ends with "All checks passed for <name>." or raises
`SelfCheckFailed` after saying in plain words what to fix.

How mistakes are named: expected_outputs_regularization.json (written when the
assignment is released) holds, for the fixed inputs of STORED_INPUTS, the right
output and the output of each typical mistake (a penalty without the 1/m, a mask
thresholded the wrong way, a missing division by keep_prob, ...). When the
student's result equals one of them, the check prints the advice for that
mistake. A second input catches a function that only knows the notebook's
example, and a few more calls test what one example cannot show: a penalty that
ignores lambd, dropout that depends on the random state before the call, masks
drawn again in the backward pass. The global NumPy random state is put back as
it was after every check.
"""
import itertools

import numpy as np

import nn_core
import testCases
from grading_cases import build_case, stored_function
from selfcheck_core import Check, SelfCheckFailed, call, keeps_random_state

__all__ = ["check_compute_cost_with_regularization", "check_backward_propagation_with_regularization",
           "check_forward_propagation_with_dropout", "check_backward_propagation_with_dropout",
           "SelfCheckFailed"]

# ----------------------------------------------------------------------------- figures of the visible examples
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


def _stored(function):
    return stored_function("regularization", function)


def _second_input(check, function, stored, compare, hint_of):
    """Run `function` on the second stored input; when its output is not the stored one, say so and name
    the mistake whose stored output it equals (`hint_of(mistake id)`), or suspect a hard-coded answer.
    `compare(got, wanted)` says whether two outputs agree."""
    __tracebackhide__ = True
    args, kwargs, _ = STORED_INPUTS[check.function_name][1][1]()
    ok, got = call(check, function, *args, **kwargs)
    if not ok or compare(got, stored["expected"][1]):
        return
    check.fail("on a second example (other sizes and values than the notebook's), %s gives a wrong result"
               % check.function_name)
    for mistake_id, mistake in stored["mistakes"].items():
        if compare(got, mistake["outputs"][1]):
            check.hint((hint_of(mistake_id) if hint_of else None) or "it looks like " + mistake["label"])
            return
    check.hint("the function gives the notebook's example right but not another input: compute the result "
               "from the arguments, do not write the expected numbers into the code")
CACHE_NAMES = ["Z1", "D1", "A1", "W1", "b1", "Z2", "D2", "A2", "W2", "b2", "Z3", "A3", "W3", "b3"]


# ----------------------------------------------------------------------------- calling the student's code
def _disturb(seed):
    """Put the global generator in a state a correct function must not depend on."""
    np.random.seed(seed)
    np.random.rand(7)


def _matches(got, wanted):
    """got equals wanted (arrays or numbers) within the matching tolerance."""
    try:
        got = np.asarray(got, dtype=float)
        wanted = np.asarray(wanted, dtype=float)
    except (TypeError, ValueError):
        return False
    if got.shape != wanted.shape:
        if got.size != wanted.size or got.size != 1:
            return False
        got = got.reshape(wanted.shape)
    return bool(np.all(np.isfinite(got))) and np.allclose(got, wanted, rtol=MATCH_RTOL, atol=MATCH_ATOL)


def _as_array(value):
    """value as a float array, or None when it is not numbers."""
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _number(value):
    """value as one float, or None when it is not a single number."""
    array = _as_array(value)
    return float(array.reshape(-1)[0]) if array is not None and array.size == 1 else None


def _is_array_of_shape(check, value, what, shape):
    """Record a problem unless value is an array (or nested list) of numbers of the given shape."""
    array = _as_array(value)
    return check.is_array(array if array is not None else value, what, shape)


def _returned_gradients(check, backward, X, Y, cache, argument, layout):
    """Call a backward pass; its gradients dict, or None after saying what is wrong with the call or the result.
    `layout` is the advice for a cache the function unpacks the wrong way."""
    __tracebackhide__ = True
    ok, grads = call(check, backward, X, Y, cache, argument)
    if not ok:
        _unpack_error_hint(check, check.last_problem, layout)
        return None
    if grads is None:
        check.fail("the function returned nothing")
        check.hint("keep the last line of the function, `return gradients`")
        return None
    if not check.is_dict_with(grads, GRADIENT_KEYS, "the returned gradients"):
        check.hint("return the dict `gradients` built at the end of the function, with all its keys")
        return None
    return grads


def _unpack_error_hint(check, error_text, what):
    if "values to unpack" in error_text:
        check.hint("the cache does not have the layout the function unpacks. %s" % what)


# ============================================================================= compute_cost_with_regularization
HINT_L2_MISSING = ("the L2 penalty is missing: the cost equals the plain cross-entropy. Add "
                   "L2_regularization_cost = (lambd / (2 * m)) times the sum of the squares of every entry of "
                   "W1, W2 and W3 (np.sum(np.square(W1)) is the sum for W1)")
HINT_L2_NO_M = ("the penalty is m times too large: the 1/m is missing. Formula (2) multiplies the sum of squares "
                "by (1/m) * (lambd/2), that is lambd / (2 * m), where m is the number of examples")
HINT_L2_NO_HALF = ("the penalty is twice too large: the 1/2 is missing. In the cost the factor is "
                   "lambd / (2 * m); lambd / m is the factor of the gradient, (lambd / m) * W, not of the cost")
HINT_L2_NO_M_NO_HALF = ("the penalty is 2 * m times too large: both the 1/m and the 1/2 are missing. The factor "
                        "in front of the sum of squares is lambd / (2 * m)")
HINT_L2_BIASES = ("the biases b1, b2, b3 were penalised too. L2 regularization only adds the squared weights "
                  "W1, W2, W3 to the cost; leave the biases out of the sum")
HINT_L2_NOT_SQUARED = ("the weights were summed as they are, not squared: positive and negative entries cancel. "
                       "Square every entry first: np.sum(np.square(W1)), and the same for W2 and W3")
HINT_L2_SQUARE_OF_SUM = ("you squared the sum of each matrix instead of summing the squares of its entries: "
                         "use np.sum(np.square(W1)), not np.square(np.sum(W1))")
HINT_L2_NORM = ("the penalty uses the norm of the weights where formula (2) uses the sum of their squares "
                "(the squared norm): np.sum(np.square(W1)), or np.linalg.norm(W1) ** 2")
HINT_L2_ONLY_PENALTY = ("the cost is the penalty alone: add it to the cross-entropy part, which the function "
                        "already computes as cross_entropy_cost")
HINT_L2_FORGOT = ("the squares of %s are not in the penalty: formula (2) sums over all three weight matrices, "
                  "W1, W2 and W3")
HINT_L2_LAMBD = ("the penalty does not grow in proportion to lambd. Use the argument lambd (not a fixed number) "
                 "as the factor: with lambd = 0 the cost must be exactly the cross-entropy")


COST_HINTS = {
    "l2_term_missing": HINT_L2_MISSING,
    "l2_missing_one_over_m": HINT_L2_NO_M,
    "l2_missing_half": HINT_L2_NO_HALF,
    "l2_missing_m_and_half": HINT_L2_NO_M_NO_HALF,
    "l2_sums_biases_too": HINT_L2_BIASES,
    "l2_biases_without_half": HINT_L2_BIASES + ". " + HINT_L2_NO_HALF,
    "l2_penalty_alone": HINT_L2_ONLY_PENALTY,
    "l2_norm_not_squared": HINT_L2_NORM,
    "l2_norms_not_squared": HINT_L2_NORM,
    "l2_square_of_sum": HINT_L2_SQUARE_OF_SUM,
    "l2_not_squared": HINT_L2_NOT_SQUARED,
    "l2_linear_in_W": HINT_L2_NOT_SQUARED,
    "l2_forgets_W1": HINT_L2_FORGOT % "W1",
    "l2_forgets_W2": HINT_L2_FORGOT % "W2",
    "l2_forgets_W3": HINT_L2_FORGOT % "W3",
}


@keeps_random_state
def check_compute_cost_with_regularization(compute_cost_with_regularization):
    """Self-check of compute_cost_with_regularization(A3, Y, parameters, lambd) on the notebook's example."""
    __tracebackhide__ = True
    check = Check("compute_cost_with_regularization")
    A3, Y, parameters = testCases.compute_cost_with_regularization_test_case()
    ok, cost = call(check, compute_cost_with_regularization, A3, Y, parameters, COST_LAMBD)
    what = "the cost for the example (lambd = %s)" % COST_LAMBD
    if ok and cost is None:
        check.fail("%s is None: the function returned nothing" % what)
        check.hint("keep the last line of the function, `return cost`")
    elif ok and check.is_number(cost, what):
        if not check.close(cost, EXPECTED_COST, what, rtol=1e-9, atol=1e-10):
            stored = _stored("compute_cost_with_regularization")
            for mistake_id, mistake in stored["mistakes"].items():
                if mistake_id in COST_HINTS and _matches(cost, mistake["outputs"][0]):
                    check.hint(COST_HINTS[mistake_id])
                    break
            else:
                check.hint("the cost should be cross_entropy_cost + (lambd / (2 * m)) * (sum of the squares of all "
                           "entries of W1, W2 and W3), formula (2)")
        else:
            # One example cannot show whether lambd is used: try lambd = 0 and lambd = 0.3.
            cross_entropy = float(nn_core.compute_cost(A3, Y))
            _, at_zero = call(check, compute_cost_with_regularization, A3, Y, parameters, 0.0)
            _, at_three = call(check, compute_cost_with_regularization, A3, Y, parameters, 0.3)
            if check.ok:
                zero_ok = _matches(_number(at_zero), cross_entropy)
                three_ok = _number(at_three) is not None and _matches(
                    _number(at_three) - cross_entropy, 3 * (_number(cost) - cross_entropy))
                check.expect(zero_ok, "with lambd = 0 the cost should be the cross-entropy alone, %.10f; got %s"
                             % (cross_entropy, at_zero))
                check.expect(three_ok, "with lambd = 0.3 the penalty should be 3 times the penalty for lambd = 0.1; "
                                       "got a cost of %s" % (at_three,))
                if not (zero_ok and three_ok):
                    check.hint(HINT_L2_LAMBD)
            if check.ok:
                _second_input(check, compute_cost_with_regularization, _stored("compute_cost_with_regularization"),
                              lambda got, wanted: _number(got) is not None and _matches(got, wanted),
                              COST_HINTS.get)
    return check.finish()


# ============================================================================= backward_propagation_with_regularization
HINT_DW_NO_TERM = ("%s has no L2 part: it is the gradient of the cross-entropy alone. The penalty "
                   "(lambd / (2 m)) * sum(W ** 2) adds (lambd / m) * %s to it")
HINT_DW_NOT_OVER_M = ("%s adds lambd * %s: divide by m too. The derivative of (lambd / (2 * m)) * W ** 2 is "
                      "(lambd / m) * W, so the extra term is lambd / m * %s")
HINT_DW_DOUBLED = ("%s adds 2 * (lambd / m) * %s: the 2 from differentiating W ** 2 cancels the 1/2 of the cost, "
                   "so the extra term is just (lambd / m) * %s")
HINT_DW_HALVED = ("%s adds (lambd / (2 * m)) * %s, the factor of the cost. Differentiating W ** 2 gives 2 * W, "
                  "which cancels the 1/2: the extra term of the gradient is (lambd / m) * %s")
HINT_DW_SIGN = ("%s subtracts the L2 term. The penalty grows with the weights, so its gradient is added: "
                "+ (lambd / m) * %s")
HINT_DW_SQUARED = ("%s adds (lambd / m) * %s squared; the derivative of W ** 2 is 2 * W, so the extra term is "
                   "(lambd / m) * %s, not a square")
HINT_DW_DATA_NO_M = ("%s: the cross-entropy part lacks its 1/m. Keep that part as backward_propagation computes "
                     "it, 1. / m * np.dot(dZ, A_previous.T), and add (lambd / m) * %s to it")
HINT_DW_OTHER = ("%s should be the plain gradient 1. / m * np.dot(dZ, A_previous.T) plus (lambd / m) * %s")
HINT_DB_PENALISED = ("%s changed, but the biases are not penalised: the L2 term only adds to dW1, dW2 and dW3, "
                     "leave the db lines as they are")
HINT_DW_LAMBD = ("the L2 term of the gradients does not grow in proportion to lambd: use the argument lambd "
                 "(not a fixed number); with lambd = 0 the gradients must be those of backward_propagation")


DW_HINTS = {  # stored mistake id -> hint template, filled with (key, weight)
    "l2_backward_no_reg_term": HINT_DW_NO_TERM,
    "l2_backward_lambd_not_over_m": HINT_DW_NOT_OVER_M,
    "l2_backward_doubled": HINT_DW_DOUBLED,
    "l2_backward_halved": HINT_DW_HALVED,
    "l2_backward_subtracted": HINT_DW_SIGN,
    "l2_backward_squared": HINT_DW_SQUARED,
    "l2_backward_data_term_without_1_over_m": HINT_DW_DATA_NO_M,
}


def _dw_template(got, key, stored, index=0):
    """The hint template of the first stored mistake whose `key` equals `got` on stored input `index`."""
    for mistake_id, template in DW_HINTS.items():
        output = stored["mistakes"][mistake_id]["outputs"][index]
        if isinstance(output, dict) and _matches(got, output.get(key)):
            return template
    return HINT_DW_OTHER


def _fill(template, key, weight):
    """A dW hint template with the matrix names filled in (the templates name the weight once or twice)."""
    return template % ((key,) + (weight,) * (template.count("%s") - 1))


@keeps_random_state
def check_backward_propagation_with_regularization(backward_propagation_with_regularization):
    """Self-check of backward_propagation_with_regularization(X, Y, cache, lambd) on the notebook's example."""
    __tracebackhide__ = True
    check = Check("backward_propagation_with_regularization")
    X, Y, cache = testCases.backward_propagation_with_regularization_test_case()
    lambd = BACKWARD_LAMBD
    grads = _returned_gradients(check, backward_propagation_with_regularization, X, Y, cache, lambd,
                                "Keep the line that unpacks the cache as given: it matches forward_propagation's "
                                "cache.")
    if grads is None:
        return check.finish()

    plain = nn_core.backward_propagation(X, Y, cache)
    stored = _stored("backward_propagation_with_regularization")
    weights = {"dW1": cache[2], "dW2": cache[6], "dW3": cache[10]}
    all_right = True
    slips = {}  # hint template -> the gradients that show that slip (one slip, one line)
    for key in ("dW3", "dW2", "dW1"):
        weight = key[1:]
        if not _is_array_of_shape(check, grads[key], key, np.shape(weights[key])):
            all_right = False
            continue
        template = _dw_template(grads[key], key, stored)
        if check.close(grads[key], EXPECTED_DW[key], key + " (lambd = %s)" % lambd, rtol=0, atol=FIGURE_ATOL,
                       group=("dW", template), more="{others}: wrong the same way", subject=key):
            continue
        all_right = False
        slips.setdefault(template, []).append(key)
    for template, keys in slips.items():
        hint = _fill(template, keys[0], keys[0][1:])
        if len(keys) > 1:
            hint += " (the same slip in %s)" % " and ".join(keys[1:])
        check.hint(hint)
    for key in ("db3", "db2", "db1"):
        if not check.close(grads[key], plain[key], key, rtol=MATCH_RTOL, atol=MATCH_ATOL):
            all_right = False
            check.hint(HINT_DB_PENALISED % key)
    if all_right and check.ok:
        # One example cannot show whether lambd is used: try lambd = 0 and lambd = 1.4.
        _, at_zero = call(check, backward_propagation_with_regularization, X, Y, cache, 0.0)
        _, doubled = call(check, backward_propagation_with_regularization, X, Y, cache, 2 * lambd)
        if check.ok:
            for key in ("dW1", "dW2", "dW3"):
                zero_ok = isinstance(at_zero, dict) and _matches(at_zero.get(key), plain[key])
                twice = _as_array(doubled.get(key)) if isinstance(doubled, dict) else None
                double_ok = twice is not None and twice.shape == plain[key].shape and _matches(
                    twice - plain[key], 2 * (np.asarray(grads[key], dtype=float) - plain[key]))
                check.expect(zero_ok, "with lambd = 0, %s should equal the plain gradient of "
                                      "backward_propagation" % key)
                check.expect(double_ok, "with lambd = %s, the L2 term of %s should be twice as large as with "
                                        "lambd = %s" % (2 * lambd, key, lambd))
                if not (zero_ok and double_ok):
                    check.hint(HINT_DW_LAMBD)
        if check.ok:
            _second_input(check, backward_propagation_with_regularization, stored, _same_gradients(("dW1", "db1", "dW2", "db2", "dW3", "db3")),
                          lambda mistake_id: _fill(DW_HINTS[mistake_id], "dW1", "W1") if mistake_id in DW_HINTS
                          else None)
    return check.finish()


def _same_gradients(keys):
    """compare(got, wanted) for gradient dicts: every one of `keys` within the matching tolerance."""
    def compare(got, wanted):
        return (isinstance(got, dict) and isinstance(wanted, dict)
                and all(_matches(got.get(key), wanted.get(key)) for key in keys))
    return compare


# ============================================================================= dropout
# The ways one hidden layer can be treated (grader/mistakes/regularization.py defines them; the stored
# file holds A3 for every pair of them, "combination:<layer 1 rule>+<layer 2 rule>[+output]").
LAYER_RULES = ("right", "inverted", "mask_not_applied", "not_scaled", "times_keep_prob", "no_dropout",
               "no_dropout_no_draw", "normal_numbers", "one_number_per_unit")


def _forward_layer_hint(rule, layer):
    A, D = "A%d" % layer, "D%d" % layer
    return {
        "inverted": ("%s: the mask is inverted. Step 2 should keep a unit (1) when its random number is below "
                     "keep_prob: (%s < keep_prob). With > you keep the units that should be dropped, and keep "
                     "only about 1 - keep_prob of them" % (A, D)),
        "mask_not_applied": ("%s: the mask %s is drawn but not applied (step 3). Multiply %s by %s so that the "
                             "dropped units become 0, then divide by keep_prob" % (A, D, A, D)),
        "not_scaled": ("%s: step 4 is missing: after the mask, divide %s by keep_prob, so that the expected value "
                       "of each unit stays what it was without dropout (inverted dropout)" % (A, A)),
        "times_keep_prob": ("%s: you multiplied by keep_prob; step 4 divides by keep_prob. The kept units must "
                            "grow (by 1 / keep_prob) to make up for the dropped ones" % A),
        "no_dropout": ("%s gets no dropout: apply the four steps to %s too (draw %s, threshold it, multiply, "
                       "divide by keep_prob)" % (A, A, D)),
        "no_dropout_no_draw": ("%s gets no dropout: apply the four steps to %s too (draw %s, threshold it, "
                               "multiply, divide by keep_prob)" % (A, A, D)),
        "normal_numbers": ("%s: the random numbers come from np.random.randn (normal numbers). Use "
                           "np.random.rand, which gives uniform numbers between 0 and 1: then (%s < keep_prob) "
                           "is 1 with probability keep_prob" % (A, D)),
        "one_number_per_unit": ("%s: %s has the wrong shape: one random number per unit drops the same units for "
                                "every example. Draw %s with the shape of %s: np.random.rand(%s.shape[0], "
                                "%s.shape[1])" % (A, D, D, A, A, A)),
    }[rule]


HINT_OUTPUT_DROPOUT = ("A3, the output layer, got dropout too. Dropout belongs to the two hidden layers only: "
                       "the output A3 = sigmoid(Z3) stays as it is")
HINT_SEED = ("the result depends on the state of the random generator before the call. Keep "
             "np.random.seed(1) as the first line of the function (it is in the notebook: do not remove or move "
             "it); it makes the masks the same at every call, so the numbers can be checked")


def _likelier_first(combo):
    """Order of the combinations of layer rules tried: the same rule on both layers first (a
    mistake is usually made twice, once per layer), then by the number of mistakes. The example
    is small, so a rarer combination can give the same numbers by chance."""
    rule_a, rule_b = combo[0], combo[1]
    mistakes = (rule_a != "right") + (rule_b != "right") + sum(bool(extra) for extra in combo[2:])
    return (rule_a != rule_b, mistakes)


def _name_forward_mistakes(A3):
    """Hints of the combination of layer mistakes (and output dropout) whose stored A3 on the notebook's
    example is `A3`; [] when none is."""
    variants = _stored("forward_propagation_with_dropout")["variants"]
    combos = sorted(itertools.product(LAYER_RULES, LAYER_RULES, (False, True)), key=_likelier_first)
    for rule_1, rule_2, output_dropout in combos:
        if (rule_1, rule_2, output_dropout) == ("right", "right", False):
            continue
        name = "combination:%s+%s%s" % (rule_1, rule_2, "+output" if output_dropout else "")
        if _matches(A3, variants[name][0]):
            hints = [_forward_layer_hint(rule, layer)
                     for layer, rule in ((1, rule_1), (2, rule_2)) if rule != "right"]
            return hints + ([HINT_OUTPUT_DROPOUT] if output_dropout else [])
    return []


def _is_mask(value, shape):
    array = _as_array(value)
    return array is not None and array.shape == tuple(shape) and bool(np.all((array == 0) | (array == 1)))


def _check_cache_layout(check, cache, X, parameters):
    """The cache must have the 14 entries in order, its masks D1, D2 the shapes of A1, A2. Returns True if so."""
    if not isinstance(cache, (tuple, list)) or len(cache) != 14:
        check.fail("the cache should have 14 entries (%s), got %s" % (
            ", ".join(CACHE_NAMES), "%d entries" % len(cache) if isinstance(cache, (tuple, list))
            else type(cache).__name__))
        check.hint("keep the cache line as given: cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3); "
                   "backward_propagation_with_dropout unpacks it in exactly that order")
        return False
    layout_ok = True
    for index, layer in ((1, 1), (6, 2)):
        name = CACHE_NAMES[index]
        shape = (parameters["W%d" % layer].shape[0], X.shape[1])
        got = np.shape(cache[index]) if _as_array(cache[index]) is not None else None
        if got != shape:
            layout_ok = False
            check.fail("%s in the cache has shape %s; it should have the shape of A%d, %s"
                       % (name, got, layer, shape))
            check.hint("%s has the wrong shape: draw it with the shape of A%d, np.random.rand(A%d.shape[0], "
                       "A%d.shape[1]), one random number per unit and example (and keep the name %s for the "
                       "mask: the cache stores it)" % (name, layer, layer, layer, name))
    return layout_ok


def _check_cache_values(check, cache, X, parameters, keep_prob):
    """The cached masks are 0/1 and the ones that gave A3; the cached A1, A2 are the dropped-out, scaled ones."""
    wanted = _stored("forward_propagation_with_dropout")["expected"][0][1]  # the cache of the right forward pass
    for index in (1, 6):
        name, activation = CACHE_NAMES[index], CACHE_NAMES[index + 1]
        if not _is_mask(cache[index], np.shape(wanted[index])):
            check.fail("%s in the cache should be a mask of 0s and 1s (the shape of %s)" % (name, activation))
            check.hint("%s must end up as the 0/1 mask (step 2 replaces the random numbers with "
                       "(%s < keep_prob)); the backward pass reuses it from the cache" % (name, name))
        elif not _matches(cache[index], wanted[index]):
            check.fail("%s in the cache is not the mask that gave A3" % name)
            check.hint("the cache must hold the masks used in the forward pass: keep the names D1, D2 for them")
    for index in (2, 7):
        name = CACHE_NAMES[index]
        if not _matches(cache[index], wanted[index]):
            check.fail("%s in the cache should hold the activations after dropout (masked, divided by keep_prob)"
                       % name)
            check.hint("store the dropped-out, rescaled activations under the name %s: the next layer and the "
                       "backward pass both use them" % name)


@keeps_random_state
def check_forward_propagation_with_dropout(forward_propagation_with_dropout):
    """Self-check of forward_propagation_with_dropout(X, parameters, keep_prob) on the notebook's example."""
    __tracebackhide__ = True
    check = Check("forward_propagation_with_dropout")
    X, parameters = testCases.forward_propagation_with_dropout_test_case()
    keep_prob = FORWARD_KEEP

    def returned_pair(output, when):
        if output is None:
            check.fail("the function returned nothing %s" % when)
            check.hint("keep the last line of the function, `return A3, cache`")
            return None, None
        if not isinstance(output, (tuple, list)) or len(output) != 2:
            check.fail("the function should return the pair (A3, cache), got %s" % type(output).__name__)
            check.hint("keep the last line of the function, `return A3, cache`")
            return None, None
        return output

    _disturb(DISTURB_SEEDS[0])
    ok, output = call(check, forward_propagation_with_dropout, X, parameters, keep_prob=keep_prob)
    if not ok:
        return check.finish()
    A3, cache = returned_pair(output, "")
    if A3 is None or not _is_array_of_shape(check, A3, "A3", (1, X.shape[1])):
        return check.finish()

    what = "A3 (keep_prob = %s)" % keep_prob
    layout_ok = _check_cache_layout(check, cache, X, parameters)
    if np.allclose(_as_array(A3), EXPECTED_A3, rtol=0, atol=FIGURE_ATOL):
        if layout_ok:
            _check_cache_values(check, cache, X, parameters, keep_prob)
    else:
        # Again, right after np.random.seed(1): a function without its own seed then gets the right masks.
        np.random.seed(1)
        _, seeded_output = call(check, forward_propagation_with_dropout, X, parameters, keep_prob=keep_prob)
        seeded_A3 = seeded_output[0] if isinstance(seeded_output, (tuple, list)) and len(seeded_output) == 2 else None
        depends_on_state = seeded_A3 is not None and not _matches(seeded_A3, A3)
        check.close(A3, EXPECTED_A3, what, rtol=0, atol=FIGURE_ATOL)
        if depends_on_state:
            check.hint(HINT_SEED)
        # (with masks of the wrong shape, the shape hints above already say what to fix)
        named = _name_forward_mistakes(seeded_A3 if seeded_A3 is not None else A3) if layout_ok else []
        for hint in named:
            check.hint(hint)
        if layout_ok and not named and not (depends_on_state and _matches(seeded_A3, EXPECTED_A3)):
            check.hint("apply the four steps to A1 and to A2 (not to X and not to A3): D = np.random.rand(...) of the "
                       "activations' shape, D = (D < keep_prob), multiply the activations by D, divide them by "
                       "keep_prob")

    if check.ok:
        # keep_prob = 1 keeps every unit: the result must be the plain forward pass.
        _, output_one = call(check, forward_propagation_with_dropout, X, parameters, keep_prob=1.0)
        plain_A3, _ = nn_core.forward_propagation(X, parameters)
        A3_one = output_one[0] if isinstance(output_one, (tuple, list)) and len(output_one) == 2 else None
        if check.ok and not check.expect(_matches(A3_one, plain_A3),
                                         "with keep_prob = 1 (nothing dropped), A3 should equal the plain "
                                         "forward pass %s; got %s" % (np.round(plain_A3, 8).tolist(), A3_one)):
            check.hint("use the argument keep_prob everywhere (in step 2 and in step 4), not a fixed number")
    if check.ok:
        _second_input(check, forward_propagation_with_dropout, _stored("forward_propagation_with_dropout"),
                      _same_pair, None)
    return check.finish()


def _same_pair(got, wanted):
    """compare(got, wanted) for (A3, cache): A3 and the cached masks and activations D1, A1, D2, A2."""
    return (isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[1], (tuple, list))
            and len(got[1]) == 14 and _matches(got[0], wanted[0])
            and all(_matches(got[1][index], wanted[1][index]) for index in (1, 2, 6, 7)))


# ============================================================================= backward_propagation_with_dropout
# The ways the gradient of one hidden layer can be treated (defined in grader/mistakes/regularization.py; the
# stored file holds dA2, dA1 for every pair, "combination:<dA2 rule>+<dA1 rule>").
GRAD_RULES = ("right", "mask_not_applied", "not_scaled", "times_keep_prob", "inverted", "untouched")


def _backward_layer_hint(rule, layer):
    dA, D = "dA%d" % layer, "D%d" % layer
    return {
        "mask_not_applied": ("%s: the mask is not applied. Step 1 multiplies %s by %s from the cache, so that the "
                             "units dropped in the forward pass get no gradient" % (dA, dA, D)),
        "not_scaled": ("%s: step 2 is missing: divide %s by keep_prob, as the forward pass divided A%d by it"
                       % (dA, dA, layer)),
        "times_keep_prob": ("%s: you multiplied by keep_prob; divide by keep_prob, as the forward pass did"
                            % dA),
        "inverted": ("%s: the mask is inverted (1 - %s): the gradient flows through the dropped units instead of "
                     "the kept ones. Multiply by %s itself" % (dA, D, D)),
        "untouched": ("%s gets no dropout treatment: apply both steps to %s too (multiply by %s, divide by "
                      "keep_prob)" % (dA, dA, D)),
    }[rule]


HINT_REDRAWN = ("the gradients change from call to call, so new random masks are drawn in the backward pass. "
                "Use the masks D1 and D2 from the cache: the backward pass must switch off exactly the units "
                "the forward pass dropped")


def _cache_without_dropout(X, parameters):
    """The cache of a forward pass that keeps every unit: the plain pass's values, masks of ones."""
    _, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = nn_core.forward_propagation(X, parameters)
    return (Z1, np.ones(Z1.shape), A1, W1, b1, Z2, np.ones(Z2.shape), A2, W2, b2, Z3, A3, W3, b3)


@keeps_random_state
def check_backward_propagation_with_dropout(backward_propagation_with_dropout):
    """Self-check of backward_propagation_with_dropout(X, Y, cache, keep_prob) on the notebook's example."""
    __tracebackhide__ = True
    check = Check("backward_propagation_with_dropout")
    X, Y, cache = testCases.backward_propagation_with_dropout_test_case()
    keep_prob = BACKWARD_KEEP
    stored = _stored("backward_propagation_with_dropout")

    _disturb(DISTURB_SEEDS[0])
    grads = _returned_gradients(check, backward_propagation_with_dropout, X, Y, cache, keep_prob,
                                "Keep the line that unpacks the cache as given: it matches the cache of "
                                "forward_propagation_with_dropout, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, "
                                "W3, b3)")
    if grads is None:
        return check.finish()

    shapes_ok = True
    for key, shape in (("dA2", cache[5].shape), ("dA1", cache[0].shape)):
        shapes_ok = _is_array_of_shape(check, grads[key], key, shape) and shapes_ok
    if not shapes_ok:
        return check.finish()

    right = {key: check.close(grads[key], EXPECTED_DA[key], key + " (keep_prob = %s)" % keep_prob,
                              rtol=0, atol=FIGURE_ATOL) for key in ("dA2", "dA1")}
    if not all(right.values()):
        _disturb(DISTURB_SEEDS[1])
        _, again = call(check, backward_propagation_with_dropout, X, Y, cache, keep_prob)
        if isinstance(again, dict) and not all(_matches(again.get(k), grads[k]) for k in ("dA2", "dA1")):
            check.hint(HINT_REDRAWN)
        elif _same_gradients(("dA2", "dA1"))(grads, stored["mistakes"]["dropout_backward_redrawn_after_seed"]
                                                 ["outputs"][0]):
            check.hint(HINT_REDRAWN.replace("the gradients change from call to call, so new", "new"))
        else:
            for rule_2, rule_1 in sorted(itertools.product(GRAD_RULES, GRAD_RULES), key=_likelier_first):
                if (rule_2, rule_1) == ("right", "right"):
                    continue
                if _same_gradients(("dA2", "dA1"))(grads, stored["variants"]["combination:%s+%s" % (rule_2, rule_1)][0]):
                    for layer, rule in ((2, rule_2), (1, rule_1)):
                        if rule != "right":
                            check.hint(_backward_layer_hint(rule, layer))
                    break
            else:
                check.hint("for each of dA2 and dA1: step 1 multiplies it by the mask from the cache (D2, D1), "
                           "step 2 divides it by keep_prob")
    else:
        expected = stored["expected"][0]
        for key in ("dW3", "db3", "dW2", "db2", "dW1", "db1"):
            if not check.close(grads[key], expected[key], key, rtol=MATCH_RTOL, atol=MATCH_ATOL):
                check.hint("dA1 and dA2 are right, so %s should be too: keep the given lines that compute dZ, "
                           "dW and db from them" % key)
        if check.ok:
            # keep_prob = 1 with masks of ones: the gradients must be those of the plain backward pass.
            plain_X, plain_parameters = testCases.forward_propagation_with_dropout_test_case()
            full_cache = _cache_without_dropout(plain_X, plain_parameters)
            _, plain_cache = nn_core.forward_propagation(plain_X, plain_parameters)
            plain = nn_core.backward_propagation(plain_X, Y, plain_cache)
            _, at_one = call(check, backward_propagation_with_dropout, plain_X, Y, full_cache, 1.0)
            if check.ok:
                same = isinstance(at_one, dict) and all(_matches(at_one.get(k), plain[k])
                                                       for k in ("dA2", "dA1", "dW1", "dW2", "dW3"))
                if not check.expect(same, "with keep_prob = 1 and masks of ones, the gradients should equal "
                                          "those of the plain backward pass"):
                    check.hint("use the argument keep_prob in step 2, not a fixed number")
        if check.ok:
            _second_input(check, backward_propagation_with_dropout, stored,
                          _same_gradients(("dA2", "dA1", "dW1", "db1", "dW2", "db2", "dW3", "db3")), None)
    return check.finish()
