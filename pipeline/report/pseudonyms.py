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
TOKEN = re.compile(r"[^\s'\"(),;:<>\[\]{}]+")   # what could be a student id inside a recorded text


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

    def name(self, student):
        digest = hmac.new(self.salt, student.encode("utf-8"), hashlib.sha256).hexdigest()
        return "student-" + digest[:10]

    def scrub(self, text):
        """`text` with every word that is a known student id (a sentence's full stop aside) replaced."""
        def replace(match):
            word = match.group(0)
            bare = word.rstrip(".!?")
            return self.names[word] if word in self.names else (
                self.names[bare] + word[len(bare):] if bare in self.names else word)
        return TOKEN.sub(replace, text) if text else text


class RealNames:
    """The same interface, keeping ids as they are."""

    def name(self, student):
        return student

    def scrub(self, text):
        return text
