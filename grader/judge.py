"""Judge hidden tests in the grading process, outside the student's kernel.

The hidden block of a test cell calls `grade_case(fn, "case", **params)`; the
kernel records fn's output. Here we re-read the calls from the trusted cell
source (nbgrader restores test cells from the gradebook before running them),
rebuild the inputs with our own copy of the case builders, run the reference
solution, and compare. Monkeypatching numpy, the self-check helpers or
builtins inside the kernel cannot change this verdict.
"""
import ast
import contextlib
import io

import numpy as np

import grading_cases
from grader.reference import reference

# What each graded function's output is compared on, and how strictly.
_GRAD_KEYS = ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
SPECS = {
    "initialize_parameters_zeros": {"kind": "dict", "keys": "all", "rtol": 1e-6, "atol": 1e-9},
    "initialize_parameters_random": {"kind": "dict", "keys": "all", "rtol": 1e-6, "atol": 1e-9},
    "initialize_parameters_he": {"kind": "dict", "keys": "all", "rtol": 1e-6, "atol": 1e-9},
    "compute_cost_with_regularization": {"kind": "scalar", "rtol": 1e-7, "atol": 1e-10},
    "backward_propagation_with_regularization": {"kind": "dict", "keys": _GRAD_KEYS, "rtol": 1e-6, "atol": 1e-9},
    "forward_propagation_with_dropout": {"kind": "pair", "cache_items": {1: "D1", 2: "A1", 6: "D2", 7: "A2"},
                                         "rtol": 1e-6, "atol": 1e-9},
    "backward_propagation_with_dropout": {"kind": "dict", "keys": _GRAD_KEYS + ["dA1", "dA2"],
                                          "rtol": 1e-6, "atol": 1e-9},
    "forward_propagation": {"kind": "scalar", "rtol": 1e-9, "atol": 1e-12},
    "backward_propagation": {"kind": "scalar", "rtol": 1e-9, "atol": 1e-12},
    "gradient_check": {"kind": "scalar", "rtol": 1e-3, "atol": 1e-12},
    "gradient_check_n": {"kind": "scalar", "rtol": 1e-3, "atol": 1e-12},
}


class Mismatch(Exception):
    """The recorded output differs from the reference; the message is safe to show a student."""


def hidden_calls(source):
    """The (function name, case, params) of every `grade_case(...)` call in a cell's source.

    Only literal arguments are accepted, so nothing in the source is executed here.
    """
    calls = []
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return calls
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "grade_case":
            function = node.args[0].id if node.args and isinstance(node.args[0], ast.Name) else None
            try:
                case = ast.literal_eval(node.args[1]) if len(node.args) > 1 else None
                params = {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
            except ValueError:  # a non-literal argument: the call cannot be judged, so it fails
                case, params = None, {}
            calls.append((node.lineno, node.col_offset, function, case, params))
    return [call[2:] for call in sorted(calls)]


def decode(image):
    """Inverse of grading_cases.encode, as far as the comparison needs."""
    if not isinstance(image, dict):
        raise Mismatch("the output could not be read")
    if "__dict__" in image:
        return {k: decode(v) for k, v in image["__dict__"]}
    if "__seq__" in image:
        return [decode(v) for v in image["__seq__"]]
    if "__array__" in image:
        values = [float(v) if isinstance(v, str) else v for v in image["__array__"]]
        return np.array(values, dtype=float).reshape(image["shape"])
    return image.get("__other__", "unknown")


def _compare_array(got, expected, what, rtol, atol):
    expected = np.asarray(expected, dtype=float)
    if not isinstance(got, np.ndarray):
        raise Mismatch("%s should be an array of numbers, got %s" % (what, got))
    if got.shape != expected.shape:
        if not (got.size == expected.size == 1):
            raise Mismatch("%s has the wrong shape" % what)
        got = got.reshape(expected.shape)
    if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
        raise Mismatch("%s has wrong values" % what)


def compare(function, got, expected):
    """Raise Mismatch (with a student-safe reason) unless `got` matches the reference output."""
    spec = SPECS[function]
    rtol, atol = spec["rtol"], spec["atol"]
    if spec["kind"] == "scalar":
        _compare_array(got, np.asarray(expected, dtype=float), "the returned value", rtol, atol)
    elif spec["kind"] == "dict":
        if not isinstance(got, dict):
            raise Mismatch("the function should return a dict")
        keys = list(expected) if spec["keys"] == "all" else spec["keys"]
        missing = [k for k in keys if k not in got]
        if missing:
            raise Mismatch("the returned dict is missing %s" % ", ".join(missing))
        if spec["keys"] == "all" and set(got) != set(expected):
            raise Mismatch("the returned dict has unexpected keys %s" % ", ".join(sorted(set(got) - set(expected))))
        for key in keys:
            _compare_array(got[key], expected[key], key, rtol, atol)
    elif spec["kind"] == "pair":
        if not isinstance(got, list) or len(got) != 2 or not isinstance(got[1], list) or len(got[1]) != 14:
            raise Mismatch("the function should return (A3, cache) with the 14-entry cache")
        _compare_array(got[0], expected[0], "A3", rtol, atol)
        for index, name in spec["cache_items"].items():
            _compare_array(got[1][index], expected[1][index], name + " in the cache", rtol, atol)


def reference_output(function, case, params):
    """The reference solution's output on the rebuilt case, in the same encoded form."""
    with contextlib.redirect_stdout(io.StringIO()):
        output, error = grading_cases.run_case(reference(function), case, params)
    if error:
        raise RuntimeError("reference %s failed on %s %s: %s" % (function, case, params, error))
    return decode(grading_cases.encode(output))


def judge_records(source, records):
    """Judge the records a test cell produced against its trusted source.

    Returns a list of (passed, message) per hidden call; messages never show inputs or expected values.
    """
    results = []
    calls = hidden_calls(source)
    for index, (function, case, params) in enumerate(calls, start=1):
        label = "hidden test %d of %d (%s)" % (index, len(calls), function)
        record = records[index - 1] if index <= len(records) else None
        if function not in SPECS:
            results.append((False, "%s: unknown graded function" % label))
        elif record is None:
            results.append((False, "%s did not run (the cell stopped before it)" % label))
        elif record.get("case") != case or record.get("params") != params or record.get("function") != function:
            results.append((False, "%s: the recorded case does not match the test" % label))
        elif record.get("error"):
            results.append((False, "%s: your function raised %s" % (label, record["error"].split(":")[0])))
        else:
            try:
                expected = reference_output(function, case, params)
                compare(function, decode(record.get("output")), expected)
                results.append((True, "%s passed" % label))
            except Mismatch as mismatch:
                results.append((False, "%s failed: %s" % (label, mismatch)))
            except Exception as error:  # a broken test case must not stop the grading run
                results.append((False, "%s could not be judged (%s); ask your instructor"
                                % (label, type(error).__name__)))
    return results
