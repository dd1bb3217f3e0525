"""The self-checks' stored outputs: what the reference and every known mistake return on fixed inputs.

Written at release time (`python -m authoring.make_release`) to utils/expected_outputs_<assignment>.json,
which each assignment folder ships next to its notebook. A self-check runs the student's function
on the same inputs (its module's STORED_INPUTS) and compares with these numbers, so the student
folder holds data, never a solution or a definition of a mistake. The release sync test requires
the files to equal what this module makes now.
"""
import contextlib
import copy
import importlib
import io
import json
import os
import warnings

import numpy as np

import grading_cases
from grader.manifest import ASSIGNMENTS, ROOT
from grader.mistakes import mistakes_module, mistakes_of
from grader.reference import reference
from grading_cases import STORED_FILE
from selfcheck_core import swapped_globals

SEED_BEFORE = 20261124  # the global random state every stored call starts from (as the hidden cases do)
ABOUT = ("Expected outputs for the self-checks of this notebook, on their fixed inputs: the right answer and "
         "what each known mistake gives. Generated from the course's reference solutions when the assignment "
         "is released; the self-checks read this file, do not edit it.")


def stored_file(assignment):
    """The master copy of an assignment's stored outputs, in utils/."""
    return os.path.join(ROOT, "utils", STORED_FILE % assignment)


def run_on(implementation, built, keep=None):
    """implementation(*args, **kwargs) with its globals patched, from a fixed random state; the encoded
    output (only its item `keep` when given), or None when it raises."""
    args, kwargs, patches = built
    with swapped_globals(implementation, patches), contextlib.redirect_stdout(io.StringIO()), \
            warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        np.random.seed(SEED_BEFORE)
        try:
            output = implementation(*copy.deepcopy(args), **copy.deepcopy(kwargs))
        except Exception:
            return None
    if isinstance(keep, tuple):
        return grading_cases.encode({key: output[key] for key in keep})
    return grading_cases.encode(output if keep is None else output[keep])


def build(assignment):
    """The stored outputs of `assignment` as a JSON-able dict."""
    checks = importlib.import_module(ASSIGNMENTS[assignment].self_checks)
    known = mistakes_of(assignment)
    variants = getattr(mistakes_module(assignment), "stored_variants", lambda: {})()
    functions = {}
    for function, inputs in getattr(checks, "STORED_INPUTS", {}).items():
        entry = {"inputs": [], "expected": [], "mistakes": {}, "variants": {}}
        for input_id, builder in inputs:
            built = builder()
            entry["inputs"].append(input_id)
            entry["expected"].append(run_on(reference(function), built))
            for mistake in (m for m in known if m.function == function):
                slot = entry["mistakes"].setdefault(mistake.id, {"label": mistake.label, "outputs": []})
                slot["outputs"].append(run_on(mistake.run, built))
            for variant_id, (implementation, keep) in variants.get(function, {}).items():
                entry["variants"].setdefault(variant_id, []).append(run_on(implementation, built, keep))
        functions[function] = entry
    return {"about": ABOUT, "assignment": assignment, "fixtures": fixtures(assignment), "functions": functions}


def fixtures(assignment):
    """The fixed test-case data the assignment's testCases reads from the file (encoded)."""
    makers = getattr(mistakes_module(assignment), "stored_fixtures", lambda: {})()
    return {name: grading_cases.encode(make()) for name, make in makers.items()}


def text(assignment):
    """The file's text: deterministic (sorted keys, floats written exactly)."""
    return json.dumps(build(assignment), sort_keys=True, separators=(",", ":")) + "\n"


def write(assignment):
    """Write utils/expected_outputs_<assignment>.json when the assignment's self-checks store outputs;
    returns its path, or None."""
    checks = importlib.import_module(ASSIGNMENTS[assignment].self_checks)
    if not getattr(checks, "STORED_INPUTS", None):
        return None
    path = stored_file(assignment)
    if _read(path) is not None and _same_as_now(assignment, _read(path)):
        return path  # unchanged: left alone, so that its time does not make the release look stale
    # first the fixtures alone: the self-checks' inputs are built from them
    _write(path, json.dumps({"about": ABOUT, "assignment": assignment, "fixtures": fixtures(assignment),
                             "functions": {}}))
    _write(path, text(assignment))
    return path


def _read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def _same_as_now(assignment, content):
    """Whether `content` is what the reference and the mistakes give now (False when it cannot be built)."""
    try:
        return text(assignment) == content
    except Exception:  # e.g. fixtures missing from an old file
        return False


def _write(path, content):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(content)
    grading_cases._stored_text.cache_clear()
