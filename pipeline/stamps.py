"""The grading stamp a graded submission leaves in its autograded folder (fingerprint, score, notes)."""
import hashlib
import json
import os

STAMP = ".kit-grading.json"


def read_stamp(course, student, assignment):
    """The stamp of a submission, or None."""
    try:
        with open(os.path.join(course.autograded(student, assignment), STAMP), encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return None


def write_stamp(course, student, assignment, stamp):
    """Write the stamp atomically (a killed run leaves the old one or the new one)."""
    folder = course.autograded(student, assignment)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, STAMP)
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(stamp, handle, indent=1, sort_keys=True)
    os.replace(path + ".tmp", path)


MAX_SIGNED_ENTRIES = 1000   # a submitted folder with more entries than this is always admitted again


def source_signature(folder):
    """What the files of a submitted folder are as the filesystem describes them (name, type, inode, size,
    modification and change times of every entry, links not followed), or None when it cannot tell.

    A run whose stamp holds the same signature (and set-up) skips admitting that submission again: any
    write, rename, link or replaced file changes an entry's change time, which no user can set back.
    """
    entries = []

    def walk(path, relative):
        for entry in sorted(os.scandir(path), key=lambda e: e.name):
            info = entry.stat(follow_symlinks=False)
            name = relative + entry.name
            entries.append([name, info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns])
            if len(entries) > MAX_SIGNED_ENTRIES:
                raise OverflowError(name)
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, name + "/")
    try:
        info = os.stat(folder, follow_symlinks=False)
        entries.append([".", info.st_mode, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns])
        walk(folder, "")
    except (OSError, OverflowError, RecursionError):
        return None
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()
