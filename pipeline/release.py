"""Step 1: `nbgrader generate_assignment` for each assignment whose release is missing or older than its source."""
import os

from grader.manifest import ASSIGNMENTS
from pipeline.course import files_under, say
from pipeline.gradebook import open_gradebook
from pipeline.nbgrader_process import nbgrader
from pipeline.reference_drift import drift, drift_message


def release_is_current(course, gradebook, assignment):
    """Whether the gradebook knows the assignment and its release notebook is newer than every input."""
    release = course.path("release", assignment, course.notebook(assignment))
    try:
        gradebook.find_notebook(os.path.splitext(course.notebook(assignment))[0], assignment)
        made = os.path.getmtime(release)
    except Exception:  # not in the gradebook, or no release notebook
        return False
    inputs = files_under(course.path("source", assignment)) + [course.path("nbgrader_config.py")]
    return all(os.path.getmtime(p) <= made for p in inputs if os.path.exists(p))


def refuse_drifted_sources(course):
    """Stop before releasing a source notebook whose graded code differs from grader/reference (the one copy):
    an edit made in the notebook would ship once and then be overwritten by the next sync."""
    found = drift(course.root)
    if found:
        raise SystemExit("release refused: the graded code of these source notebooks differs from grader/reference:\n"
                         "%s\nPut the change into grader/reference/<assignment>.py, run python -m "
                         "authoring.sync_solutions, then release again." % drift_message(found))


def write_stored_outputs(targets):
    """Write the self-checks' stored outputs (utils/expected_outputs_<assignment>.json) of the targets, from
    grader/reference and grader/mistakes, before nbgrader copies them into release/."""
    from grader.mistakes.stored import write
    for assignment in (ASSIGNMENTS if "*" in targets else targets):
        write(assignment)


def generate(course, targets):
    """Run `nbgrader generate_assignment <target> --force` for each target; stop with nbgrader's log on failure.

    Refuses to start when a source notebook has drifted from its reference module. The self-checks'
    stored outputs are written first."""
    refuse_drifted_sources(course)
    write_stored_outputs(targets)
    for target in targets:
        code, log = nbgrader(course, ["generate_assignment", target, "--force"])
        if code != 0 or "[ERROR]" in log:
            raise SystemExit("nbgrader generate_assignment %s failed:\n%s" % (target, log[-4000:]))


def generate_release(course, force=False):
    """Release what is out of date (everything with `force`); returns the assignments released."""
    with open_gradebook(course.root) as gradebook:
        needed = [a for a in ASSIGNMENTS if force or not release_is_current(course, gradebook, a)]
    if not needed:
        say("release: up to date (%s)" % ", ".join(ASSIGNMENTS))
        return []
    say("release: nbgrader generate_assignment %s" % ", ".join(needed))
    sources = sorted(d for d in os.listdir(course.path("source")) if os.path.isdir(course.path("source", d)))
    generate(course, ["*"] if set(needed) == set(ASSIGNMENTS) and sources == sorted(ASSIGNMENTS) else needed)
    return needed
