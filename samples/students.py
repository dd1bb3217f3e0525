"""The sample students of the pipeline and the bad-input students it must survive, built from the release."""
from grader.manifest import ASSIGNMENTS
from samples.catalog_entries import catalog_entry
from samples.notebook_edits import (
    SAMPLE_TIMESTAMP, apply_catalog_entry, delete_cell, edit_test_cell, fill_all, inject_into_function,
    notebook_text, prepend_to_cell, read_release, remove_hidden_block, set_cell_metadata, write_submission)


def correct(assignment, nb):
    return fill_all(nb, assignment)


def _samples(assignment):
    return ASSIGNMENTS[assignment].samples


def partly_wrong(assignment, nb):
    """Right except the manifest's sample mistake (e.g. Xavier instead of He, L2 cost without the 1/2,
    a one-sided difference in the 1-D gradient check)."""
    fill_all(nb, assignment)
    return apply_catalog_entry(nb, _samples(assignment).mistake)


def unimplemented(assignment, nb):
    """Did the first part(s), left the rest as shipped (stubs that raise NotImplementedError)."""
    return fill_all(nb, assignment, skip=_samples(assignment).unimplemented)


TAMPERINGS = {  # what tampered_test does to the test cell of its wrong function
    "replace_test": lambda nb, function, text: edit_test_cell(nb, function, text),
    "flip_to_solution": lambda nb, function: set_cell_metadata(nb, "test_" + function, solution=True),
    "remove_hidden_block": lambda nb, function: remove_hidden_block(nb, function),
}


def tampered_test(assignment, nb):
    """The sample mistake hidden behind edited tests (`assert True`, a removed hidden block, a test
    cell flipped to a solution cell). nbgrader restores the tests, so the wrong part scores 0."""
    fill_all(nb, assignment)
    mistake = catalog_entry(_samples(assignment).mistake)
    apply_catalog_entry(nb, mistake)
    for kind, *arguments in _samples(assignment).tampering:
        TAMPERINGS[kind](nb, mistake.function, *arguments)
    return nb


def deleted_test(assignment, nb):
    """Deleted one test cell (restored by the autograder and scored on the real test), over a correct
    answer or the manifest's mistake for that student."""
    fill_all(nb, assignment)
    if _samples(assignment).deleted_test_mistake:
        apply_catalog_entry(nb, _samples(assignment).deleted_test_mistake)
    return delete_cell(nb, "test_" + _samples(assignment).deleted_test)


SAMPLE_STUDENTS = {
    "correct": correct,
    "partly_wrong": partly_wrong,
    "unimplemented": unimplemented,
    "tampered_test": tampered_test,
    "deleted_test": deleted_test,
}


# Bad inputs the pipeline must survive (tests/test_pipeline_robustness.py): each builder returns the
# submission of ONE assignment (a notebook, raw text, or None for "no notebook in the folder").
def endless_loop(nb):
    """Initialization: initialize_parameters_random never returns (its test cell must time out)."""
    fill_all(nb, "initialization")
    return inject_into_function(nb, "initialize_parameters_random", "while True:\n    pass")


def kernel_crash(nb):
    """Regularization: the dropout-forward solution cell kills the kernel when it runs."""
    fill_all(nb, "regularization")
    return prepend_to_cell(nb, "forward_propagation_with_dropout", "import os\nos._exit(1)")


def broken_json(nb):
    """Initialization: the file was cut off while saving (not valid JSON)."""
    text = notebook_text(fill_all(nb, "initialization"))
    return text[: len(text) // 2]


def missing_notebook(nb):
    """Gradient Checking: the folder and timestamp were submitted, the notebook was not."""
    return None


def huge_output(nb):
    """Initialization, correct, but one cell prints a 10^8-character line and another 10^6 lines."""
    fill_all(nb, "initialization")
    prepend_to_cell(nb, "initialize_parameters_zeros", 'print("x" * 10 ** 8)')
    prepend_to_cell(nb, "initialize_parameters_random", 'print("\\n".join(map(str, range(10 ** 6))))')
    return nb


def noisy_stderr(nb):
    """Regularization, correct answers, but the L2 cost warns and the L2 backward prints to stderr."""
    fill_all(nb, "regularization")
    inject_into_function(nb, "compute_cost_with_regularization", 'import warnings\nwarnings.warn("checking my cost")')
    return inject_into_function(nb, "backward_propagation_with_regularization",
                                'import sys\nprint("debug: in backward", file=sys.stderr)')


BAD_INPUTS = {  # student: (assignment, builder)
    "endless_loop": ("initialization", endless_loop),
    "kernel_crash": ("regularization", kernel_crash),
    "broken_json": ("initialization", broken_json),
    "missing_notebook": ("gradient_checking", missing_notebook),
    "huge_output": ("initialization", huge_output),
    "noisy_stderr": ("regularization", noisy_stderr),
}


def build_bad_inputs(root=None, students=None):
    """Write the bad-input students' submissions (one assignment each)."""
    changed = {}
    for student in students or list(BAD_INPUTS):
        assignment, builder = BAD_INPUTS[student]
        if write_submission(student, assignment, builder(read_release(assignment, root)), root=root):
            changed[student] = [assignment]
    return changed


def build_student(student, builder, root=None, assignments=None, timestamp=SAMPLE_TIMESTAMP):
    """Write one student's submissions; `builder(assignment, release_nb)` returns a notebook, text or None."""
    changed = []
    for assignment in assignments or [a for a in ASSIGNMENTS if _samples(a)]:
        content = builder(assignment, read_release(assignment, root))
        if write_submission(student, assignment, content, root=root, timestamp=timestamp):
            changed.append(assignment)
    return changed


def build_samples(root=None, students=None):
    """Write the sample students' submissions; returns {student: [assignments rewritten]}."""
    return {student: build_student(student, SAMPLE_STUDENTS[student], root=root)
            for student in (students or list(SAMPLE_STUDENTS))}
