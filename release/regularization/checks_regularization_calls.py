"""Calling a student's Regularization function from a self-check and comparing what it returns.

Shared by the L2 and the dropout checks: numbers and arrays compared within the matching
tolerance, a backward pass's gradients dict checked for its keys, and the second stored input
that tells a computed answer from one written into the code.
"""
import numpy as np

from checks_regularization_examples import GRADIENT_KEYS, MATCH_ATOL, MATCH_RTOL, STORED_INPUTS
import testCases
from selfcheck_core import Check, call


def start_check(function):
    """A new Check of `function` and the notebook's example input for it (testCases.<function>_test_case())."""
    return Check(function), getattr(testCases, function + "_test_case")()


def disturb_random_state(seed):
    """Put the global generator in a state a correct function must not depend on."""
    np.random.seed(seed)
    np.random.rand(7)


def matches(got, wanted):
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


def as_array(value):
    """value as a float array, or None when it is not numbers."""
    if value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def as_number(value):
    """value as one float, or None when it is not a single number."""
    array = as_array(value)
    return float(array.reshape(-1)[0]) if array is not None and array.size == 1 else None


def is_array_of_shape(check, value, what, shape):
    """Record a problem unless value is an array (or nested list) of numbers of the given shape."""
    array = as_array(value)
    return check.is_array(array if array is not None else value, what, shape)


def returned_gradients(check, backward, X, Y, cache, argument, layout):
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


def on_second_input(check, function, stored, compare, hint_of):
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

def same_gradients(keys):
    """compare(got, wanted) for gradient dicts: every one of `keys` within the matching tolerance."""
    def compare(got, wanted):
        return (isinstance(got, dict) and isinstance(wanted, dict)
                and all(matches(got.get(key), wanted.get(key)) for key in keys))
    return compare

