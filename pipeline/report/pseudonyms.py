"""Stable pseudonyms for student ids, for a report shared with teaching assistants or shown in a lecture.

A pseudonym is a keyed hash (HMAC-SHA256) of the id under a secret salt kept in the course
folder (`.kit-report-salt`, made once with os.urandom, readable by its owner only): the same
student gets the same pseudonym in every report of the course, and without the salt nobody can
find a pseudonym's student by hashing guessed ids.
"""
import hashlib
import hmac
import os
import re

SALT_FILE = ".kit-report-salt"


def course_salt(root):
    """The course's secret salt, created on first use (atomically: two runs never make two salts)."""
    path = os.path.join(root, SALT_FILE)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(os.urandom(32).hex() + "\n")
    with open(path, encoding="ascii") as handle:
        salt = handle.read().strip()
    if len(salt) < 32:
        raise SystemExit("%s is too short to be a salt: delete it to make a new one (pseudonyms will change)" % path)
    return bytes.fromhex(salt) if re.fullmatch(r"[0-9a-f]+", salt) and len(salt) % 2 == 0 else salt.encode()


class Pseudonyms:
    """name(student) -> "student-<10 hex digits>" under `salt`; scrub(text) puts pseudonyms in place of known ids."""

    def __init__(self, salt, students=()):
        self.salt = salt
        self.names = {s: self.name(s) for s in students}
        ids = sorted((s for s in self.names if len(s) >= 3), key=len, reverse=True)
        self.pattern = re.compile("|".join(r"(?<![\w-])%s(?![\w-])" % re.escape(s) for s in ids)) if ids else None

    def name(self, student):
        digest = hmac.new(self.salt, student.encode("utf-8"), hashlib.sha256).hexdigest()
        return "student-" + digest[:10]

    def scrub(self, text):
        if not self.pattern or not text:
            return text
        return self.pattern.sub(lambda m: self.names[m.group(0)], text)


class RealNames:
    """The same interface, keeping ids as they are."""

    def name(self, student):
        return student

    def scrub(self, text):
        return text
