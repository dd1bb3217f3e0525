"""Calling a student's Gradient Checking function from a self-check and reading the number it returns.

Shared by the 1-D and the N-D checks, with the figures of the notebook's visible examples.
"""
import numpy as np

from grading_cases import stored_function
from selfcheck_core import call


# Figures of the notebook's visible examples.
VISIBLE_X, VISIBLE_THETA = 2, 4
VISIBLE_J, VISIBLE_DTHETA = 8, 2
VISIBLE_DIFFERENCE_1D = 2.919335883291695e-10
VISIBLE_DIFFERENCE_BUGGY = 0.28509315678069896
VISIBLE_DIFFERENCE_FIXED = 1.19e-7   # "about": it is rounding noise, its last digits vary
THRESHOLD_1D, THRESHOLD_ND = 1e-7, 2e-7

# How close a result must be to the expected number, and to a mistake's number to be named.
MATCH_RTOL = 1e-4


def call_quietly(check, function, *args, **kwargs):
    """`selfcheck_core.call` with NumPy's warnings hidden (the diagnostic models push the student's
    code to extremes), plus the advice for an array where one number belongs."""
    __tracebackhide__ = True
    ok, value = call(check, function, *args, hide_warnings=True, **kwargs)
    if not ok and "truth value of an array" in check.last_problem:
        check.hint("`difference` is an array, so `if difference > ...` cannot decide. Formula (2) gives one "
                   "number: take np.linalg.norm(...) of the vectors in the numerator and the denominator")
    return ok, value


def as_float(value):
    try:
        return float(np.asarray(value, dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return None


def near(a, b, rtol=MATCH_RTOL, atol=1e-15):
    """a equals b within the tolerance (both finite numbers)."""
    if a is None or b is None or not (np.isfinite(a) and np.isfinite(b)):
        return False
    return abs(a - b) <= atol + rtol * abs(b)


def number_or_report(check, value, what):
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
    number = as_float(value)
    if not np.isfinite(number):
        check.fail("%s is %s, not a finite number" % (what, number))
        check.hint("a division by zero? The denominator of formula (2) is ||grad|| + ||gradapprox||, which is only "
                   "zero when both gradients are zero")
        return None
    return number


def stored_numbers(function, index, hints):
    """(the right number, [(advice, the number that mistake gives)]) on stored input `index` of `function`."""
    stored = stored_function("gradient_checking", function)
    right = as_float(stored["expected"][index])
    return right, [(hints[mistake_id], as_float(mistake["outputs"][index]))
                   for mistake_id, mistake in stored["mistakes"].items()
                   if mistake_id in hints and mistake["outputs"][index] is not None]

