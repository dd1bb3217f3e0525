"""The hostile Initialization class the attack tests read: graded once per test run in each grading mode.

The isolation attackers (tests/attacks/isolation_students.py: forged frames, shadow helpers, signals,
a dump of the environment, the input history, a display flood) and the feedback leakers
(tests/attacks/feedback_leakers.py: hooks that see the hidden tests and print them encoded) hand in
Initialization with the release notebook and two honest classmates named to sort after every
attacker; with the fork executor (the default) the class also holds the hostile page writer
(tests/attacks/hostile_pages.py) and the hostile folder names and odd files
(tests/attacks/hostile_names.py) with their classmates. ONE pipeline run grades them (--jobs 1: the
last classmates are graded after every attacker, on the same worker), with secrets planted in its
environment (the gradebook URL among them), in each mode: the fork or the kernel executor, as root
or as an ordinary user who owns the course copy. tests/conftest.py starts the builds in the
background (tests/background.py) when a test that reads one is collected; test_attacks_isolation.py,
test_attacks_feedback.py, test_feedback_hostile.py, test_names_and_files.py and test_browser.py read them.

    python tests/hostile_class.py FOLDER EXECUTOR WHO     (one build: FOLDER/course, FOLDER/run.json)
"""
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import time

import background
import ordinary_user as accounts
from attacks import feedback_leakers, hostile_names, hostile_pages, isolation_students
from graded_course import course_env, gradebook_dump
from pipeline.course import copy_course
from released_course import released_copy

MODES = [("fork", "root"), ("kernel", "root"), ("fork", "user"), ("kernel", "user")]
IDS = ["-".join(mode) for mode in MODES]


def build_of(executor, who):
    """(name, command) of the background build of one mode."""
    return ("hostile-class-%s-%s" % (executor, who),
            [sys.executable, os.path.abspath(__file__), "{folder}", executor, who])


def write_class(course, executor, who):
    """Every attacker, the release notebook, then the last honest classmates; the students that may be graded, in
    grading order (the hostile names are refused before grading). The display flood (a minute of the run's time)
    is graded as root only: the kernel's and the grader's output caps do not depend on who grades."""
    students = isolation_students.write_attackers(course, flood=who == "root") + \
        feedback_leakers.write_attackers(course)
    if executor == "fork":
        students += hostile_pages.write_class(course) + hostile_names.write_class(course)
    return sorted(students) + feedback_leakers.write_honest(course)


def plant_secrets(course):
    """The environment variables of the grader that no notebook may see; the gradebook moves into a folder named
    by the secret (its URL carries it) and course/gradebook.db becomes a link to it."""
    secret = "kitsecret" + secrets.token_hex(8)
    vault = os.path.join(course, "db-" + secret)
    os.makedirs(vault)
    os.replace(os.path.join(course, "gradebook.db"), os.path.join(vault, "gradebook.db"))
    os.symlink(os.path.join(vault, "gradebook.db"), os.path.join(course, "gradebook.db"))
    return secret, {"NBGRADER_DB_URL": "sqlite:///%s/gradebook.db" % vault, "NBGRADER_PLANTED_TOKEN": secret,
                    "DATABASE_URL": "postgresql://u:%s@db/x" % secret, "KIT_PLANTED_TOKEN": secret}


def build(folder, executor, who):
    """Grade the class in FOLDER/course in one mode; what happened goes to FOLDER/run.json."""
    run = {"executor": executor, "who": who, "started": time.time()}
    if who == "user" and os.geteuid() != 0:
        run["skipped"] = "an ordinary user's run is started by root (useradd, runuser)"
    else:
        os.chmod(folder, 0o755)
        course = released_copy(os.path.join(folder, "course"))   # its release generated (tests/released_course.py)
        run["students"] = write_class(course, executor, who)
        run["secret"], run["planted"] = plant_secrets(course)
        env = course_env(course, **run["planted"])
        command = [sys.executable, "-m", "pipeline", "--no-samples", "--jobs", "1", "--executor", executor]
        run_tag = (background.RUN_ID or str(os.getpid()))[-8:]   # two test runs at once never share the account
        user = accounts.make_user("kitgrader_%s_%s" % (executor, run_tag)) if who == "user" else None
        try:
            if user:
                user.own(folder)
                env.update(HOME=user.home, USER=user.name)
                command = user.command(command, env)
            result = subprocess.run(command, cwd=course, env=env, capture_output=True, text=True, timeout=2400)
        finally:
            if user:
                accounts.remove_user(user)
        run.update(returncode=result.returncode, stdout=result.stdout, stderr=result.stderr)
    with open(os.path.join(folder, "run.json"), "w", encoding="utf-8") as handle:
        json.dump(run, handle)


def graded(executor, who):
    """{"course", "result" (a CompletedProcess), "students", "secret", "dump", "executor", "who", "started"} of one
    mode's build (waits for it); skips the test when the mode cannot run here."""
    import pytest
    folder, status = background.result(*build_of(executor, who))
    path = os.path.join(folder, "run.json")
    if not os.path.exists(path):
        pytest.fail("grading the hostile class (%s, %s) failed:\n%s" % (executor, who, status["tail"]))
    with open(path, encoding="utf-8") as handle:
        run = json.load(handle)
    if run.get("skipped"):
        pytest.skip(run["skipped"])
    course = os.path.join(folder, "course")
    result = subprocess.CompletedProcess(["pipeline"], run["returncode"], run["stdout"], run["stderr"])
    return dict(run, course=course, result=result, dump=gradebook_dump(course))


def private_copy(graded_run, destination):
    """A copy of a graded mode's course at `destination` (its gradebook a plain file again; every student's
    submitted, autograded and feedback folders, without the pipes and sockets students handed in): for a test
    that runs nbgrader on it, since the shared one is read by other tests meanwhile."""
    course = copy_course(destination, root=graded_run["course"])
    for part in ("submitted", "autograded", "feedback"):
        shutil.copytree(os.path.join(graded_run["course"], part), os.path.join(course, part), symlinks=True,
                        ignore=lambda folder, names: [n for n in names if _special(os.path.join(folder, n))])
    shutil.copy2(os.path.realpath(os.path.join(graded_run["course"], "gradebook.db")),
                 os.path.join(course, "gradebook.db"))
    return course


def _special(path):
    """Whether `path` is neither a folder, a regular file nor a link (a pipe, a socket, a device)."""
    mode = os.lstat(path).st_mode
    return not (stat.S_ISDIR(mode) or stat.S_ISREG(mode) or stat.S_ISLNK(mode))


if __name__ == "__main__":
    build(*sys.argv[1:4])
