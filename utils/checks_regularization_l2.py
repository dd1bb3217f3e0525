"""Self-checks of the L2 part of the Regularization notebook: the regularized cost and its backward pass."""
import numpy as np

import nn_core
from checks_regularization_calls import (as_array, as_number, is_array_of_shape, matches, on_second_input,
                                         returned_gradients, same_gradients, start_check)
from checks_regularization_examples import (BACKWARD_LAMBD, COST_LAMBD, EXPECTED_COST, EXPECTED_DW, FIGURE_ATOL,
                                            MATCH_ATOL, MATCH_RTOL, stored_outputs)
from selfcheck_core import call, keeps_random_state


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
    check, (A3, Y, parameters) = start_check("compute_cost_with_regularization")
    ok, cost = call(check, compute_cost_with_regularization, A3, Y, parameters, COST_LAMBD)
    what = "the cost for the example (lambd = %s)" % COST_LAMBD
    if ok and cost is None:
        check.fail("%s is None: the function returned nothing" % what)
        check.hint("keep the last line of the function, `return cost`")
    elif ok and check.is_number(cost, what):
        if not check.close(cost, EXPECTED_COST, what, rtol=1e-9, atol=1e-10):
            stored = stored_outputs("compute_cost_with_regularization")
            for mistake_id, mistake in stored["mistakes"].items():
                if mistake_id in COST_HINTS and matches(cost, mistake["outputs"][0]):
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
                zero_ok = matches(as_number(at_zero), cross_entropy)
                three_ok = as_number(at_three) is not None and matches(
                    as_number(at_three) - cross_entropy, 3 * (as_number(cost) - cross_entropy))
                check.expect(zero_ok, "with lambd = 0 the cost should be the cross-entropy alone, %.10f; got %s"
                             % (cross_entropy, at_zero))
                check.expect(three_ok, "with lambd = 0.3 the penalty should be 3 times the penalty for lambd = 0.1; "
                                       "got a cost of %s" % (at_three,))
                if not (zero_ok and three_ok):
                    check.hint(HINT_L2_LAMBD)
            if check.ok:
                on_second_input(check, compute_cost_with_regularization,
                                stored_outputs("compute_cost_with_regularization"),
                                lambda got, wanted: as_number(got) is not None and matches(got, wanted),
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
        if isinstance(output, dict) and matches(got, output.get(key)):
            return template
    return HINT_DW_OTHER


def _fill(template, key, weight):
    """A dW hint template with the matrix names filled in (the templates name the weight once or twice)."""
    return template % ((key,) + (weight,) * (template.count("%s") - 1))


@keeps_random_state
def check_backward_propagation_with_regularization(backward_propagation_with_regularization):
    """Self-check of backward_propagation_with_regularization(X, Y, cache, lambd) on the notebook's example."""
    __tracebackhide__ = True
    check, (X, Y, cache) = start_check("backward_propagation_with_regularization")
    lambd = BACKWARD_LAMBD
    grads = returned_gradients(check, backward_propagation_with_regularization, X, Y, cache, lambd,
                               "Keep the line that unpacks the cache as given: it matches forward_propagation's "
                               "cache.")
    if grads is None:
        return check.finish()

    plain = nn_core.backward_propagation(X, Y, cache)
    stored = stored_outputs("backward_propagation_with_regularization")
    weights = {"dW1": cache[2], "dW2": cache[6], "dW3": cache[10]}
    all_right = True
    slips = {}  # hint template -> the gradients that show that slip (one slip, one line)
    for key in ("dW3", "dW2", "dW1"):
        if not is_array_of_shape(check, grads[key], key, np.shape(weights[key])):
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
                zero_ok = isinstance(at_zero, dict) and matches(at_zero.get(key), plain[key])
                twice = as_array(doubled.get(key)) if isinstance(doubled, dict) else None
                double_ok = twice is not None and twice.shape == plain[key].shape and matches(
                    twice - plain[key], 2 * (np.asarray(grads[key], dtype=float) - plain[key]))
                check.expect(zero_ok, "with lambd = 0, %s should equal the plain gradient of "
                                      "backward_propagation" % key)
                check.expect(double_ok, "with lambd = %s, the L2 term of %s should be twice as large as with "
                                        "lambd = %s" % (2 * lambd, key, lambd))
                if not (zero_ok and double_ok):
                    check.hint(HINT_DW_LAMBD)
        if check.ok:
            on_second_input(check, backward_propagation_with_regularization, stored,
                            same_gradients(("dW1", "db1", "dW2", "db2", "dW3", "db3")),
                            lambda mistake_id: _fill(DW_HINTS[mistake_id], "dW1", "W1") if mistake_id in DW_HINTS
                            else None)
    return check.finish()
