"""Self-checks of the 1-D part of the Gradient Checking notebook: the model J = theta * x, its derivative, and
gradient_check, run on the notebook's example and on a cubic test model swapped in for the notebook's functions."""
from checks_gradient_checking_advice import HINT_NO_NORM, HINTS_1D
from checks_gradient_checking_calls import (THRESHOLD_1D, VISIBLE_DIFFERENCE_1D, VISIBLE_DTHETA, VISIBLE_J,
                                            VISIBLE_THETA, VISIBLE_X, as_float, call_quietly, near, number_or_report, stored_numbers)
from grading_cases import cubic_cost, cubic_derivative, stored_function
from selfcheck_core import Check, SelfCheckFailed, swapped_globals


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
        ok, value = call_quietly(check, function, x, theta)
        if not ok:
            break
        what = "%s(x=%s, theta=%s)" % (check.function_name, x, theta)
        if not check.is_number(value, what):
            check.hint("return %s, a single number" % result)
            break
        if not check.close(value, stored["expected"][index], what, rtol=1e-9, atol=1e-12, group="pairs",
                           subject="(%s, %s)" % (x, theta), more="also wrong for (x, theta) = {others}"):
            got = as_float(value)
            check.hint(next((advice[mistake_id] for mistake_id, mistake in stored["mistakes"].items()
                             if mistake_id in advice and near(got, as_float(mistake["outputs"][index]), 1e-9)),
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


def _call_hints_1d(check, recorder, x, theta, epsilon):
    """Advice from how the function called the swapped-in model (used when its result was wrong)."""
    if not recorder.forward_calls:
        check.hint("gradient_check never called forward_propagation: get J_plus and J_minus from "
                   "forward_propagation(x, ...), so that the check works for any model J")
    else:
        thetas = [t for _, t in recorder.forward_calls]
        if any(near(c_x, theta + epsilon, 1e-12) or near(c_x, theta - epsilon, 1e-12)
               for c_x, _ in recorder.forward_calls):
            check.hint("forward_propagation takes x first, then theta: forward_propagation(x, thetaplus)")
        elif not any(near(t, theta + epsilon, 1e-12) for t in thetas) or not any(
                near(t, theta - epsilon, 1e-12) for t in thetas):
            shifts = sorted({round(t - theta, 12) for t in thetas})
            check.hint("forward_propagation was called at theta shifted by %s, but the shifts should be +epsilon "
                       "and -epsilon, with the epsilon the function receives (here %s): do not write a fixed "
                       "1e-7 in the code" % (", ".join("%g" % s for s in shifts), epsilon))
    if not recorder.backward_calls:
        check.hint("gradient_check never called backward_propagation: grad is what backward_propagation(x, theta) "
                   "returns (that is the gradient under test)")
    elif not any(near(t, theta, 1e-12) for _, t in recorder.backward_calls):
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
            ok, got = call_quietly(Check(name), helper, VISIBLE_X, VISIBLE_THETA)  # its findings are not this check's
        except SelfCheckFailed:  # the helper is still the release stub
            stubs.append(name)
            continue
        if not ok:
            continue
        got = as_float(got)
        if not near(got, expected, 1e-9):
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
            ok, value = call_quietly(check, gradient_check, x, theta, epsilon=epsilon)
        if not swapped:
            check.fail("gradient_check should be a plain function defined with def in the notebook")
        if not (ok and swapped):
            break
        what = "gradient_check(x=%s, theta=%s, epsilon=%s) on the test model J(theta) = x * theta**3" % (
            x, theta, epsilon)
        got = number_or_report(check, value, what)
        if got is None:
            break
        right, mistakes = stored_numbers("gradient_check", index, HINTS_1D)
        if near(got, right):
            continue
        check.fail("%s returned %.10g; formula (2) gives %.10g" % (what, got, right))
        named = [hint for hint, value in mistakes if near(got, value)]
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
        ok, value = call_quietly(check, gradient_check, VISIBLE_X, VISIBLE_THETA)
    except SelfCheckFailed:  # "not implemented yet": gradient_check's own stub, or a helper's it calls
        stubs = _probe_1d_helpers(check, namespace)
        if not stubs:
            raise
        ok = False
        check.fail("gradient_check calls %s, which is not implemented yet" % " and ".join(stubs))
        check.hint("complete %s (and run its cell) before gradient_check" % " and ".join(stubs))
    if ok:
        what = "gradient_check(x=2, theta=4)"
        got = number_or_report(check, value, what)
        if got is not None:
            if got < 0 and not diagnosed:
                check.fail("%s returned %.6g, a negative difference" % (what, got))
                check.hint(HINT_NO_NORM)
            elif not got < THRESHOLD_1D:
                check.fail("%s returned %.6g; the notebook's example gives about %.4g, below the %g threshold"
                           % (what, got, VISIBLE_DIFFERENCE_1D, THRESHOLD_1D))
                _probe_1d_helpers(check, namespace)
    return check.finish()


def _stored_1d(x, theta, epsilon):
    return lambda: ((x, theta), {"epsilon": epsilon},
                    {"forward_propagation": cubic_cost, "backward_propagation": cubic_derivative})


# The fixed inputs whose right outputs and mistakes' outputs the stored file holds (in this order).
STORED_INPUTS = {
    "forward_propagation": [("pair %d" % n, (lambda pair: lambda: (pair, {}, {}))(pair))
                            for n, pair in enumerate(_scalar_pairs(), 1)],
    "backward_propagation": [("pair %d" % n, (lambda pair: lambda: (pair, {}, {}))(pair))
                             for n, pair in enumerate(_scalar_pairs(), 1)],
    "gradient_check": [("cubic model %d" % n, _stored_1d(*case)) for n, case in enumerate(DIAGNOSTIC_1D, 1)],
}
