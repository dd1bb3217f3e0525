"""The class pipeline the instructor runs: release, samples, autograde, feedback, export, grade table.

Run by: the instructor (`python -m pipeline`, `python3 kit.py grade`); its worker processes and Dask
tasks grade through grader/. May import: grader (its settings from grader/settings.py). Must not
import: authoring, samples, proofs or tests (tests/test_layers.py).

    python -m pipeline                  # everything; re-runs only redo what changed
    python -m pipeline --force          # re-grade every submission
    python -m pipeline --no-samples     # grade submitted/ as it is (real submissions)
    python -m pipeline --bad-inputs     # also the robustness demo students (endless loop, crash, ...)

Steps, each with the plain nbgrader CLI from the course root:
1. `nbgrader generate_assignment` for an assignment whose source changed since release/ was made
   (or that the gradebook does not know yet, as on a fresh checkout): release.py;
2. sample submissions into submitted/<student>/<assignment>/ (samples/);
3. `nbgrader autograde` of every submission that is new or changed (or whose grading set-up
   changed), with progress per student and assignment: prechecks.py, autograde.py;
4. `nbgrader generate_feedback` (feedback.py); 5. `nbgrader export`'s CSV plugin, in this process, to
   grades.csv (export.py);
6. the grade table (table.py); 7. the class report and reports/grades_by_test.csv (report/).
run.py chains them; __main__.py is the command line.

What makes it safe to re-run and to feed bad submissions:
- Every graded submission leaves a stamp (autograded/<student>/<assignment>/.kit-grading.json,
  stamps.py) holding a fingerprint of the submitted files and of the grading set-up
  (fingerprints.py), and the score. A submission is skipped only when the stamp, the files and
  the gradebook all agree; otherwise its gradebook entry, autograded and feedback folders are
  removed *before* it is graded again, so a failed re-grade can never leave an old score behind.
- Submissions nbgrader cannot grade (missing notebook, not JSON, a notebook nbgrader gives
  up on) get a recorded zero for that notebook, with the reason printed, written into the
  gradebook as a comment and into the student's feedback folder. Other submissions and
  other students are not affected.
- Tampering is repaired, not punished by a crash: edited or deleted test cells are restored
  from the gradebook (nbgrader), a test cell flipped to `solution: true` gets its role back
  (grader/preprocessors/restore_cell_roles.py). The table's notes say what was restored.
- An interrupted run (Ctrl-C, a killed process) loses nothing: what was stamped stays, what
  was not is graded again from scratch by the next run. A lock keeps two runs apart.
"""
