"""Hidden-test cases: seeded inputs for the graded functions, the recorder the test cells call, and the
self-checks' stored outputs (expected_outputs_<assignment>.json), all in one data format.

A hidden test cell runs `grade_case(function, "case", **params)`. In the
student's kernel this builds the case's inputs from `params`, calls the
student's function and records its output in the cell's output (as data, not
as a verdict). The autograder then rebuilds the same inputs from the trusted
test-cell source, runs the reference solution in its own process and compares:
the verdict never depends on objects that student code can replace.
"""
import copy
import functools
import json
import math
import os

import numpy as np

from selfcheck_core import RECORD_MIME, SelfCheckFailed, swapped_globals

# The file of expected outputs each assignment folder ships (grader/mistakes/stored.py writes it).
STORED_FILE = "expected_outputs_%s.json"


# ----------------------------------------------------------------- case builders
def _network(seed, n_x, n_h1, n_h2, m, scale=1.0):
    """Seeded 3-layer network parameters, inputs X (n_x, m) and 0/1 labels Y (1, m)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_x, m))
    dims = [n_x, n_h1, n_h2, 1]
    parameters = {}
    for l in range(1, 4):
        parameters["W%d" % l] = scale * rng.standard_normal((dims[l], dims[l - 1]))
        parameters["b%d" % l] = scale * rng.standard_normal((dims[l], 1))
    Y = (rng.random((1, m)) < 0.5).astype(np.int64)
    Y[0, 0], Y[0, -1] = 1, 0  # both classes present
    return X, Y, parameters


def _forward(X, parameters):
    from nn_core import forward_propagation
    return forward_propagation(X, parameters)


def case_layers(layers_dims):
    """Initialization functions: one list of layer sizes."""
    return (list(layers_dims),), {}, {}


def case_l2_cost(seed, n_x, n_h1, n_h2, m, lambd):
    """compute_cost_with_regularization: A3 from a forward pass, random labels, parameters."""
    X, Y, parameters = _network(seed, n_x, n_h1, n_h2, m)
    A3, _ = _forward(X, parameters)
    return (A3, Y, parameters, lambd), {}, {}


def case_l2_backward(seed, n_x, n_h1, n_h2, m, lambd):
    """backward_propagation_with_regularization: the plain forward cache of a seeded network."""
    X, Y, parameters = _network(seed, n_x, n_h1, n_h2, m)
    _, cache = _forward(X, parameters)
    return (X, Y, cache, lambd), {}, {}


def case_dropout_forward(seed, n_x, n_h1, n_h2, m, keep_prob):
    """forward_propagation_with_dropout: a seeded network and its inputs."""
    X, _, parameters = _network(seed, n_x, n_h1, n_h2, m)
    return (X, parameters), {"keep_prob": keep_prob}, {}


def case_dropout_backward(seed, n_x, n_h1, n_h2, m, keep_prob, mask_seed):
    """backward_propagation_with_dropout: a dropout cache with masks from its own seed."""
    X, Y, parameters = _network(seed, n_x, n_h1, n_h2, m)
    rng = np.random.default_rng(mask_seed)
    W1, b1, W2, b2, W3, b3 = (parameters[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    Z1 = W1 @ X + b1
    D1 = (rng.random(Z1.shape) < keep_prob).astype(np.int64)
    A1 = np.maximum(Z1, 0) * D1 / keep_prob
    Z2 = W2 @ A1 + b2
    D2 = (rng.random(Z2.shape) < keep_prob).astype(np.int64)
    A2 = np.maximum(Z2, 0) * D2 / keep_prob
    Z3 = W3 @ A2 + b3
    A3 = 1 / (1 + np.exp(-Z3))
    cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3)
    return (X, Y, cache, keep_prob), {}, {}


def case_scalar_pair(x, theta):
    """forward_propagation / backward_propagation of J(theta) = theta * x."""
    return (x, theta), {}, {}


def cubic_cost(x, theta):
    """J(theta) = x * theta**3, the model the hidden tests and the self-check put in place of the
    notebook's J = theta * x: its curve makes a one-sided or wrongly scaled difference show."""
    return x * theta ** 3


def cubic_derivative(x, theta):
    """dJ/dtheta of `cubic_cost`."""
    return 3 * x * theta ** 2


def _wrong_backward(x, theta):
    return 2 * x


def case_gradient_check(x, theta, epsilon, model="cubic"):
    """gradient_check on a model swapped in for the notebook's J: a cubic one (correct or wrong
    derivative), so that a one-sided or mis-scaled difference shows."""
    backward = {"cubic": cubic_derivative, "wrong": _wrong_backward}[model]
    patches = {"forward_propagation": cubic_cost, "backward_propagation": backward}
    return (x, theta), {"epsilon": epsilon}, patches


def case_gradient_check_n(seed, m, epsilon, bug):
    """gradient_check_n on the course network (4 inputs, 5, 3, 1 units): gradients from the
    shared backward pass, correct (`bug` "none") or with one block scaled ("dW2", "db1", ...)."""
    from nn_core import backward_propagation
    X, Y, parameters = _network(seed, 4, 5, 3, m)
    _, cache = _forward(X, parameters)
    gradients = backward_propagation(X, Y, cache)
    if bug != "none":
        gradients["d" + bug.lstrip("d")] = 3.0 * gradients["d" + bug.lstrip("d")]
    return (parameters, gradients, X, Y), {"epsilon": epsilon}, {}


CASES = {
    "layers": case_layers,
    "l2_cost": case_l2_cost,
    "l2_backward": case_l2_backward,
    "dropout_forward": case_dropout_forward,
    "dropout_backward": case_dropout_backward,
    "scalar_pair": case_scalar_pair,
    "gradient_check": case_gradient_check,
    "gradient_check_n": case_gradient_check_n,
}


def build_case(case, params):
    """(args, kwargs, global patches) of a named case; fresh arrays on every call."""
    return CASES[case](**params)


# ----------------------------------------------------------------- running, encoding and recording
def encode(value):
    """A JSON-able image of a function's output (arrays, dicts, tuples, numbers)."""
    if isinstance(value, dict):
        return {"__dict__": [[str(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, (tuple, list)):
        return {"__seq__": [encode(v) for v in value], "type": type(value).__name__}
    if isinstance(value, np.ndarray) or isinstance(value, np.generic):
        array = np.asarray(value)
        if array.dtype.kind in "biuf":
            flat = [float(v) if math.isfinite(float(v)) else repr(float(v)) for v in array.ravel()]
            return {"__array__": flat, "shape": list(array.shape), "dtype": array.dtype.kind}
        return {"__other__": type(value).__name__}
    if isinstance(value, bool):
        return {"__array__": [float(value)], "shape": [], "dtype": "b"}
    if isinstance(value, (int, float)):
        number = float(value)
        return {"__array__": [number if math.isfinite(number) else repr(number)], "shape": [],
                "dtype": "f" if isinstance(value, float) else "i"}
    return {"__other__": type(value).__name__}


def run_case(function, case, params, seed_before=20261124):
    """Call `function` on the case's inputs with its globals patched; return (output, error text)."""
    args, kwargs, patches = build_case(case, params)
    with swapped_globals(function, patches):
        np.random.seed(seed_before)  # a seed the graded function must not rely on
        try:
            return function(*copy.deepcopy(args), **kwargs), None
        except Exception as error:  # the verdict is made by the grader, not here
            return None, "%s: %s" % (type(error).__name__, error)


def decode(image):
    """The value `encode` made `image` from, as far as a comparison needs (ValueError when unreadable)."""
    if not isinstance(image, dict):
        raise ValueError("not an encoded value")
    if "__dict__" in image:
        return {k: decode(v) for k, v in image["__dict__"]}
    if "__seq__" in image:
        return [decode(v) for v in image["__seq__"]]
    if "__array__" in image:
        values = [float(v) if isinstance(v, str) else v for v in image["__array__"]]
        return np.array(values, dtype=float).reshape(image["shape"])
    return image.get("__other__", "unknown")


def record_call(function, case, params):
    """The grade record of `function` on a hidden case: its name, the case, and its encoded output or error."""
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        output, error = run_case(function, case, params)
    return {"function": getattr(function, "__name__", "?"), "case": case, "params": params,
            "output": None if error else encode(output), "error": error}


def grade_case(function, case, **params):
    """Record `function`'s output on a hidden case; the autograder judges it outside this kernel."""
    from IPython.display import display

    display({RECORD_MIME: record_call(function, case, params), "text/plain": "(hidden test recorded)"}, raw=True)


# ----------------------------------------------------------------- the self-checks' stored outputs
@functools.lru_cache(maxsize=None)
def _stored_text(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def stored_outputs(assignment):
    """The expected outputs of an assignment's self-checks (a fresh dict), from the file next to this module."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), STORED_FILE % assignment)
    try:
        return json.loads(_stored_text(path))
    except (OSError, ValueError):
        raise SelfCheckFailed("The self-checks need the file %s, next to the notebook, and it is missing or "
                              "damaged: download the assignment folder again." % (STORED_FILE % assignment)) from None


def stored_function(assignment, function):
    """{"inputs": [ids], "expected": [outputs], "mistakes": {id: {"label", "outputs"}}, "variants": {id: [outputs]}}
    of one graded function, outputs decoded (arrays; tuples come back as lists): a fresh copy each call."""
    return copy.deepcopy(_decoded_function(assignment, function))


@functools.lru_cache(maxsize=None)
def _decoded_function(assignment, function):
    """stored_function's data, decoded once per process (a self-check reads it at every call)."""
    entry, decoded = stored_outputs(assignment)["functions"][function], lambda found: [
        None if output is None else decode(output) for output in found]
    for mistake in entry["mistakes"].values():
        mistake["outputs"] = decoded(mistake["outputs"])
    return dict(entry, expected=decoded(entry["expected"]),
                variants={k: decoded(v) for k, v in entry["variants"].items()})
