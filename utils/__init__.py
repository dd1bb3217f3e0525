"""The helpers the notebooks import (nn_core, init_utils, reg_utils, gc_utils, testCases, checks_*, ...).

Run by: the students' notebooks, in their own Jupyter and in the grading sandbox, where each helper is
a plain file next to the notebook and imported as a top-level module (`import init_utils`); this package
itself is never imported. The grader imports them the same way (utils/ on the import path).
May import: the standard library, NumPy, SciPy, scikit-learn, matplotlib and each other.
Must not import: anything else of the course (grader, pipeline, authoring, samples, proofs, tests),
which does not exist where the notebooks run (tests/test_layers.py).
"""
