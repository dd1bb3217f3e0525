"""The grading code nbgrader loads: the only package whose files can change a grade.

Its files (with nbgrader_config.py and source/<assignment>/) are the grading fingerprint
(pipeline/fingerprints.py). It imports the helpers the course ships (utils/) as top-level
modules, as the notebooks do; nbgrader_config.py puts utils/ on the import path.
"""
