"""Self-check of gradient_check_n, the N-D part of the Gradient Checking notebook: the notebook's buggy and
corrected gradients, and a cubic test cost swapped in for forward_propagation_n."""
import numpy as np

import nn_core
import testCases
from checks_gradient_checking_advice import HINT_HALF, HINT_NO_COPY, HINT_NO_NORM, HINTS_ND
from checks_gradient_checking_calls import (THRESHOLD_ND, VISIBLE_DIFFERENCE_BUGGY, VISIBLE_DIFFERENCE_FIXED,
                                            call_quietly, near, number_or_report, stored_numbers)
from gc_utils import DEFAULT_SHAPES, PARAMETER_ORDER, dictionary_to_vector, vector_to_dictionary
from selfcheck_core import Check, swapped_globals


# ----------------------------------------------------------------------------- gradient_check_n (N-D)
class _CostRecorder:
    """A stand-in for forward_propagation_n(X, Y, parameters): returns (cost, None) and notes, for every
    call, how many entries of theta were moved away from `base` and by how much at most."""

    def __init__(self, cost_of_vector, base, epsilon):
        self.cost_of_vector, self.base, self.epsilon = cost_of_vector, base, epsilon
        self.calls = 0
        self.moves = []  # (entries moved, largest move) per call

    def __call__(self, X, Y, parameters):
        if not isinstance(parameters, dict):
            raise TypeError("forward_propagation_n received a %s as parameters, it needs the dictionary "
                            "W1, b1, ..., b3: turn the vector back into one with vector_to_dictionary(...)"
                            % type(parameters).__name__)
        self.calls += 1
        theta, _ = dictionary_to_vector(parameters)
        if theta.shape == self.base.shape:
            moved = np.abs(theta - self.base)
            rounding = 64 * np.finfo(float).eps * np.maximum(np.abs(self.base), 1.0)  # (t + e) - e need not be t
            self.moves.append((int(np.count_nonzero(moved > rounding)), float(np.max(moved))))
        return self.cost_of_vector(theta), None


def _course_cost(X, Y):
    """The notebook's forward_propagation_n cost (the course network), as a function of the flat theta."""
    def cost(theta):
        A3, _ = nn_core.forward_propagation(X, vector_to_dictionary(theta))
        return nn_core.compute_cost(A3, Y)
    return cost


def _test_cost(weights, coupling):
    """A cubic test cost with one term that couples all parameters (so that a leaking theta shows)."""
    def cost(theta):
        return float(np.sum(weights * theta ** 3) / 3 + coupling * np.sum(theta) ** 2 / 2)

    def gradient(theta):
        return weights * theta ** 2 + coupling * np.sum(theta)
    return cost, gradient


def _notebook_nd():
    """(X, Y, parameters, correct gradients, the buggy backward_propagation_n's gradients) of the notebook's
    example; NumPy's global random state is left as it was."""
    random_state = np.random.get_state()  # the fixture seeds NumPy's global generator: put it back afterwards
    try:
        X, Y, parameters = testCases.gradient_check_n_test_case()
    finally:
        np.random.set_state(random_state)
    _, cache = nn_core.forward_propagation(X, parameters)
    correct = nn_core.backward_propagation(X, Y, cache)
    buggy = dict(correct, dW2=correct["dW2"] * 2, db1=correct["db1"] * 4)  # the two bugs of the notebook
    return X, Y, parameters, correct, buggy


def _test_nd():
    """(theta, its gradient, a wrong gradient, the cost) of the cubic test cost."""
    test_theta, test_grad, test_cost = _diagnostic_nd()
    return test_theta, test_grad, test_grad * np.where(test_theta > 0, 1.0, -0.5), test_cost


def _cost_model(cost_of_vector):
    """A forward_propagation_n(X, Y, parameters) -> (cost, None) for a cost of the flat theta."""
    def forward_propagation_n(X, Y, parameters):
        return cost_of_vector(dictionary_to_vector(parameters)[0]), None
    return forward_propagation_n


def _stored_nd(which):
    def build():
        X, Y, parameters, _, buggy = _notebook_nd()
        if which == "notebook example":
            return (parameters, buggy, X, Y), {}, {}
        test_theta, test_grad, wrong_grad, test_cost = _test_nd()
        grad = test_grad if which == "test cost, correct gradients" else wrong_grad
        return ((vector_to_dictionary(test_theta), _gradients_dict(grad), X, Y), {"epsilon": 1e-2},
                {"forward_propagation_n": _cost_model(test_cost)})
    return build


# The fixed inputs whose right outputs and mistakes' outputs the stored file holds (in this order).
STORED_INPUTS = {
    "gradient_check_n": [(which, _stored_nd(which)) for which in
                         ("notebook example", "test cost, correct gradients", "test cost, wrong gradients")],
}


def _gradients_dict(vector):
    """A gradients dict (dW1, db1, ...) holding the blocks of a flat gradient vector."""
    blocks = vector_to_dictionary(vector)
    return {"d" + key: blocks[key] for key in PARAMETER_ORDER}


def _diagnostic_nd():
    """(theta, gradient vector, cost) of the cubic test cost, from a private generator."""
    rng = np.random.RandomState(2024)
    size = sum(int(np.prod(DEFAULT_SHAPES[key])) for key in PARAMETER_ORDER)
    theta = rng.uniform(-1.5, 1.5, (size, 1))
    weights = rng.uniform(0.5, 2.0, (size, 1))
    cost, gradient = _test_cost(weights, coupling=0.1)
    return theta, gradient(theta), cost


def _run_nd(check, gradient_check_n, cost, parameters, gradients, X, Y, epsilon=None):
    """Run the student's function with forward_propagation_n replaced by `cost`; (ok, value, recorder)."""
    base, _ = dictionary_to_vector(parameters)
    recorder = _CostRecorder(cost, base, 1e-7 if epsilon is None else epsilon)
    kwargs = {} if epsilon is None else {"epsilon": epsilon}
    with swapped_globals(gradient_check_n, {"forward_propagation_n": recorder}) as swapped:
        ok, value = call_quietly(check, gradient_check_n, parameters, gradients, X, Y, **kwargs)
    if not ok and ("sequence" in check.last_problem or "shape (2,)" in check.last_problem):
        check.hint("forward_propagation_n returns two things, (cost, cache): keep the cost only, for example "
                   "`J_plus[i], _ = forward_propagation_n(...)`")
    if not swapped:
        check.fail("gradient_check_n should be a plain function defined with def in the notebook")
    return ok and swapped, value, recorder


def _named(got, mistakes):
    """The advice of every mistake whose number `got` reproduces (the copy hints count once)."""
    named = []
    for hint, value in mistakes:
        if near(got, value) and hint not in named:
            named.append(hint)
    if HINT_HALF in named and HINT_NO_COPY in named:
        named.remove(HINT_NO_COPY)
    return named


def _call_hints_nd(recorder, size):
    """Advice from how forward_propagation_n was called (used when no mistake was recognised)."""
    epsilon = recorder.epsilon
    if recorder.calls == 0:
        return ["gradient_check_n never called forward_propagation_n: J_plus[i] and J_minus[i] are the costs "
                "forward_propagation_n returns for the shifted parameters"]
    if recorder.calls != 2 * size:
        return ["forward_propagation_n was called %d times; it takes two calls per parameter entry (%d entries "
                "here: %d calls), one for J_plus[i] and one for J_minus[i]" % (recorder.calls, size, 2 * size)]
    if any(count > 1 for count, _ in recorder.moves):
        return [HINT_NO_COPY]
    if any(count == 0 for count, _ in recorder.moves):
        return [HINT_HALF]
    sizes = [largest for count, largest in recorder.moves if count == 1]
    if sizes and not all(near(largest, epsilon, 1e-6) for largest in sizes):
        wrong = next(largest for largest in sizes if not near(largest, epsilon, 1e-6))
        return ["an entry of theta was moved by %g, but the step is epsilon (here %g): use the epsilon argument, "
                "not a number written into the code" % (wrong, epsilon)]
    return ["go through the steps again for one entry i: thetaplus is a copy of parameters_values with entry i "
            "raised by epsilon, thetaminus a copy with entry i lowered by epsilon, gradapprox[i] is "
            "(J_plus[i] - J_minus[i]) divided by 2 * epsilon, and the difference is formula (2)"]


def check_gradient_check_n(gradient_check_n):
    """Self-check of gradient_check_n: the notebook's buggy and corrected gradients, and a cubic test cost.

    Every case runs; when the function is wrong, the advice comes from the case that
    points at one mistake most clearly (some mistakes give the same number on one
    case and different numbers on another).
    """
    __tracebackhide__ = True
    check = Check("gradient_check_n")
    X, Y, parameters, correct, buggy = _notebook_nd()
    course_cost = _course_cost(X, Y)
    size = dictionary_to_vector(parameters)[0].shape[0]
    test_theta, test_grad, wrong_grad, test_cost = _test_nd()

    def stored(index):
        return lambda: stored_numbers("gradient_check_n", index, HINTS_ND)[1]

    # (description, cost, parameters, gradients, epsilon, expected, mistakes-or-None)
    cases = [
        ("gradient_check_n on the notebook's example (gradients of the buggy backward_propagation_n)",
         course_cost, parameters, buggy, None, VISIBLE_DIFFERENCE_BUGGY, stored(0)),
        ("gradient_check_n on the notebook's example with correct gradients",
         course_cost, parameters, correct, None, None, None),
    ]
    test_parameters = vector_to_dictionary(test_theta)
    for index, (label, grad) in enumerate((("correct", test_grad), ("wrong", wrong_grad)), start=1):
        cases.append(("gradient_check_n(..., epsilon=0.01) on a test cost J(theta) = sum(w * theta**3) / 3 + "
                      "0.1 * sum(theta)**2 / 2 with %s gradients" % label,
                      test_cost, test_parameters, _gradients_dict(grad), 1e-2,
                      stored_numbers("gradient_check_n", index, HINTS_ND)[0], stored(index)))

    failures = []  # (problem, named hints, fallback hints)
    for what, cost, case_parameters, gradients, epsilon, expected, mistakes in cases:
        ok, value, recorder = _run_nd(check, gradient_check_n, cost, case_parameters, gradients, X, Y, epsilon)
        if not ok:
            break
        got = number_or_report(check, value, what)
        if got is None:
            break
        if expected is None:  # correct gradients at epsilon 1e-7: rounding noise, below the threshold
            if not 0 <= got < THRESHOLD_ND:
                failures.append(("%s returned %.6g; it should be about %.3g, below the %g threshold"
                                 % (what, got, VISIBLE_DIFFERENCE_FIXED, THRESHOLD_ND),
                                 [HINT_NO_NORM] if got < 0 else [], _call_hints_nd(recorder, size)))
            continue
        if near(got, expected):
            continue
        named = _named(got, mistakes())
        if not named and got < 0:
            named = [HINT_NO_NORM]
        failures.append(("%s returned %.10g; formula (2) gives %.10g" % (what, got, expected), named,
                         _call_hints_nd(recorder, size)))

    if failures:
        for problem, _, _ in failures[:2]:
            check.fail(problem)
        specific = [named for _, named, _ in failures if named]
        for hint in (min(specific, key=len) if specific else failures[0][2]):
            check.hint(hint)
    return check.finish()
