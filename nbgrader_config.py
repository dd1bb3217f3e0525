"""nbgrader configuration of the course kit (nbgrader has no --config flag: it reads this file).

Run every nbgrader command from this folder. Everything configurable (executor, cell timeout,
gradebook, exchange, ...) comes from grader/settings.py: the same settings, with the same defaults,
as the pipeline grades with (README, "Settings").
"""
import functools
import os
import sys

# The one place the import path is set: the grader package (this folder) and the helpers it
# shares with the notebooks (utils/, imported as top-level modules, as the notebooks do).
ROOT = os.path.dirname(os.path.abspath(__file__))
for folder in (os.path.join(ROOT, "utils"), ROOT):
    if folder not in sys.path:
        sys.path.insert(0, folder)

from grader.kernelspec import pin_course_kernel  # noqa: E402
from grader.settings import current as current_settings  # noqa: E402

SETTINGS = current_settings()

c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

# -- course and folders -------------------------------------------------------
c.CourseDirectory.course_id = "practical-aspects-of-deep-learning"
c.CourseDirectory.root = ROOT
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", ".*"]

# -- gradebook: SQLite next to this file unless the db_url setting says otherwise ---
c.CourseDirectory.db_url = SETTINGS.gradebook_url(ROOT)

# -- the kernel: always this course's Python, whatever "python3" means elsewhere --
pin_course_kernel(ROOT)

# -- execution limits -----------------------------------------------------------
# Full runs (validate, generate_feedback's checks, instructors' runs) include the
# training cells: the slowest (30,000 iterations) needs well under 4 minutes.
c.Execute.timeout = 240
c.Execute.interrupt_on_timeout = True
# -- the sandbox: every kernel nbgrader starts (autograde, validate, stock or not) runs in
# bubblewrap, talking over IPC sockets in a folder of its own (grader/sandbox/). The pinned
# kernelspec's argv starts it through grader.sandbox.launch.
c.Execute.kernel_manager_class = "grader.sandbox.kernel_manager.SandboxedKernelManager"
# Autograding skips those cells, so a graded cell gets one minute of CPU (the cell_timeout setting).
c.GradingExecute.timeout = SETTINGS.cell_timeout
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
c.LimitOutputSize.max_chars = 20000
c.LimitOutputSize.max_cell_chars = 200000

# -- how graded notebooks run (the executor setting): "fork" (a fresh interpreter forked from a warm
# server in the sandbox, the default, as in the pipeline) or "kernel" (a Jupyter kernel per notebook,
# nbgrader's own way), with the same sandbox and limits. Scores are the same.
EXECUTOR = {"kernel": "grader.preprocessors.grading_execute.GradingExecute",
            "fork": "grader.preprocessors.fork_execute.ForkExecute"}[SETTINGS.executor]

# nbconvert checks the notebook against its schema once, after the last step, instead of after
# each (a twentieth of a notebook's grading time); an invalid result is refused either way.
c.Exporter.optimistic_validation = True

# -- autograde: restore deleted test cells, skip training cells, judge hidden tests --
c.OverwriteCells.add_missing_cells = True
c.SkipTrainingCells.source_directory = os.path.join(ROOT, "source")
# The stock setting keeps nbgrader's default autograde steps (every cell runs, no out-of-kernel
# judge, no repairs): only the benchmarks use it, to time stock nbgrader.
if not SETTINGS.stock:
    # a student's file read as the pipeline's intake reads it (grader/notebook_file.py): saved with a byte-order
    # mark, CRLF line ends or odd cell ids; a browser's renamed download ("Initialization (1).ipynb"), when it is
    # the only notebook in its folder, graded under its released name; each with a note in the log
    from grader.submission_reader import use_released_names  # noqa: E402
    c.Autograde.exporter_class = "grader.submission_reader.SubmissionExporter"
    c.Autograde.pre_convert_hook = functools.partial(use_released_names, os.path.join(ROOT, "source"))
    c.Autograde.sanitize_preprocessors = [
        "nbgrader.preprocessors.ClearOutput",
        # one cell per graded id: a copied, split or merged graded cell is graded once, never fails the
        # notebook (nbgrader #1083); cell ids repaired
        "grader.preprocessors.one_graded_copy.OneGradedCopy",
        # a test cell flipped to solution: true gets its role back
        "grader.preprocessors.restore_cell_roles.RestoreCellRoles",
        "nbgrader.preprocessors.DeduplicateIds",
        "nbgrader.preprocessors.OverwriteKernelspec",
        "grader.preprocessors.restore_cells.RestoreCells",  # OverwriteCells; deleted test cells come back
        "nbgrader.preprocessors.CheckCellMetadata",
    ]
    c.Autograde.autograde_preprocessors = [
        "grader.preprocessors.skip_training_cells.SkipTrainingCells",
        EXECUTOR,
        "grader.preprocessors.judge_hidden_tests.JudgeHiddenTests",
        "nbgrader.preprocessors.IgnorePattern",
        "nbconvert.preprocessors.ClearMetadataPreprocessor",
        "nbgrader.preprocessors.LimitOutput",
        "grader.preprocessors.limit_output_size.LimitOutputSize",
        "nbgrader.preprocessors.SaveAutoGrades",
        "nbgrader.preprocessors.AssignLatePenalties",
        "nbgrader.preprocessors.CheckCellMetadata",
    ]

# -- validate: a copied or split graded cell is named in plain words and the notebook still validates
# (nbgrader's CheckCellMetadata refuses a repeated grade id). The Validator's list of preprocessors is
# not a configurable trait, so the course's list is set as its default here.
from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, Execute  # noqa: E402
from nbgrader.validator import Validator  # noqa: E402

from grader.preprocessors.one_graded_copy import OneCopyToValidate  # noqa: E402

Validator.class_traits()["preprocessors"].default_value = [OneCopyToValidate, CheckCellMetadata, ClearOutput, Execute]

# -- feedback: never show hidden tests ------------------------------------------
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    # nothing the grading run printed: each cell's submitted outputs, each test's verdict in fixed words
    "grader.preprocessors.submitted_outputs.SubmittedOutputs",
    # tracebacks and stderr that could quote hidden tests
    "grader.preprocessors.hide_hidden_test_details.HideHiddenTestDetails",
    "nbgrader.preprocessors.ClearHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    # the page: maths as MathML (no script), sanitized; the graded function named in the summary
    "grader.preprocessors.feedback_page.FeedbackPage",
]
c.GenerateFeedback.exporter_class = "grader.feedback_page.FeedbackExporter"  # long lines wrapped, see there
# a student's HTML or JavaScript outputs are shown as sanitized HTML, never run, in feedback pages
c.HTMLExporter.sanitize_html = True

# -- nbgrader's exchange: JupyterLab's Assignment List and the formgrader's release/collect ---
# On one machine (an instructor trying the course, a single-user server) it is exchange/ in this
# folder, created here. On a shared server set the exchange setting (NBGRADER_EXCHANGE) to the folder
# every user can write to (nbgrader's own default is /srv/nbgrader/exchange; make it with mode 1777).
c.Exchange.root = SETTINGS.exchange_folder(ROOT)
try:
    os.makedirs(c.Exchange.root, exist_ok=True)
except OSError:  # a shared exchange this user may not create: nbgrader says so when it is used
    pass

# -- release generation ---------------------------------------------------------
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
