"""The grading stamp a graded submission leaves in its autograded folder (fingerprint, score, notes)."""
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
