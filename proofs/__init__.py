"""Proofs that the kit does what it says: mutant/variant catalogs, course figures, grading benchmarks.

Run by: the instructor (`python3 kit.py catalog|figures|benchmark`) and the tests.
May import: grader, pipeline and samples, and the course's helpers (utils/, as top-level modules: the figures
and the catalogs run the course's own code). Must not import: authoring or tests (tests/test_layers.py).
"""
