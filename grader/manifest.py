"""The course's assignments: notebook names and the helper files each folder must carry.

Helpers live once in utils/ (and the data in datasets/); each assignment folder
in source/ holds symlinks to them, which nbgrader copies as plain files into
release/ and over students' copies at autograde time. `python -m authoring.link_helpers`
(re)creates the links; tests/test_assignment_folders.py fails on drift.
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the course folder
COMMON = ["nn_core.py", "selfcheck_core.py", "grading_cases.py"]

ASSIGNMENTS = {
    "initialization": {
        "notebook": "Initialization.ipynb",
        "helpers": COMMON + ["plotting.py", "course_data.py", "init_utils.py", "checks_initialization.py"],
        "data": [],
    },
    "regularization": {
        "notebook": "Regularization.ipynb",
        "helpers": COMMON + ["plotting.py", "course_data.py", "reg_utils.py", "testCases.py",
                             "checks_regularization.py"],
        "data": ["datasets/data.mat"],
    },
    "gradient_checking": {
        "notebook": "Gradient_Checking.ipynb",
        "helpers": COMMON + ["gc_utils.py", "testCases.py", "checks_gradient_checking.py"],
        "data": [],
    },
}


def shipped_files(assignment):
    """Relative paths of every non-notebook file the assignment folder carries."""
    spec = ASSIGNMENTS[assignment]
    return list(spec["helpers"]) + list(spec["data"])
