"""Bytecode for the course's own helper modules in a notebook's folder, so that no notebook compiles them again.

A notebook's child imports its helper modules (init_utils, the self-checks, ...) from its
read-only files folder, where Python found no bytecode and compiled every one of them for every
notebook: about 0.01 CPU-s each time. For a module that is byte for byte the course's own
(utils/), the grader sends a checked hash-based .pyc (PEP 552) with the notebook's files:
Python uses it only while the hash of the source next to it matches, and compiles that source
itself otherwise. Only the grader compiles, and only the course's own source: a file a student
added or changed is never compiled here, and gets no bytecode.
"""
import importlib.util
import marshal
import os
import sys

from grader.sandbox.child_isolation import HELPERS, PYCACHE   # PYCACHE: kept out of the working folder

COURSE_HELPERS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "utils")
CHECKED_HASH = (0b11).to_bytes(4, "little")   # PEP 552 flags: hash-based, check the source
_COMPILED = {}   # (file name, source bytes) -> .pyc bytes, for sources that were the course's own


def _course_source(name):
    try:
        with open(os.path.join(COURSE_HELPERS, name), "rb") as handle:
            return handle.read()
    except OSError:
        return None


def bytecode_for(relative_path, data):
    """(relative path, .pyc bytes) for a module of the folder's top level equal to the course's own, else None."""
    if "/" in relative_path or not relative_path.endswith(".py") or relative_path.startswith("."):
        return None
    key = (relative_path, data)
    if key not in _COMPILED:
        if _course_source(relative_path) != data:
            return None
        try:
            code = compile(data, HELPERS + "/" + relative_path, "exec", dont_inherit=True, optimize=0)
        except (SyntaxError, ValueError):
            return None
        _COMPILED[key] = (importlib.util.MAGIC_NUMBER + CHECKED_HASH + importlib.util.source_hash(data)
                          + marshal.dumps(code))
    name = "%s/%s.%s.pyc" % (PYCACHE, relative_path[:-3], sys.implementation.cache_tag)
    return name, _COMPILED[key]
