"""Self-checks of the Gradient Checking notebook.

Each `check_<name>(fn)` runs the student's function on the notebook's visible
example and on a few diagnostic cases, says in plain words what is off, and
ends with "All checks passed for <name>." or raises `SelfCheckFailed`.

How the gradient-check checks diagnose mistakes: `gradient_check` and
`gradient_check_n` look up `forward_propagation` / `backward_propagation` /
`forward_propagation_n` in the notebook's namespace when they run. For the
diagnostic cases the check puts its own test models there for the duration of
one call (and puts the notebook's functions back afterwards): a cubic cost with
a large epsilon, where a one-sided difference, a missing factor 2 or a wrong
norm each give a number of their own. The number every typical mistake gives on
those cases is stored data (expected_outputs_gradient_checking.json, written from
the course's definitions of the mistakes when the assignment is released); the
check names the mistake whose number the student's function reproduced.
"""
import numpy as np

import nn_core
import testCases
from gc_utils import DEFAULT_SHAPES, PARAMETER_ORDER, dictionary_to_vector, vector_to_dictionary
from grading_cases import cubic_cost, cubic_derivative, stored_function
from selfcheck_core import Check, SelfCheckFailed, call, swapped_globals

__all__ = ["check_forward_propagation", "check_backward_propagation", "check_gradient_check",
           "check_gradient_check_n", "SelfCheckFailed"]

# Figures of the notebook's visible examples.
VISIBLE_X, VISIBLE_THETA = 2, 4
VISIBLE_J, VISIBLE_DTHETA = 8, 2
VISIBLE_DIFFERENCE_1D = 2.919335883291695e-10
VISIBLE_DIFFERENCE_BUGGY = 0.28509315678069896
VISIBLE_DIFFERENCE_FIXED = 1.19e-7   # "about": it is rounding noise, its last digits vary
THRESHOLD_1D, THRESHOLD_ND = 1e-7, 2e-7

# How close a result must be to the expected number, and to a mistake's number to be named.
MATCH_RTOL = 1e-4


# ----------------------------------------------------------------------------- calling the student's code
def _call(check, function, *args, **kwargs):
    """`selfcheck_core.call` with NumPy's warnings hidden (the diagnostic models push the student's
    code to extremes), plus the advice for an array where one number belongs."""
    __tracebackhide__ = True
    ok, value = call(check, function, *args, hide_warnings=True, **kwargs)
    if not ok and "truth value of an array" in check.last_problem:
        check.hint("`difference` is an array, so `if difference > ...` cannot decide. Formula (2) gives one "
                   "number: take np.linalg.norm(...) of the vectors in the numerator and the denominator")
    return ok, value


def _as_float(value):
    try:
        return float(np.asarray(value, dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return None


def _near(a, b, rtol=MATCH_RTOL, atol=1e-15):
    """a equals b within the tolerance (both finite numbers)."""
    if a is None or b is None or not (np.isfinite(a) and np.isfinite(b)):
        return False
    return abs(a - b) <= atol + rtol * abs(b)


def _number_or_report(check, value, what):
    """A single float, or None after recording why the value is not one."""
    if isinstance(value, np.ndarray) and value.size > 1:
        check.fail("%s should be one number, but it is an array of shape %s" % (what, value.shape))
        check.hint("numerator and denominator of formula (2) are lengths of vectors: take np.linalg.norm(...) of "
                   "each vector, so that the difference comes out as one number")
        return None
    if value is None:
        check.fail("%s is None: the function returned nothing" % what)
        check.hint("end the function with `return difference` (it is there in the notebook: keep it)")
        return None
    if not check.is_number(value, what):
        return None
    number = _as_float(value)
    if not np.isfinite(number):
        check.fail("%s is %s, not a finite number" % (what, number))
        check.hint("a division by zero? The denominator of formula (2) is ||grad|| + ||gradapprox||, which is only "
                   "zero when both gradients are zero")
        return None
    return number


# The advice for each typical mistake (the stored file holds the number each one gives).
HINT_ONE_SIDED = ("your gradapprox looks one-sided, (J(theta + epsilon) - J(theta)) / epsilon. Use the two-sided "
                  "difference of formula (1): evaluate J once at theta + epsilon and once at theta - epsilon, "
                  "subtract, and divide by 2 * epsilon")
HINT_NOT_DOUBLED = ("gradapprox comes out twice too large: J(theta + epsilon) and J(theta - epsilon) are 2 * epsilon "
                    "apart, so divide their difference by 2 * epsilon, not by epsilon")
HINT_PLUS_ONLY = ("gradapprox seems to use J_plus alone. The difference quotient needs both costs: subtract J_minus "
                  "(the cost at theta - epsilon) from J_plus before dividing by 2 * epsilon")
HINT_MINUS_SIGN = ("gradapprox comes out as 0: J_plus and J_minus are the same number, so thetaminus was moved up by "
                   "epsilon instead of down. Use a minus sign for thetaminus")
HINT_NO_NORM = ("the difference came out negative, which formula (2) can never give: it divides lengths (norms). Use "
                "np.linalg.norm(...) for the numerator and for each of the two terms of the denominator")
HINT_SQUARED = ("formula (2) uses norms, not squared norms: np.linalg.norm(v) is the square root of the sum of "
                "squares. Do not square the norms and do not use np.sum(v ** 2) in their place")
HINT_SWAPPED = ("the difference is upside down (its inverse is the expected number): swap numerator and denominator. "
                "The numerator is ||grad - gradapprox||, the denominator ||grad|| + ||gradapprox||")
HINT_NO_DENOMINATOR = ("the difference is the numerator alone, ||grad - gradapprox||: divide it by the denominator "
                       "||grad|| + ||gradapprox||, formula (2). Without it the number grows and shrinks with the "
                       "size of the gradients, so no fixed threshold could judge it")
HINT_NORM_OF_SUM = ("check the denominator of formula (2): it is ||grad|| + ||gradapprox||, the sum of two norms, not "
                    "the norm of the sum ||grad + gradapprox||")
HINT_NO_COPY = ("theta leaks from one parameter to the next: thetaplus (or thetaminus) is the same array as "
                "parameters_values, so changing one entry changes parameters_values too and the shift is never "
                "undone. Start each of them with np.copy(parameters_values)")
HINT_HALF = ("J_minus[i] seems to be the cost at (or right next to) theta itself, not at theta - epsilon. This "
             "happens when thetaplus or thetaminus is parameters_values itself instead of a copy: the plus step "
             "then stays in parameters_values and the minus step only undoes it. Start each of them with "
             "np.copy(parameters_values), then shift entry i")


# ----------------------------------------------------------------------------- forward_propagation / backward
def _scalar_pairs():
    return [(VISIBLE_X, VISIBLE_THETA), (-1.5, 0.5), (3.0, -2.5), (0.25, 6.0)]


def _check_scalar_model(check, function, result, advice, fallback):
    """Run `function(x, theta)` on the example and the other pairs and compare it with the stored outputs; a
    wrong number gets the advice of the stored mistake it equals (`advice`: id -> text), else `fallback`.
    `result` names what the function returns."""
    __tracebackhide__ = True
    stored = stored_function("gradient_checking", check.function_name)
    for index, (x, theta) in enumerate(_scalar_pairs()):
        ok, value = _call(check, function, x, theta)
        if not ok:
            break
        what = "%s(x=%s, theta=%s)" % (check.function_name, x, theta)
        if not check.is_number(value, what):
            check.hint("return %s, a single number" % result)
            break
        if not check.close(value, stored["expected"][index], what, rtol=1e-9, atol=1e-12, group="pairs",
                           subject="(%s, %s)" % (x, theta), more="also wrong for (x, theta) = {others}"):
            got = _as_float(value)
            check.hint(next((advice[mistake_id] for mistake_id, mistake in stored["mistakes"].items()
                             if mistake_id in advice and _near(got, _as_float(mistake["outputs"][index]), 1e-9)),
                            fallback))
    return check.finish()


FORWARD_ADVICE = {
    "forward_adds": "J = theta + x adds the two numbers; the model multiplies them: J(theta) = theta * x",
    "forward_squares": "x appears twice: the model is J(theta) = theta * x, x to the power 1",
    "forward_returns_x": ("forward_propagation returns the cost itself, J(theta) = theta * x (the derivative is "
                          "the job of backward_propagation)"),
    "forward_returns_theta": ("forward_propagation returns the cost itself, J(theta) = theta * x (the derivative "
                              "is the job of backward_propagation)"),
}
BACKWARD_ADVICE = {
    "backward_returns_theta": ("you return theta. Differentiate J(theta) = theta * x with respect to theta: theta "
                               "disappears and the input x is left, so dtheta is x"),
    "backward_returns_J": ("you return J itself; backward_propagation returns its derivative with respect to theta, "
                           "which for J = theta * x is the input x"),
    "backward_returns_one": "the derivative of theta * x with respect to theta is x, not 1",
}


def check_forward_propagation(forward_propagation):
    """Self-check of forward_propagation(x, theta): J(theta) = theta * x on the example and a few other pairs."""
    __tracebackhide__ = True
    return _check_scalar_model(Check("forward_propagation"), forward_propagation, "J", FORWARD_ADVICE,
                               "forward_propagation should return J(theta) = theta * x: the parameter times the "
                               "input")


def check_backward_propagation(backward_propagation):
    """Self-check of backward_propagation(x, theta): dJ/dtheta of theta * x, which is x."""
    __tracebackhide__ = True
    return _check_scalar_model(Check("backward_propagation"), backward_propagation, "dtheta", BACKWARD_ADVICE,
                               "for J(theta) = theta * x the derivative dJ/dtheta is the input x")


# ----------------------------------------------------------------------------- gradient_check (1-D)
class _Recorder:
    """A model swapped in for the notebook's forward/backward functions that notes how it was called."""

    def __init__(self, cost, derivative):
        self.cost, self.derivative = cost, derivative
        self.forward_calls, self.backward_calls = [], []

    def forward(self, x, theta):
        self.forward_calls.append((x, theta))
        return self.cost(x, theta)

    def backward(self, x, theta):
        self.backward_calls.append((x, theta))
        return self.derivative(x, theta)


# (x, theta, epsilon) of the diagnostic cases: the cubic model with a large epsilon.
DIAGNOSTIC_1D = [(1.5, 0.8, 1e-2), (-2.5, 1.2, 5e-3)]


HINTS_1D = {  # stored mistake id -> advice
    "gc_one_sided": HINT_ONE_SIDED, "gc_not_doubled": HINT_NOT_DOUBLED, "gc_plus_only": HINT_PLUS_ONLY,
    "gc_plus_only_2eps": HINT_PLUS_ONLY, "gc_minus_sign": HINT_MINUS_SIGN, "gc_no_norm": HINT_NO_NORM,
    "gc_squared_norms": HINT_SQUARED, "gc_swapped": HINT_SWAPPED, "gc_no_denominator": HINT_NO_DENOMINATOR,
}
HINTS_ND = {
    "gcn_one_sided": HINT_ONE_SIDED, "gcn_not_doubled": HINT_NOT_DOUBLED, "gcn_plus_only": HINT_PLUS_ONLY,
    "gcn_plus_only_2eps": HINT_PLUS_ONLY, "gcn_minus_sign": HINT_MINUS_SIGN, "gcn_squared_norms": HINT_SQUARED,
    "gcn_swapped": HINT_SWAPPED, "gcn_norm_of_sum": HINT_NORM_OF_SUM, "gcn_no_denominator": HINT_NO_DENOMINATOR,
    "gcn_half": HINT_HALF, "gcn_both_aliased": HINT_HALF, "gcn_leak_up": HINT_NO_COPY, "gcn_leak_down": HINT_NO_COPY,
}


def _stored_numbers(function, index, hints):
    """(the right number, [(advice, the number that mistake gives)]) on stored input `index` of `function`."""
    stored = stored_function("gradient_checking", function)
    right = _as_float(stored["expected"][index])
    return right, [(hints[mistake_id], _as_float(mistake["outputs"][index]))
                   for mistake_id, mistake in stored["mistakes"].items()
                   if mistake_id in hints and mistake["outputs"][index] is not None]


def _call_hints_1d(check, recorder, x, theta, epsilon):
    """Advice from how the function called the swapped-in model (used when its result was wrong)."""
    if not recorder.forward_calls:
        check.hint("gradient_check never called forward_propagation: get J_plus and J_minus from "
                   "forward_propagation(x, ...), so that the check works for any model J")
    else:
        thetas = [t for _, t in recorder.forward_calls]
        if any(_near(c_x, theta + epsilon, 1e-12) or _near(c_x, theta - epsilon, 1e-12)
               for c_x, _ in recorder.forward_calls):
            check.hint("forward_propagation takes x first, then theta: forward_propagation(x, thetaplus)")
        elif not any(_near(t, theta + epsilon, 1e-12) for t in thetas) or not any(
                _near(t, theta - epsilon, 1e-12) for t in thetas):
            shifts = sorted({round(t - theta, 12) for t in thetas})
            check.hint("forward_propagation was called at theta shifted by %s, but the shifts should be +epsilon "
                       "and -epsilon, with the epsilon the function receives (here %s): do not write a fixed "
                       "1e-7 in the code" % (", ".join("%g" % s for s in shifts), epsilon))
    if not recorder.backward_calls:
        check.hint("gradient_check never called backward_propagation: grad is what backward_propagation(x, theta) "
                   "returns (that is the gradient under test)")
    elif not any(_near(t, theta, 1e-12) for _, t in recorder.backward_calls):
        check.hint("call backward_propagation at theta itself, not at a shifted theta")


def _probe_1d_helpers(check, namespace):
    """Say which of the notebook's forward/backward functions is still a stub or wrong (the visible case)."""
    forward = namespace.get("forward_propagation") if namespace else None
    backward = namespace.get("backward_propagation") if namespace else None
    stubs = []
    for name, helper, expected, meaning in (
            ("forward_propagation", forward, VISIBLE_J, "J = theta * x"),
            ("backward_propagation", backward, VISIBLE_DTHETA, "dtheta = dJ/dtheta = x")):
        if helper is None:
            continue
        try:
            ok, got = _call(Check(name), helper, VISIBLE_X, VISIBLE_THETA)  # its findings are not this check's
        except SelfCheckFailed:  # the helper is still the release stub
            stubs.append(name)
            continue
        if not ok:
            continue
        got = _as_float(got)
        if not _near(got, expected, 1e-9):
            check.hint("gradient_check relies on your %s, which returns %s for x = 2, theta = 4 instead of %s "
                       "(%s): fix %s first (run its check), then run this cell again"
                       % (name, got, expected, meaning, name))
    return stubs


def check_gradient_check(gradient_check):
    """Self-check of gradient_check(x, theta, epsilon): the notebook's example and cubic test models."""
    __tracebackhide__ = True
    check = Check("gradient_check")
    namespace = getattr(gradient_check, "__globals__", None)

    # 1. Diagnostic cases on a cubic model J = x * theta**3 (they do not use your forward/backward functions).
    diagnosed = False
    for index, (x, theta, epsilon) in enumerate(DIAGNOSTIC_1D):
        recorder = _Recorder(cubic_cost, cubic_derivative)
        with swapped_globals(gradient_check, {"forward_propagation": recorder.forward,
                                              "backward_propagation": recorder.backward}) as swapped:
            ok, value = _call(check, gradient_check, x, theta, epsilon=epsilon)
        if not swapped:
            check.fail("gradient_check should be a plain function defined with def in the notebook")
        if not (ok and swapped):
            break
        what = "gradient_check(x=%s, theta=%s, epsilon=%s) on the test model J(theta) = x * theta**3" % (
            x, theta, epsilon)
        got = _number_or_report(check, value, what)
        if got is None:
            break
        right, mistakes = _stored_numbers("gradient_check", index, HINTS_1D)
        if _near(got, right):
            continue
        check.fail("%s returned %.10g; formula (2) gives %.10g" % (what, got, right))
        named = [hint for hint, value in mistakes if _near(got, value)]
        for hint in named:
            check.hint(hint)
        if not named:
            _call_hints_1d(check, recorder, x, theta, epsilon)
            if got < 0:
                check.hint(HINT_NO_NORM)
        diagnosed = True
        break

    # 2. The notebook's example, with your forward_propagation and backward_propagation.
    try:
        ok, value = _call(check, gradient_check, VISIBLE_X, VISIBLE_THETA)
    except SelfCheckFailed:  # "not implemented yet": gradient_check's own stub, or a helper's it calls
        stubs = _probe_1d_helpers(check, namespace)
        if not stubs:
            raise
        ok = False
        check.fail("gradient_check calls %s, which is not implemented yet" % " and ".join(stubs))
        check.hint("complete %s (and run its cell) before gradient_check" % " and ".join(stubs))
    if ok:
        what = "gradient_check(x=2, theta=4)"
        got = _number_or_report(check, value, what)
        if got is not None:
            if got < 0 and not diagnosed:
                check.fail("%s returned %.6g, a negative difference" % (what, got))
                check.hint(HINT_NO_NORM)
            elif not got < THRESHOLD_1D:
                check.fail("%s returned %.6g; the notebook's example gives about %.4g, below the %g threshold"
                           % (what, got, VISIBLE_DIFFERENCE_1D, THRESHOLD_1D))
                _probe_1d_helpers(check, namespace)
    return check.finish()


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


def _stored_1d(x, theta, epsilon):
    return lambda: ((x, theta), {"epsilon": epsilon},
                    {"forward_propagation": cubic_cost, "backward_propagation": cubic_derivative})


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
    "forward_propagation": [("pair %d" % n, (lambda pair: lambda: (pair, {}, {}))(pair))
                            for n, pair in enumerate(_scalar_pairs(), 1)],
    "backward_propagation": [("pair %d" % n, (lambda pair: lambda: (pair, {}, {}))(pair))
                             for n, pair in enumerate(_scalar_pairs(), 1)],
    "gradient_check": [("cubic model %d" % n, _stored_1d(*case)) for n, case in enumerate(DIAGNOSTIC_1D, 1)],
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
        ok, value = _call(check, gradient_check_n, parameters, gradients, X, Y, **kwargs)
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
        if _near(got, value) and hint not in named:
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
    if sizes and not all(_near(largest, epsilon, 1e-6) for largest in sizes):
        wrong = next(largest for largest in sizes if not _near(largest, epsilon, 1e-6))
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
        return lambda: _stored_numbers("gradient_check_n", index, HINTS_ND)[1]

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
                      _stored_numbers("gradient_check_n", index, HINTS_ND)[0], stored(index)))

    failures = []  # (problem, named hints, fallback hints)
    for what, cost, case_parameters, gradients, epsilon, expected, mistakes in cases:
        ok, value, recorder = _run_nd(check, gradient_check_n, cost, case_parameters, gradients, X, Y, epsilon)
        if not ok:
            break
        got = _number_or_report(check, value, what)
        if got is None:
            break
        if expected is None:  # correct gradients at epsilon 1e-7: rounding noise, below the threshold
            if not 0 <= got < THRESHOLD_ND:
                failures.append(("%s returned %.6g; it should be about %.3g, below the %g threshold"
                                 % (what, got, VISIBLE_DIFFERENCE_FIXED, THRESHOLD_ND),
                                 [HINT_NO_NORM] if got < 0 else [], _call_hints_nd(recorder, size)))
            continue
        if _near(got, expected):
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
