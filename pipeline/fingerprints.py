"""Fingerprints: of the grading set-up of an assignment, and of one submission graded with it.

The set-up is everything a grade depends on besides the submission: the files of the grader
package (walked, so a new module counts at once), nbgrader_config.py, the assignment's source
folder (its shipped helpers included), the interpreter, the versions of the grading libraries and the
settings a grade depends on (grader/settings.py: executor, cell timeout, sandbox limits, ...).
"""
import hashlib
import os
import sys
from importlib.metadata import version

from grader import settings as kit_settings
from pipeline.course import files_under

STAMP_VERSION = 2
# a new version of any of these re-grades everything (as does a change of the grader package)
VERSIONED = ("nbgrader", "nbclient", "nbconvert", "ipykernel", "jupyter_client", "numpy")


def _hash_files(paths, digest, base):
    for path in sorted(paths):
        digest.update(os.path.relpath(path, base).encode())
        try:
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
        except OSError:
            digest.update(b"<missing>")


def grading_files(course, assignment):
    """The files whose contents can change a grade of `assignment`."""
    return (files_under(course.path("grader")) + [course.path("nbgrader_config.py")]
            + files_under(course.path("source", assignment)))


def setup_fingerprint(course, assignment, settings=None):
    """Everything the grade of a submission of `assignment` depends on besides the submission
    (`settings`: those it is graded with, this process's by default)."""
    tools_versions = " ".join("%s %s" % (name, version(name)) for name in VERSIONED)
    digest = hashlib.sha256(("v%d %s %s" % (STAMP_VERSION, sys.executable, tools_versions)).encode())
    digest.update((settings or kit_settings.current()).grading_knobs().encode())
    _hash_files(grading_files(course, assignment), digest, course.root)
    return digest.hexdigest()


def submission_fingerprint(admitted_folder, setup, problem=None):
    """The set-up fingerprint combined with the admitted copy of a submission (regular files only, no links)
    and the reason it could not be admitted, if any."""
    digest = hashlib.sha256(setup.encode())
    digest.update(("problem=%s;" % problem).encode())
    if os.path.isdir(admitted_folder):
        _hash_files(files_under(admitted_folder, skip_dot=False, follow_links=False), digest, admitted_folder)
    return digest.hexdigest()
