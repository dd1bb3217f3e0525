"""The variant and mutant catalogs, graded through the real autograde path (proofs/catalog/harness.py).

Every variant (a correct solution written differently) gets full marks and passes every
self-check; every mutant (a plausible mistake, or an attempt to tamper with the tests from
inside the kernel) scores 0 on its function's test cell, and the self-check names the mistake.
The grading runs once per test run in the background (tests/background.py):
`python -m proofs.catalog --json FOLDER/catalog.json --workdir FOLDER`.
"""
import json
import os
import sys
from collections import Counter

import pytest

import background
from grader.manifest import ASSIGNMENTS
from proofs.catalog.entries import ENTRIES, MUTANTS, VARIANTS

BUILD = ("catalog", [sys.executable, "-m", "proofs.catalog", "--json", os.path.join("{folder}", "catalog.json"),
                     "--workdir", "{folder}"])
background.start(*BUILD)

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder, status = background.result(*BUILD, tmp_path_factory=tmp_path_factory)
    path = os.path.join(folder, "catalog.json")
    if not os.path.exists(path):
        pytest.fail("grading the catalogs failed (exit %s):\n%s" % (status["returncode"], status["tail"]))
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    return data, {r["id"]: r for r in data["results"]}


def test_catalogs_cover_every_graded_function():
    assert len(VARIANTS) >= 25 and len(MUTANTS) >= 50
    assert len({e.id for e in ENTRIES}) == len(ENTRIES)
    functions = [f for a in ASSIGNMENTS.values() for f in a.functions]
    assert len(functions) == 11
    kinds = Counter((e.function, e.kind) for e in ENTRIES)
    assert all(kinds[(f, "variant")] and kinds[(f, "mutant")] for f in functions), kinds
    assert sum(1 for e in MUTANTS if e.prelude) >= 4  # tampering inside the kernel
    assert all(e.hint for e in MUTANTS if e.self_check_catches)


def test_every_entry_was_graded(graded):
    data, results = graded
    assert set(results) == {e.id for e in ENTRIES}
    assert data["full"] == {"initialization": 10.0, "regularization": 16.0, "gradient_checking": 12.0}


def _context(result):
    return "%s: %s\nerrors: %s\nverdict: %s" % (result["id"], result["got"], result["errors"][:3], result["verdict"])


@pytest.mark.parametrize("entry", VARIANTS, ids=lambda e: e.id)
def test_variant_gets_full_marks_and_passes_every_self_check(graded, entry):
    data, results = graded
    result = results[entry.id]
    full = next(v for a, v in data["full"].items() if entry.function in ASSIGNMENTS[a].functions)
    assert result["score"] == result["max_score"] == full, _context(result)
    assert all(score == maximum for score, maximum in result["parts"].values()), _context(result)
    assert result["errors"] == [], _context(result)
    verdict = result["verdict"]
    assert verdict["passed"] and verdict["self_check_passed"], _context(result)
    assert verdict["hidden_passed"] == verdict["hidden_total"] > 0, _context(result)
    assert result["hidden"][0] == result["hidden"][1] > 0, _context(result)
    assert result["problems"] == [], _context(result)


@pytest.mark.parametrize("entry", MUTANTS, ids=lambda e: e.id)
def test_mutant_loses_the_points_with_the_right_message(graded, entry):
    data, results = graded
    result = results[entry.id]
    score, maximum = result["parts"]["test_" + entry.function]
    assert maximum > 0 and score == 0, _context(result)
    assert result["score"] < result["max_score"], _context(result)
    verdict = result["verdict"]
    assert not verdict["passed"] and verdict["reason"], _context(result)
    if entry.self_check_catches:
        assert verdict["self_check_passed"] is False, _context(result)
        if entry.hint:  # named in the diagnosis ("Likely cause: ..."), not just in the list of wrong values
            assert entry.hint.lower() in " ".join(verdict["self_check_causes"]).lower(), _context(result)
    if not entry.prelude:  # the hidden tests on their own catch it too (judged in-process on the same cases)
        assert result["hidden"][0] < result["hidden"][1], _context(result)
    assert result["problems"] == [], _context(result)


def test_tampering_never_fakes_a_pass(graded):
    """Patched numpy / self-check module / recorder / builtins / display: the hidden verdict is made outside."""
    _, results = graded
    for entry in (e for e in MUTANTS if e.prelude):
        verdict = results[entry.id]["verdict"]
        assert 0 < verdict["hidden_total"] and verdict["hidden_passed"] < verdict["hidden_total"], \
            _context(results[entry.id])
