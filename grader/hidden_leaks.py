"""Whether an output quotes hidden-test code, and cutting such tracebacks down to their last line."""
from grader.hidden_block import HIDDEN_BEGIN, HIDDEN_END
from grader.messages import ANSI


def reveals(text, secret_lines):
    """Whether `text` (ANSI colours removed) quotes hidden-test code."""
    plain = ANSI.sub("", text)
    return bool(secret_lines) and ("grade_case(" in plain or HIDDEN_BEGIN in plain or HIDDEN_END in plain
                                   or any(line in plain for line in secret_lines))


def scrub_error(output, secret_lines):
    """Replace a traceback that quotes hidden test code (IPython shows the lines around the error) by its last line."""
    evalue = ANSI.sub("", str(output.get("evalue", "")))
    if reveals("\n".join(output.get("traceback", [])) + "\n" + evalue, secret_lines):
        if reveals(evalue, secret_lines):
            evalue = "raised inside the hidden tests"
        output["evalue"] = evalue
        output["traceback"] = ["%s: %s  (traceback not shown: it would quote hidden tests)"
                               % (output.get("ename", "Error"), evalue)]
    return output
