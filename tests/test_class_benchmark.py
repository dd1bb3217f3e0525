"""The class benchmark (`kit.py benchmark --class N`): its corpus, and a tiny run's report (no timing is asserted)."""
import os
import re
import subprocess
import sys

import pytest

from course_env import python_env
from grader.manifest import ASSIGNMENTS, ROOT
from samples.catalog_entries import ENTRIES
from proofs.class_corpus import bad_input_positions, kinds, sample_indices
from samples.students import BAD_INPUTS, SAMPLE_STUDENTS

pytestmark = pytest.mark.e2e  # runs nbgrader, a kernel or a training


def test_every_catalog_entry_and_sample_student_is_in_some_cycle():
    cycles = {assignment: kinds(assignment) for assignment in ASSIGNMENTS}
    assert {e.id for e in ENTRIES} == {k for c in cycles.values() for k in c} - set(SAMPLE_STUDENTS)
    assert all(c[:len(SAMPLE_STUDENTS)] == list(SAMPLE_STUDENTS) for c in cycles.values())


def test_sample_is_spread_over_the_class_and_carries_the_robustness_cases():
    assert sample_indices(1000, 20) == list(range(0, 1000, 50))
    assert sample_indices(3, 20) == [0, 1, 2] and sample_indices(5, 0) == []
    bad = bad_input_positions(sample_indices(1000, 20))
    assert sorted(bad.values()) == sorted(BAD_INPUTS) and set(bad) <= set(range(0, 1000, 50))
    assert bad_input_positions(sample_indices(10, 2)) == {}


def test_a_tiny_class_benchmark_reports_every_figure_and_equal_scores():
    result = subprocess.run([sys.executable, "-m", "proofs.benchmark", "--class", "2", "--sample", "1"], cwd=ROOT,
                            env=python_env(ROOT, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg"),
                            capture_output=True, text=True, timeout=2400)
    report = result.stdout
    assert result.returncode == 0, report[-3000:] + result.stderr[-3000:]
    for pattern in [r"class benchmark: 2 full submissions \(6 notebooks\)",
                    r"corpus: correct 3, sample students 3, catalog variants 0, catalog mutants 0, robustness cases 0",
                    r"wall time +[\d.]+ s +[\d.]+ s per notebook",
                    r"CPU time +[\d.]+ s +[\d.]+ s per notebook",
                    r"peak memory +\d+ MiB",
                    r"start-up: release check, intake", r"grading, first task to last result",
                    r"after grading: feedback step, export",
                    r"the one writer: [\d.]+ CPU s per result",
                    r"CPU per nb +start-up and sandbox: .* +[\d.]+ s", r"CPU per nb +intake: .* +[\d.]+ s",
                    r"CPU per nb +cells: .* +[\d.]+ s", r"CPU per nb +judging .* +[\d.]+ s",
                    r"CPU per nb +nbgrader's steps: .* +[\d.]+ s", r"CPU per nb +gradebook: .* +[\d.]+ s",
                    r"CPU per nb +feedback pages .* +[\d.]+ s", r"CPU per nb +export, report, grade table .* +[\d.]+ s",
                    r"CPU per nb +total +[\d.]+ s",
                    r"late submissions: 5 arrived after the class was graded; the run again graded 5 submission\(s\)\n",
                    r"sample: 1 of the same submissions \(3 notebooks\): s00000",
                    r"stock nbgrader .* +[\d.]+ s +[\d.]+ s per notebook +[\d.]+x ours",
                    r"reference path .* +[\d.]+ s +[\d.]+ s per notebook +[\d.]+x ours",
                    r"scores on the sample: equal to the reference path's, part by part \(3 notebooks, \d+ parts\)"]:
        assert re.search(pattern, report), (pattern, report)
    assert "grading: 100%" in result.stderr and "6/6" in result.stderr and "5/5" in result.stderr  # progress bars
    phases = [float(line.split()[-2]) for line in report.splitlines() if line.startswith("  CPU per nb")]
    assert abs(sum(phases[:-1]) - phases[-1]) < 0.01, report   # the phases add up to the total
    workdir = re.search(r"\(6 notebooks\) in (\S+)", report).group(1)
    assert not os.path.exists(workdir)   # the throwaway copies are gone
