"""Self-checks of the dropout part of the Regularization notebook: the forward pass and its backward pass."""
import itertools

import numpy as np

import nn_core
import testCases
from checks_regularization_calls import (as_array, disturb_random_state, is_array_of_shape, matches,
                                         on_second_input, returned_gradients, same_gradients, start_check)
from checks_regularization_examples import (BACKWARD_KEEP, CACHE_NAMES, DISTURB_SEEDS, EXPECTED_A3, EXPECTED_DA,
                                            FIGURE_ATOL, FORWARD_KEEP, MATCH_ATOL, MATCH_RTOL, stored_outputs)
from selfcheck_core import call, keeps_random_state


# ============================================================================= dropout
# The ways one hidden layer can be treated (grader/mistakes/regularization.py defines them; the stored
# file holds A3 for every pair of them, "combination:<layer 1 rule>+<layer 2 rule>[+output]").
LAYER_RULES = ("right", "inverted", "mask_not_applied", "not_scaled", "times_keep_prob", "no_dropout",
               "no_dropout_no_draw", "normal_numbers", "one_number_per_unit")


def _forward_layer_hint(rule, layer):
    A, D = "A%d" % layer, "D%d" % layer
    return {
        "inverted": ("%s: the mask is inverted. Step 2 should keep a unit (1) when its random number is below "
                     "keep_prob: (%s < keep_prob). With > you keep the units that should be dropped, and keep "
                     "only about 1 - keep_prob of them" % (A, D)),
        "mask_not_applied": ("%s: the mask %s is drawn but not applied (step 3). Multiply %s by %s so that the "
                             "dropped units become 0, then divide by keep_prob" % (A, D, A, D)),
        "not_scaled": ("%s: step 4 is missing: after the mask, divide %s by keep_prob, so that the expected value "
                       "of each unit stays what it was without dropout (inverted dropout)" % (A, A)),
        "times_keep_prob": ("%s: you multiplied by keep_prob; step 4 divides by keep_prob. The kept units must "
                            "grow (by 1 / keep_prob) to make up for the dropped ones" % A),
        "no_dropout": ("%s gets no dropout: apply the four steps to %s too (draw %s, threshold it, multiply, "
                       "divide by keep_prob)" % (A, A, D)),
        "no_dropout_no_draw": ("%s gets no dropout: apply the four steps to %s too (draw %s, threshold it, "
                               "multiply, divide by keep_prob)" % (A, A, D)),
        "normal_numbers": ("%s: the random numbers come from np.random.randn (normal numbers). Use "
                           "np.random.rand, which gives uniform numbers between 0 and 1: then (%s < keep_prob) "
                           "is 1 with probability keep_prob" % (A, D)),
        "one_number_per_unit": ("%s: %s has the wrong shape: one random number per unit drops the same units for "
                                "every example. Draw %s with the shape of %s: np.random.rand(%s.shape[0], "
                                "%s.shape[1])" % (A, D, D, A, A, A)),
    }[rule]


HINT_OUTPUT_DROPOUT = ("A3, the output layer, got dropout too. Dropout belongs to the two hidden layers only: "
                       "the output A3 = sigmoid(Z3) stays as it is")
HINT_SEED = ("the result depends on the state of the random generator before the call. Keep "
             "np.random.seed(1) as the first line of the function (it is in the notebook: do not remove or move "
             "it); it makes the masks the same at every call, so the numbers can be checked")


def _likelier_first(combo):
    """Order of the combinations of layer rules tried: the same rule on both layers first (a
    mistake is usually made twice, once per layer), then by the number of mistakes. The example
    is small, so a rarer combination can give the same numbers by chance."""
    rule_a, rule_b = combo[0], combo[1]
    mistakes = (rule_a != "right") + (rule_b != "right") + sum(bool(extra) for extra in combo[2:])
    return (rule_a != rule_b, mistakes)


def _name_forward_mistakes(A3):
    """Hints of the combination of layer mistakes (and output dropout) whose stored A3 on the notebook's
    example is `A3`; [] when none is."""
    variants = stored_outputs("forward_propagation_with_dropout")["variants"]
    combos = sorted(itertools.product(LAYER_RULES, LAYER_RULES, (False, True)), key=_likelier_first)
    for rule_1, rule_2, output_dropout in combos:
        if (rule_1, rule_2, output_dropout) == ("right", "right", False):
            continue
        name = "combination:%s+%s%s" % (rule_1, rule_2, "+output" if output_dropout else "")
        if matches(A3, variants[name][0]):
            hints = [_forward_layer_hint(rule, layer)
                     for layer, rule in ((1, rule_1), (2, rule_2)) if rule != "right"]
            return hints + ([HINT_OUTPUT_DROPOUT] if output_dropout else [])
    return []


def _is_mask(value, shape):
    array = as_array(value)
    return array is not None and array.shape == tuple(shape) and bool(np.all((array == 0) | (array == 1)))


def _check_cache_layout(check, cache, X, parameters):
    """The cache must have the 14 entries in order, its masks D1, D2 the shapes of A1, A2. Returns True if so."""
    if not isinstance(cache, (tuple, list)) or len(cache) != 14:
        check.fail("the cache should have 14 entries (%s), got %s" % (
            ", ".join(CACHE_NAMES), "%d entries" % len(cache) if isinstance(cache, (tuple, list))
            else type(cache).__name__))
        check.hint("keep the cache line as given: cache = (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, W3, b3); "
                   "backward_propagation_with_dropout unpacks it in exactly that order")
        return False
    layout_ok = True
    for index, layer in ((1, 1), (6, 2)):
        name = CACHE_NAMES[index]
        shape = (parameters["W%d" % layer].shape[0], X.shape[1])
        got = np.shape(cache[index]) if as_array(cache[index]) is not None else None
        if got != shape:
            layout_ok = False
            check.fail("%s in the cache has shape %s; it should have the shape of A%d, %s"
                       % (name, got, layer, shape))
            check.hint("%s has the wrong shape: draw it with the shape of A%d, np.random.rand(A%d.shape[0], "
                       "A%d.shape[1]), one random number per unit and example (and keep the name %s for the "
                       "mask: the cache stores it)" % (name, layer, layer, layer, name))
    return layout_ok


def _check_cache_values(check, cache, X, parameters, keep_prob):
    """The cached masks are 0/1 and the ones that gave A3; the cached A1, A2 are the dropped-out, scaled ones."""
    wanted = stored_outputs("forward_propagation_with_dropout")["expected"][0][1]  # the cache of the right forward pass
    for index in (1, 6):
        name, activation = CACHE_NAMES[index], CACHE_NAMES[index + 1]
        if not _is_mask(cache[index], np.shape(wanted[index])):
            check.fail("%s in the cache should be a mask of 0s and 1s (the shape of %s)" % (name, activation))
            check.hint("%s must end up as the 0/1 mask (step 2 replaces the random numbers with "
                       "(%s < keep_prob)); the backward pass reuses it from the cache" % (name, name))
        elif not matches(cache[index], wanted[index]):
            check.fail("%s in the cache is not the mask that gave A3" % name)
            check.hint("the cache must hold the masks used in the forward pass: keep the names D1, D2 for them")
    for index in (2, 7):
        name = CACHE_NAMES[index]
        if not matches(cache[index], wanted[index]):
            check.fail("%s in the cache should hold the activations after dropout (masked, divided by keep_prob)"
                       % name)
            check.hint("store the dropped-out, rescaled activations under the name %s: the next layer and the "
                       "backward pass both use them" % name)


@keeps_random_state
def check_forward_propagation_with_dropout(forward_propagation_with_dropout):
    """Self-check of forward_propagation_with_dropout(X, parameters, keep_prob) on the notebook's example."""
    __tracebackhide__ = True
    check, (X, parameters) = start_check("forward_propagation_with_dropout")
    keep_prob = FORWARD_KEEP

    def returned_pair(output, when):
        if output is None:
            check.fail("the function returned nothing %s" % when)
            check.hint("keep the last line of the function, `return A3, cache`")
            return None, None
        if not isinstance(output, (tuple, list)) or len(output) != 2:
            check.fail("the function should return the pair (A3, cache), got %s" % type(output).__name__)
            check.hint("keep the last line of the function, `return A3, cache`")
            return None, None
        return output

    disturb_random_state(DISTURB_SEEDS[0])
    ok, output = call(check, forward_propagation_with_dropout, X, parameters, keep_prob=keep_prob)
    if not ok:
        return check.finish()
    A3, cache = returned_pair(output, "")
    if A3 is None or not is_array_of_shape(check, A3, "A3", (1, X.shape[1])):
        return check.finish()

    what = "A3 (keep_prob = %s)" % keep_prob
    layout_ok = _check_cache_layout(check, cache, X, parameters)
    if np.allclose(as_array(A3), EXPECTED_A3, rtol=0, atol=FIGURE_ATOL):
        if layout_ok:
            _check_cache_values(check, cache, X, parameters, keep_prob)
    else:
        # Again, right after np.random.seed(1): a function without its own seed then gets the right masks.
        np.random.seed(1)
        _, seeded_output = call(check, forward_propagation_with_dropout, X, parameters, keep_prob=keep_prob)
        seeded_A3 = seeded_output[0] if isinstance(seeded_output, (tuple, list)) and len(seeded_output) == 2 else None
        depends_on_state = seeded_A3 is not None and not matches(seeded_A3, A3)
        check.close(A3, EXPECTED_A3, what, rtol=0, atol=FIGURE_ATOL)
        if depends_on_state:
            check.hint(HINT_SEED)
        # (with masks of the wrong shape, the shape hints above already say what to fix)
        named = _name_forward_mistakes(seeded_A3 if seeded_A3 is not None else A3) if layout_ok else []
        for hint in named:
            check.hint(hint)
        if layout_ok and not named and not (depends_on_state and matches(seeded_A3, EXPECTED_A3)):
            check.hint("apply the four steps to A1 and to A2 (not to X and not to A3): D = np.random.rand(...) of the "
                       "activations' shape, D = (D < keep_prob), multiply the activations by D, divide them by "
                       "keep_prob")

    if check.ok:
        # keep_prob = 1 keeps every unit: the result must be the plain forward pass.
        _, output_one = call(check, forward_propagation_with_dropout, X, parameters, keep_prob=1.0)
        plain_A3, _ = nn_core.forward_propagation(X, parameters)
        A3_one = output_one[0] if isinstance(output_one, (tuple, list)) and len(output_one) == 2 else None
        if check.ok and not check.expect(matches(A3_one, plain_A3),
                                         "with keep_prob = 1 (nothing dropped), A3 should equal the plain "
                                         "forward pass %s; got %s" % (np.round(plain_A3, 8).tolist(), A3_one)):
            check.hint("use the argument keep_prob everywhere (in step 2 and in step 4), not a fixed number")
    if check.ok:
        on_second_input(check, forward_propagation_with_dropout, stored_outputs("forward_propagation_with_dropout"),
                        _same_pair, None)
    return check.finish()


def _same_pair(got, wanted):
    """compare(got, wanted) for (A3, cache): A3 and the cached masks and activations D1, A1, D2, A2."""
    return (isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[1], (tuple, list))
            and len(got[1]) == 14 and matches(got[0], wanted[0])
            and all(matches(got[1][index], wanted[1][index]) for index in (1, 2, 6, 7)))


# ============================================================================= backward_propagation_with_dropout
# The ways the gradient of one hidden layer can be treated (defined in grader/mistakes/regularization.py; the
# stored file holds dA2, dA1 for every pair, "combination:<dA2 rule>+<dA1 rule>").
GRAD_RULES = ("right", "mask_not_applied", "not_scaled", "times_keep_prob", "inverted", "untouched")


def _backward_layer_hint(rule, layer):
    dA, D = "dA%d" % layer, "D%d" % layer
    return {
        "mask_not_applied": ("%s: the mask is not applied. Step 1 multiplies %s by %s from the cache, so that the "
                             "units dropped in the forward pass get no gradient" % (dA, dA, D)),
        "not_scaled": ("%s: step 2 is missing: divide %s by keep_prob, as the forward pass divided A%d by it"
                       % (dA, dA, layer)),
        "times_keep_prob": ("%s: you multiplied by keep_prob; divide by keep_prob, as the forward pass did"
                            % dA),
        "inverted": ("%s: the mask is inverted (1 - %s): the gradient flows through the dropped units instead of "
                     "the kept ones. Multiply by %s itself" % (dA, D, D)),
        "untouched": ("%s gets no dropout treatment: apply both steps to %s too (multiply by %s, divide by "
                      "keep_prob)" % (dA, dA, D)),
    }[rule]


HINT_REDRAWN = ("the gradients change from call to call, so new random masks are drawn in the backward pass. "
                "Use the masks D1 and D2 from the cache: the backward pass must switch off exactly the units "
                "the forward pass dropped")


def _cache_without_dropout(X, parameters):
    """The cache of a forward pass that keeps every unit: the plain pass's values, masks of ones."""
    _, (Z1, A1, W1, b1, Z2, A2, W2, b2, Z3, A3, W3, b3) = nn_core.forward_propagation(X, parameters)
    return (Z1, np.ones(Z1.shape), A1, W1, b1, Z2, np.ones(Z2.shape), A2, W2, b2, Z3, A3, W3, b3)


@keeps_random_state
def check_backward_propagation_with_dropout(backward_propagation_with_dropout):
    """Self-check of backward_propagation_with_dropout(X, Y, cache, keep_prob) on the notebook's example."""
    __tracebackhide__ = True
    check, (X, Y, cache) = start_check("backward_propagation_with_dropout")
    keep_prob = BACKWARD_KEEP
    stored = stored_outputs("backward_propagation_with_dropout")

    disturb_random_state(DISTURB_SEEDS[0])
    grads = returned_gradients(check, backward_propagation_with_dropout, X, Y, cache, keep_prob,
                               "Keep the line that unpacks the cache as given: it matches the cache of "
                               "forward_propagation_with_dropout, (Z1, D1, A1, W1, b1, Z2, D2, A2, W2, b2, Z3, A3, "
                               "W3, b3)")
    if grads is None:
        return check.finish()

    shapes_ok = True
    for key, shape in (("dA2", cache[5].shape), ("dA1", cache[0].shape)):
        shapes_ok = is_array_of_shape(check, grads[key], key, shape) and shapes_ok
    if not shapes_ok:
        return check.finish()

    right = {key: check.close(grads[key], EXPECTED_DA[key], key + " (keep_prob = %s)" % keep_prob,
                              rtol=0, atol=FIGURE_ATOL) for key in ("dA2", "dA1")}
    if not all(right.values()):
        disturb_random_state(DISTURB_SEEDS[1])
        _, again = call(check, backward_propagation_with_dropout, X, Y, cache, keep_prob)
        if isinstance(again, dict) and not all(matches(again.get(k), grads[k]) for k in ("dA2", "dA1")):
            check.hint(HINT_REDRAWN)
        elif same_gradients(("dA2", "dA1"))(grads, stored["mistakes"]["dropout_backward_redrawn_after_seed"]
                                                ["outputs"][0]):
            check.hint(HINT_REDRAWN.replace("the gradients change from call to call, so new", "new"))
        else:
            for rule_2, rule_1 in sorted(itertools.product(GRAD_RULES, GRAD_RULES), key=_likelier_first):
                if (rule_2, rule_1) == ("right", "right"):
                    continue
                if same_gradients(("dA2", "dA1"))(grads, stored["variants"]["combination:%s+%s" % (rule_2, rule_1)][0]):
                    for layer, rule in ((2, rule_2), (1, rule_1)):
                        if rule != "right":
                            check.hint(_backward_layer_hint(rule, layer))
                    break
            else:
                check.hint("for each of dA2 and dA1: step 1 multiplies it by the mask from the cache (D2, D1), "
                           "step 2 divides it by keep_prob")
    else:
        expected = stored["expected"][0]
        for key in ("dW3", "db3", "dW2", "db2", "dW1", "db1"):
            if not check.close(grads[key], expected[key], key, rtol=MATCH_RTOL, atol=MATCH_ATOL):
                check.hint("dA1 and dA2 are right, so %s should be too: keep the given lines that compute dZ, "
                           "dW and db from them" % key)
        if check.ok:
            # keep_prob = 1 with masks of ones: the gradients must be those of the plain backward pass.
            plain_X, plain_parameters = testCases.forward_propagation_with_dropout_test_case()
            full_cache = _cache_without_dropout(plain_X, plain_parameters)
            _, plain_cache = nn_core.forward_propagation(plain_X, plain_parameters)
            plain = nn_core.backward_propagation(plain_X, Y, plain_cache)
            _, at_one = call(check, backward_propagation_with_dropout, plain_X, Y, full_cache, 1.0)
            if check.ok:
                same = isinstance(at_one, dict) and all(matches(at_one.get(k), plain[k])
                                                       for k in ("dA2", "dA1", "dW1", "dW2", "dW3"))
                if not check.expect(same, "with keep_prob = 1 and masks of ones, the gradients should equal "
                                          "those of the plain backward pass"):
                    check.hint("use the argument keep_prob in step 2, not a fixed number")
        if check.ok:
            on_second_input(check, backward_propagation_with_dropout, stored,
                            same_gradients(("dA2", "dA1", "dW1", "db1", "dW2", "db2", "dW3", "db3")), None)
    return check.finish()
