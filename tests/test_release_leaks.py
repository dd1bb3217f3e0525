"""No answer in the student's kernel: nothing in a release folder computes a graded function's answer.

A probe (this file run as a script, in a child process that sees only the release folder)
imports every module of release/<assignment>/ and calls every function it can reach: module
functions, methods of the classes they define, callables kept in module-level dicts and lists,
and the functions of modules reached through module attributes, on the graded functions'
inputs of two different cases (extra positional arguments taken from the module's own
constants and dict keys). It hands back what each call returned. This process computes the
answers with grader/reference on the same inputs and fails when a call gives a graded
function's answer, or a piece of one (the masked and scaled dropout activations, the L2 term
of dW, the N-d gradient-check differences), on both cases: stored data for fixed inputs can
only match one of them.
"""
import contextlib
import inspect
import io
import itertools
import json
import os
import signal
import subprocess
import sys
import types

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
try:
    from grader.manifest import ASSIGNMENTS
except ImportError:  # the probe, in a child process that sees only a release folder
    ASSIGNMENTS = {}

# Two cases per graded function (grading_cases' builders, seeds no hidden test uses).
CASES = {
    "initialize_parameters_zeros": ("layers", [{"layers_dims": [4, 3, 2, 1]}, {"layers_dims": [3, 5, 1]}]),
    "initialize_parameters_random": ("layers", [{"layers_dims": [4, 3, 2, 1]}, {"layers_dims": [3, 5, 1]}]),
    "initialize_parameters_he": ("layers", [{"layers_dims": [4, 3, 2, 1]}, {"layers_dims": [3, 5, 1]}]),
    "compute_cost_with_regularization": ("l2_cost", [dict(seed=901, n_x=3, n_h1=4, n_h2=3, m=6, lambd=0.6),
                                                     dict(seed=902, n_x=2, n_h1=5, n_h2=2, m=7, lambd=0.2)]),
    "backward_propagation_with_regularization": ("l2_backward", [dict(seed=903, n_x=3, n_h1=4, n_h2=3, m=6, lambd=0.6),
                                                                dict(seed=904, n_x=2, n_h1=5, n_h2=2, m=7, lambd=0.2)]),
    "forward_propagation_with_dropout": ("dropout_forward", [dict(seed=905, n_x=3, n_h1=4, n_h2=3, m=6, keep_prob=0.7),
                                                             dict(seed=906, n_x=2, n_h1=5, n_h2=2, m=7, keep_prob=0.5)]),
    "backward_propagation_with_dropout": ("dropout_backward",
                                          [dict(seed=907, n_x=3, n_h1=4, n_h2=3, m=6, keep_prob=0.7, mask_seed=8),
                                           dict(seed=908, n_x=2, n_h1=5, n_h2=2, m=7, keep_prob=0.5, mask_seed=9)]),
    "gradient_check": ("gradient_check", [dict(x=1.5, theta=-0.5, epsilon=1e-3), dict(x=-2.0, theta=3.0, epsilon=1e-2)]),
    "gradient_check_n": ("gradient_check_n", [dict(seed=909, m=3, epsilon=1e-7, bug="dW2"),
                                              dict(seed=910, m=4, epsilon=1e-6, bug="db1")]),
}
# forward_propagation and backward_propagation of the 1-D model are one stated line each (J = theta * x,
# dtheta = x): any product or identity function "computes" them, so they are not probed.
NOT_PROBED = ("forward_propagation", "backward_propagation")
CALL_SECONDS = 5
MAX_CONSTANTS = 40
PAIRED = 12  # two missing arguments: pairs from one group of constants (a dict's keys), at most this many


# ============================================================================= the probe (child process)
def _callables(modules, folder):
    """(name, callable) of everything reachable from the folder's modules, each once."""
    seen, found = set(), []

    def add(name, value, depth=0):
        if id(value) in seen or depth > 3:
            return
        if isinstance(value, types.ModuleType):
            if os.path.dirname(os.path.abspath(getattr(value, "__file__", "") or "/")) != folder:
                return  # numpy, matplotlib...: not the release's code
            seen.add(id(value))
            for key, item in vars(value).items():
                if not key.startswith("__"):
                    add("%s.%s" % (value.__name__, key), item, depth + 1)
            return
        seen.add(id(value))
        if isinstance(value, type):
            module_file = getattr(sys.modules.get(value.__module__), "__file__", None)
            if module_file and os.path.dirname(os.path.abspath(module_file)) == folder:
                for key, item in vars(value).items():
                    if key.startswith("__") and key not in ("__call__", "__init__"):
                        continue
                    if isinstance(item, (staticmethod, classmethod)):
                        item = item.__func__
                    add("%s.%s" % (name, key), item, depth + 1)
            return
        if isinstance(value, dict):
            for key, item in list(value.items())[:200]:
                add("%s[%r]" % (name, key), item, depth + 1)
            return
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value[:200]):
                add("%s[%d]" % (name, index), item, depth + 1)
            return
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, functools_partial())):
            code_file = getattr(getattr(value, "__code__", None), "co_filename", "")
            if code_file and os.path.dirname(os.path.abspath(code_file)) == folder:
                found.append((name, value))

    for module in modules:
        add(module.__name__, module)
    return found


def functools_partial():
    import functools
    return functools.partial


def _constants(module):
    """Extra arguments to try: (the module's own numbers, short strings and dict keys; the groups of them
    that belong together, each dict's keys or each list's strings, for a pair of extra arguments)."""
    singles, groups = [], []
    for key, value in vars(module).items():
        if key.startswith("__"):
            continue
        if isinstance(value, dict):
            group = [k for k in value if isinstance(k, (int, float, str)) and not isinstance(k, bool)]
        elif isinstance(value, (tuple, list)):
            group = [k for k in value if isinstance(k, str) and len(k) < 40]
        elif isinstance(value, (int, float, str)) and not isinstance(value, bool) and len(str(value)) < 40:
            singles.append(value)
            continue
        else:
            continue
        if group:
            groups.append(group[:PAIRED])
            singles += group
    return list(dict.fromkeys(singles))[:MAX_CONSTANTS], groups


def _argument_lists(function, args, kwargs, extras):
    """The calls to try: the inputs (or a prefix of them) with the keywords the function takes, and extra
    required positional arguments filled from the constants."""
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return [(args, {})]
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    takes_var = any(p.kind == p.VAR_POSITIONAL for p in parameters)
    takes_kw = any(p.kind == p.VAR_KEYWORD for p in parameters)
    names = {p.name for p in parameters}
    keywords = {k: v for k, v in kwargs.items() if takes_kw or k in names}
    required = [p for p in positional if p.default is p.empty]
    calls = []
    fits = lambda n: n >= len(required) and (n <= len(positional) or takes_var)  # noqa: E731
    for n in range(0, len(args) + 1):
        if fits(n):
            calls.append((tuple(args[:n]), keywords))
    inputs = tuple(args) + tuple(kwargs.values())  # the keyword inputs passed by position too
    if kwargs and fits(len(inputs)):
        calls.append((inputs, {}))
    for given, with_keywords in ((tuple(args), keywords), (inputs, {})):
        missing = len(required) - len(given)
        singles, groups = extras
        if missing == 1:
            calls += [(given + (extra,), with_keywords) for extra in singles or [None]]
        elif missing == 2:
            calls += [(given + pair, with_keywords) for group in groups or [[None]]
                      for pair in itertools.product(group, repeat=2)]
    return calls


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def probe(folder, cases):
    """Call everything in `folder` on each case's inputs; print {call id: encoded result} as JSON."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    sys.path.insert(0, folder)
    os.chdir(folder)
    modules = []
    for name in sorted(f[:-3] for f in os.listdir(folder) if f.endswith(".py")):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                modules.append(__import__(name))
            except Exception:
                pass
    grading_cases = sys.modules.get("grading_cases") or __import__("grading_cases")
    constants = {m.__name__: _constants(m) for m in modules}
    found = _callables(modules, folder)
    signal.signal(signal.SIGALRM, _alarm)
    built = {(graded, index): grading_cases.build_case(case, params)[:2]
             for graded, (case, params_list) in cases.items() for index, params in enumerate(params_list)}
    results = {}
    for name, function in found:
        module_constants = constants.get(name.split(".")[0].split("[")[0], ([], []))
        for graded, (case, params_list) in cases.items():
            for index, params in enumerate(params_list):
                args, kwargs = built[graded, index]
                for variant, (call_args, call_kwargs) in enumerate(_argument_lists(function, args, kwargs,
                                                                                    module_constants)):
                    key = json.dumps([name, graded, variant])
                    signal.alarm(CALL_SECONDS)
                    try:
                        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), \
                                np.errstate(all="ignore"):
                            import copy
                            output = function(*copy.deepcopy(call_args), **copy.deepcopy(call_kwargs))
                        signal.alarm(0)
                        encoded = grading_cases.encode(output)
                        if len(json.dumps(encoded)) < 200000:
                            results.setdefault(key, [None, None])[index] = encoded
                    except BaseException:
                        signal.alarm(0)
                    finally:
                        if plt.get_fignums():
                            plt.close("all")
    print(json.dumps({"called": len(found), "results": results}))


# ============================================================================= the answers (this process)
def _answers(graded, case, params):
    """(the reference's answer, [pieces of it]) on one case, decoded as a record's output would be."""
    import grading_cases
    from grader.judge import reference_output
    from nn_core import backward_propagation

    answer = reference_output(graded, case, params)
    pieces = []
    args, kwargs, _ = grading_cases.build_case(case, params)
    if graded == "forward_propagation_with_dropout":
        pieces = [answer[0], answer[1][2], answer[1][7]]  # A3; A1, A2 after the mask and the scaling
    elif graded == "backward_propagation_with_dropout":
        pieces = [answer["dA1"], answer["dA2"]]
    elif graded == "backward_propagation_with_regularization":
        X, Y, cache, _ = args
        plain = backward_propagation(X, Y, cache)
        pieces = [answer[k] - plain[k] for k in ("dW1", "dW2", "dW3")]  # the L2 terms
    elif graded == "gradient_check_n":
        pieces = [_central_differences(*args, **kwargs)]
    return answer, [np.asarray(p, dtype=float) for p in pieces]


def _central_differences(parameters, gradients, X, Y, epsilon=1e-7):
    """The N-d gradient check's two-sided differences (gradapprox), for the test's comparison."""
    from gc_utils import dictionary_to_vector, vector_to_dictionary
    from grader.reference.gradient_checking import forward_propagation_n
    theta, _ = dictionary_to_vector(parameters)
    approx = np.zeros_like(theta, dtype=float)
    for i in range(theta.shape[0]):
        step = np.zeros_like(theta, dtype=float)
        step[i, 0] = epsilon
        up, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta + step))
        down, _ = forward_propagation_n(X, Y, vector_to_dictionary(theta - step))
        approx[i, 0] = (up - down) / (2 * epsilon)
    return approx


def _leaves(value):
    """Every array of two or more numbers inside a decoded output."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value] if isinstance(value, np.ndarray) and value.size >= 2 else []


def _gives(got, graded, answer, pieces):
    """Whether a decoded result is the answer, or holds one of its pieces."""
    from grader.judge import compare
    from grader.manifest import graded_function
    try:
        compare(graded_function(graded).comparison, got, answer)
        return True
    except Exception:
        pass
    for piece in pieces:
        for leaf in _leaves(got):
            if leaf.shape == piece.shape and np.allclose(leaf, piece, rtol=1e-6, atol=1e-9):
                return True
    return False


def find_leaks(assignment, release=os.path.join(ROOT, "release"), graded=CASES):
    """(how many callables were probed, [(callable, graded function)] of those in release/<assignment>/ that
    give an answer on both cases); `graded`: the graded functions whose answers are looked for (all by default)."""
    import grading_cases
    folder = os.path.join(release, assignment)
    cases = {g: CASES[g] for g in graded if g not in NOT_PROBED}  # every graded function, in every folder
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NBGRADER_EXECUTION")}
    env["MPLBACKEND"] = "Agg"
    child = subprocess.run([sys.executable, "-I", os.path.abspath(__file__), folder, json.dumps(cases)],
                           capture_output=True, text=True, env=env, cwd=folder, timeout=1800)
    assert child.returncode == 0, child.stderr[-3000:]
    report = json.loads(child.stdout.strip().splitlines()[-1])
    answers = {g: [_answers(g, case, params) for params in params_list] for g, (case, params_list) in cases.items()}
    leaks = set()
    for key, outputs in report["results"].items():
        name, graded, _ = json.loads(key)
        if all(output is not None and _gives(grading_cases.decode(output), graded, *answers[graded][index])
               for index, output in enumerate(outputs)):
            leaks.add((name, graded))
    return report["called"], sorted(leaks)


@pytest.mark.e2e  # a child process makes tens of thousands of calls: a minute or more per folder
@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_no_helper_in_the_release_gives_an_answer(assignment):
    called, leaks = find_leaks(assignment)
    assert called > 20, "the probe found only %d functions in release/%s" % (called, assignment)
    assert leaks == [], "these give a graded function's answer for any inputs: %s" % leaks


@pytest.mark.e2e
def test_the_probe_finds_a_planted_leak(tmp_path):
    """A helper that does the exercise, hidden in a dict of a class attribute, is found (the test can fail); only
    that exercise's answers are looked for (the search for every answer is the test above)."""
    import shutil
    folder = tmp_path / "regularization"
    shutil.copytree(os.path.join(ROOT, "release", "regularization"), folder)
    with open(folder / "reg_utils.py", "a", encoding="utf-8") as handle:
        handle.write("\n\nclass _Tools:\n    steps = {'scale': lambda A, D, keep_prob: A * D / keep_prob}\n\n"
                     "    def penalty(A3, Y, parameters, lambd):\n        import numpy as np\n"
                     "        m = Y.shape[1]\n        return compute_cost(A3, Y) + lambd / (2 * m) * sum("
                     "np.sum(np.square(parameters[k])) for k in ('W1', 'W2', 'W3'))\n")
    _, leaks = find_leaks("regularization", release=str(tmp_path), graded=["compute_cost_with_regularization"])
    assert ("reg_utils._Tools.penalty", "compute_cost_with_regularization") in leaks, leaks


if __name__ == "__main__":
    probe(sys.argv[1], json.loads(sys.argv[2]))
