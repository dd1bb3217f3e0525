"""The machinery behind the notebooks' self-check cells.

A check collects plain-language findings ("W2 has shape (1, 4), expected (4, 1)")
instead of stopping at the first bare assert, prints them, and ends with one
clear line: either "All checks passed." or a `SelfCheckFailed` error that
repeats what to fix. Runs offline, with nothing but NumPy.
"""
import functools

import numpy as np


def keeps_random_state(check_function):
    """Run a check and put NumPy's global random state back as it was, whatever happens."""
    @functools.wraps(check_function)
    def wrapper(function):
        __tracebackhide__ = True
        state = np.random.get_state()
        try:
            return check_function(function)
        finally:
            np.random.set_state(state)
    return wrapper


class SelfCheckFailed(AssertionError):
    """Raised at the end of a self-check that found mistakes; the message lists them."""


class Check:
    """Collects the findings of one self-check about one function.

    Use `expect`/`compare` to record findings; `hint` attaches a diagnosis of a
    typical mistake; `finish` prints the report and raises if anything failed.
    """

    def __init__(self, function_name):
        self.function_name = function_name
        self.problems = []
        self.hints = []

    # -- recording ---------------------------------------------------------
    def fail(self, message):
        self.problems.append(message)
        return False

    def expect(self, condition, message):
        """Record `message` as a problem unless `condition` holds; return the condition."""
        return True if condition else self.fail(message)

    def hint(self, message):
        if message not in self.hints:
            self.hints.append(message)

    @property
    def ok(self):
        return not self.problems

    def is_number(self, value, what):
        """A Python or NumPy real scalar (or an array with one element)."""
        if isinstance(value, (bool, np.bool_)) or value is None:
            return self.fail("%s should be a number, got %s" % (what, type(value).__name__))
        try:
            number = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return self.fail("%s should be a number, got %s" % (what, type(value).__name__))
        return self.expect(number.size == 1, "%s should be a single number, got an array of shape %s"
                           % (what, number.shape))

    def is_array(self, value, what, shape=None):
        """A NumPy array, optionally of the given shape (expected vs got in the message)."""
        if not isinstance(value, np.ndarray):
            return self.fail("%s should be a NumPy array, got %s" % (what, type(value).__name__))
        if shape is not None and value.shape != tuple(shape):
            return self.fail("%s has the wrong shape: expected %s, got %s" % (what, tuple(shape), value.shape))
        return True

    def is_dict_with(self, value, keys, what):
        """A dict that has every one of `keys` (missing ones are listed)."""
        if not isinstance(value, dict):
            return self.fail("%s should be a dict, got %s" % (what, type(value).__name__))
        missing = [k for k in keys if k not in value]
        return self.expect(not missing, "%s is missing the key(s) %s" % (what, ", ".join(missing)))

    def close(self, got, expected, what, rtol=1e-6, atol=1e-8):
        """Values of `got` equal `expected` within tolerance; says how far off when not."""
        expected = np.asarray(expected, dtype=float)
        try:
            got_array = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return self.fail("%s should hold numbers, got %s" % (what, type(got).__name__))
        if got_array.shape != expected.shape:
            if got_array.size == expected.size == 1:
                got_array = got_array.reshape(expected.shape)
            else:
                return self.fail("%s has the wrong shape: expected %s, got %s"
                                 % (what, expected.shape, got_array.shape))
        if np.allclose(got_array, expected, rtol=rtol, atol=atol, equal_nan=True):
            return True
        return self.fail("%s has wrong values:\n      expected %s\n      got      %s"
                         % (what, _short(expected), _short(got_array)))

    # -- reporting ---------------------------------------------------------
    def finish(self):
        """Print the findings; raise SelfCheckFailed if there were any, else print the pass line."""
        __tracebackhide__ = True  # IPython: keep the traceback down to the message
        if self.ok:
            print("All checks passed for %s." % self.function_name)
            return True
        lines = ["%s: %d problem(s) found." % (self.function_name, len(self.problems))]
        lines += ["  - " + p for p in self.problems]
        if self.hints:
            lines.append("Likely cause:")
            lines += ["  * " + h for h in self.hints]
        report = "\n".join(lines)
        print(report)
        raise SelfCheckFailed("%s does not pass its self-check yet (details printed above)."
                              % self.function_name)


def _short(array):
    """Compact one-line-ish rendering of an array for messages."""
    return np.array2string(np.asarray(array), precision=8, separator=", ", threshold=20,
                           max_line_width=100).replace("\n", "\n               ")


def not_implemented(function_name, error):
    """Turn the release stub's NotImplementedError into a readable self-check failure."""
    __tracebackhide__ = True
    print("%s is not implemented yet: fill in the region between ### START CODE HERE ### and "
          "### END CODE HERE ###, run that cell, then run this check again." % function_name)
    raise SelfCheckFailed("%s is not implemented yet." % function_name) from None


def call(check, function, *args, **kwargs):
    """Call the student's function; turn its exceptions into findings. Returns (ok, result)."""
    __tracebackhide__ = True
    try:
        return True, function(*args, **kwargs)
    except NotImplementedError as error:
        not_implemented(check.function_name, error)
    except Exception as error:  # report, do not crash the check
        check.fail("calling %s raised %s: %s" % (check.function_name, type(error).__name__, error))
        return False, None
