"""Known mistakes of the Regularization notebook's graded functions.

The dropout mistakes are made per hidden layer: a rule says how one layer is treated
(mask drawn how, kept where, applied or not, scaled how), and a mistake is a pair of
rules; every pair is also stored for the self-check, which names each layer's slip.
"""
import itertools

import numpy as np

from grader.mistakes import Mistake, mistake
from nn_core import backward_propagation, compute_cost

COST, BACK_L2 = "compute_cost_with_regularization", "backward_propagation_with_regularization"
FWD_DO, BACK_DO = "forward_propagation_with_dropout", "backward_propagation_with_dropout"


# ----------------------------------------------------------------------------- L2 cost
def _squares(parameters, keys=("W1", "W2", "W3")):
    return sum(float(np.sum(np.square(parameters[k]))) for k in keys)


def _cost_mistake(id, label, cost_of):
    """Register mistake `id` of the L2 cost: cost_of(cross_entropy, parameters, lambd, m) is what it returns."""
    @mistake(COST, id, label)
    def run(A3, Y, parameters, lambd):
        return cost_of(compute_cost(A3, Y), parameters, lambd, Y.shape[1])
    return run


def _each_weight(parameters, term):
    return sum(term(np.asarray(parameters[k], dtype=float)) for k in ("W1", "W2", "W3"))


COST_MISTAKES = [
    _cost_mistake("l2_missing_half", "the L2 penalty without the 1/2: lambd / m",
                  lambda ce, p, lambd, m: ce + lambd / m * _squares(p)),
    _cost_mistake("l2_missing_one_over_m", "the L2 penalty without the 1/m: lambd / 2",
                  lambda ce, p, lambd, m: ce + lambd / 2 * _squares(p)),
    _cost_mistake("l2_missing_m_and_half", "the L2 penalty without the 1/m and the 1/2",
                  lambda ce, p, lambd, m: ce + lambd * _squares(p)),
    _cost_mistake("l2_term_missing", "the L2 penalty left out (cross-entropy alone)",
                  lambda ce, p, lambd, m: ce),
    _cost_mistake("l2_sums_biases_too", "the biases penalised too",
                  lambda ce, p, lambd, m: ce + lambd / (2 * m) * _squares(p, ("W1", "W2", "W3", "b1", "b2", "b3"))),
    _cost_mistake("l2_biases_without_half", "the biases penalised too, and the 1/2 missing",
                  lambda ce, p, lambd, m: ce + lambd / m * _squares(p, ("W1", "W2", "W3", "b1", "b2", "b3"))),
    _cost_mistake("l2_penalty_alone", "the L2 penalty alone, without the cross-entropy",
                  lambda ce, p, lambd, m: lambd / (2 * m) * _squares(p)),
    _cost_mistake("l2_norm_not_squared", "the norm of all weights in place of the sum of squares",
                  lambda ce, p, lambd, m: ce + lambd / (2 * m) * np.sqrt(_squares(p))),
    _cost_mistake("l2_norms_not_squared", "each weight matrix's norm in place of its sum of squares",
                  lambda ce, p, lambd, m: ce + lambd / (2 * m) * _each_weight(p, lambda W: np.sqrt(np.sum(W ** 2)))),
    _cost_mistake("l2_square_of_sum", "the square of each matrix's sum in place of the sum of squares",
                  lambda ce, p, lambd, m: ce + lambd / (2 * m) * _each_weight(p, lambda W: np.sum(W) ** 2)),
    _cost_mistake("l2_not_squared", "the weights summed without squaring them",
                  lambda ce, p, lambd, m: ce + lambd / (2 * m) * _each_weight(p, np.sum)),
    _cost_mistake("l2_linear_in_W", "the weights summed without squaring them, and the 1/2 missing",
                  lambda ce, p, lambd, m: ce + lambd / m * _each_weight(p, np.sum)),
] + [
    _cost_mistake("l2_forgets_%s" % left_out, "the squares of %s left out of the penalty" % left_out,
                  lambda ce, p, lambd, m, left_out=left_out: ce + lambd / (2 * m) * (
                      _squares(p) - _squares(p, (left_out,))))
    for left_out in ("W1", "W2", "W3")
]


# ----------------------------------------------------------------------------- L2 backward pass
def _backward_mistake(id, label, dW_of, keys=("dW1", "dW2", "dW3")):
    """Register mistake `id` of the L2 backward pass: dW_of(plain dW, W, lambd, m) for each dW in `keys`."""
    @mistake(BACK_L2, id, label)
    def run(X, Y, cache, lambd):
        m = X.shape[1]
        gradients = backward_propagation(X, Y, cache)
        weights = {"dW1": cache[2], "dW2": cache[6], "dW3": cache[10]}
        for key in keys:
            gradients[key] = dW_of(gradients[key], weights[key], lambd, m)
        return gradients
    return run


BACKWARD_MISTAKES = [
    _backward_mistake("l2_backward_no_reg_term", "the L2 term (lambd / m) * W left out of dW",
                      lambda dW, W, lambd, m: dW),
    _backward_mistake("l2_backward_lambd_not_over_m", "the L2 term of dW not divided by m: lambd * W",
                      lambda dW, W, lambd, m: dW + lambd * W),
    _backward_mistake("l2_backward_doubled", "the L2 term of dW doubled: 2 * (lambd / m) * W",
                      lambda dW, W, lambd, m: dW + 2 * lambd / m * W),
    _backward_mistake("l2_backward_halved", "the cost's factor in dW: (lambd / (2 m)) * W",
                      lambda dW, W, lambd, m: dW + lambd / (2 * m) * W),
    _backward_mistake("l2_backward_subtracted", "the L2 term subtracted from dW",
                      lambda dW, W, lambd, m: dW - lambd / m * W),
    _backward_mistake("l2_backward_squared", "the L2 term of dW with W squared",
                      lambda dW, W, lambd, m: dW + lambd / m * W ** 2),
    _backward_mistake("l2_backward_data_term_without_1_over_m", "the cross-entropy part of dW without its 1/m",
                      lambda dW, W, lambd, m: m * dW + lambd / m * W),
    _backward_mistake("l2_backward_only_dW3", "the L2 term added to dW3 only",
                      lambda dW, W, lambd, m: dW + lambd / m * W, keys=("dW3",)),
]


@mistake(BACK_L2, "l2_backward_db_penalised", "the biases' gradients given an L2 term too")
def l2_backward_db_penalised(X, Y, cache, lambd):
    m = X.shape[1]
    gradients = backward_propagation(X, Y, cache)
    for layer, (W, b) in {1: (cache[2], cache[3]), 2: (cache[6], cache[7]), 3: (cache[10], cache[11])}.items():
        gradients["dW%d" % layer] = gradients["dW%d" % layer] + lambd / m * W
        gradients["db%d" % layer] = gradients["db%d" % layer] + lambd / m * b
    return gradients


# ----------------------------------------------------------------------------- dropout, forward pass
# How one hidden layer is treated: (draw, keep where, apply mask, scaling)
#   draw: "rand" uniform numbers of the layer's shape, "randn" normal ones, "unit" one number per unit,
#         None: nothing drawn; keep where: "below" keeps a unit when its number is < keep_prob, "above"
#         when it is >; scaling: "div" divides by keep_prob, "mul" multiplies by it, "none" leaves it.
LAYER_RULES = {
    "right": ("rand", "below", True, "div"),
    "inverted": ("rand", "above", True, "div"),
    "mask_not_applied": ("rand", "below", False, "div"),
    "not_scaled": ("rand", "below", True, "none"),
    "times_keep_prob": ("rand", "below", True, "mul"),
    "no_dropout": ("rand", "below", False, "none"),
    "no_dropout_no_draw": (None, "below", False, "none"),
    "normal_numbers": ("randn", "below", True, "div"),
    "one_number_per_unit": ("unit", "below", True, "div"),
}
LAYER_LABELS = {
    "inverted": "the dropout mask inverted (a unit kept when its number is above keep_prob)",
    "mask_not_applied": "the dropout mask drawn but not applied",
    "not_scaled": "the dropout mask applied but not divided by keep_prob",
    "times_keep_prob": "the activations multiplied by keep_prob instead of divided",
    "no_dropout": "no dropout on the hidden layers",
    "no_dropout_no_draw": "no dropout on the hidden layers",
    "normal_numbers": "the dropout mask drawn with np.random.randn instead of np.random.rand",
    "one_number_per_unit": "one random number per unit instead of one per unit and example",
}


def _treat_layer(values, keep_prob, rule):
    """One hidden layer's activations after the rule; returns (activations, mask or None)."""
    draw, keep_where, use_mask, scaling = LAYER_RULES[rule]
    if draw is None:
        return values, None
    numbers = {"rand": lambda: np.random.rand(*values.shape), "randn": lambda: np.random.randn(*values.shape),
               "unit": lambda: np.random.rand(values.shape[0], 1)}[draw]()
    mask = ((numbers < keep_prob) if keep_where == "below" else (numbers > keep_prob)).astype(int)
    result = values * mask if use_mask else values * 1.0
    if scaling == "div":
        result = result / keep_prob
    elif scaling == "mul":
        result = result * keep_prob
    return result, mask


def dropout_forward(rule_1, rule_2, output_dropout=False, seeded=True):
    """forward_propagation_with_dropout with hidden layer 1 and 2 treated by these rules of LAYER_RULES."""
    def run(X, parameters, keep_prob=0.5):
        if seeded:
            np.random.seed(1)
        W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
        Z1 = np.dot(W1, X) + b1
        A1, D1 = _treat_layer(np.maximum(Z1, 0), keep_prob, rule_1)
        Z2 = np.dot(W2, A1) + b2
        A2, D2 = _treat_layer(np.maximum(Z2, 0), keep_prob, rule_2)
        Z3 = np.dot(W3, A2) + b3
        A3 = 1 / (1 + np.exp(-Z3))
        if output_dropout:
            A3, _ = _treat_layer(A3, keep_prob, "right")
        ones = lambda values: np.ones(values.shape, dtype=int)  # noqa: E731 (no mask drawn: a mask of ones)
        cache = (Z1, D1 if D1 is not None else ones(Z1), A1, W1, b1, Z2, D2 if D2 is not None else ones(Z2), A2,
                 W2, b2, Z3, A3, W3, b3)
        return A3, cache
    return run


def forward_combination_id(rule_1, rule_2, output_dropout):
    """The stored name of a pair of layer rules (and dropout on the output or not)."""
    return "%s+%s%s" % (rule_1, rule_2, "+output" if output_dropout else "")


FORWARD_COMBINATIONS = [(r1, r2, out) for r1, r2, out in itertools.product(LAYER_RULES, LAYER_RULES, (False, True))
                        if (r1, r2, out) != ("right", "right", False)]



def _pass_mistakes(function, prefix, make, labels, more):
    """The mistakes of one dropout pass, ids starting with `prefix`: the same slip on both hidden layers
    (each rule of `labels`, make(rule, rule)), then `more`, {id suffix: (label, make's arguments)}."""
    return ([Mistake(prefix + rule, function, label, make(rule, rule)) for rule, label in labels.items()]
            + [Mistake(prefix + name, function, label, make(*arguments)) for name, (label, arguments) in more.items()])


ONLY_FIRST_LAYER = "dropout on the first hidden layer only (A2 gets none)"
# arguments of dropout_forward: rule of layer 1, rule of layer 2, dropout on the output, seeded
EXTRA_MISTAKES = _pass_mistakes(FWD_DO, "dropout_", dropout_forward, {
    rule: label for rule, label in LAYER_LABELS.items() if rule != "no_dropout_no_draw"}, {
    "only_first_layer": (ONLY_FIRST_LAYER, ("right", "no_dropout")),
    "only_first_layer_no_draw": (ONLY_FIRST_LAYER, ("right", "no_dropout_no_draw")),
    "on_output_layer": ("dropout applied to the output layer A3 too", ("right", "right", True)),
    "no_seed": ("np.random.seed(1) removed from the function", ("right", "right", False, False))})


# ----------------------------------------------------------------------------- dropout, backward pass
# How one hidden layer's gradient is treated: (mask: "same" | "none" | "flipped", scaling)
GRAD_RULES = {
    "right": ("same", "div"),
    "mask_not_applied": ("none", "div"),
    "not_scaled": ("same", "none"),
    "times_keep_prob": ("same", "mul"),
    "inverted": ("flipped", "div"),
    "untouched": ("none", "none"),
}
GRAD_LABELS = {
    "mask_not_applied": "the mask not applied to dA1, dA2 in the backward pass",
    "not_scaled": "dA1, dA2 masked but not divided by keep_prob",
    "times_keep_prob": "dA1, dA2 multiplied by keep_prob instead of divided",
    "inverted": "the backward pass using the inverted mask (1 - D)",
}


def dropout_backward(rule_2, rule_1, redraw=None):
    """backward_propagation_with_dropout with dA2 and dA1 treated by these rules of GRAD_RULES;
    redraw "seeded" / "unseeded": new masks drawn (after np.random.seed(1) or not) instead of the cache's."""
    def run(X, Y, cache, keep_prob):
        Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3 = cache
        m = X.shape[1]
        if redraw == "seeded":
            np.random.seed(1)

        def treat(grad, mask, rule):
            if redraw:
                mask = np.random.rand(*grad.shape) < keep_prob
            use, scaling = GRAD_RULES[rule]
            if use == "same":
                grad = grad * mask
            elif use == "flipped":
                grad = grad * (1 - np.asarray(mask, dtype=float))
            return grad / keep_prob if scaling == "div" else grad * keep_prob if scaling == "mul" else grad

        dZ3 = A3 - Y
        dA2 = treat(np.dot(W3.T, dZ3), D2, rule_2)
        dZ2 = np.multiply(dA2, np.int64(A2 > 0))
        dA1 = treat(np.dot(W2.T, dZ2), D1, rule_1)
        dZ1 = np.multiply(dA1, np.int64(A1 > 0))
        return {"dZ3": dZ3, "dW3": np.dot(dZ3, A2.T) / m, "db3": np.sum(dZ3, axis=1, keepdims=True) / m,
                "dA2": dA2, "dZ2": dZ2, "dW2": np.dot(dZ2, A1.T) / m, "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
                "dA1": dA1, "dZ1": dZ1, "dW1": np.dot(dZ1, X.T) / m, "db1": np.sum(dZ1, axis=1, keepdims=True) / m}
    return run


BACKWARD_COMBINATIONS = [(r2, r1) for r2, r1 in itertools.product(GRAD_RULES, GRAD_RULES)
                         if (r2, r1) != ("right", "right")]

REDRAWN = "new random masks drawn in the backward pass"
# arguments of dropout_backward: rule of dA2, rule of dA1, masks redrawn
EXTRA_MISTAKES += _pass_mistakes(BACK_DO, "dropout_backward_", dropout_backward, GRAD_LABELS, {
    "only_dA2": ("the dropout steps applied to dA2 only (dA1 gets none)", ("right", "untouched")),
    "no_dropout": ("no dropout steps in the backward pass", ("untouched", "untouched")),
    "redrawn_masks": (REDRAWN, ("right", "right", "unseeded")),
    "redrawn_after_seed": (REDRAWN, ("right", "right", "seeded"))})


def stored_variants():
    """Implementations whose outputs the self-checks also store: every pair of layer rules, so that the
    check can name the slip of each layer ({function: {id: (implementation, what of the output to keep)}})."""
    return {
        FWD_DO: {"combination:" + forward_combination_id(*combination): (dropout_forward(*combination), 0)
                 for combination in FORWARD_COMBINATIONS},
        BACK_DO: {"combination:%s+%s" % combination: (dropout_backward(*combination), ("dA2", "dA1"))
                  for combination in BACKWARD_COMBINATIONS},
    }


def stored_fixtures():
    """Fixed test-case data testCases reads from the stored file instead of computing it."""
    import testCases
    from grader.reference.regularization import forward_propagation_with_dropout

    def dropout_backward_case():
        X, parameters = testCases.forward_propagation_with_dropout_test_case()
        _, cache = forward_propagation_with_dropout(X, parameters, keep_prob=0.5)
        return cache
    return {"backward_propagation_with_dropout_test_case": dropout_backward_case}
