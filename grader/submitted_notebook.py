"""The submitted notebook, read by the grader's own process for the feedback page: opened once without
following a link, a regular file of bounded size, parsed as a notebook; None when it is anything else."""
import os
import stat

import nbformat

MAX_BYTES = 50 * 1024 * 1024   # the intake's bound on a notebook (pipeline/intake.py)


def read_submitted(path):
    """The notebook at `path` (nbformat 4), or None when it cannot be read as one (see the module's docstring)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(raw) > MAX_BYTES:
        return None
    try:
        nb = nbformat.reads(raw.decode("utf-8-sig"), as_version=4)
    except Exception:  # noqa: BLE001  whatever a student's file is, it is simply not shown
        return None
    return nb if isinstance(getattr(nb, "cells", None), list) else None
