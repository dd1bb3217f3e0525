"""The grading code nbgrader loads: the only package whose files can change a grade.

Run by: every process that grades (plain `nbgrader` commands through nbgrader_config.py, the
pipeline's worker processes, Dask workers) and the sandbox launcher every kernel starts through.
May import: the standard library, nbgrader and Jupyter's libraries, and the helpers the course ships
(utils/, as top-level modules, as the notebooks do). Must not import: pipeline, authoring, samples,
proofs or tests (tests/test_layers.py). Its files (with nbgrader_config.py and source/<assignment>/)
are the grading fingerprint (pipeline/fingerprints.py); its settings come from grader/settings.py.
"""
