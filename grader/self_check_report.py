"""What a failed self-check recorded for the grader (utils/selfcheck_core.record_for_autograder).

The record comes from the student's kernel, so it is untrusted data: only strings are
kept, each cut to a length and the lists to a count. It can explain a zero, never
award a point (a failed self-check raised an error, which scores the cell 0 anyway).
"""
from dataclasses import dataclass

MAX_ITEMS = 20
MAX_CHARS = 500


@dataclass(frozen=True)
class SelfCheckRecord:
    """A failed self-check: its one-line summary, its findings, the likely causes it named."""
    summary: str
    findings: tuple[str, ...]
    causes: tuple[str, ...]

    def explanation(self):
        """The best single line for a student: the first cause, else the first finding, else the summary."""
        return (self.causes or self.findings or (self.summary,))[0]


def is_self_check_record(raw):
    return isinstance(raw, dict) and raw.get("kind") == "self_check"


def _texts(value):
    items = value if isinstance(value, list) else []
    return tuple(dict.fromkeys(item[:MAX_CHARS] for item in items[:MAX_ITEMS] if isinstance(item, str)))


def read_record(raw):
    """The SelfCheckRecord in a raw grade record, or None when it is not a well-formed one."""
    if not is_self_check_record(raw) or not isinstance(raw.get("summary", ""), str):
        return None
    return SelfCheckRecord(raw.get("summary", "")[:MAX_CHARS], _texts(raw.get("findings")), _texts(raw.get("causes")))
