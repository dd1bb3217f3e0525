"""What a failed self-check said, read from its SelfCheckFailed report (layout: utils/selfcheck_core.py).

The report lists findings ("  - ...") and, when the self-check recognises the mistake,
likely causes ("  * ..."); an item may continue on lines indented by four spaces. Only
the judge reads it, once, to put what it found into the cell's verdict.
"""
from grader.messages import ANSI


def report_items(text, prefix):
    """The items of a report that start with `prefix` ("  - " or "  * "), continuation lines joined."""
    items, current = [], None
    for line in ANSI.sub("", str(text)).splitlines():
        if line.startswith(prefix):
            current = line[len(prefix):].strip()
            items.append(current)
        elif current is not None and line.startswith("    ") and line.strip():
            items[-1] = items[-1] + " " + line.strip()
        else:
            current = None
    return items


def findings_and_causes(text):
    """(findings, likely causes) a report lists, each once."""
    return tuple(dict.fromkeys(report_items(text, "  - "))), tuple(dict.fromkeys(report_items(text, "  * ")))
