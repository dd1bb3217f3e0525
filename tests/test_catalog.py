"""The variant and mutant catalogs, all of them graded through the real autograde path (the slow tier).

Every variant (a correct solution written differently) gets full marks and passes every
self-check; every mutant (a plausible mistake, or an attempt to tamper with the tests from
inside the kernel) scores 0 on its function's test cell, and the self-check names the mistake.
The grading runs once per test run in the background: tests/catalog_builds.py FULL.
"""
from collections import Counter

import pytest

from catalog_builds import assert_full_marks, assert_loses_the_points
from grader.manifest import ASSIGNMENTS
from samples.catalog_entries import ENTRIES, MUTANTS, VARIANTS


def test_catalogs_cover_every_graded_function():
    assert len(VARIANTS) >= 25 and len(MUTANTS) >= 50
    assert len({e.id for e in ENTRIES}) == len(ENTRIES)
    functions = [f for a in ASSIGNMENTS.values() for f in a.functions]
    assert len(functions) == 11
    kinds = Counter((e.function, e.kind) for e in ENTRIES)
    assert all(kinds[(f, "variant")] and kinds[(f, "mutant")] for f in functions), kinds
    assert sum(1 for e in MUTANTS if e.prelude) >= 4  # tampering inside the kernel
    assert all(e.hint for e in MUTANTS if e.self_check_catches)


@pytest.mark.slow
def test_every_entry_was_graded(catalog_full):
    data, results = catalog_full
    assert set(results) == {e.id for e in ENTRIES}
    assert data["full"] == {a.name: float(sum(f.points for f in a.graded)) for a in ASSIGNMENTS.values()}


@pytest.mark.slow
@pytest.mark.parametrize("entry", VARIANTS, ids=lambda e: e.id)
def test_variant_gets_full_marks_and_passes_every_self_check(catalog_full, entry):
    data, results = catalog_full
    assert_full_marks(data, results[entry.id], entry)


@pytest.mark.slow
@pytest.mark.parametrize("entry", MUTANTS, ids=lambda e: e.id)
def test_mutant_loses_the_points_with_the_right_message(catalog_full, entry):
    _, results = catalog_full
    assert_loses_the_points(results[entry.id], entry)
