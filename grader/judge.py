"""Judge hidden tests in the grading process, outside the student's kernel.

The hidden block of a test cell calls `grade_case(fn, "case", **params)`; the kernel
records fn's output (utils/grading_cases.py). Here we re-read the calls from the trusted
cell source (nbgrader restores test cells from the gradebook before running them),
rebuild the inputs with our own copy of the case builders, run the reference solution,
and compare as the manifest says. Monkeypatching numpy, the self-check helpers or
builtins inside the kernel cannot change this verdict.
"""
import contextlib
import io

import numpy as np

import grading_cases
from grader import messages
from grader.hidden_block import hidden_calls
from grader.manifest import Comparison, graded_function
from grader.reference import reference
from grader.verdict import CaseResult


class Mismatch(Exception):
    """The recorded output differs from the reference; the message is safe to show a student."""


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


def compare(comparison: Comparison, got, expected):
    """Raise Mismatch (with a student-safe reason) unless `got` matches the reference output."""
    rtol, atol = comparison.rtol, comparison.atol
    if comparison.kind == "scalar":
        _compare_array(got, np.asarray(expected, dtype=float), "the returned value", rtol, atol)
    elif comparison.kind == "dict":
        if not isinstance(got, dict):
            raise Mismatch("the function should return a dict")
        keys = list(expected) if comparison.keys is None else list(comparison.keys)
        missing = [k for k in keys if k not in got]
        if missing:
            raise Mismatch("the returned dict is missing %s" % ", ".join(missing))
        if comparison.keys is None and set(got) != set(expected):
            raise Mismatch("the returned dict has unexpected keys %s" % ", ".join(sorted(set(got) - set(expected))))
        for key in keys:
            _compare_array(got[key], expected[key], key, rtol, atol)
    elif comparison.kind == "pair":
        if not isinstance(got, list) or len(got) != 2 or not isinstance(got[1], list) or len(got[1]) != 14:
            raise Mismatch("the function should return (A3, cache) with the 14-entry cache")
        _compare_array(got[0], expected[0], "A3", rtol, atol)
        for index, name in comparison.cache_items:
            _compare_array(got[1][index], expected[1][index], name + " in the cache", rtol, atol)


def reference_output(function, case, params):
    """The reference solution's output on the rebuilt case, encoded and decoded as a record's would be."""
    with contextlib.redirect_stdout(io.StringIO()):
        output, error = grading_cases.run_case(reference(function), case, params)
    if error:
        raise RuntimeError("reference %s failed on %s %s: %s" % (function, case, params, error))
    return grading_cases.decode(grading_cases.encode(output))


def _judge_one(function, case, params, record):
    """None when the record matches the reference on this case, else (message template, its arguments)."""
    try:
        comparison = graded_function(function).comparison
    except KeyError:
        return messages.UNKNOWN_FUNCTION, ()
    if record is None:
        return messages.CASE_DID_NOT_RUN, ()
    if record.get("case") != case or record.get("params") != params or record.get("function") != function:
        return messages.CASE_MISMATCH, ()
    if record.get("error"):
        return messages.CASE_RAISED, (str(record["error"]).split(":")[0],)
    try:
        expected = reference_output(function, case, params)
        try:
            got = grading_cases.decode(record.get("output"))
        except (ValueError, TypeError):
            raise Mismatch("the output could not be read")
        compare(comparison, got, expected)
        return None
    except Mismatch as mismatch:
        return messages.CASE_FAILED, (str(mismatch),)
    except Exception as error:  # a broken test case must not stop the grading run
        return messages.CASE_NOT_JUDGED, (type(error).__name__,)


def judge_records(source, records) -> list[CaseResult]:
    """Judge the records a test cell produced against its trusted source, one CaseResult per hidden call."""
    results = []
    calls = hidden_calls(source)
    for index, (function, case, params) in enumerate(calls, start=1):
        label = messages.CASE_LABEL % (index, len(calls), function)
        problem = _judge_one(function, case, params, records[index - 1] if index <= len(records) else None)
        template, arguments = problem or (messages.CASE_PASSED, ())
        results.append(CaseResult(problem is None, template % ((label,) + arguments)))
    return results
