"""Instructor authoring commands: release, solution sync, helper links, validation, data, diagrams, plots.

Run by: the instructor, by hand (`python -m authoring.<command>`) while writing the course.
May import: grader and pipeline. Must not import: samples, proofs or tests (tests/test_layers.py).
"""
