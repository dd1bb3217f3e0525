"""Apply the sandbox's rlimits to this process, then become the given command (an exec wrapper).

    python -m grader.sandbox.exec_limited EXTRA_PROCESSES -- COMMAND ...

Used instead of subprocess's `preexec_fn`, which is unsafe in a threaded process (a Dask
worker): the limits (grader.sandbox.limits, with KIT_SANDBOX_* overrides read from this
environment) are set in a fresh process that then execs bwrap with the environment it was given.
"""
import os
import sys

from grader.sandbox.limits import Limits


def main(argv):
    if len(argv) < 3 or argv[1] != "--" or not argv[0].isdigit():
        sys.stderr.write("usage: python -m grader.sandbox.exec_limited EXTRA_PROCESSES -- COMMAND ...\n")
        sys.exit(2)
    Limits.from_environment().apply(extra_processes=int(argv[0]))
    environment = {k[len("KIT_PASS_"):]: v for k, v in os.environ.items() if k.startswith("KIT_PASS_")}
    os.execve(argv[2], argv[2:], environment)


if __name__ == "__main__":
    main(sys.argv[1:])
