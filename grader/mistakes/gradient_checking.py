"""Known mistakes of the Gradient Checking notebook's graded functions.

`gradient_check` and `gradient_check_n` mistakes look up forward_propagation /
backward_propagation / forward_propagation_n in this module's namespace, as the
notebook's functions do in the notebook's: a hidden case or a self-check input swaps
its own model in there for one call (grading_cases.run_case).
"""
import numpy as np

from gc_utils import dictionary_to_vector, gradients_to_vector, vector_to_dictionary
from grader.mistakes import Mistake, mistake
from grader.reference.gradient_checking import backward_propagation, forward_propagation, forward_propagation_n

FWD1, BACK1, GC1, GCN = "forward_propagation", "backward_propagation", "gradient_check", "gradient_check_n"
__all__ = ["forward_propagation", "backward_propagation", "forward_propagation_n"]  # swapped per call


@mistake(FWD1, "forward_adds", "J = theta + x (added instead of multiplied)")
def forward_adds(x, theta):
    return theta + x


@mistake(FWD1, "forward_squares", "J = theta * x ** 2")
def forward_squares(x, theta):
    return theta * x ** 2


@mistake(FWD1, "forward_returns_x", "J = x (theta left out)")
def forward_returns_x(x, theta):
    return x


@mistake(FWD1, "forward_returns_theta", "J = theta (x left out)")
def forward_returns_theta(x, theta):
    return theta


@mistake(BACK1, "backward_returns_theta", "dtheta = theta instead of x")
def backward_returns_theta(x, theta):
    return theta


@mistake(BACK1, "backward_returns_J", "dtheta = J itself (theta * x)")
def backward_returns_j(x, theta):
    return theta * x


@mistake(BACK1, "backward_returns_one", "dtheta = 1")
def backward_returns_one(x, theta):
    return 1


# ----------------------------------------------------------------------------- the two halves of a check
def _norm_ratio(grad, approx):
    return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))


# formula (2) and its wrong versions: difference(grad, gradapprox)
DIFFERENCES = {
    "right": _norm_ratio,
    "no_norm": lambda g, a: np.sum(g - a) / np.sum(g + a),
    "squared_norms": lambda g, a: np.linalg.norm(g - a) ** 2 / (np.linalg.norm(g) ** 2 + np.linalg.norm(a) ** 2),
    "swapped": lambda g, a: (np.linalg.norm(g) + np.linalg.norm(a)) / np.linalg.norm(g - a),
    "no_denominator": lambda g, a: np.linalg.norm(g - a),
    "norm_of_sum": lambda g, a: np.linalg.norm(g - a) / np.linalg.norm(g + a),
}
DIFFERENCE_LABELS = {
    "no_norm": "the difference without norms (a signed ratio)",
    "squared_norms": "squared norms in the difference",
    "swapped": "numerator and denominator of the difference swapped",
    "no_denominator": "the difference without its denominator",
    "norm_of_sum": "the norm of the sum ||grad + gradapprox|| as the denominator",
}

# the centred difference and its wrong versions, from J(theta + e), J(theta - e), J(theta)
APPROXIMATIONS = {
    "two_sided": lambda up, down, here, e: (up - down) / (2 * e),
    "one_sided": lambda up, down, here, e: (up - here) / e,
    "not_doubled": lambda up, down, here, e: (up - down) / e,
    "plus_only": lambda up, down, here, e: up / e,
    "plus_only_2eps": lambda up, down, here, e: up / (2 * e),
    "minus_sign": lambda up, down, here, e: (up - up) / (2 * e),
}
APPROXIMATION_LABELS = {
    "one_sided": "a one-sided difference (J(theta + epsilon) - J(theta)) / epsilon",
    "not_doubled": "the difference divided by epsilon instead of 2 * epsilon",
    "plus_only": "gradapprox from J_plus alone",
    "plus_only_2eps": "gradapprox from J_plus alone",
    "minus_sign": "thetaminus moved up by epsilon instead of down",
}


def gradient_check_with(approximation="two_sided", difference="right"):
    """gradient_check with its gradapprox and its difference computed the named ways."""
    def run(x, theta, epsilon=1e-7, print_msg=True):
        forward, backward = globals()["forward_propagation"], globals()["backward_propagation"]
        up, down, here = forward(x, theta + epsilon), forward(x, theta - epsilon), forward(x, theta)
        gradapprox = APPROXIMATIONS[approximation](up, down, here, epsilon)
        return DIFFERENCES[difference](backward(x, theta), gradapprox)
    return run


# ----------------------------------------------------------------------------- N-D
def _costs(X, Y, theta, step):
    cost, _ = globals()["forward_propagation_n"](X, Y, vector_to_dictionary(theta + step))
    return float(np.squeeze(cost))


def _approximation_nd(kind, parameters, X, Y, epsilon):
    """gradapprox of gradient_check_n done the way `kind` names (aliasing slips included)."""
    theta, _ = dictionary_to_vector(parameters)
    size = theta.shape[0]
    gradapprox = np.zeros((size, 1))
    here = _costs(X, Y, theta, 0)
    up_state, down_state, aliased = theta.copy(), theta.copy(), theta.copy()
    for i in range(size):
        step = np.zeros_like(theta)
        step[i, 0] = epsilon
        if kind in APPROXIMATIONS:
            up, down = _costs(X, Y, theta, step), _costs(X, Y, theta, -step)
            gradapprox[i] = APPROXIMATIONS[kind](up, down, here, epsilon)
        elif kind == "half":  # thetaminus is theta itself: the minus step undoes nothing
            gradapprox[i] = (_costs(X, Y, theta, step) - here) / (2 * epsilon)
        elif kind == "leak_up":  # thetaplus never copied: every earlier + epsilon stays
            up_state[i, 0] += epsilon
            gradapprox[i] = (_costs(X, Y, up_state, 0) - _costs(X, Y, up_state - step, 0)) / (2 * epsilon)
        elif kind == "leak_down":  # thetaminus never copied: every earlier - epsilon stays
            low_plus = _costs(X, Y, down_state + step, 0)
            down_state[i, 0] -= epsilon
            gradapprox[i] = (low_plus - _costs(X, Y, down_state, 0)) / (2 * epsilon)
        elif kind == "both_aliased":  # neither copied: the minus step undoes the plus step
            aliased[i, 0] += epsilon
            high = _costs(X, Y, aliased, 0)
            aliased[i, 0] -= epsilon
            gradapprox[i] = (high - _costs(X, Y, aliased, 0)) / (2 * epsilon)
    return gradapprox


ALIASING_LABELS = {
    "half": "thetaplus or thetaminus not a copy of theta (J_minus taken at theta itself)",
    "leak_up": "thetaplus not a copy: earlier shifts stay in theta",
    "leak_down": "thetaminus not a copy: earlier shifts stay in theta",
    "both_aliased": "thetaplus and thetaminus not copies of theta",
}


def gradient_check_n_with(approximation="two_sided", difference="right"):
    """gradient_check_n with its gradapprox and its difference computed the named ways."""
    def run(parameters, gradients, X, Y, epsilon=1e-7, print_msg=True):
        grad = gradients_to_vector(gradients)
        return DIFFERENCES[difference](grad, _approximation_nd(approximation, parameters, X, Y, epsilon))
    return run


EXTRA_MISTAKES = (
    [Mistake("gc_" + kind, GC1, label, gradient_check_with(approximation=kind))
     for kind, label in APPROXIMATION_LABELS.items()]
    + [Mistake("gc_" + kind, GC1, label, gradient_check_with(difference=kind))
       for kind, label in DIFFERENCE_LABELS.items() if kind != "norm_of_sum"]
    + [Mistake("gcn_" + kind, GCN, label, gradient_check_n_with(approximation=kind))
       for kind, label in list(APPROXIMATION_LABELS.items()) + list(ALIASING_LABELS.items())]
    + [Mistake("gcn_" + kind, GCN, label, gradient_check_n_with(difference=kind))
       for kind, label in DIFFERENCE_LABELS.items() if kind != "no_norm"]
)
