"""Sample and bad-input student submissions, built by editing the release notebooks.

Run by: the pipeline's demo run (`python3 kit.py grade`), `python -m samples`, the proofs and the tests.
May import: grader and pipeline. Must not import: proofs (which builds on samples), authoring or tests
(tests/test_layers.py).
"""
