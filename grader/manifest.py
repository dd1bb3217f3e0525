"""The course's assignments, each described once: the one place to add a fourth.

Per assignment: its notebook, the helpers (utils/: modules, and expected_outputs_<name>.json, the
self-checks' stored outputs that grader/mistakes/stored.py writes at release) and data (datasets/) its folder ships,
its graded functions with their points and how the judge compares their output, its
reference module (grader/reference/), its self-check module (utils/) and what the
pipeline's sample students get wrong in it (entries of samples/catalog_entries.py).
Each source/<assignment>/ folder holds symlinks to its shipped files, which nbgrader
copies into release/ and over students' copies at autograde time (`python -m
authoring.link_helpers` makes the links; tests/test_assignment_folders.py fails on drift).
"""
import os
import re
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the course folder
COMMON = ("nn_core.py", "selfcheck_core.py", "grading_cases.py")
SELF_CHECK_CALL = re.compile(r"^\s*check_(\w+)\(", re.M)  # a cell that runs the self-check of a function


@dataclass(frozen=True)
class Comparison:
    """How the judge compares a graded function's output with the reference's.

    kind "scalar": one number or array; "dict": the values of `keys` (None: exactly the
    reference's keys); "pair": (A3, cache) with the cache entries `cache_items` (index, name).
    """
    kind: str
    rtol: float
    atol: float
    keys: tuple[str, ...] | None = None
    cache_items: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class GradedFunction:
    """A function students write; its test cell is test_<name> and carries `points`."""
    name: str
    points: float
    comparison: Comparison

    @property
    def grade_id(self) -> str:
        return "test_" + self.name


@dataclass(frozen=True)
class SampleStudents:
    """What the pipeline's sample students do in an assignment (samples/students.py).

    mistake: catalog entry the partly_wrong and tampered_test students submit;
    tampering: how tampered_test then hides it, steps (kind, *arguments) on that function's
    test cell: ("replace_test", text), ("flip_to_solution",), ("remove_hidden_block",);
    unimplemented: functions the unimplemented student leaves as shipped;
    deleted_test: function whose test cell deleted_test deletes, after submitting
    deleted_test_mistake (a catalog entry) or the reference when None.
    """
    mistake: str
    tampering: tuple[tuple[str, ...], ...]
    unimplemented: tuple[str, ...]
    deleted_test: str
    deleted_test_mistake: str | None = None


@dataclass(frozen=True)
class Assignment:
    name: str
    notebook: str
    helpers: tuple[str, ...]
    graded: tuple[GradedFunction, ...]
    reference: str                 # module of the reference solutions
    self_checks: str               # module in utils/ with check_<function> for each graded function (the one the
                                   # notebook imports; the modules it imports are shipped helpers too)
    notebook_imports: str          # what the notebook's import cells define (for in-process runs)
    samples: SampleStudents | None = None
    data: tuple[str, ...] = ()

    @property
    def functions(self) -> list[str]:
        return [f.name for f in self.graded]

    def shipped_files(self) -> list[str]:
        """Relative paths of every non-notebook file the assignment folder carries."""
        return list(self.helpers) + list(self.data)


GRADIENTS = ("dW1", "db1", "dW2", "db2", "dW3", "db3")
PARAMETERS = Comparison("dict", rtol=1e-6, atol=1e-9)
EXACT = Comparison("scalar", rtol=1e-9, atol=1e-12)
DIFFERENCE = Comparison("scalar", rtol=1e-3, atol=1e-12)

INITIALIZATION = Assignment(
    name="initialization",
    notebook="Initialization.ipynb",
    helpers=COMMON + ("plotting.py", "course_data.py", "init_utils.py", "checks_initialization.py",
                       "expected_outputs_initialization.json"),
    graded=(GradedFunction("initialize_parameters_zeros", 2, PARAMETERS),
            GradedFunction("initialize_parameters_random", 3, PARAMETERS),
            GradedFunction("initialize_parameters_he", 5, PARAMETERS)),
    reference="grader.reference.initialization",
    self_checks="checks_initialization",
    notebook_imports="import numpy as np\nfrom init_utils import *",
    samples=SampleStudents(mistake="he_xavier", tampering=(("replace_test", "assert True\n"),),
                           unimplemented=("initialize_parameters_random", "initialize_parameters_he"),
                           deleted_test="initialize_parameters_zeros"),
)

REGULARIZATION = Assignment(
    name="regularization",
    notebook="Regularization.ipynb",
    helpers=COMMON + ("plotting.py", "course_data.py", "reg_utils.py", "testCases.py", "checks_regularization.py",
                       "checks_regularization_examples.py", "checks_regularization_calls.py",
                       "checks_regularization_l2.py", "checks_regularization_dropout.py",
                       "expected_outputs_regularization.json"),
    data=("datasets/data.mat",),
    graded=(GradedFunction("compute_cost_with_regularization", 3, Comparison("scalar", rtol=1e-7, atol=1e-10)),
            GradedFunction("backward_propagation_with_regularization", 4,
                           Comparison("dict", rtol=1e-6, atol=1e-9, keys=GRADIENTS)),
            GradedFunction("forward_propagation_with_dropout", 5,
                           Comparison("pair", rtol=1e-6, atol=1e-9,
                                      cache_items=((1, "D1"), (2, "A1"), (6, "D2"), (7, "A2")))),
            GradedFunction("backward_propagation_with_dropout", 4,
                           Comparison("dict", rtol=1e-6, atol=1e-9, keys=GRADIENTS + ("dA1", "dA2")))),
    reference="grader.reference.regularization",
    self_checks="checks_regularization",
    notebook_imports="import numpy as np\nfrom reg_utils import *\nfrom testCases import *",
    samples=SampleStudents(mistake="l2_missing_half",
                           tampering=(("replace_test", "assert True  # trust me\n"), ("flip_to_solution",)),
                           unimplemented=("forward_propagation_with_dropout", "backward_propagation_with_dropout"),
                           deleted_test="forward_propagation_with_dropout", deleted_test_mistake="dropout_no_scaling"),
)

GRADIENT_CHECKING = Assignment(
    name="gradient_checking",
    notebook="Gradient_Checking.ipynb",
    helpers=COMMON + ("gc_utils.py", "testCases.py", "checks_gradient_checking.py",
                       "checks_gradient_checking_calls.py", "checks_gradient_checking_advice.py",
                       "checks_gradient_checking_1d.py", "checks_gradient_checking_nd.py",
                       "expected_outputs_gradient_checking.json"),
    graded=(GradedFunction("forward_propagation", 1, EXACT),
            GradedFunction("backward_propagation", 1, EXACT),
            GradedFunction("gradient_check", 4, DIFFERENCE),
            GradedFunction("gradient_check_n", 6, DIFFERENCE)),
    reference="grader.reference.gradient_checking",
    self_checks="checks_gradient_checking",
    notebook_imports=("import numpy as np\nfrom gc_utils import *\nfrom testCases import *\n"
                      "from nn_core import forward_propagation as three_layer_forward, compute_cost"),
    samples=SampleStudents(mistake="gc_one_sided",
                           tampering=(("remove_hidden_block",), ("replace_test", "assert True\n")),
                           unimplemented=("gradient_check", "gradient_check_n"),
                           deleted_test="gradient_check_n"),
)

ASSIGNMENTS: dict[str, Assignment] = {a.name: a for a in (INITIALIZATION, REGULARIZATION, GRADIENT_CHECKING)}


def shipped_files(assignment: str) -> list[str]:
    """Relative paths of every non-notebook file the assignment folder carries."""
    return ASSIGNMENTS[assignment].shipped_files()


def graded_function(name: str) -> GradedFunction:
    """The graded function called `name`, in whichever assignment."""
    for assignment in ASSIGNMENTS.values():
        for graded in assignment.graded:
            if graded.name == name:
                return graded
    raise KeyError(name)
