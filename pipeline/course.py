"""The folders of a course (the repository, or a throwaway copy), its submissions and its lock."""
import contextlib
import os
import shutil

from grader.manifest import ASSIGNMENTS, ROOT

# what a working copy of the course needs: code, notebooks and data (no gradebook, submissions or grades)
COURSE_PARTS = ["nbgrader_config.py", "grader", "pipeline", "authoring", "samples", "proofs", "utils", "datasets",
                "source", "release"]


def say(message=""):
    print(message, flush=True)


class Course:
    """Folders of the course at `root` (the repository, or a throwaway copy in tests)."""

    def __init__(self, root=None):
        self.root = os.path.abspath(root or ROOT)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def submitted(self, student="", assignment=""):
        return self.path("submitted", student, assignment)

    def autograded(self, student, assignment):
        return self.path("autograded", student, assignment)

    def feedback(self, student, assignment):
        return self.path("feedback", student, assignment)

    def notebook(self, assignment):
        return ASSIGNMENTS[assignment].notebook


def files_under(folder, skip_dot=True, follow_links=True):
    """Every file below `folder` (links followed unless told), without caches and, unless told, dot files."""
    found = []
    for base, dirs, files in os.walk(folder, followlinks=follow_links):
        dirs[:] = sorted(d for d in dirs if not (skip_dot and d.startswith(".")) and d != "__pycache__")
        found += [os.path.join(base, f) for f in files if not (skip_dot and f.startswith("."))
                  and not f.endswith(".pyc")]
    return found


def remove_tree(path):
    """Remove a folder nbgrader may have made read-only."""
    if os.path.isdir(path):
        for base, dirs, files in os.walk(path):
            for name in dirs + files:
                if not os.path.islink(os.path.join(base, name)):  # never change a link's target
                    with contextlib.suppress(OSError):
                        os.chmod(os.path.join(base, name), 0o755)
        shutil.rmtree(path, ignore_errors=True)


def copy_course(destination, root=None, parts=COURSE_PARTS):
    """A throwaway copy of the course's code, notebooks and data, e.g. for tests and benchmarks;
    symlinks are kept, so assignment folders still point into its utils/."""
    root = root or ROOT
    os.makedirs(destination, exist_ok=True)
    for part in parts:
        source = os.path.join(root, part)
        if os.path.isdir(source):
            shutil.copytree(source, os.path.join(destination, part), symlinks=True,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif os.path.exists(source):
            shutil.copy2(source, destination)
    return destination


def submitted_pairs(course, students=None, quiet=False):
    """(student, assignment) of every submission folder of a known assignment."""
    pairs = []
    root = course.submitted()
    if not os.path.isdir(root):
        return pairs
    for student in sorted(os.listdir(root)):
        if student.startswith(".") or not os.path.isdir(os.path.join(root, student)):
            continue
        if students and student not in students:
            continue
        for assignment in sorted(os.listdir(os.path.join(root, student))):
            if not os.path.isdir(os.path.join(root, student, assignment)):
                continue
            if assignment not in ASSIGNMENTS:
                if not quiet:
                    say("  ignoring submitted/%s/%s: no such assignment" % (student, assignment))
                continue
            pairs.append((student, assignment))
    return pairs


def read_timestamp(course, student, assignment):
    """The submission's timestamp.txt, or None."""
    try:
        with open(os.path.join(course.submitted(student, assignment), "timestamp.txt"), encoding="utf-8") as handle:
            return handle.read().strip() or None
    except OSError:
        return None


@contextlib.contextmanager
def course_lock(course):
    """One pipeline at a time per course (the lock goes away with the process, even when killed)."""
    os.makedirs(course.path("autograded"), exist_ok=True)
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield
        return
    with open(course.path("autograded", ".kit-pipeline.lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SystemExit("another pipeline run is grading this course; wait for it to finish")
        yield
