"""Reference solutions of the 11 graded functions: the one copy.

The graded cells of the source notebooks are written from these modules by
`python -m authoring.sync_solutions`, and a test fails when they drift apart.
Each block starts with a `# GRADED FUNCTION: name` (or `# COURSE CODE: name`)
line and ends with the function.
"""
from grader.reference import initialization, regularization, gradient_checking

MODULES = {"initialization": initialization, "regularization": regularization,
           "gradient_checking": gradient_checking}

GRADED = {
    "initialization": ["initialize_parameters_zeros", "initialize_parameters_random",
                       "initialize_parameters_he"],
    "regularization": ["compute_cost_with_regularization", "backward_propagation_with_regularization",
                       "forward_propagation_with_dropout", "backward_propagation_with_dropout"],
    "gradient_checking": ["forward_propagation", "backward_propagation", "gradient_check",
                          "gradient_check_n"],
}


def reference(name):
    """The reference implementation of graded function `name`."""
    for assignment, names in GRADED.items():
        if name in names:
            return getattr(MODULES[assignment], name)
    raise KeyError(name)
