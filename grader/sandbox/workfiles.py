"""Which files of a notebook's folder go into its sandbox, read as untrusted input.

Only regular files are taken, found without following links, except links that
resolve into the course's own helper folders (`utils/`, `datasets/`), which is how
the instructor's source folders carry the shipped helpers. Dot-files, caches and
notebooks stay out; counts, sizes and depth are bounded.
"""
import os
import stat
from dataclasses import dataclass

SKIPPED_DIRS = {"__pycache__", ".ipynb_checkpoints"}
MAX_FILES = 200
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 4


@dataclass(frozen=True)
class WorkFile:
    host_path: str       # an absolute path the grader opened (a regular file)
    relative_path: str   # where it goes, relative to the sandbox's working folder


def _trusted_link_target(path, trusted_roots):
    """The real path of link `path` when it points (through any links) into a trusted folder, else None."""
    target = os.path.realpath(path)
    for root in trusted_roots:
        root = os.path.realpath(root)
        if target.startswith(root + os.sep):
            return target
    return None


def collect(folder, trusted_roots=()):
    """(files, skipped): the WorkFiles of `folder` the sandbox may see, and the names left out with why."""
    files, skipped, total = [], [], 0

    def walk(directory, prefix, depth):
        nonlocal total
        try:
            names = sorted(os.listdir(directory))
        except OSError as error:
            skipped.append((prefix or ".", "cannot be listed (%s)" % error.strerror))
            return
        for name in names:
            relative = os.path.join(prefix, name) if prefix else name
            path = os.path.join(directory, name)
            if name.startswith(".") or name in SKIPPED_DIRS or name.endswith((".ipynb", ".pyc")):
                continue
            try:
                info = os.lstat(path)
            except OSError:
                continue
            if stat.S_ISLNK(info.st_mode):
                target = _trusted_link_target(path, trusted_roots)
                if target is None:
                    skipped.append((relative, "a link out of the folder"))
                    continue
                path, info = target, os.stat(target)
            if stat.S_ISDIR(info.st_mode):
                if depth >= MAX_DEPTH:
                    skipped.append((relative, "folders nested too deep"))
                else:
                    walk(path, relative, depth + 1)
            elif stat.S_ISREG(info.st_mode):
                if len(files) >= MAX_FILES or total + info.st_size > MAX_TOTAL_BYTES:
                    skipped.append((relative, "over the limit of %d files or %d MB"
                                    % (MAX_FILES, MAX_TOTAL_BYTES // (1024 * 1024))))
                    continue
                total += info.st_size
                files.append(WorkFile(path, relative))
            else:
                skipped.append((relative, "not a regular file"))

    walk(folder, "", 0)
    return files, skipped
