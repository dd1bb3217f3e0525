"""Self-checks of the Regularization notebook.

Each `check_<name>(fn)` runs the student's function on the notebook's visible
example (the fixtures of testCases.py), compares the result with the figures
stored in checks_regularization_examples, and ends with "All checks passed for <name>." or raises
`SelfCheckFailed` after saying in plain words what to fix.

How mistakes are named: expected_outputs_regularization.json (written when the
assignment is released) holds, for the fixed inputs of STORED_INPUTS, the right
output and the output of each typical mistake (a penalty without the 1/m, a mask
thresholded the wrong way, a missing division by keep_prob, ...). When the
student's result equals one of them, the check prints the advice for that
mistake. A second input catches a function that only knows the notebook's
example, and a few more calls test what one example cannot show: a penalty that
ignores lambd, dropout that depends on the random state before the call, masks
drawn again in the backward pass. The global NumPy random state is put back as
it was after every check.

The checks live in checks_regularization_l2 and checks_regularization_dropout; the
examples' figures and the stored inputs in checks_regularization_examples. The
notebook imports this module only.
"""
from checks_regularization_dropout import (check_backward_propagation_with_dropout,
                                           check_forward_propagation_with_dropout)
from checks_regularization_examples import (  # noqa: F401  (the figures: the assignment's tests read them here)
    BACKWARD_KEEP, BACKWARD_LAMBD, COST_LAMBD, EXPECTED_A3, EXPECTED_COST, EXPECTED_DA, EXPECTED_DW, FORWARD_KEEP,
    SPEC_COST, STORED_INPUTS)
from checks_regularization_l2 import (check_backward_propagation_with_regularization,
                                      check_compute_cost_with_regularization)
from selfcheck_core import SelfCheckFailed

__all__ = ["check_compute_cost_with_regularization", "check_backward_propagation_with_regularization",
           "check_forward_propagation_with_dropout", "check_backward_propagation_with_dropout",
           "SelfCheckFailed"]
