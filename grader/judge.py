"""Judge hidden tests in the grading process, outside the student's kernel.

The hidden block of a test cell calls `grade_case(fn, "case", **params)`; the kernel
records fn's output (utils/grading_cases.py). Here we re-read the calls from the trusted
cell source (nbgrader restores test cells from the gradebook before running them),
rebuild the inputs with our own copy of the case builders, run the reference solution,
and compare as the manifest says. Monkeypatching numpy, the self-check helpers or
builtins inside the kernel cannot change this verdict. A failed case is then compared,
the same way, with the output of every known mistake of the function (grader/mistakes/)
on the same inputs, to name the slip; nothing the kernel printed is read for that.
"""
import contextlib
import io
import json
import warnings

import numpy as np

import grading_cases
from grader import messages
from grader.hidden_block import hidden_calls
from grader.manifest import Comparison, graded_function
from grader.mistakes import MATCHES, UNRECOGNIZED, mistakes_for
from grader.reference import reference
from grader.sandbox.budget_messages import hit_kind
from grader.verdict import CaseResult

SELF_CHECK_ERROR = "SelfCheckFailed"  # utils/selfcheck_core.py: a self-check's report, shown as the cell's error
# the kind of error a cell or a case stopped with, as the class report names it
ERROR_KINDS = {messages.TIMEOUT_ERROR: "time limit", "MemoryError": "memory limit"}


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


def output_on_case(implementation, case, params):
    """`implementation`'s output on the rebuilt case, encoded and decoded as a record's would be
    (RuntimeError when it raises). Its prints and NumPy's warnings are kept out of the grader's streams."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        output, error = grading_cases.run_case(implementation, case, params)
    if error:
        raise RuntimeError("%s failed on %s %s: %s" % (getattr(implementation, "__name__", "?"), case, params, error))
    return grading_cases.decode(grading_cases.encode(output))


_KNOWN_OUTPUTS = {}   # (function, case, params, whose) -> encoded output of the grader's own code on that case
MAX_KNOWN_OUTPUTS = 10_000


def known_output(function, case, params, whose, implementation):
    """output_on_case for the grader's own code (the reference, or a known mistake named `whose`), computed
    once per process and case: every student's hidden case with the same trusted call gets the same inputs
    (the case builders seed NumPy before each call), so the same output. A fresh decoded copy each time."""
    key = (function, case, json.dumps(params, sort_keys=True, default=repr), whose)
    if key not in _KNOWN_OUTPUTS:
        output = output_on_case(implementation, case, params)   # raises when it fails: nothing is kept
        if len(_KNOWN_OUTPUTS) >= MAX_KNOWN_OUTPUTS:
            _KNOWN_OUTPUTS.clear()
        _KNOWN_OUTPUTS[key] = grading_cases.encode(output)
    return grading_cases.decode(_KNOWN_OUTPUTS[key])


def reference_output(function, case, params):
    """The reference solution's output on the rebuilt case, encoded and decoded as a record's would be."""
    return known_output(function, case, params, "reference", reference(function))


def matching_mistake(function, case, params, got):
    """The first known mistake of `function` whose output on the case `got` matches, compared as the
    reference is; None when none does."""
    comparison = graded_function(function).comparison
    for known in mistakes_for(function):
        try:
            compare(comparison, got, known_output(function, case, params, "mistake:%s" % known.id, known.run))
            return known
        except Exception:  # a mismatch, or a mistake that cannot run on this case
            continue
    return None


def error_kind(error_name):
    """How the class report and the page name an error: time limit, memory limit, a common exception's name
    (messages.NAMED_ERRORS), or "another exception" for a name the student's code chose."""
    if error_name in ERROR_KINDS:
        return ERROR_KINDS[error_name]
    return error_name if error_name in messages.NAMED_ERRORS else messages.OTHER_ERROR


def _judge_one(function, case, params, record):
    """None when the record matches the reference on this case, else (message template, its arguments,
    what the failure is: a known mistake's label, "unrecognized" or an error kind)."""
    try:
        comparison = graded_function(function).comparison
    except KeyError:
        return messages.UNKNOWN_FUNCTION, (), UNRECOGNIZED
    if record is None:
        return messages.CASE_DID_NOT_RUN, (), ""
    if record.get("case") != case or record.get("params") != params or record.get("function") != function:
        return messages.CASE_MISMATCH, (), UNRECOGNIZED
    if record.get("error"):
        name = str(record["error"]).split(":")[0][:80]
        return messages.CASE_RAISED, (name,), error_kind(name)
    try:
        expected = reference_output(function, case, params)
    except Exception as error:  # a broken test case must not stop the grading run
        return messages.CASE_NOT_JUDGED, (type(error).__name__,), ""
    try:
        got = grading_cases.decode(record.get("output"))
    except Exception:  # hostile or damaged data
        return messages.CASE_FAILED, ("the output could not be read",), UNRECOGNIZED
    try:
        compare(comparison, got, expected)
        return None
    except Mismatch as mismatch:
        reason = str(mismatch)
    except Exception as error:  # an output the comparison cannot handle
        return messages.CASE_NOT_JUDGED, (type(error).__name__,), ""
    known = matching_mistake(function, case, params, got)
    if known is None:
        return messages.CASE_FAILED, (reason,), UNRECOGNIZED
    return messages.CASE_FAILED, ("%s; %s" % (reason, MATCHES % known.label),), known.label


def judge_records(source, records) -> list[CaseResult]:
    """Judge the records a test cell produced against its trusted source, one CaseResult per hidden call."""
    results = []
    calls = hidden_calls(source)
    for index, (function, case, params) in enumerate(calls, start=1):
        label = messages.CASE_LABEL % (index, len(calls), function)
        problem = _judge_one(function, case, params, records[index - 1] if index <= len(records) else None)
        template, arguments, mistake = problem or (messages.CASE_PASSED, (), "")
        results.append(CaseResult(problem is None, template % ((label,) + arguments), mistake))
    return results


def cell_mistake(results, errors):
    """What a test cell's failure was, for verdict["mistake"]: "" when it passed; "time limit" when it
    ran out of time; else the label of the known mistake a failed hidden case matches; else the kind
    of the error a hidden case or the cell raised ("memory limit" or the exception's name; a release
    stub is "NotImplementedError"); else "unrecognized" (a wrong output no known mistake gives, or a
    self-check that failed while the hidden cases passed). `results`: its CaseResults; `errors`: its
    error outputs (any order)."""
    names = [str(o.get("ename", "")) for o in errors]
    if not names and all(r.passed for r in results):
        return ""
    if messages.TIMEOUT_ERROR in names:
        return error_kind(messages.TIMEOUT_ERROR)
    if messages.BUDGET_ERROR in names:   # the notebook was stopped at its budget (grader/sandbox/budget.py)
        return hit_kind(next(str(o.get("evalue", "")) for o in errors if o.get("ename") == messages.BUDGET_ERROR))
    failures = [getattr(r, "mistake", "") for r in results if not r.passed]
    named = [m for m in failures if m and m != UNRECOGNIZED]
    if named:
        return named[0]
    raised = [n for n in names if n not in (messages.HIDDEN_FAILURE_ERROR, messages.STDERR_ERROR, SELF_CHECK_ERROR)]
    if raised:
        return error_kind(raised[0])
    if SELF_CHECK_ERROR in names and results and all(not r.passed and not r.mistake for r in results):
        # Under autograde a failed self-check does not stop its cell (utils/selfcheck_core.py); one that
        # stopped it before any hidden case ran met the release stub, which raises NotImplementedError.
        return error_kind("NotImplementedError")
    if names == [messages.STDERR_ERROR]:  # the only fault: a warning or print to stderr while the test ran
        return messages.STDERR_ERROR
    return UNRECOGNIZED
