"""Self-checks of the Gradient Checking notebook.

Each `check_<name>(fn)` runs the student's function on the notebook's visible
example and on a few diagnostic cases, says in plain words what is off, and
ends with "All checks passed for <name>." or raises `SelfCheckFailed`.

How the gradient-check checks diagnose mistakes: `gradient_check` and
`gradient_check_n` look up `forward_propagation` / `backward_propagation` /
`forward_propagation_n` in the notebook's namespace when they run. For the
diagnostic cases the check puts its own test models there for the duration of
one call (and puts the notebook's functions back afterwards): a cubic cost with
a large epsilon, where a one-sided difference, a missing factor 2 or a wrong
norm each give a number of their own. The number every typical mistake gives on
those cases is stored data (expected_outputs_gradient_checking.json, written from
the course's definitions of the mistakes when the assignment is released); the
check names the mistake whose number the student's function reproduced.

The checks live in checks_gradient_checking_1d and checks_gradient_checking_nd, the
advice for each mistake in checks_gradient_checking_advice. The notebook imports
this module only.
"""
import checks_gradient_checking_1d
import checks_gradient_checking_nd
from checks_gradient_checking_1d import check_backward_propagation, check_forward_propagation, check_gradient_check
from checks_gradient_checking_nd import check_gradient_check_n
from selfcheck_core import SelfCheckFailed

__all__ = ["check_forward_propagation", "check_backward_propagation", "check_gradient_check",
           "check_gradient_check_n", "SelfCheckFailed"]

# The fixed inputs of the stored outputs, function by function (grader/mistakes/stored.py reads them here).
STORED_INPUTS = {**checks_gradient_checking_1d.STORED_INPUTS, **checks_gradient_checking_nd.STORED_INPUTS}
