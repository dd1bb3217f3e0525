"""What a student sees when a self-check fails or passes (issue 11, points 1-3).

The report is the SelfCheckFailed message itself, so every validator shows it; in a Jupyter
kernel it is shown alone (no traceback into the checks' machinery), wrapped to a width that
`nbgrader validate` prints without cutting; a passing check prints one line and no `Out[n]`;
repeats of one slip make one line.
"""
import os
import re
import shutil

import nbformat
import numpy as np
import pytest

import checks_initialization
from grader.manifest import ROOT
from notebook_runner import execute_in_plain_kernel, outputs_of
from selfcheck_core import REPORT_WIDTH, SelfCheckFailed, unwrap_report, wrap_report

ANSI = re.compile(r"\x1b\[[0-9;]*m")

RANK_1_BIAS = '''
def initialize_parameters_he(layers_dims):
    np.random.seed(3)
    parameters = {}
    for l in range(1, len(layers_dims)):
        parameters["W" + str(l)] = np.random.randn(layers_dims[l], layers_dims[l - 1]) * np.sqrt(2 / layers_dims[l - 1])
        parameters["b" + str(l)] = np.zeros(layers_dims[l])
    return parameters
'''


def _namespace(code):
    namespace = {"np": np}
    exec(code, namespace)
    return namespace["initialize_parameters_he"]


def test_one_slip_is_one_finding_with_one_diagnosis():
    with pytest.raises(SelfCheckFailed) as failure:
        checks_initialization.check_initialize_parameters_he(_namespace(RANK_1_BIAS))
    report = str(failure.value)
    assert report.startswith("initialize_parameters_he does not pass its self-check yet: 1 problem.\n"), report
    findings = [line for line in report.splitlines() if line.startswith("  - ")]
    causes = [line for line in report.splitlines() if line.startswith("  * ")]
    assert len(findings) == 1 and len(causes) == 1, report
    assert "7 more biases of the examples are rank-1 arrays too" in findings[0]
    assert "rank-1 arrays" in causes[0] and "(layers_dims[l], 1)" in causes[0]


def test_the_report_wraps_for_validators_and_reads_back_whole():
    with pytest.raises(SelfCheckFailed) as failure:
        checks_initialization.check_initialize_parameters_he(_namespace(RANK_1_BIAS))
    lines = failure.value.display_lines()
    assert all(len(line) <= REPORT_WIDTH for line in lines), lines
    assert len(lines) > len(str(failure.value).splitlines())  # it did wrap
    assert unwrap_report("\n".join(lines)) == str(failure.value)
    assert wrap_report("short line\n  - item") == ["short line", "  - item"]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """A student's Initialization folder with a notebook that fails, passes and stubs the He check."""
    folder = str(tmp_path_factory.mktemp("student") / "initialization")
    shutil.copytree(os.path.join(ROOT, "release", "initialization"), folder)
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    right = RANK_1_BIAS.replace("np.zeros(layers_dims[l])", "np.zeros((layers_dims[l], 1))")
    stub = "def initialize_parameters_he(layers_dims):\n    raise NotImplementedError()\n"
    notebook.cells = [nbformat.v4.new_code_cell("import numpy as np\n"
                                                "from checks_initialization import check_initialize_parameters_he")]
    for code in (RANK_1_BIAS, right, stub):
        notebook.cells.append(nbformat.v4.new_code_cell(code + "\ncheck_initialize_parameters_he(initialize_parameters_he)"))
    # a student's own Jupyter: a plain ipykernel of this Python, no course configuration
    execute_in_plain_kernel(notebook, folder, str(tmp_path_factory.mktemp("jupyter")))
    return notebook.cells


def test_a_failing_check_shows_the_report_alone(executed):
    outputs = executed[1].outputs
    assert [o.output_type for o in outputs] == ["error"], outputs
    error = outputs[0]
    assert error.ename == "SelfCheckFailed"
    shown = [ANSI.sub("", line) for line in error.traceback]
    assert shown == SelfCheckFailed(error.evalue).display_lines()
    assert error.traceback[0].startswith("\x1b[31m\x1b[1m")  # the first line stands out, in red
    text = "\n".join(shown)
    for machinery in ("Traceback", "selfcheck_core", "checks_initialization", ".py", "File "):
        assert machinery not in text, text
    assert "Likely cause:" in text and "rank-1 arrays" in text


def test_a_passing_check_prints_one_line_and_no_out(executed):
    outputs = executed[2].outputs
    assert [(o.output_type, o.get("text")) for o in outputs] == [
        ("stream", "All checks passed for initialize_parameters_he.\n")]
    assert not outputs_of(executed[2], "execute_result")


def test_a_stub_says_what_to_do(executed):
    error = executed[3].outputs[-1]
    assert error.output_type == "error" and error.ename == "SelfCheckFailed"
    text = "\n".join(ANSI.sub("", line) for line in error.traceback)
    assert text.startswith("initialize_parameters_he is not implemented yet.\nFill in the code between")
    assert "NotImplementedError" not in text


def test_under_autograde_a_failed_check_also_records_its_findings_as_data(monkeypatch):
    import IPython.display
    import selfcheck_core
    shown = []
    monkeypatch.setattr(selfcheck_core, "_display", lambda data, raw=False: shown.append(data))
    monkeypatch.setattr(IPython.display, "display", lambda *args, **kwargs: None)   # a solution cell replaced it
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    with pytest.raises(SelfCheckFailed):
        checks_initialization.check_initialize_parameters_he(_namespace(RANK_1_BIAS))
    assert shown == []   # a student's Jupyter and nbgrader validate show nothing extra
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(SelfCheckFailed) as failure:
        checks_initialization.check_initialize_parameters_he(_namespace(RANK_1_BIAS))
    (record,) = [data[selfcheck_core.RECORD_MIME] for data in shown]
    report = str(failure.value).splitlines()
    assert record["kind"] == "self_check" and record["summary"] == report[0]
    assert ["  - " + f for f in record["findings"]] == [line for line in report if line.startswith("  - ")]
    assert ["  * " + c for c in record["causes"]] == [line for line in report if line.startswith("  * ")]
    assert record["findings"] and record["causes"]
    shown.clear()
    with pytest.raises(SelfCheckFailed):
        selfcheck_core.not_implemented("initialize_parameters_he")
    assert [d[selfcheck_core.RECORD_MIME]["summary"] for d in shown] == ["initialize_parameters_he is not implemented yet."]
