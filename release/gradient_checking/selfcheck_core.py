"""The machinery behind the notebooks' self-check cells.

A check collects plain-language findings ("W2 has shape (1, 4), expected (4, 1)") instead of
stopping at the first bare assert, then either prints "All checks passed for <name>." or raises
`SelfCheckFailed`, whose message *is* the report (nbgrader's validators show a failing cell's
error, not what it printed):

    <name> does not pass its self-check yet: <n> problem(s).
      - <finding>              (continuation lines are indented by four spaces)
    Likely cause:
      * <diagnosis>

In a Jupyter kernel the report is shown on its own, wrapped to a width those validators display
in full, and a check also says when a graded cell appears twice in the saved notebook (copied or
split), and that the notebook will still be graded. Under nbgrader's autograde a failed check
leaves its summary, findings and causes in the cell's outputs as data (a grade record, like the
hidden cases') and shows its report as the cell's error without stopping the cell, so the hidden
cases after it still run. Checks compare with stored data (grading_cases.stored_function), offline, with NumPy.
"""
import contextlib
import copy
import functools
import io
import json
import os
import textwrap
import warnings

import numpy as np

# Validators show error text indented by 4 columns and cut lines longer than 87: wrap below that.
REPORT_WIDTH = 80
RED, BOLD, RESET = "\x1b[31m", "\x1b[1m", "\x1b[0m"
# The media type of the data the autograder collects from a test cell's outputs (grading_cases records too).
RECORD_MIME = "application/vnd.pada.grade-record+json"
try:  # IPython's display as it is when the checks are imported, before a solution cell could replace it
    from IPython.display import display as _display
except ImportError:  # plain Python: nothing collects outputs
    _display = None


def record_for_autograder(function_name, summary, findings=(), causes=()):
    """Under nbgrader's autograde, put what a failed self-check found into the cell's outputs as data, which the
    grader reads (and drops from the notebook) to explain the zero. Elsewhere nothing is shown."""
    if os.environ.get("NBGRADER_EXECUTION") != "autograde" or _display is None:
        return
    record = {"kind": "self_check", "function": function_name, "summary": summary,
              "findings": list(findings), "causes": list(causes)}
    _display({RECORD_MIME: record, "text/plain": "(self-check recorded)"}, raw=True)


def keeps_random_state(check_function):
    """Run a check and put NumPy's global random state back as it was, whatever happens."""
    @functools.wraps(check_function)
    def wrapper(function):
        __tracebackhide__ = True
        state = np.random.get_state()
        try:
            return check_function(function)
        finally:
            np.random.set_state(state)
    return wrapper


class SelfCheckFailed(AssertionError):
    """Raised by a self-check that found mistakes; the message is the whole report, each finding and diagnosis on
    one line (easy to search); `display_lines()` is the same report wrapped for a screen or a validator dialog."""

    def display_lines(self, width=REPORT_WIDTH):
        return wrap_report(str(self), width)


def wrap_report(report, width=REPORT_WIDTH):
    """Wrap each line of a report; continuation lines of "  - " / "  * " items are indented to match."""
    lines = []
    for line in str(report).splitlines():
        stripped = line.lstrip(" ")
        indent = line[:len(line) - len(stripped)]
        follow = indent + "  " if stripped[:2] in ("- ", "* ") else indent
        lines += textwrap.wrap(line, width, subsequent_indent=follow, break_long_words=False,
                               break_on_hyphens=False) or [""]
    return lines


def unwrap_report(text):
    """Inverse of wrap_report for reading a report back: continuation lines joined to their item."""
    items = []
    for line in str(text).splitlines():
        if items and line.startswith("    ") and items[-1].lstrip().startswith(("- ", "* ")):
            items[-1] += " " + line.strip()
        else:
            items.append(line)
    return "\n".join(items)


class Check:
    """Collects the findings of one self-check about one function: `expect`/`close`/`fail` record findings, `hint`
    attaches the diagnosis of a typical mistake, `finish` prints the pass line or raises the report.

    Findings that repeat one slip (a rank-1 bias in every layer of every example) carry the same `group`: the
    report shows the first and sums up the rest with the group's `more` text, where {count} is how many more there
    are and {others} lists their `subject`s (e.g. "{others} are wrong the same way").
    """

    def __init__(self, function_name):
        self.function_name = function_name
        self.problems = []          # [(message, group, more, subject)]
        self.hints = []
        self._hint_groups = set()

    # -- recording ---------------------------------------------------------
    def fail(self, message, group=None, more=None, subject=None):
        self.problems.append((message, group, more, subject))
        return False

    def expect(self, condition, message, group=None, more=None, subject=None):
        """Record `message` as a problem unless `condition` holds; return the condition."""
        return True if condition else self.fail(message, group, more, subject)

    def hint(self, message, group=None):
        """Add a diagnosis (once). With a `group`, only the first diagnosis of that group is kept."""
        if group in self._hint_groups:
            return
        if group is not None:
            self._hint_groups.add(group)
        if message not in self.hints:
            self.hints.append(message)

    @property
    def ok(self):
        return not self.problems

    @property
    def last_problem(self):
        return self.problems[-1][0] if self.problems else ""

    def is_number(self, value, what):
        """A Python or NumPy real scalar (or an array with one element)."""
        if isinstance(value, (bool, np.bool_)) or value is None:
            return self.fail("%s should be a number, got %s" % (what, type(value).__name__))
        try:
            number = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return self.fail("%s should be a number, got %s" % (what, type(value).__name__))
        return self.expect(number.size == 1, "%s should be a single number, got an array of shape %s"
                           % (what, number.shape))

    def is_array(self, value, what, shape=None):
        """A NumPy array, optionally of the given shape (expected vs got in the message)."""
        if not isinstance(value, np.ndarray):
            return self.fail("%s should be a NumPy array, got %s" % (what, type(value).__name__))
        if shape is not None and value.shape != tuple(shape):
            return self.fail("%s has the wrong shape: expected %s, got %s" % (what, tuple(shape), value.shape))
        return True

    def is_dict_with(self, value, keys, what):
        """A dict that has every one of `keys` (missing ones are listed)."""
        if not isinstance(value, dict):
            return self.fail("%s should be a dict, got %s" % (what, type(value).__name__))
        missing = [k for k in keys if k not in value]
        return self.expect(not missing, "%s is missing the key(s) %s" % (what, ", ".join(missing)))

    def close(self, got, expected, what, rtol=1e-6, atol=1e-8, **grouping):
        """Values of `got` equal `expected` within tolerance. When they do not, the finding names the entries that
        are off (only those) with as many digits as it takes to tell expected and got apart. `grouping` (group,
        more, subject) goes to `fail`."""
        expected = np.asarray(expected, dtype=float)
        try:
            got_array = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return self.fail("%s should hold numbers, got %s" % (what, type(got).__name__))
        if got_array.shape != expected.shape:
            if got_array.size == expected.size == 1:
                got_array = got_array.reshape(expected.shape)
            else:
                return self.fail("%s has the wrong shape: expected %s, got %s"
                                 % (what, expected.shape, got_array.shape))
        wrong = ~np.isclose(got_array, expected, rtol=rtol, atol=atol, equal_nan=True)
        if not wrong.any():
            return True
        if expected.size == 1:
            shown_expected, shown_got = distinguishing_pair(expected.item(), got_array.item())
            return self.fail("%s is wrong: expected %s, got %s" % (what, shown_expected, shown_got), **grouping)
        positions = [tuple(int(i) for i in index) for index in np.argwhere(wrong)]
        listed = []
        for index in positions[:3]:
            shown_expected, shown_got = distinguishing_pair(expected[index], got_array[index])
            listed.append("[%s] expected %s, got %s" % (", ".join(map(str, index)), shown_expected, shown_got))
        rest = "; and %d more" % (len(positions) - 3) if len(positions) > 3 else ""
        return self.fail("%s: %d of %d entries are wrong: %s%s"
                         % (what, len(positions), expected.size, "; ".join(listed), rest), **grouping)

    # -- reporting ---------------------------------------------------------
    def summary(self):
        """The report's first line."""
        count = len(self.findings())
        return "%s does not pass its self-check yet: %d problem%s." % (
            self.function_name, count, "" if count == 1 else "s")

    def report(self):
        """The summary, the findings grouped by cause, then the likely causes (one line each)."""
        lines = [self.summary()] + ["  - " + finding for finding in self.findings()]
        if self.hints:
            lines.append("Likely cause:")
            lines += ["  * " + h for h in self.hints]
        return "\n".join(lines)

    def findings(self):
        """One line per finding; a slip repeated in a group is one finding that counts the others."""
        findings, grouped = [], {}
        for message, group, more, subject in self.problems:
            if group is None:
                findings.append([message, None, []])
            elif group in grouped:
                grouped[group][2].append(subject)
            else:
                grouped[group] = [message, more, []]
                findings.append(grouped[group])
        lines = []
        for message, more, others in findings:
            if others:
                message += "; " + (more or "{count} more like it").format(
                    count=len(others), others=_names([str(o) for o in others]))
            lines.append(message)
        return lines

    def finish(self):
        """Print the pass line, or raise SelfCheckFailed carrying the report."""
        __tracebackhide__ = True
        say_graded_copies()
        if self.ok:
            print("All checks passed for %s." % self.function_name)
            return None
        record_for_autograder(self.function_name, self.summary(), self.findings(), self.hints)
        failure = SelfCheckFailed(self.report())
        if _shown_as_error_under_autograde(failure):
            return None
        raise failure


def _shown_as_error_under_autograde(failure):
    """Under autograde, in an IPython kernel: show `failure` as the cell's error output (it scores 0) without
    stopping the cell, so that its hidden cases still run; True when done (elsewhere the caller raises)."""
    shell = _ipython_shell() if os.environ.get("NBGRADER_EXECUTION") == "autograde" else None
    if shell is None or not hasattr(shell, "_showtraceback"):
        return False
    _show_report(shell, SelfCheckFailed, failure, None)
    return True


def _names(items):  # "a", "a and b", "a, b and c"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def distinguishing_pair(expected, got, decimals=8):
    """expected and got as text: 8 decimals (as the notebooks print arrays), more if that shows no difference;
    trailing zeros dropped."""
    expected, got = float(expected), float(got)
    shown = (_number_text(expected, decimals), _number_text(got, decimals))
    while shown[0] == shown[1] and decimals < 17:
        decimals += 1
        shown = (_number_text(expected, decimals), _number_text(got, decimals))
    return shown


def _number_text(value, decimals):
    if not np.isfinite(value):
        return str(value)
    if value == 0:
        return "0"
    if not 1e-4 <= abs(value) < 1e8:
        mantissa, exponent = ("%.*e" % (max(decimals - 2, 4), value)).split("e")
        return mantissa.rstrip("0").rstrip(".") + "e" + exponent
    return ("%.*f" % (decimals, value)).rstrip("0").rstrip(".")


def not_implemented(function_name, error=None):
    """Turn the release stub's NotImplementedError into a readable self-check failure."""
    __tracebackhide__ = True
    summary = "%s is not implemented yet." % function_name
    say_graded_copies()
    record_for_autograder(function_name, summary)
    raise SelfCheckFailed(summary + "\nFill in the code between ### START CODE HERE ### and "
                          "### END CODE HERE ###, run that cell, then run this check again.") from None


def call(check, function, *args, hide_warnings=False, **kwargs):
    """The one way a self-check runs the student's function; returns (ok, result).

    The function gets deep copies of `args` (one that changes its inputs cannot spoil the next call); what it
    prints is kept out of the report. Warnings stay visible unless `hide_warnings` (a graded cell that writes to
    stderr scores 0: a student should see them). The release stub's NotImplementedError ends the check as "not
    implemented yet"; any other exception becomes a finding, and the result is (False, None).
    """
    __tracebackhide__ = True
    args = copy.deepcopy(args)
    try:
        with contextlib.ExitStack() as quiet:
            quiet.enter_context(contextlib.redirect_stdout(io.StringIO()))
            if hide_warnings:
                quiet.enter_context(warnings.catch_warnings())
                quiet.enter_context(np.errstate(all="ignore"))
                warnings.simplefilter("ignore")
            return True, function(*args, **kwargs)
    except NotImplementedError as error:
        not_implemented(check.function_name, error)
    except Exception as error:  # report, do not crash the check
        check.fail("calling %s raised %s: %s" % (check.function_name, type(error).__name__, error))
        return False, None


@contextlib.contextmanager
def swapped_globals(function, replacements):
    """Put `replacements` into the namespace `function` looks its names up in, and restore it afterwards. Yields
    False (and swaps nothing) when the function has no such namespace (not a plain Python function)."""
    namespace = getattr(function, "__globals__", None)
    if namespace is None:
        yield False
        return
    missing = object()
    saved = {name: namespace.get(name, missing) for name in replacements}
    namespace.update(replacements)
    try:
        yield True
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


# ----------------------------------------------------------------------------- in a Jupyter kernel
def _show_report(shell, etype, value, tb, tb_offset=None):
    """IPython handler for SelfCheckFailed: the report alone, no traceback (the machinery is not the news)."""
    lines = value.display_lines() if isinstance(value, SelfCheckFailed) else [str(value)]
    lines[:1] = [RED + BOLD + line + RESET for line in lines[:1]]
    shell._showtraceback(etype, value, lines)
    return lines


def _ipython_shell():
    """The running IPython shell, or None in plain Python."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - plain Python
        return None
    return get_ipython()


def show_reports_plainly():
    """In an IPython kernel, show a SelfCheckFailed as its report (the cell still fails, so it scores 0)."""
    shell = _ipython_shell()
    if shell is None or not hasattr(shell, "set_custom_exc"):
        return False
    shell.set_custom_exc((SelfCheckFailed,), _show_report)
    return True


show_reports_plainly()


# ----------------------------------------------------------------------------- a graded cell copied or split
def graded_copies(cells):
    """Plain words for a student about each graded id that more than one of `cells` (a notebook's) claims."""
    claims = {}
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell, dict) else None
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
            claims.setdefault(meta["grade_id"], []).append((index, meta))
    return ["the %s %s appears %s (copied, or split in two: cells %s from the top). Your submission will still be "
            "graded: the copy as released (else the first) counts, the others run as your own code and earn no "
            "points. You may delete the extra copies." % (
                "test cell" if places[0][1].get("grade") else "answer cell", grade_id,
                {2: "twice", 3: "three times"}.get(len(places), "%d times" % len(places)),
                ", ".join(str(index + 1) for index, _ in places))
            for grade_id, places in sorted(claims.items()) if len(places) > 1]


def say_graded_copies(largest=20 * 2 ** 20):
    """In a student's Jupyter, say which graded cell the saved notebook holds twice, and that it will still be graded:
    the notebook the kernel was started for (JPY_SESSION_NAME) or one in its folder, if it holds the running cell
    (whose id JupyterLab 4 and Notebook 7 send) as it runs now. Silent when unsure, and under nbgrader."""
    try:
        request = _ipython_shell().kernel.get_parent()
        cell_id, code = request["metadata"]["cellId"], request["content"]["code"]
        notebooks = sorted(name for name in os.listdir() if name.endswith(".ipynb"))[:50]
    except Exception:  # not in a Jupyter kernel, or a front end that does not say which cell runs
        return
    for path in [os.environ.get("JPY_SESSION_NAME") or "-"] + notebooks:
        try:
            if not os.environ.get("NBGRADER_EXECUTION") and os.path.getsize(path) <= largest:
                with open(path, encoding="utf-8-sig") as handle:
                    cells = json.load(handle)["cells"]
                if any(cell.get("id") == cell_id and "".join(cell.get("source")) == code for cell in cells):
                    for words in graded_copies(cells):
                        print("Note: in this notebook as last saved, " + words)
                    return
        except Exception:  # no such file, or not a notebook: look at the next one
            continue
