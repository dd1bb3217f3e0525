"""Self-checks of the Initialization notebook.

Each `check_<name>(fn)` calls the student's initializer on the notebook's
examples, compares the result with the figures stored below and with the outputs
stored in expected_outputs_initialization.json (the right weights and what each
known mistake gives on the same examples, written when the assignment is
released), and when something is off says *which* mistake it looks like. The
weights are also divided by the raw seed-3 draws (a private copy of the
generator, so the global random state is left alone) to say which scale factor
was used. Ends with "All checks passed for <name>." or raises `SelfCheckFailed`
after saying what to fix.
"""

import numpy as np

from grading_cases import stored_function
from selfcheck_core import Check, SelfCheckFailed, call, keeps_random_state

__all__ = ["check_initialize_parameters_zeros", "check_initialize_parameters_random",
           "check_initialize_parameters_he", "SelfCheckFailed"]

# Figures of the visible examples (seed 3), at full precision (SPEC.md quotes them to 8 decimals).
EXPECTED_RANDOM_3_2_1 = {
    "W1": [[17.886284734303185, 4.365098505119894, 0.9649746807200863],
           [-18.634927033644907, -2.7738820251439904, -3.5475897926898674]],
    "W2": [[-0.8274148148245977, -6.270006768238473]],
}
EXPECTED_HE_2_4_1 = {
    "W1": [[1.7886284734303186, 0.43650985051198943], [0.09649746807200862, -1.8634927033644908],
           [-0.27738820251439905, -0.35475897926898675], [-0.08274148148245977, -0.6270006768238473]],
    "W2": [[-0.030984124422056857, -0.33744410537169206, -0.9290426766647434, 0.6255224840406426]],
}
FIGURE_ATOL = 1e-7
EXAMPLES = ([3, 2, 1], [4, 3, 2, 1], [2, 4, 1], [5, 1])
DISTURB_SEED = 20261124


# The examples whose right outputs and mistakes' outputs the stored file holds (in this order).
STORED_INPUTS = {
    name: [("layers_dims=%s" % list(dims), (lambda dims: lambda: ((list(dims),), {}, {}))(dims)) for dims in EXAMPLES]
    for name in ("initialize_parameters_random", "initialize_parameters_he")
}


def _seed3_draws(layers_dims):
    """The standard-normal draws an initializer seeded with 3 makes, layer after layer."""
    generator = np.random.RandomState(3)
    return [generator.standard_normal((layers_dims[l], layers_dims[l - 1])) for l in range(1, len(layers_dims))]


def _stored_weights(stored, outputs, layers_dims, l):
    """W_l of a stored output list on the example `layers_dims` (None when absent)."""
    index = [tuple(dims) for dims in EXAMPLES].index(tuple(layers_dims))
    output = outputs[index]
    return output.get("W%d" % l) if isinstance(output, dict) else None


def _mistakes_giving(stored, W, layers_dims, l):
    """Ids of the stored mistakes whose W_l on this example is W."""
    found = []
    for mistake_id, mistake in stored["mistakes"].items():
        wanted = _stored_weights(stored, mistake["outputs"], layers_dims, l)
        if wanted is not None and np.shape(wanted) == np.shape(W) and np.allclose(W, wanted, rtol=1e-6, atol=1e-12):
            found.append(mistake_id)
    return found


def _kind(name):
    return "weight matrices" if name[0] == "W" else "biases"


def _structure(check, parameters, layers_dims, label):
    """Dict with W1, b1, ..., WL, bL of the right shapes; returns False when values cannot be compared.

    The same slip in several layers and examples (a rank-1 bias, a transposed W) is one finding.
    """
    L = len(layers_dims) - 1
    keys = [k % l for l in range(1, L + 1) for k in ("W%d", "b%d")]
    if not check.is_dict_with(parameters, keys, "the result for %s" % label):
        return False
    extra = sorted(set(parameters) - set(keys))
    check.expect(not extra, "the result for %s has unexpected keys %s (a %d-layer network has W1..W%d, b1..b%d)"
                 % (label, ", ".join(map(str, extra)), L, L, L), group="extra keys",
                 more="the same in {count} more examples")
    ok = True
    for l in range(1, L + 1):
        rows, cols = layers_dims[l], layers_dims[l - 1]
        W, b = parameters["W%d" % l], parameters["b%d" % l]
        for name, value, shape in (("W%d" % l, W, (rows, cols)), ("b%d" % l, b, (rows, 1))):
            if not isinstance(value, np.ndarray):
                ok = check.fail("%s should be a NumPy array, got %s" % (name, type(value).__name__),
                                group="not an array " + name[0],
                                more="{count} more %s of the examples are not NumPy arrays either" % _kind(name))
                continue
            if value.shape == shape:
                continue
            if value.shape == shape[::-1] and name[0] == "W" and rows != cols:
                kind = "transposed"
            elif value.ndim == 1:
                kind = "rank-1"
            else:
                kind = "other"
            more = {"transposed": "{count} more weight matrices of the examples are transposed too",
                    "rank-1": "{count} more %s of the examples are rank-1 arrays too" % _kind(name),
                    "other": "{count} more %s of the examples have a wrong shape too" % _kind(name)}[kind]
            ok = check.fail("%s has the wrong shape for %s: expected %s, got %s" % (name, label, shape, value.shape),
                            group="shape %s %s" % (name[0], kind), more=more)
            if kind == "transposed":
                check.hint("the weight matrices are transposed: W[l] has the shape (units of layer l, units of "
                           "layer l-1), i.e. (layers_dims[l], layers_dims[l-1]).")
            elif kind == "rank-1":
                check.hint("the %s are rank-1 arrays (shape (n,) instead of (n, 1)): give np.zeros / "
                           "np.random.randn a 2-D shape such as (layers_dims[l], 1)." % _kind(name))
    return ok


def _biases_zero(check, parameters, layers_dims):
    for l in range(1, len(layers_dims)):
        if np.any(np.asarray(parameters["b%d" % l]) != 0):
            check.fail("b%d is not all zeros (layers_dims=%s)" % (l, list(layers_dims)), group="biases not zero",
                       more="{count} more biases of the examples are not all zeros either")
            check.hint("The biases should start at zero (np.zeros((layers_dims[l], 1))): only the weights need "
                       "randomness to break symmetry.")


def _scale_factors(W, draw):
    """Per-layer factor c with W == c * draw, or None when W is not a multiple of the draw."""
    W = np.asarray(W, dtype=float)
    if W.shape != draw.shape:
        return None
    c = float(np.sum(W * draw) / np.sum(draw * draw))
    return c if np.allclose(W, c * draw, rtol=1e-6, atol=1e-12) else None


def _diagnose_weights(check, parameters, layers_dims, stored, factor_advice):
    """Compare each W with the stored right one, as c * (seed-3 draw); name the mistake whose stored W it is."""
    straight = _seed3_draws(layers_dims)
    for l in range(1, len(layers_dims)):
        W = parameters["W%d" % l]
        wanted = _scale_factors(_stored_weights(stored, stored["expected"], layers_dims, l), straight[l - 1])
        c = _scale_factors(W, straight[l - 1])
        named = _mistakes_giving(stored, W, layers_dims, l)
        if c is not None:
            if not np.isclose(c, wanted, rtol=1e-6):
                check.fail("W%d for layers_dims=%s is the seed-3 draw times %.6g; expected times %.6g"
                           % (l, list(layers_dims), c, wanted), group="factor",
                           more="{count} more weight matrices of the examples have a wrong factor too")
                advice = factor_advice(named, c)
                if advice:
                    check.hint(advice)
            continue
        check.fail("W%d for layers_dims=%s does not hold the expected seed-3 random values" % (l, list(layers_dims)),
                   group="draw", more="{count} more weight matrices of the examples do not either")
        if any(mistake_id.endswith("_transposed") for mistake_id in named):
            check.hint("the weights hold a transposed draw: draw each W directly with np.random.randn(layers_dims[l], "
                       "layers_dims[l-1]) instead of transposing another shape (same seed, different order).")
        elif l > 1 and any(mistake_id.endswith("_reseed_in_loop") for mistake_id in named):
            check.hint("The seed is reset inside the loop, so every layer starts from the same numbers: call "
                       "np.random.seed(3) once, before the loop.")
        else:
            check.hint("The random numbers are not the ones np.random.seed(3) gives: keep the seed line as given, "
                       "do not reseed with another seed, and draw with np.random.randn, layer by layer.")


def _reproducible(check, function, layers_dims):
    """Same result whatever the global random state before the call (the function must seed itself)."""
    np.random.seed(DISTURB_SEED)
    ok, first = call(check, function, list(layers_dims))
    np.random.seed(DISTURB_SEED + 1)
    ok2, second = call(check, function, list(layers_dims))
    if not (ok and ok2) or not isinstance(first, dict) or not isinstance(second, dict):
        return
    same = all(np.array_equal(np.asarray(first[k]), np.asarray(second.get(k))) for k in first)
    if not same:
        check.fail("two calls give different weights: the result depends on the random state before the call")
        check.hint("Seed the generator inside the function with np.random.seed(3) (as given) so the weights are "
                   "the same on every call.")


def _results(check, function, examples):
    """Call the function on each example; return {label: result} for those that ran."""
    results = {}
    for layers_dims in examples:
        ok, parameters = call(check, function, list(layers_dims))
        if ok and _structure(check, parameters, layers_dims, "layers_dims=%s" % list(layers_dims)):
            results[tuple(layers_dims)] = parameters
    return results


@keeps_random_state
def check_initialize_parameters_zeros(function):
    """Self-check of initialize_parameters_zeros: dict of the right shapes, every entry 0."""
    __tracebackhide__ = True
    check = Check("initialize_parameters_zeros")
    for layers_dims, parameters in _results(check, function, EXAMPLES).items():
        for key, value in parameters.items():
            if np.any(np.asarray(value) != 0):
                check.fail("%s is not all zeros (layers_dims=%s)" % (key, list(layers_dims)), group="not zeros",
                           more="{count} more arrays of the examples are not all zeros either")
                check.hint("Zero initialization sets every weight and every bias to 0: use np.zeros with the "
                           "shape of each matrix, no random numbers and no ones.")
    return check.finish()


RANDOM_ADVICE = {
    "random_not_times_10": "The weights are not multiplied by 10: this experiment uses large weights, "
                           "np.random.randn(...) * 10.",
}
HE_ADVICE = {
    "he_xavier": "That is sqrt(1/n) (Xavier scaling). He initialization uses sqrt(2 / layers_dims[l-1]): the "
                 "factor 2 suits ReLU layers.",
    "he_current_layer": "The scale uses the size of the current layer; He scaling uses the previous layer: "
                        "sqrt(2 / layers_dims[l-1]).",
    "he_unscaled": "The draw is not scaled: multiply it by sqrt(2 / layers_dims[l-1]) (He scaling).",
}


def _advice(advice, otherwise):
    """factor_advice(ids of the stored mistakes that give this W, factor c): the advice of the one mistake
    that gives it; None when several do (e.g. no scaling and sqrt(2 / current layer) for a layer of 2
    units: other layers decide); `otherwise % c` when none does."""
    def factor_advice(named, c):
        texts = list(dict.fromkeys(advice[mistake_id] for mistake_id in named if mistake_id in advice))
        if len(texts) == 1:
            return texts[0]
        return None if texts else otherwise % c
    return factor_advice


_random_advice = _advice(RANDOM_ADVICE, "The weights are multiplied by %.6g: this experiment multiplies the "
                                        "standard-normal draw by 10.")
_he_advice = _advice(HE_ADVICE, "He initialization multiplies the draw by sqrt(2 / layers_dims[l-1]); the factor "
                                "used is %.6g.")


def _check_scaled_draws(check, function, advice, example, expected):
    """The shared part of the random and He checks: zero biases, weights that are the seed-3 draws times the
    stored right factor (`advice` explains other factors), the figures for the layer sizes `example`, and
    the same result on a second call."""
    __tracebackhide__ = True
    stored = stored_function("initialization", check.function_name)
    results = _results(check, function, EXAMPLES)
    for layers_dims, parameters in results.items():
        _biases_zero(check, parameters, layers_dims)
        _diagnose_weights(check, parameters, layers_dims, stored, advice)
    if example in results and check.ok:
        for key, value in expected.items():
            check.close(results[example][key], value, "%s for %s" % (key, list(example)), rtol=0,
                        atol=FIGURE_ATOL)
    if results:
        _reproducible(check, function, list(example))
    return check.finish()


@keeps_random_state
def check_initialize_parameters_random(function):
    """Self-check of initialize_parameters_random: seed-3 normal draws times 10, zero biases."""
    __tracebackhide__ = True
    return _check_scaled_draws(Check("initialize_parameters_random"), function, _random_advice, (3, 2, 1),
                               EXPECTED_RANDOM_3_2_1)


@keeps_random_state
def check_initialize_parameters_he(function):
    """Self-check of initialize_parameters_he: seed-3 normal draws times sqrt(2 / previous layer size)."""
    __tracebackhide__ = True
    return _check_scaled_draws(Check("initialize_parameters_he"), function, _he_advice, (2, 4, 1),
                               EXPECTED_HE_2_4_1)
