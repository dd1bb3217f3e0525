"""The out-of-kernel judge: verdicts come from the reference solution, never from the student's kernel."""
import json

import numpy as np
import pytest

import grading_cases
from grader import judge, messages
from grader.mistakes import MATCHES, UNRECOGNIZED, mistakes_for
from grader.reference import assignment_of, reference
from grader.verdict import Verdict, dumps, loads
from proofs.catalog import build
from samples.catalog_entries import catalog_entry

SOURCE = '''check_something(initialize_parameters_he)
### BEGIN HIDDEN TESTS
grade_case(initialize_parameters_he, "layers", layers_dims=[5, 4, 3, 1])
grade_case(compute_cost_with_regularization, "l2_cost", seed=7, n_x=3, n_h1=4, n_h2=2, m=6, lambd=0.3)
grade_case(gradient_check, "gradient_check", x=3.0, theta=2.0, epsilon=1e-2)
### END HIDDEN TESTS
'''


def record(function, case, params, fn=None):
    output, error = grading_cases.run_case(fn or reference(function), case, params)
    return {"function": function, "case": case, "params": params,
            "output": None if error else grading_cases.encode(output), "error": error}


def honest_records():
    return [record(*call) for call in judge.hidden_calls(SOURCE)]


def test_hidden_calls_are_read_from_source():
    calls = judge.hidden_calls(SOURCE)
    assert [c[0] for c in calls] == ["initialize_parameters_he", "compute_cost_with_regularization", "gradient_check"]
    assert calls[1][2]["lambd"] == 0.3


def test_reference_records_pass():
    assert all(passed for passed, _ in judge.judge_records(SOURCE, honest_records()))


def test_wrong_output_fails_without_revealing_values():
    records = honest_records()
    records[1]["output"] = grading_cases.encode(1.0)
    results = judge.judge_records(SOURCE, records)
    assert [p for p, _ in results] == [True, False, True]
    message = results[1][1]
    assert "wrong values" in message and "0.3" not in message and "seed" not in message


def test_missing_records_fail():
    results = judge.judge_records(SOURCE, honest_records()[:1])
    assert [p for p, _ in results] == [True, False, False]
    assert "did not run" in results[2][1]


def test_records_for_other_inputs_fail():
    """A kernel that records the visible example's (correct) output under the hidden case's name still fails."""
    records = honest_records()
    visible = record("initialize_parameters_he", "layers", {"layers_dims": [2, 4, 1]})
    records[0]["output"] = visible["output"]
    assert judge.judge_records(SOURCE, records)[0][0] is False
    records[0] = dict(visible)  # claims a different case than the trusted source says
    assert "does not match" in judge.judge_records(SOURCE, records)[0][1]


def test_student_error_is_reported_by_type_only():
    records = honest_records()
    records[2]["output"], records[2]["error"] = None, "ZeroDivisionError: secret detail"
    results = judge.judge_records(SOURCE, records)
    assert results[2][0] is False and "ZeroDivisionError" in results[2][1] and "secret" not in results[2][1]


def test_broken_case_does_not_crash():
    source = "### BEGIN HIDDEN TESTS\ngrade_case(gradient_check, 'no_such_case', x=1)\n### END HIDDEN TESTS\n"
    results = judge.judge_records(source, [{"function": "gradient_check", "case": "no_such_case",
                                             "params": {"x": 1}, "output": None, "error": None}])
    assert results[0][0] is False and "could not be judged" in results[0][1]


def test_patched_numpy_in_the_grader_is_not_the_students():
    """Replacing np.allclose in a kernel has no effect here: the judge compares in its own process."""
    records = honest_records()
    records[1]["output"] = grading_cases.encode(np.float64(123.0))
    assert judge.judge_records(SOURCE, records)[1][0] is False


# ----------------------------------------------------------------------------- naming the mistake (issue 20.1)
# catalog mutant -> the known mistake (grader/mistakes) its failed hidden cases must be named after
NAMED = {"he_xavier": "he_xavier", "random_not_times_10": "random_not_times_10", "zeros_ones": "zeros_ones",
         "l2_missing_half": "l2_missing_half", "l2_backward_doubled": "l2_backward_doubled",
         "dropout_no_scaling": "dropout_not_scaled", "dropout_inverted_mask": "dropout_inverted",
         "dropout_backward_no_scaling": "dropout_backward_not_scaled", "forward_adds": "forward_adds",
         "backward_returns_theta": "backward_returns_theta", "gc_one_sided": "gc_one_sided",
         "gc_swapped_ratio": "gc_swapped", "gcn_j_plus_only": "gcn_plus_only_2eps",
         "gcn_sum_of_squares": "gcn_squared_norms"}


@pytest.mark.parametrize("entry_id", sorted(NAMED))
def test_a_failed_hidden_case_is_named_after_the_known_mistake_it_matches(entry_id):
    """The catalog's own code of the mistake (not the grader's definition) is recorded and judged."""
    entry = catalog_entry(entry_id)
    implementation = build.define(build.reference_namespace(assignment_of(entry.function)), entry.function,
                                  entry.edits)
    results = build.judged(entry.function, implementation)
    label = next(m.label for m in mistakes_for(entry.function) if m.id == NAMED[entry_id])
    failed = [r for r in results if not r.passed]
    assert failed and all(r.mistake == label for r in failed), [(r.mistake, r.message) for r in results]
    assert all((MATCHES % label) in r.message for r in failed)
    assert judge.cell_mistake(results, [{"ename": "HiddenTestFailure"}]) == label


def test_a_wrong_output_no_mistake_explains_is_unrecognized():
    records = honest_records()
    records[1]["output"] = grading_cases.encode(123.0)
    results = judge.judge_records(SOURCE, records)
    assert results[1].mistake == UNRECOGNIZED and "matches" not in results[1].message
    assert judge.cell_mistake(results, [{"ename": "HiddenTestFailure"}]) == UNRECOGNIZED


def test_an_error_is_named_by_its_kind():
    records = honest_records()
    records[2]["output"], records[2]["error"] = None, "MemoryError: "
    results = judge.judge_records(SOURCE, records)
    assert results[2].mistake == "memory limit"
    assert judge.cell_mistake(results, [{"ename": "HiddenTestFailure"}]) == "memory limit"
    records[2]["error"] = "ZeroDivisionError: x"
    assert judge.cell_mistake(judge.judge_records(SOURCE, records), [{"ename": "HiddenTestFailure"}]) == \
        "ZeroDivisionError"
    stopped = judge.judge_records(SOURCE, honest_records()[:1])  # the cell was stopped after the first case
    assert judge.cell_mistake(stopped, [{"ename": "CellTimeoutError"}]) == "time limit"
    assert judge.cell_mistake(stopped, [{"ename": "NameError"}]) == "NameError"
    assert judge.cell_mistake(judge.judge_records(SOURCE, honest_records()), []) == ""
    # a self-check that failed while every hidden case passed; a stub that stopped the cell before them
    assert judge.cell_mistake(judge.judge_records(SOURCE, honest_records()), [{"ename": "SelfCheckFailed"}]) == \
        UNRECOGNIZED
    assert judge.cell_mistake(judge.judge_records(SOURCE, []), [{"ename": "SelfCheckFailed"}]) == "NotImplementedError"


def test_the_verdict_carries_the_mistake_through_its_file():
    verdict_ = Verdict("test_x", "x", 3.0, False, reason="r", mistake="the L2 penalty without the 1/2: lambd / m")
    assert loads(dumps([verdict_])) == [verdict_]
    assert json.loads(dumps([verdict_]))["verdicts"][0]["mistake"] == verdict_.mistake
    old = json.loads(dumps([verdict_]))
    del old["verdicts"][0]["mistake"]  # a sidecar written before the field existed
    assert loads(json.dumps(old))[0].mistake == ""


def test_an_exception_name_the_student_chose_is_recorded_as_another_exception():
    """A class name is the student's to choose (control characters, an encoding of hidden inputs, a known
    mistake's label): the verdict, the gradebook's outcome and the class report say only "another exception"."""
    stopped = judge.judge_records(SOURCE, [])
    for chosen in ("\x1b]0;pwned\x07Evil", "QmFzZTY0", "He initialization scaled by 1/n"):
        assert judge.cell_mistake(stopped, [{"ename": chosen}]) == messages.OTHER_ERROR
    assert judge.cell_mistake(stopped, [{"ename": "ValueError"}]) == "ValueError"
    record = {"function": "initialize_parameters_he", "error": "\x1b[2JEvil: boom"}
    assert judge._judge_one("initialize_parameters_he", "layers", {}, dict(record, case="layers", params={}))[2] \
        == messages.OTHER_ERROR
